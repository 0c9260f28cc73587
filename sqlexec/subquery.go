package sqlexec

import (
	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/opcode"
)

// Subqueries are decorrelated into joins, never run per row: EXISTS and
// IN become semi joins, NOT EXISTS and NOT IN anti joins, and a correlated
// scalar aggregate a group-by on the correlation keys joined back. Other
// forms are applied over pairs of rows (apply.go).

// correlation is a subquery's FROM and WHERE split against its outer
// query: the inner relation with the inner-only conditions applied, the
// equalities pairing outer and inner expressions, and the other conditions
// that read both sides.
type correlation struct {
	sel                  *ast.SelectStmt
	inner                *relation
	outerKeys, innerKeys []lazy.Expr
	residual             []ast.ExprNode
}

func (c *correlation) correlated() bool { return len(c.outerKeys) > 0 || len(c.residual) > 0 }

// simple reports a SELECT without grouping, aggregates, DISTINCT or LIMIT.
func simple(sel *ast.SelectStmt) bool {
	if sel.GroupBy != nil || sel.Having != nil || sel.Distinct || sel.Limit != nil || sel.With != nil {
		return false
	}
	for _, f := range sel.Fields.Fields {
		if f.Expr != nil && hasAggregate(f.Expr) {
			return false
		}
	}
	return true
}

type aggFinder struct{ found bool }

func (v *aggFinder) Enter(n ast.Node) (ast.Node, bool) {
	switch n.(type) {
	case *ast.AggregateFuncExpr:
		v.found = true
	case *ast.SubqueryExpr, *ast.WindowFuncExpr:
		return n, true
	}
	return n, v.found
}
func (v *aggFinder) Leave(n ast.Node) (ast.Node, bool) { return n, true }

func hasAggregate(e ast.ExprNode) bool {
	v := &aggFinder{}
	e.Accept(v)
	return v.found
}

// outerRefVisitor finds column references that resolve only in the outer relation.
type outerRefVisitor struct {
	items []*relation
	outer *relation
	found bool
}

func (v *outerRefVisitor) Enter(n ast.Node) (ast.Node, bool) {
	switch x := n.(type) {
	case *ast.ColumnNameExpr:
		for _, it := range v.items {
			if len(it.find(x.Name.Table.O, x.Name.Name.O)) > 0 {
				return n, false
			}
		}
		if v.outer != nil && len(v.outer.find(x.Name.Table.O, x.Name.Name.O)) > 0 {
			v.found = true
		}
	case *ast.SubqueryExpr:
		return n, true
	}
	return n, false
}
func (v *outerRefVisitor) Leave(n ast.Node) (ast.Node, bool) { return n, true }

func readsOuter(e ast.ExprNode, items []*relation, outer *relation) bool {
	v := &outerRefVisitor{items: items, outer: outer}
	e.Accept(v)
	return v.found
}

func readsOuterAny(e ast.ExprNode, items []*relation) bool {
	v := &refCounter{items: items}
	e.Accept(v)
	return v.unresolved > 0 || v.n == 0
}

type refCounter struct {
	items         []*relation
	n, unresolved int
}

func (v *refCounter) Enter(n ast.Node) (ast.Node, bool) {
	if x, ok := n.(*ast.ColumnNameExpr); ok {
		v.n++
		for _, it := range v.items {
			if len(it.find(x.Name.Table.O, x.Name.Name.O)) > 0 {
				return n, false
			}
		}
		v.unresolved++
	}
	if _, ok := n.(*ast.SubqueryExpr); ok {
		return n, true
	}
	return n, false
}
func (v *refCounter) Leave(n ast.Node) (ast.Node, bool) { return n, true }

// correlate compiles a subquery's FROM and WHERE against outer.
func (b *builder) correlate(q ast.ResultSetNode, outer *relation) (*correlation, error) {
	sel, ok := q.(*ast.SelectStmt)
	if !ok || sel.With != nil {
		return nil, nil // compiled whole: it may not read the outer query
	}
	if sel.From == nil {
		return nil, nil
	}
	items, err := b.fromItems(sel.From.TableRefs)
	if err != nil {
		return nil, err
	}
	c := &correlation{sel: sel}
	var plain, subs, outerAST, innerAST []ast.ExprNode
	for _, cond := range splitAnd(sel.Where) {
		if isSubqueryPredicate(cond) {
			subs = append(subs, cond)
			continue
		}
		if !readsOuter(cond, items, outer) {
			plain = append(plain, cond)
			continue
		}
		if l, r, ok := equality(cond); ok {
			switch {
			case outerOnly(l, items, outer) && !readsOuterAny(r, items):
				outerAST, innerAST = append(outerAST, l), append(innerAST, r)
				continue
			case outerOnly(r, items, outer) && !readsOuterAny(l, items):
				outerAST, innerAST = append(outerAST, r), append(innerAST, l)
				continue
			}
		}
		c.residual = append(c.residual, cond)
	}
	inner, plain, err := b.joinItems(items, plain)
	if err != nil {
		return nil, err
	}
	if inner, err = b.filter(inner, plain, "WHERE"); err != nil {
		return nil, err
	}
	for _, s := range subs {
		if inner, err = b.subqueryPredicate(inner, s); err != nil {
			return nil, err
		}
	}
	c.inner = inner
	// Translate the key pairs.
	ot := &translator{b: b, rel: outer, clause: "a correlated subquery"}
	it := &translator{b: b, rel: inner, clause: "a correlated subquery"}
	for i := range outerAST {
		o, err := ot.expr(outerAST[i])
		if err != nil {
			return nil, err
		}
		in, err := it.expr(innerAST[i])
		if err != nil {
			return nil, err
		}
		c.outerKeys, c.innerKeys = append(c.outerKeys, o), append(c.innerKeys, in)
	}
	return c, nil
}

// outerOnly reports that e reads columns, all of the outer query.
func outerOnly(e ast.ExprNode, items []*relation, outer *relation) bool {
	v := &refCounter{items: items}
	e.Accept(v)
	return v.n > 0 && v.unresolved == v.n && refs(e, outer)
}

// subqueryPredicate applies [NOT] EXISTS (…) or x [NOT] IN (SELECT …).
func (b *builder) subqueryPredicate(rel *relation, cond ast.ExprNode) (*relation, error) {
	negate := false
	e := stripParens(cond)
	for {
		u, ok := e.(*ast.UnaryOperationExpr)
		if !ok {
			break
		}
		negate = !negate
		e = stripParens(u.V)
	}
	switch x := e.(type) {
	case *ast.ExistsSubqueryExpr:
		sub, ok := x.Sel.(*ast.SubqueryExpr)
		if !ok {
			return nil, notSupported("EXISTS of %s", restore(x))
		}
		return b.exists(rel, sub, negate != x.Not)
	case *ast.PatternInExpr:
		sub, ok := x.Sel.(*ast.SubqueryExpr)
		if !ok {
			return nil, notSupported("IN of %s", restore(x))
		}
		return b.inSubquery(rel, x.Expr, sub, negate != x.Not)
	case *ast.CompareSubqueryExpr:
		if in, ok := asIn(x); ok {
			return b.inSubquery(rel, in.Expr, in.Sel.(*ast.SubqueryExpr), negate != in.Not)
		}
	}
	return nil, notSupported("the condition %s is not supported", restore(cond))
}

func semiOrAnti(not bool) lazy.JoinType {
	if not {
		return lazy.JoinAnti
	}
	return lazy.JoinSemi
}

func (b *builder) exists(rel *relation, sub *ast.SubqueryExpr, not bool) (*relation, error) {
	c, err := b.correlate(sub.Query, rel)
	if err != nil {
		return nil, err
	}
	if c == nil || !c.correlated() {
		// Uncorrelated: keep all rows or none, by the subquery's row count.
		j, n, err := b.joinRowCount(rel, sub)
		if err != nil {
			return nil, err
		}
		op := lazy.OpGt
		if not {
			op = lazy.OpEq
		}
		p, err := lazy.NewFilter(j.plan, bin(op, col(n), dyn(0)))
		if err != nil {
			return nil, err
		}
		return &relation{plan: p, cols: j.cols}, nil
	}
	if !simple(c.sel) {
		return nil, notSupported("a correlated EXISTS subquery with GROUP BY, aggregates, DISTINCT or LIMIT is not supported")
	}
	return b.semiJoin(rel, c, nil, nil, not)
}

// semiJoin keeps the rows of rel that have (not: have no) match in the
// correlated subquery, with extra key pairs. Conditions that are not
// equalities are checked on the joined pairs, each outer row identified
// by a row number.
func (b *builder) semiJoin(rel *relation, c *correlation, lk, rk []lazy.Expr, not bool) (*relation, error) {
	lk = append(append([]lazy.Expr{}, lk...), c.outerKeys...)
	rk = append(append([]lazy.Expr{}, rk...), c.innerKeys...)
	if len(c.residual) == 0 {
		return b.join(rel, c.inner, semiOrAnti(not), lk, rk)
	}
	if len(lk) > 0 {
		if out, ok, err := b.semiJoinNotEqual(rel, c, lk, rk, not); ok || err != nil {
			return out, err
		}
	}
	withIdx, pairs, rid, err := b.applyPairs(rel, &correlation{sel: c.sel, inner: c.inner, outerKeys: lk, innerKeys: rk, residual: c.residual})
	if err != nil {
		return nil, err
	}
	ids, err := lazy.NewProject(pairs.plan, []lazy.Expr{col(rid)})
	if err != nil {
		return nil, err
	}
	out, err := b.join(withIdx, &relation{plan: ids, cols: []column{{name: rid, phys: rid, hidden: true}}},
		semiOrAnti(not), []lazy.Expr{col(rid)}, []lazy.Expr{col(rid)})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// semiJoinNotEqual decorrelates a semi or anti join whose one non-equality
// condition is inner <> outer (TPC-H Q21: another supplier on the same
// order) without pairing rows: the inner side is grouped by its keys into
// the least and greatest non-null value of inner, and an outer row has a
// match exactly when y = outer is not null and min <> y OR max <> y (some
// non-null value differs from y; no non-null value leaves both null). So
// EXISTS is an inner join to the groups (one row per key) filtered on that,
// and NOT EXISTS a left join filtered on its negation with null as false.
// It applies when the two sides' types order as they compare (integers of
// one signedness, strings, dates, timestamps of one unit) and no key is a
// float; ok is false when it does not apply.
func (b *builder) semiJoinNotEqual(rel *relation, c *correlation, lk, rk []lazy.Expr, anti bool) (*relation, bool, error) {
	if len(c.residual) != 1 {
		return nil, false, nil
	}
	x, ok := stripParens(c.residual[0]).(*ast.BinaryOperationExpr)
	if !ok || x.Op != opcode.NE {
		return nil, false, nil
	}
	items := []*relation{c.inner}
	innerAST, outerAST := x.L, x.R
	if readsOuterAny(innerAST, items) {
		innerAST, outerAST = outerAST, innerAST
	}
	if readsOuterAny(innerAST, items) || !outerOnly(outerAST, items, rel) {
		return nil, false, nil
	}
	it := &translator{b: b, rel: c.inner, clause: "a correlated subquery"}
	ix, err := it.expr(innerAST)
	if err != nil || len(it.pending) > 0 {
		return nil, false, nil // the general path reports the error
	}
	ot := &translator{b: b, rel: rel, clause: "a correlated subquery"}
	oy, err := ot.expr(outerAST)
	if err != nil || len(ot.pending) > 0 {
		return nil, false, nil
	}
	if !orderedAlike(it.typeOf(ix), ot.typeOf(oy)) {
		return nil, false, nil
	}
	for i := range lk {
		// Float keys: 0.0 and -0.0 join but may group apart, and a row
		// must meet one group at most.
		lt, rt := ot.typeOf(lk[i]), it.typeOf(rk[i])
		if lt == nil || rt == nil || core.IsFloat(lt) || core.IsFloat(rt) {
			return nil, false, nil
		}
	}
	keys := make([]lazy.Expr, len(rk))
	keyCols := make([]lazy.Expr, len(rk))
	var cols []column
	for i, k := range rk {
		name := b.fresh("corr")
		keys[i] = &lazy.Alias{X: k, Name: name}
		keyCols[i] = col(name)
		cols = append(cols, column{name: name, phys: name, hidden: true})
	}
	lo, hi := b.fresh("min"), b.fresh("max")
	g, err := lazy.NewGroupBy(c.inner.plan, keys, []lazy.Expr{
		&lazy.Alias{X: &lazy.Agg{Func: lazy.AggMin, X: ix}, Name: lo},
		&lazy.Alias{X: &lazy.Agg{Func: lazy.AggMax, X: ix}, Name: hi},
	})
	if err != nil {
		return nil, false, nil
	}
	cols = append(cols, column{name: lo, phys: lo, hidden: true}, column{name: hi, phys: hi, hidden: true})
	how := lazy.JoinInner
	if anti {
		how = lazy.JoinLeft
	}
	j, err := b.join(rel, &relation{plan: g, cols: cols}, how, lk, keyCols)
	if err != nil {
		return nil, true, err
	}
	differs := bin(lazy.OpOr, bin(lazy.OpNotEq, col(lo), oy), bin(lazy.OpNotEq, col(hi), oy))
	if anti {
		differs = not(call("fill_null", nil, differs, &lazy.Literal{Value: false}))
	}
	p, err := lazy.NewFilter(j.plan, differs)
	if err != nil {
		return nil, true, err
	}
	return &relation{plan: p, cols: j.cols}, true, nil
}

// orderedAlike reports types whose values compare with <> as their min and
// max order them: min <> y or max <> y then says some value differs from y.
func orderedAlike(a, b arrow.DataType) bool {
	switch {
	case a == nil || b == nil:
		return false
	case core.IsString(a) && core.IsString(b):
		return true
	case core.IsInteger(a) && core.IsInteger(b):
		return core.IsUnsigned(a) == core.IsUnsigned(b)
	}
	switch a.ID() {
	case arrow.DATE32, arrow.DATE64, arrow.TIMESTAMP:
		return arrow.TypeEqual(a, b)
	}
	return false
}

// filterOnMark keeps the rows of rel where the IN subquery p is true.
func (b *builder) filterOnMark(rel *relation, p *pendingSub) (*relation, error) {
	m, err := b.markIn(rel, p)
	if err != nil {
		return nil, err
	}
	f, err := lazy.NewFilterPlan(m.plan, col(p.name))
	if err != nil {
		return nil, err
	}
	return &relation{plan: f, cols: m.cols}, nil
}

func (b *builder) inSubquery(rel *relation, lhs ast.ExprNode, sub *ast.SubqueryExpr, not bool) (*relation, error) {
	if row, ok := stripParens(lhs).(*ast.RowExpr); ok {
		return b.rowInSubquery(rel, row, sub, not)
	}
	t := &translator{b: b, rel: rel, clause: "IN"}
	x, err := t.expr(lhs)
	if err != nil {
		return nil, err
	}
	if len(t.pending) > 0 {
		return nil, notSupported("a scalar subquery on the left of IN (subquery) is not supported")
	}
	c, err := b.correlate(sub.Query, rel)
	if err != nil {
		return nil, err
	}
	if c != nil && c.correlated() {
		if !simple(c.sel) || len(c.sel.Fields.Fields) != 1 || c.sel.Fields.Fields[0].WildCard != nil {
			return nil, notSupported("a correlated IN subquery must select one expression without aggregates, DISTINCT or LIMIT")
		}
		it := &translator{b: b, rel: c.inner, clause: "the SELECT list of an IN subquery"}
		y, err := it.expr(c.sel.Fields.Fields[0].Expr)
		if err != nil {
			return nil, err
		}
		if not && (!b.nonNull(rel.plan, x) || !b.nonNull(c.inner.plan, y)) {
			// An anti join would keep the rows whose NOT IN is null.
			return b.filterOnMark(rel, &pendingSub{query: sub, name: b.fresh("in"), kind: subIn, lhs: lhs, not: not})
		}
		return b.semiJoin(rel, c, []lazy.Expr{x}, []lazy.Expr{y}, not)
	}
	q, err := b.query(sub.Query, nil)
	if err != nil {
		return nil, err
	}
	vis := q.visible()
	if len(vis) != 1 {
		return nil, core.Errorf(core.KindInvalidInput, "the subquery of IN must return one column, it returns %d", len(vis))
	}
	subPlan, err := q.output()
	if err != nil {
		return nil, err
	}
	y := col(vis[0].name)
	lx, ry, never, err := inKeys(x, y, typeIn(rel.plan, x), typeIn(subPlan, y), lhs)
	if err != nil {
		return nil, err
	}
	if never { // a null side: filter on the truth value
		return b.filterOnMark(rel, &pendingSub{query: sub, name: b.fresh("in"), kind: subIn, lhs: lhs, not: not})
	}
	subRel := newRelation(subPlan, "")
	if !not {
		return b.join(rel, subRel, lazy.JoinSemi, []lazy.Expr{lx}, []lazy.Expr{ry})
	}
	out, err := b.join(rel, subRel, lazy.JoinAnti, []lazy.Expr{lx}, []lazy.Expr{ry})
	if err != nil {
		return nil, err
	}
	if b.nonNull(rel.plan, x) && b.nonNull(subPlan, y) {
		return out, nil
	}
	// SQL's NOT IN: null when x is null (unless the subquery is empty) or
	// when the subquery holds a null and x is not in it.
	n, nulls := b.fresh("n"), b.fresh("nulls")
	stats, err := lazy.NewGroupBy(subPlan, nil, []lazy.Expr{
		&lazy.Alias{X: &lazy.Agg{Func: lazy.AggLen}, Name: n},
		&lazy.Alias{X: bin(lazy.OpSub, &lazy.Agg{Func: lazy.AggLen}, &lazy.Agg{Func: lazy.AggCount, X: y}), Name: nulls},
	})
	if err != nil {
		return nil, err
	}
	j, err := b.join(out, &relation{plan: stats, cols: []column{{name: n, phys: n, hidden: true}, {name: nulls, phys: nulls, hidden: true}}},
		lazy.JoinCross, nil, nil)
	if err != nil {
		return nil, err
	}
	cond := bin(lazy.OpAnd, bin(lazy.OpEq, col(nulls), dyn(0)),
		bin(lazy.OpOr, &lazy.Unary{Op: lazy.OpIsNotNull, X: x}, bin(lazy.OpEq, col(n), dyn(0))))
	p, err := lazy.NewFilter(j.plan, cond)
	if err != nil {
		return nil, err
	}
	return &relation{plan: p, cols: j.cols}, nil
}

// joinScalar joins the value of a scalar subquery to rel as column p.name.
func (b *builder) joinScalar(rel *relation, p *pendingSub) (*relation, error) {
	switch p.kind {
	case subExists:
		return b.markExists(rel, p)
	case subIn:
		return b.markIn(rel, p)
	}
	c, err := b.correlate(p.query.Query, rel)
	if err != nil {
		return nil, err
	}
	if c == nil || !c.correlated() {
		sel, isSel := p.query.Query.(*ast.SelectStmt)
		if !isSel || !oneRow(sel) {
			return nil, notSupported("a scalar subquery must be an aggregate without GROUP BY, HAVING or LIMIT here, "+
				"so that it gives exactly one row (in %s)", restore(p.query))
		}
		q, err := b.query(sel, nil)
		if err != nil {
			return nil, err
		}
		vis := q.visible()
		if len(vis) != 1 {
			return nil, core.Errorf(core.KindInvalidInput, "a scalar subquery must return one column, it returns %d", len(vis))
		}
		v, err := lazy.NewProject(q.plan, []lazy.Expr{&lazy.Alias{X: col(vis[0].phys), Name: p.name}})
		if err != nil {
			return nil, err
		}
		return b.join(rel, &relation{plan: v, cols: []column{{name: p.name, phys: p.name, hidden: true}}}, lazy.JoinCross, nil, nil)
	}
	sel := c.sel
	if !oneRow(sel) || len(sel.Fields.Fields) != 1 || sel.Fields.Fields[0].WildCard != nil {
		return nil, notSupported("a correlated scalar subquery must select one aggregate without GROUP BY, HAVING or LIMIT")
	}
	if len(c.residual) > 0 {
		return b.applyScalar(rel, p, c)
	}
	t := &translator{b: b, rel: c.inner, allowAgg: true, clause: "a scalar subquery"}
	v, err := t.expr(sel.Fields.Fields[0].Expr)
	if err != nil {
		return nil, err
	}
	if len(t.pending) > 0 {
		return nil, notSupported("a subquery inside a correlated scalar subquery's SELECT list is not supported")
	}
	counts := false
	lazy.Walk(v, func(x lazy.Expr) bool {
		if a, ok := x.(*lazy.Agg); ok && (a.Func == lazy.AggCount || a.Func == lazy.AggLen || a.Func == lazy.AggNUnique) {
			counts = true
		}
		return true
	})
	keys := make([]lazy.Expr, len(c.innerKeys))
	keyCols := make([]lazy.Expr, len(c.innerKeys))
	cols := []column{}
	for i, k := range c.innerKeys {
		name := b.fresh("corr")
		keys[i] = &lazy.Alias{X: k, Name: name}
		keyCols[i] = col(name)
		cols = append(cols, column{name: name, phys: name, hidden: true})
	}
	if counts {
		return b.joinScalarCount(rel, p, c, v, keys, keyCols, cols)
	}
	g, err := lazy.NewGroupBy(c.inner.plan, keys, []lazy.Expr{&lazy.Alias{X: v, Name: p.name}})
	if err != nil {
		return nil, err
	}
	cols = append(cols, column{name: p.name, phys: p.name, hidden: true})
	return b.join(rel, &relation{plan: g, cols: cols}, lazy.JoinLeft, c.outerKeys, keyCols)
}

// joinScalarCount joins a correlated scalar subquery that counts: over no
// matching row COUNT is 0, not null. Each aggregate of v is computed per
// key as its own column, the groups are left joined, and v is evaluated
// over the joined columns, where an outer row without a group reads each
// aggregate's value over no rows: 0 for counts, false for any, true for
// all (COUNT(DISTINCT x) subtracts any(x is null)), null for the others.
func (b *builder) joinScalarCount(rel *relation, p *pendingSub, c *correlation, v lazy.Expr,
	keys, keyCols []lazy.Expr, cols []column) (*relation, error) {
	var aggs []lazy.Expr
	outer := lazy.Transform(v, func(x lazy.Expr) lazy.Expr {
		a, ok := x.(*lazy.Agg)
		if !ok {
			return x
		}
		name := b.fresh("agg")
		aggs = append(aggs, &lazy.Alias{X: a, Name: name})
		cols = append(cols, column{name: name, phys: name, hidden: true})
		switch a.Func { // the value over no rows, where it is not null
		case lazy.AggCount, lazy.AggLen, lazy.AggNUnique:
			return call("fill_null", nil, col(name), dyn(0))
		case lazy.AggAny:
			return call("fill_null", nil, col(name), &lazy.Literal{Value: false})
		case lazy.AggAll:
			return call("fill_null", nil, col(name), &lazy.Literal{Value: true})
		}
		return col(name)
	})
	g, err := lazy.NewGroupBy(c.inner.plan, keys, aggs)
	if err != nil {
		return nil, err
	}
	j, err := b.join(rel, &relation{plan: g, cols: cols}, lazy.JoinLeft, c.outerKeys, keyCols)
	if err != nil {
		return nil, err
	}
	wp, err := lazy.NewWithColumns(j.plan, []lazy.Expr{&lazy.Alias{X: outer, Name: p.name}})
	if err != nil {
		return nil, err
	}
	return &relation{plan: wp, cols: append(j.cols, column{name: p.name, phys: p.name, hidden: true})}, nil
}

// oneRow reports a SELECT that always gives exactly one row: aggregates
// without GROUP BY, HAVING or LIMIT.
func oneRow(sel *ast.SelectStmt) bool {
	if sel.GroupBy != nil || sel.Having != nil || sel.Limit != nil || sel.Fields == nil {
		return false
	}
	for _, f := range sel.Fields.Fields {
		if f.WildCard != nil || !hasAggregate(f.Expr) {
			return false
		}
	}
	return true
}

// asIn reads x = ANY (subquery) as x IN (subquery) and x <> ALL (subquery)
// as x NOT IN (subquery), which they are in SQL, nulls included.
func asIn(x *ast.CompareSubqueryExpr) (*ast.PatternInExpr, bool) {
	sub, ok := x.R.(*ast.SubqueryExpr)
	if !ok || (x.Op != opcode.EQ || x.All) && (x.Op != opcode.NE || !x.All) {
		return nil, false
	}
	return &ast.PatternInExpr{Expr: x.L, Sel: sub, Not: x.All}, true
}

// quantified translates x op ANY|SOME|ALL (subquery) from four aggregates
// of the subquery's column v: COUNT(*), COUNT(v), MIN(v) and MAX(v), each an
// uncorrelated scalar subquery. SQL's answer, nulls included:
//
//   - ANY: false over no rows; true when x op v holds for the extreme value
//     that decides it (MIN(v) for > and >=, MAX(v) for < and <=; for <>,
//     MIN(v) or MAX(v) differing from x); else null when v has a null (or x
//     is null), else false;
//   - ALL: true over no rows; false when x op v fails for the deciding
//     extreme (MAX(v) for > and >=, MIN(v) for < and <=; for =, MIN(v) or
//     MAX(v) differing from x); else null when v has a null (or x is
//     null), else true.
//
// = ANY and <> ALL are IN and NOT IN.
// simpleValueQuery is q when it is SELECT [DISTINCT] v FROM … [WHERE …]
// [ORDER BY …] with one value that holds no aggregate or window function,
// and no GROUP BY, HAVING, LIMIT or set operation: its rows are the rows
// of its FROM and WHERE (up to DISTINCT), so COUNT, MIN and MAX of v over
// them are those of its result (the quantified comparisons' needs).
func simpleValueQuery(q ast.ResultSetNode) (*ast.SelectStmt, bool) {
	sel, ok := q.(*ast.SelectStmt)
	if !ok || sel.Fields == nil || len(sel.Fields.Fields) != 1 || sel.Fields.Fields[0].WildCard != nil ||
		sel.WindowSpecs != nil {
		return nil, false
	}
	// simple() refuses DISTINCT, which changes none of the aggregates
	// here; a copy is asked (a prepared statement's tree is shared).
	plain := *sel
	plain.Distinct = false
	ok = simple(&plain)
	w := &windowFinder{}
	sel.Fields.Fields[0].Expr.Accept(w)
	return sel, ok && !w.found
}

// windowFinder finds a window function outside nested subqueries.
type windowFinder struct{ found bool }

func (v *windowFinder) Enter(n ast.Node) (ast.Node, bool) {
	switch n.(type) {
	case *ast.WindowFuncExpr:
		v.found = true
		return n, true
	case *ast.SubqueryExpr:
		return n, true
	}
	return n, false
}
func (v *windowFinder) Leave(n ast.Node) (ast.Node, bool) { return n, true }

func (t *translator) quantified(x *ast.CompareSubqueryExpr) (lazy.Expr, error) {
	if in, ok := asIn(x); ok {
		return t.expr(in)
	}
	sub, ok := x.R.(*ast.SubqueryExpr)
	if !ok {
		return nil, notSupported("ANY / ALL of %s; write a subquery", restore(x.R))
	}
	quant := "ANY"
	if x.All {
		quant = "ALL"
	}
	switch x.Op {
	case opcode.EQ, opcode.NE, opcode.LT, opcode.LE, opcode.GT, opcode.GE:
	default:
		return nil, notSupported("%s with %s (in %s)", quant, x.Op.String(), restore(x))
	}
	l, err := t.expr(x.L)
	if err != nil {
		return nil, err
	}
	alias := t.b.fresh("quantified")
	agg := func(f string, star bool) (lazy.Expr, error) {
		var arg ast.ExprNode = &ast.ColumnNameExpr{Name: &ast.ColumnName{Table: ast.NewCIStr(alias), Name: ast.NewCIStr("v")}}
		if star {
			arg = ast.NewValueExpr(int64(1), "", "")
		}
		ts := &ast.TableSource{Source: sub.Query, AsName: ast.NewCIStr(alias), ColumnNames: []ast.CIStr{ast.NewCIStr("v")}}
		sel := &ast.SelectStmt{Kind: ast.SelectStmtKindSelect,
			From:   &ast.TableRefsClause{TableRefs: &ast.Join{Left: ts}},
			Fields: &ast.FieldList{Fields: []*ast.SelectField{{Expr: &ast.AggregateFuncExpr{F: f, Args: []ast.ExprNode{arg}}}}}}
		return t.expr(&ast.SubqueryExpr{Query: sel})
	}
	if c, err := t.b.correlate(sub.Query, t.rel); err != nil {
		return nil, err
	} else if c != nil && c.correlated() {
		// Correlated: the same four aggregates, each a correlated scalar
		// subquery over the subquery's own FROM and WHERE (its value
		// aggregated in place of its select list), which apply.go plans
		// as it plans any correlated aggregate.
		sel, ok := simpleValueQuery(sub.Query)
		if !ok {
			return nil, notSupported("%s over a correlated subquery with GROUP BY, HAVING, LIMIT, aggregates or "+
				"a set operation is not supported (in %s); write [NOT] EXISTS with the comparison in the subquery's WHERE",
				quant, restore(x))
		}
		agg = func(f string, star bool) (lazy.Expr, error) {
			arg := sel.Fields.Fields[0].Expr
			if star {
				arg = ast.NewValueExpr(int64(1), "", "")
			}
			q := *sel
			q.Distinct, q.OrderBy = false, nil // neither changes the count, the nulls, MIN or MAX
			q.Fields = &ast.FieldList{Fields: []*ast.SelectField{{Expr: &ast.AggregateFuncExpr{F: f, Args: []ast.ExprNode{arg}}}}}
			return t.expr(&ast.SubqueryExpr{Query: &q})
		}
	}
	cnt, err := agg("count", true)
	if err != nil {
		return nil, err
	}
	nonNull, err := agg("count", false)
	if err != nil {
		return nil, err
	}
	lo, err := agg("min", false)
	if err != nil {
		return nil, err
	}
	hi, err := agg("max", false)
	if err != nil {
		return nil, err
	}
	cmp := func(op lazy.BinaryOp, a, b lazy.Expr) (lazy.Expr, error) {
		a, b, err := t.comparable(a, b)
		if err != nil {
			return nil, err
		}
		return bin(op, a, b), nil
	}
	ops := map[opcode.Op]lazy.BinaryOp{opcode.EQ: lazy.OpEq, opcode.NE: lazy.OpNotEq, opcode.LT: lazy.OpLt,
		opcode.LE: lazy.OpLtEq, opcode.GT: lazy.OpGt, opcode.GE: lazy.OpGtEq}
	op := ops[x.Op]
	// decided: the condition that settles the answer (true for ANY, false
	// for ALL) whatever the nulls; last: x op v at the extreme, the answer
	// when nothing settled it and v has no null.
	var decided, last lazy.Expr
	if x.Op == opcode.EQ || x.Op == opcode.NE {
		// = ALL fails and <> ANY holds when x differs from some value.
		a, err := cmp(lazy.OpNotEq, l, lo)
		if err != nil {
			return nil, err
		}
		b, err := cmp(lazy.OpNotEq, l, hi)
		if err != nil {
			return nil, err
		}
		decided = bin(lazy.OpOr, a, b)
		if last, err = cmp(op, l, lo); err != nil {
			return nil, err
		}
	} else {
		greater := x.Op == opcode.GT || x.Op == opcode.GE
		ext := lo
		if greater == x.All {
			ext = hi
		}
		if last, err = cmp(op, l, ext); err != nil {
			return nil, err
		}
		decided = last
		if x.All {
			decided = not(last)
		}
	}
	hasNull := bin(lazy.OpNotEq, cnt, nonNull)
	empty := bin(lazy.OpEq, cnt, dyn(0))
	settled := &lazy.Literal{Value: !x.All}
	return when(when(when(last, hasNull, nullLit()), decided, settled), empty, &lazy.Literal{Value: x.All}), nil
}

// rowInSubquery is (a, b, …) [NOT] IN (SELECT c, d, … ) in WHERE: a semi
// join on all the pairs (a row with a null component matches nothing, so
// its IN is null or false, and WHERE drops it either way), or an anti join
// for NOT IN when no column can hold a null (otherwise NOT IN can be null
// where an anti join keeps the row).
func (b *builder) rowInSubquery(rel *relation, row *ast.RowExpr, sub *ast.SubqueryExpr, not bool) (*relation, error) {
	t := &translator{b: b, rel: rel, clause: "IN"}
	xs, err := t.exprs(row.Values)
	if err != nil {
		return nil, err
	}
	if len(t.pending) > 0 {
		return nil, notSupported("a scalar subquery on the left of IN (subquery) is not supported")
	}
	if c, err := b.correlate(sub.Query, rel); err != nil {
		return nil, err
	} else if c != nil && c.correlated() {
		return nil, notSupported("a row value IN a correlated subquery is not supported (in %s); "+
			"write EXISTS (SELECT … WHERE c = a AND d = b …)", restore(row))
	}
	q, err := b.query(sub.Query, nil)
	if err != nil {
		return nil, err
	}
	vis := q.visible()
	if len(vis) != len(xs) {
		return nil, core.Errorf(core.KindInvalidInput,
			"%s has %d values but the subquery of IN returns %d columns", restore(row), len(xs), len(vis))
	}
	subPlan, err := q.output()
	if err != nil {
		return nil, err
	}
	var lks, rks []lazy.Expr
	nullable := false
	for i, x := range xs {
		y := col(vis[i].name)
		lx, ry, never, err := inKeys(x, y, typeIn(rel.plan, x), typeIn(subPlan, y), row.Values[i])
		if err != nil {
			return nil, err
		}
		if never {
			return nil, notSupported("a NULL in a row value IN (subquery) is not supported (in %s)", restore(row))
		}
		nullable = nullable || !b.nonNull(rel.plan, x) || !b.nonNull(subPlan, y)
		lks, rks = append(lks, lx), append(rks, ry)
	}
	if not && nullable {
		return nil, notSupported("NOT IN with a row value over columns that may hold nulls is not supported (in %s); "+
			"write NOT EXISTS (SELECT … WHERE c = a AND d = b …), which differs from NOT IN where nulls are", restore(row))
	}
	return b.join(rel, newRelation(subPlan, ""), semiOrAnti(not), lks, rks)
}
