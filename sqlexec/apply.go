package sqlexec

import (
	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/test_driver"
)

// Subqueries that cannot be a semi join or a group-by on equality keys
// (EXISTS and IN inside expressions, correlations other than equalities)
// are applied: each outer row, numbered, is paired with the subquery rows
// that satisfy the correlation (joined on its equalities, all pairs when
// there are none, the other conditions filtered on the pairs), the pairs
// are aggregated per outer row, and the result is left joined back by the
// row number. Without equalities the pairs are the cross product: the
// time is O(n*m), as in the nested loops of DuckDB and SQLite, but the
// executor's cross join makes the pairs in bounded blocks that the filter
// and the aggregation consume as they come (lazy/exec/cross_join.go), so
// memory stays O(n + m) and the query can be cancelled between blocks.

// applyPairs numbers rel's rows in a hidden column rid (withIdx) and pairs
// them with the correlated subquery's rows. In the pairs, names resolve to
// the subquery's own columns first (column.outer).
func (b *builder) applyPairs(rel *relation, c *correlation) (withIdx, pairs *relation, rid string, err error) {
	rid = b.fresh("row")
	idx, err := lazy.NewRowIndex(rel.plan, rid, 0)
	if err != nil {
		return nil, nil, "", err
	}
	withIdx = &relation{plan: idx, cols: append([]column{{name: rid, phys: rid, hidden: true}}, rel.cols...)}
	outer := &relation{plan: idx, cols: make([]column, len(withIdx.cols))}
	for i, col := range withIdx.cols {
		col.outer = true
		outer.cols[i] = col
	}
	how := lazy.JoinInner
	if len(c.outerKeys) == 0 {
		how = lazy.JoinCross
	}
	if pairs, err = b.join(outer, c.inner, how, c.outerKeys, c.innerKeys); err != nil {
		return nil, nil, "", err
	}
	if pairs, err = b.filter(pairs, c.residual, "a correlated subquery"); err != nil {
		return nil, nil, "", err
	}
	return withIdx, pairs, rid, nil
}

// perRow groups the pairs by the outer row number into aggs and left joins
// the groups back to withIdx: outer rows without pairs read null.
func (b *builder) perRow(withIdx, pairs *relation, rid string, aggs []lazy.Expr) (*relation, error) {
	key := b.fresh("corr")
	g, err := lazy.NewGroupBy(pairs.plan, []lazy.Expr{&lazy.Alias{X: col(rid), Name: key}}, aggs)
	if err != nil {
		return nil, err
	}
	cols := []column{{name: key, phys: key, hidden: true}}
	for _, a := range aggs {
		n := lazy.OutputName(a)
		cols = append(cols, column{name: n, phys: n, hidden: true})
	}
	return b.join(withIdx, &relation{plan: g, cols: cols}, lazy.JoinLeft, []lazy.Expr{col(rid)}, []lazy.Expr{col(key)})
}

// withColumn adds the hidden column name = e to rel.
func withColumn(rel *relation, name string, e lazy.Expr) (*relation, error) {
	p, err := lazy.NewWithColumns(rel.plan, []lazy.Expr{&lazy.Alias{X: e, Name: name}})
	if err != nil {
		return nil, err
	}
	cols := append(append([]column{}, rel.cols...), column{name: name, phys: name, hidden: true})
	return &relation{plan: p, cols: cols}, nil
}

// applyScalar joins a correlated scalar aggregate whose correlation is not
// only equalities: the aggregate of each outer row's pairs, with COUNT
// over no pairs 0 (joinScalarCount).
func (b *builder) applyScalar(rel *relation, p *pendingSub, c *correlation) (*relation, error) {
	withIdx, pairs, rid, err := b.applyPairs(rel, c)
	if err != nil {
		return nil, err
	}
	t := &translator{b: b, rel: pairs, allowAgg: true, clause: "a scalar subquery"}
	v, err := t.expr(c.sel.Fields.Fields[0].Expr)
	if err != nil {
		return nil, err
	}
	if len(t.pending) > 0 {
		return nil, notSupported("a subquery inside a correlated scalar subquery's SELECT list is not supported")
	}
	key := b.fresh("corr")
	per := &correlation{inner: pairs, outerKeys: []lazy.Expr{col(rid)}}
	return b.joinScalarCount(withIdx, p, per, v,
		[]lazy.Expr{&lazy.Alias{X: col(rid), Name: key}}, []lazy.Expr{col(key)}, []column{{name: key, phys: key, hidden: true}})
}

// markExists adds p.name, the truth of [NOT] EXISTS (subquery) per row.
func (b *builder) markExists(rel *relation, p *pendingSub) (*relation, error) {
	c, err := b.correlate(p.query.Query, rel)
	if err != nil {
		return nil, err
	}
	if c == nil || !c.correlated() {
		j, n, err := b.joinRowCount(rel, p.query)
		if err != nil {
			return nil, err
		}
		op := lazy.OpGt
		if p.not {
			op = lazy.OpEq
		}
		return withColumn(j, p.name, bin(op, col(n), dyn(0)))
	}
	if !simple(c.sel) {
		return nil, notSupported("a correlated EXISTS subquery with GROUP BY, aggregates, DISTINCT or LIMIT is not supported")
	}
	withIdx, pairs, rid, err := b.applyPairs(rel, c)
	if err != nil {
		return nil, err
	}
	hits := b.fresh("hits")
	j, err := b.perRow(withIdx, pairs, rid, []lazy.Expr{&lazy.Alias{X: &lazy.Agg{Func: lazy.AggLen}, Name: hits}})
	if err != nil {
		return nil, err
	}
	op := lazy.OpIsNotNull
	if p.not {
		op = lazy.OpIsNull
	}
	return withColumn(j, p.name, &lazy.Unary{Op: op, X: col(hits)})
}

// joinRowCount cross joins the row count of an uncorrelated subquery to
// rel as the hidden column n.
func (b *builder) joinRowCount(rel *relation, sub *ast.SubqueryExpr) (*relation, string, error) {
	q, err := b.query(sub.Query, nil)
	if err != nil {
		return nil, "", err
	}
	n := b.fresh("exists")
	cnt, err := lazy.NewGroupBy(q.plan, nil, []lazy.Expr{&lazy.Alias{X: &lazy.Agg{Func: lazy.AggLen}, Name: n}})
	if err != nil {
		return nil, "", err
	}
	j, err := b.join(rel, &relation{plan: cnt, cols: []column{{name: n, phys: n, hidden: true}}}, lazy.JoinCross, nil, nil)
	return j, n, err
}

// markIn adds p.name, the truth of x [NOT] IN (subquery) per row in SQL's
// three-valued logic: true when some subquery value equals x, false when
// the subquery is empty, else null when x or some subquery value is null,
// else false.
func (b *builder) markIn(rel *relation, p *pendingSub) (*relation, error) {
	t := &translator{b: b, rel: rel, clause: "IN"}
	x, err := t.expr(p.lhs)
	if err != nil {
		return nil, err
	}
	if len(t.pending) > 0 {
		return nil, notSupported("a subquery on the left of IN (subquery) is not supported")
	}
	xn := b.fresh("lhs")
	if rel, err = withColumn(rel, xn, x); err != nil {
		return nil, err
	}
	c, err := b.correlate(p.query.Query, rel)
	if err != nil {
		return nil, err
	}
	var j *relation
	var found, empty, nulls lazy.Expr
	if c != nil && c.correlated() {
		if !simple(c.sel) || len(c.sel.Fields.Fields) != 1 || c.sel.Fields.Fields[0].WildCard != nil {
			return nil, notSupported("a correlated IN subquery must select one expression without aggregates, DISTINCT or LIMIT")
		}
		withIdx, pairs, rid, err := b.applyPairs(rel, c)
		if err != nil {
			return nil, err
		}
		yt := &translator{b: b, rel: pairs, clause: "the SELECT list of an IN subquery"}
		y, err := yt.expr(c.sel.Fields.Fields[0].Expr)
		if err != nil {
			return nil, err
		}
		if len(yt.pending) > 0 {
			return nil, notSupported("a subquery in the SELECT list of a correlated IN subquery is not supported")
		}
		m, hn := b.fresh("match"), b.fresh("nulls")
		eq := call("fill_null", nil, bin(lazy.OpEq, col(xn), y), &lazy.Literal{Value: false})
		if j, err = b.perRow(withIdx, pairs, rid, []lazy.Expr{
			&lazy.Alias{X: &lazy.Agg{Func: lazy.AggAny, X: eq}, Name: m},
			&lazy.Alias{X: &lazy.Agg{Func: lazy.AggAny, X: &lazy.Unary{Op: lazy.OpIsNull, X: y}}, Name: hn},
		}); err != nil {
			return nil, err
		}
		found = call("fill_null", nil, col(m), &lazy.Literal{Value: false})
		empty, nulls = &lazy.Unary{Op: lazy.OpIsNull, X: col(m)}, col(hn)
	} else if j, found, empty, nulls, err = b.inUncorrelated(rel, xn, p.lhs, p.query); err != nil {
		return nil, err
	}
	v := when(&lazy.Literal{Value: false},
		found, &lazy.Literal{Value: true},
		empty, &lazy.Literal{Value: false},
		bin(lazy.OpOr, &lazy.Unary{Op: lazy.OpIsNull, X: col(xn)}, nulls), &lazy.Literal{Value: nil},
	)
	if p.not {
		v = not(v)
	}
	return withColumn(j, p.name, v)
}

// inUncorrelated joins to rel what x IN (subquery) needs of an
// uncorrelated subquery without pairing rows: whether the row's x (column
// xn) is among the values (a semi join, by row number), and the values'
// count and null count.
func (b *builder) inUncorrelated(rel *relation, xn string, lhs ast.ExprNode, sub *ast.SubqueryExpr) (j *relation, found, empty, nulls lazy.Expr, err error) {
	q, err := b.query(sub.Query, nil)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	vis := q.visible()
	if len(vis) != 1 {
		return nil, nil, nil, nil, core.Errorf(core.KindInvalidInput, "the subquery of IN must return one column, it returns %d", len(vis))
	}
	subPlan, err := q.output()
	if err != nil {
		return nil, nil, nil, nil, err
	}
	y := col(vis[0].name)
	if j, found, err = b.markFound(rel, xn, lhs, subPlan, y); err != nil {
		return nil, nil, nil, nil, err
	}
	n, nn := b.fresh("n"), b.fresh("nulls")
	stats, err := lazy.NewGroupBy(subPlan, nil, []lazy.Expr{
		&lazy.Alias{X: &lazy.Agg{Func: lazy.AggLen}, Name: n},
		&lazy.Alias{X: bin(lazy.OpSub, &lazy.Agg{Func: lazy.AggLen}, &lazy.Agg{Func: lazy.AggCount, X: y}), Name: nn},
	})
	if err != nil {
		return nil, nil, nil, nil, err
	}
	if j, err = b.join(j, &relation{plan: stats, cols: []column{{name: n, phys: n, hidden: true}, {name: nn, phys: nn, hidden: true}}},
		lazy.JoinCross, nil, nil); err != nil {
		return nil, nil, nil, nil, err
	}
	return j, found, bin(lazy.OpEq, col(n), dyn(0)), bin(lazy.OpGt, col(nn), dyn(0)), nil
}

// markFound joins to rel whether its x (column xn) is among the values y
// of subPlan: a semi join keeps the numbers of the rows that are, and a
// left join on the number marks them.
func (b *builder) markFound(rel *relation, xn string, lhs ast.ExprNode, subPlan lazy.Plan, y lazy.Expr) (*relation, lazy.Expr, error) {
	lx, ry, never, err := inKeys(col(xn), y, typeIn(rel.plan, col(xn)), typeIn(subPlan, y), lhs)
	if err != nil || never {
		return rel, &lazy.Literal{Value: false}, err
	}
	rid := b.fresh("row")
	idx, err := lazy.NewRowIndex(rel.plan, rid, 0)
	if err != nil {
		return nil, nil, err
	}
	withIdx := &relation{plan: idx, cols: append([]column{{name: rid, phys: rid, hidden: true}}, rel.cols...)}
	semi, err := b.join(withIdx, newRelation(subPlan, ""), lazy.JoinSemi, []lazy.Expr{lx}, []lazy.Expr{ry})
	if err != nil {
		return nil, nil, err
	}
	key, hit := b.fresh("corr"), b.fresh("hit")
	ids, err := lazy.NewProject(semi.plan, []lazy.Expr{
		&lazy.Alias{X: col(rid), Name: key}, &lazy.Alias{X: &lazy.Literal{Value: true}, Name: hit}})
	if err != nil {
		return nil, nil, err
	}
	j, err := b.join(withIdx, &relation{plan: ids, cols: []column{{name: key, phys: key, hidden: true}, {name: hit, phys: hit, hidden: true}}},
		lazy.JoinLeft, []lazy.Expr{col(rid)}, []lazy.Expr{col(key)})
	if err != nil {
		return nil, nil, err
	}
	return j, &lazy.Unary{Op: lazy.OpIsNotNull, X: col(hit)}, nil
}

// typeIn is e's type over p's schema, nil when it does not resolve.
func typeIn(p lazy.Plan, e lazy.Expr) arrow.DataType {
	r, err := lazy.Resolve(e, p.Schema())
	if err != nil {
		return nil
	}
	return r.DataType()
}

// inKeys makes the join keys of x IN (subquery) comparable as SQL compares
// them (the join itself pairs only keys of one kind): an integer meets a
// float as Float64. never reports a side of type Null, which equals
// nothing; other mixes are an error naming the left side.
func inKeys(x, y lazy.Expr, xt, yt arrow.DataType, lhs ast.ExprNode) (lx, ry lazy.Expr, never bool, err error) {
	switch {
	case xt == nil || yt == nil:
		return x, y, false, nil // the join reports it
	case xt.ID() == arrow.NULL || yt.ID() == arrow.NULL:
		return x, y, true, nil
	case core.IsNumeric(xt) && core.IsNumeric(yt) && core.IsFloat(xt) != core.IsFloat(yt):
		f := arrow.PrimitiveTypes.Float64
		return &lazy.Cast{X: x, To: f}, &lazy.Cast{X: y, To: f}, false, nil
	case core.IsNumeric(xt) != core.IsNumeric(yt) || core.IsString(xt) != core.IsString(yt):
		return nil, nil, false, core.Errorf(core.KindSchema,
			"IN compares %s (%s) with a subquery of %s values; cast one side to the other's type",
			exprText(lhs), core.DTypeName(xt), core.DTypeName(yt)).With("value", exprText(lhs))
	}
	return x, y, false, nil
}

// exprText shows an expression in messages, a string constant quoted
// without the parser's charset prefix.
func exprText(n ast.ExprNode) string {
	if v, ok := stripParens(n).(*test_driver.ValueExpr); ok {
		if s, ok := v.GetValue().(string); ok {
			return "'" + s + "'"
		}
	}
	return restore(n)
}
