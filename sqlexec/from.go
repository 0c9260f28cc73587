package sqlexec

import (
	"strings"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/pingcap/tidb/pkg/parser/ast"
)

// dual is the one-row, no-column input of a SELECT without FROM (a hidden
// helper column stands in, as a plan always has one).
func dual() *relation {
	schema := arrow.NewSchema([]arrow.Field{{Name: "__dual", Type: arrow.PrimitiveTypes.Int8}}, nil)
	bld := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer bld.Release()
	bld.Field(0).(*array.Int8Builder).Append(0)
	rec := bld.NewRecordBatch()
	t := core.NewTable(schema, []arrow.RecordBatch{rec})
	return &relation{plan: lazy.NewScan(t), cols: []column{{name: "__dual", phys: "__dual", hidden: true}}}
}

// fromItems lists the relations of a FROM clause: comma-separated (and
// CROSS JOIN) items stay apart so that the WHERE clause's equalities can
// join them; an explicit JOIN … ON/USING is one item.
func (b *builder) fromItems(n ast.ResultSetNode) ([]*relation, error) {
	j, ok := n.(*ast.Join)
	if !ok {
		r, err := b.fromItem(n)
		if err != nil {
			return nil, err
		}
		return []*relation{r}, nil
	}
	if j.Right == nil {
		return b.fromItems(j.Left)
	}
	if j.Tp == ast.CrossJoin && j.On == nil && len(j.Using) == 0 && !j.NaturalJoin {
		l, err := b.fromItems(j.Left)
		if err != nil {
			return nil, err
		}
		r, err := b.fromItems(j.Right)
		if err != nil {
			return nil, err
		}
		return append(l, r...), nil
	}
	r, err := b.explicitJoin(j)
	if err != nil {
		return nil, err
	}
	return []*relation{r}, nil
}

// fromRel compiles a FROM item to one relation.
func (b *builder) fromRel(n ast.ResultSetNode) (*relation, error) {
	items, err := b.fromItems(n)
	if err != nil {
		return nil, err
	}
	rel, _, err := b.joinItems(items, nil)
	return rel, err
}

func (b *builder) fromItem(n ast.ResultSetNode) (*relation, error) {
	ts, ok := n.(*ast.TableSource)
	if !ok {
		return nil, notSupported("FROM item %s is not supported", restore(n))
	}
	if ts.Lateral {
		return nil, notSupported("LATERAL is not supported")
	}
	alias := ts.AsName.O
	switch src := ts.Source.(type) {
	case *ast.TableName:
		if src.Schema.O != "" {
			return nil, notSupported("schema-qualified table names such as %s.%s are not supported", src.Schema.O, src.Name.O)
		}
		if alias == "" {
			alias = src.Name.O
		}
		if c, ok := b.lookupCTE(src.Name.L); ok {
			return newRelation(c.rel.plan, alias), nil
		}
		if f, ok := b.funcs[src.Name.L]; ok {
			if alias == src.Name.O {
				alias = strings.TrimSuffix(lastPathPart(f.path), ".parquet")
			}
			if b.opener == nil {
				return nil, notSupported("read_%s is not available here", f.kind)
			}
			s, err := b.opener.Open(f.kind, f.path, map[string]any{})
			if err != nil {
				return nil, err
			}
			return newRelation(lazy.NewScan(s), alias), nil
		}
		p, ok := b.tables[src.Name.L]
		if !ok {
			avail := append([]string{}, b.tableNames...)
			for _, m := range b.ctes {
				for name := range m {
					avail = append(avail, name)
				}
			}
			return nil, tableNotFound(src.Name.O, avail, "table")
		}
		return newRelation(p, alias), nil
	case *ast.SelectStmt, *ast.SetOprStmt:
		rel, err := b.query(src, nil)
		if err != nil {
			return nil, err
		}
		if len(ts.ColumnNames) > 0 {
			if rel, err = renameColumns(rel, ts.ColumnNames, "derived table "+alias); err != nil {
				return nil, err
			}
		}
		p, err := rel.output()
		if err != nil {
			return nil, err
		}
		return newRelation(p, alias), nil
	case *ast.Join:
		items, err := b.fromItems(src)
		if err != nil {
			return nil, err
		}
		rel, _, err := b.joinItems(items, nil)
		if err != nil {
			return nil, err
		}
		if alias != "" {
			for i := range rel.cols {
				rel.cols[i].qual = strings.ToLower(alias)
			}
		}
		return rel, nil
	}
	return nil, notSupported("FROM item %s is not supported", restore(ts))
}

func lastPathPart(p string) string {
	if i := strings.LastIndexAny(p, "/\\"); i >= 0 {
		return p[i+1:]
	}
	return p
}

// refs reports whether every column e reads resolves in r (and that it
// reads at least one); subqueries make it false.
func refs(e ast.ExprNode, r *relation) bool {
	v := &refVisitor{rel: r, ok: true}
	e.Accept(v)
	return v.ok && v.n > 0
}

type refVisitor struct {
	rel *relation
	ok  bool
	n   int
}

func (v *refVisitor) Enter(n ast.Node) (ast.Node, bool) {
	switch x := n.(type) {
	case *ast.ColumnNameExpr:
		v.n++
		if len(v.rel.find(x.Name.Table.O, x.Name.Name.O)) == 0 {
			v.ok = false
		}
	case *ast.SubqueryExpr, *ast.ExistsSubqueryExpr, *ast.AggregateFuncExpr, *ast.WindowFuncExpr:
		v.ok = false
		return n, true
	}
	return n, false
}

func (v *refVisitor) Leave(n ast.Node) (ast.Node, bool) { return n, true }

// equality splits l = r into its sides.
func equality(e ast.ExprNode) (ast.ExprNode, ast.ExprNode, bool) {
	x, ok := stripParens(e).(*ast.BinaryOperationExpr)
	if !ok || x.Op.String() != "eq" {
		return nil, nil, false
	}
	return x.L, x.R, true
}

// joinItems joins FROM items in order: each next item is the first one
// that an equality of conds connects to the items joined so far (an inner
// join on all such equalities); an item nothing connects is cross joined.
// It returns the conditions it did not use.
func (b *builder) joinItems(items []*relation, conds []ast.ExprNode) (*relation, []ast.ExprNode, error) {
	cur := items[0]
	rest := items[1:]
	for len(rest) > 0 {
		pick := 0
		var lk, rk []ast.ExprNode
		var used []int
		for j, it := range rest {
			for ci, c := range conds {
				l, r, ok := equality(c)
				if !ok {
					continue
				}
				switch {
				case refs(l, cur) && refs(r, it) && !refs(l, it) && !refs(r, cur):
					lk, rk, used = append(lk, l), append(rk, r), append(used, ci)
				case refs(r, cur) && refs(l, it) && !refs(r, it) && !refs(l, cur):
					lk, rk, used = append(lk, r), append(rk, l), append(used, ci)
				}
			}
			if len(used) > 0 {
				pick = j
				break
			}
		}
		next := rest[pick]
		rest = append(append([]*relation{}, rest[:pick]...), rest[pick+1:]...)
		var err error
		if len(used) == 0 {
			cur, err = b.join(cur, next, lazy.JoinCross, nil, nil)
		} else {
			var lks, rks []lazy.Expr
			if lks, err = (&translator{b: b, rel: cur, clause: "WHERE"}).exprs(lk); err != nil {
				return nil, nil, err
			}
			if rks, err = (&translator{b: b, rel: next, clause: "WHERE"}).exprs(rk); err != nil {
				return nil, nil, err
			}
			cur, err = b.join(cur, next, lazy.JoinInner, lks, rks)
			var left []ast.ExprNode
			for ci, c := range conds {
				if !containsInt(used, ci) {
					left = append(left, c)
				}
			}
			conds = left
		}
		if err != nil {
			return nil, nil, err
		}
	}
	return cur, conds, nil
}

func containsInt(xs []int, x int) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// explicitJoin compiles a JOIN with ON or USING.
func (b *builder) explicitJoin(j *ast.Join) (*relation, error) {
	if j.NaturalJoin {
		return nil, notSupported("NATURAL JOIN is not supported; use JOIN … USING (…)")
	}
	l, err := b.fromRel(j.Left)
	if err != nil {
		return nil, err
	}
	r, err := b.fromRel(j.Right)
	if err != nil {
		return nil, err
	}
	how := lazy.JoinInner
	switch {
	case j.StraightJoin: // FULL [OUTER] JOIN, rewritten before parsing (fulljoin.go)
		how = lazy.JoinFull
		if j.On == nil && len(j.Using) == 0 {
			return nil, core.Errorf(core.KindInvalidInput, "FULL JOIN needs ON or USING")
		}
	case j.Tp == ast.LeftJoin:
		how = lazy.JoinLeft
	case j.Tp == ast.RightJoin:
		how = lazy.JoinRight
	}
	if j.Tp == ast.CrossJoin && j.On == nil && len(j.Using) == 0 {
		return b.join(l, r, lazy.JoinCross, nil, nil)
	}
	var lks, rks []lazy.Expr
	var rest []ast.ExprNode
	var lIdx, rIdx []int
	if len(j.Using) > 0 {
		for _, c := range j.Using {
			li, ri := l.find("", c.Name.O), r.find("", c.Name.O)
			if len(li) != 1 {
				return nil, usingErr(c.Name.O, l, len(li))
			}
			if len(ri) != 1 {
				return nil, usingErr(c.Name.O, r, len(ri))
			}
			lIdx, rIdx = append(lIdx, li[0]), append(rIdx, ri[0])
			lks = append(lks, col(l.cols[li[0]].phys))
			rks = append(rks, col(r.cols[ri[0]].phys))
		}
	} else {
		lt := &translator{b: b, rel: l, clause: "ON"}
		rt := &translator{b: b, rel: r, clause: "ON"}
		for _, c := range splitAnd(j.On.Expr) {
			if lhs, rhs, ok := equality(c); ok {
				switch {
				case refs(lhs, l) && refs(rhs, r) && !refs(lhs, r) && !refs(rhs, l):
				case refs(rhs, l) && refs(lhs, r) && !refs(rhs, r) && !refs(lhs, l):
					lhs, rhs = rhs, lhs
				default:
					rest = append(rest, c)
					continue
				}
				le, err := lt.expr(lhs)
				if err != nil {
					return nil, err
				}
				re, err := rt.expr(rhs)
				if err != nil {
					return nil, err
				}
				lks, rks = append(lks, le), append(rks, re)
				continue
			}
			rest = append(rest, c)
		}
	}
	// Conditions on one side of an outer join filter that side first.
	var after []ast.ExprNode
	for _, c := range rest {
		switch {
		case how == lazy.JoinLeft && refs(c, r) && !refs(c, l):
			if r, err = b.filter(r, []ast.ExprNode{c}, "ON"); err != nil {
				return nil, err
			}
		case how == lazy.JoinRight && refs(c, l) && !refs(c, r):
			if l, err = b.filter(l, []ast.ExprNode{c}, "ON"); err != nil {
				return nil, err
			}
		case how == lazy.JoinInner:
			after = append(after, c)
		case how == lazy.JoinFull:
			return nil, notSupported("the ON condition %s of a FULL JOIN is not supported: "+
				"only equalities between the two sides are", restore(c))
		default:
			return nil, notSupported("the ON condition %s of an outer join is not supported: "+
				"only equalities between the two sides and conditions on the outer join's inner side are", restore(c))
		}
	}
	if len(lks) == 0 {
		if how != lazy.JoinInner {
			return nil, notSupported("an outer join needs an equality between its two sides in ON")
		}
		how = lazy.JoinCross
	}
	out, err := b.join(l, r, how, lks, rks)
	if err != nil {
		return nil, err
	}
	if len(j.Using) > 0 {
		return b.mergeUsing(out, how, j.Using, lIdx, rIdx, len(l.cols))
	}
	return b.filter(out, after, "ON")
}

// mergeUsing gives JOIN … USING (k) its one column k, as SQL does: the
// value of whichever side has a row — the left key after an inner or left
// join, the right key after a right join, COALESCE(l.k, r.k) after a full
// join. It takes the left key's place among the columns; the two sides' own
// key columns stay readable qualified (l.k, r.k) but not as plain k nor
// through *. The join keeps every column of both sides in order, so the
// keys are found by position: lIdx into the left relation's columns, rIdx
// into the right one's, which follow the nLeft left ones.
func (b *builder) mergeUsing(rel *relation, how lazy.JoinType, using []*ast.ColumnName, lIdx, rIdx []int, nLeft int) (*relation, error) {
	var exprs []lazy.Expr
	merged := map[int]column{}
	qualOnly := map[int]bool{}
	for i, u := range using {
		lc, rc := rel.cols[lIdx[i]], rel.cols[nLeft+rIdx[i]]
		phys := lc.phys
		switch how {
		case lazy.JoinRight:
			phys = rc.phys
		case lazy.JoinFull:
			phys = b.fresh("using")
			exprs = append(exprs, &lazy.Alias{X: call("coalesce", nil, col(lc.phys), col(rc.phys)), Name: phys})
		}
		merged[lIdx[i]] = column{name: u.Name.O, phys: phys}
		qualOnly[lIdx[i]], qualOnly[nLeft+rIdx[i]] = true, true
	}
	out := &relation{plan: rel.plan}
	if len(exprs) > 0 {
		p, err := lazy.NewWithColumns(rel.plan, exprs)
		if err != nil {
			return nil, err
		}
		out.plan = p
	}
	for i, c := range rel.cols {
		if m, ok := merged[i]; ok {
			out.cols = append(out.cols, m)
		}
		c.qualOnly = c.qualOnly || qualOnly[i]
		out.cols = append(out.cols, c)
	}
	return out, nil
}

func usingErr(name string, r *relation, n int) error {
	if n == 0 {
		return r.columnNotFound(name)
	}
	return core.Errorf(core.KindInvalidInput, "USING column '%s' is ambiguous on one side of the join", name)
}

// join joins two relations on key expressions and works out where each SQL
// column went. As in Polars, an inner or left join drops the right key
// columns (a right join the left ones); SQL still sees them: after an inner
// join a dropped key has its partner's value, and for outer joins the
// dropped side's plain key columns are copied first so that they are null
// where nothing matched.
func (b *builder) join(l, r *relation, how lazy.JoinType, lk, rk []lazy.Expr) (*relation, error) {
	var err error
	switch how {
	case lazy.JoinLeft:
		if r, err = b.protectKeys(r, rk, lk); err != nil {
			return nil, err
		}
	case lazy.JoinRight:
		if l, err = b.protectKeys(l, lk, rk); err != nil {
			return nil, err
		}
	}
	ls, rs := l.plan.Schema(), r.plan.Schema()
	suffix := ""
	for i := 0; i < rs.NumFields(); i++ {
		if ls.HasField(rs.Field(i).Name) {
			suffix = ":" + strings.Trim(firstQual(r), " ")
			break
		}
	}
	for suffix != "" && clashes(l, r, suffix) {
		suffix += "_"
	}
	j, err := lazy.NewJoin(l.plan, r.plan, how, lk, rk, suffix)
	if err != nil {
		return nil, err
	}
	names := [2]map[string]string{make(map[string]string, len(l.cols)), make(map[string]string, len(r.cols))}
	for _, c := range j.Columns {
		names[c.Side][c.Source] = c.Name
	}
	out := &relation{plan: j}
	partner := func(keys, other []lazy.Expr, side lazy.JoinSide, phys string) (string, bool) {
		for i, k := range keys {
			if colName(k) == phys {
				if n, ok := names[1-side][colName(other[i])]; ok {
					return n, true
				}
			}
		}
		return "", false
	}
	for side, rel := range []*relation{l, r} {
		keys, other := lk, rk
		if side == 1 {
			keys, other = rk, lk
		}
		for _, c := range rel.cols {
			if n, ok := names[side][c.phys]; ok {
				c.phys = n
				out.cols = append(out.cols, c)
			} else if how == lazy.JoinSemi || how == lazy.JoinAnti {
				continue
			} else if n, ok := partner(keys, other, lazy.JoinSide(side), c.phys); ok {
				c.phys = n
				out.cols = append(out.cols, c)
			}
		}
	}
	return out, nil
}

func firstQual(r *relation) string {
	for _, c := range r.cols {
		if c.qual != "" {
			return c.qual
		}
	}
	return "right"
}

func clashes(l, r *relation, suffix string) bool {
	ls, rs := l.plan.Schema(), r.plan.Schema()
	for i := 0; i < rs.NumFields(); i++ {
		n := rs.Field(i).Name + suffix
		if ls.HasField(n) || rs.HasField(n) {
			return true
		}
	}
	return false
}

// protectKeys copies the plain key columns of the side of an outer join
// whose keys the join drops, so that SQL can still read them (null where
// nothing matched).
func (b *builder) protectKeys(rel *relation, keys, other []lazy.Expr) (*relation, error) {
	var copies []lazy.Expr
	out := &relation{cols: append([]column{}, rel.cols...)}
	for i, k := range keys {
		kc, ok := k.(*lazy.Column)
		if _, otherPlain := lazy.StripCast(other[i]).(*lazy.Column); !ok || !otherPlain {
			continue
		}
		name := b.fresh("key")
		copies = append(copies, &lazy.Alias{X: col(kc.Name), Name: name})
		for ci := range out.cols {
			if out.cols[ci].phys == kc.Name {
				out.cols[ci].phys = name
			}
		}
	}
	if len(copies) == 0 {
		return rel, nil
	}
	p, err := lazy.NewWithColumns(rel.plan, copies)
	if err != nil {
		return nil, err
	}
	out.plan = p
	return out, nil
}
