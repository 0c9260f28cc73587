package sqlexec

import (
	"fmt"
	"math"
	"strings"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/test_driver"
)

// query compiles a query: a SELECT, a set operation or a parenthesized one.
func (b *builder) query(n ast.Node, outer *relation) (*relation, error) {
	switch x := n.(type) {
	case *ast.SelectStmt:
		return b.selectStmt(x)
	case *ast.SetOprStmt:
		return b.setOpr(x)
	case *ast.SubqueryExpr:
		return b.query(x.Query, outer)
	case *ast.SetOprSelectList:
		return b.setOpr(&ast.SetOprStmt{SelectList: x, With: x.With, OrderBy: x.OrderBy, Limit: x.Limit})
	}
	return nil, notSupported("the query form %s is not supported", restore(n))
}

// withCTEs compiles a WITH clause; the returned function ends its scope.
func (b *builder) withCTEs(w *ast.WithClause) (func(), error) {
	if w == nil {
		return func() {}, nil
	}
	m := map[string]*cte{}
	b.ctes = append(b.ctes, m)
	pop := func() { b.ctes = b.ctes[:len(b.ctes)-1] }
	for _, c := range w.CTEs {
		if w.IsRecursive && refersTo(c.Query.Query, c.Name.L) {
			// recursive.go: computed here, to its fixpoint.
			rel, err := b.recursiveCTE(c)
			if err != nil {
				pop()
				return nil, err
			}
			m[c.Name.L] = &cte{rel: rel}
			continue
		}
		rel, err := b.query(c.Query.Query, nil)
		if err != nil {
			pop()
			return nil, err
		}
		if len(c.ColNameList) > 0 {
			if rel, err = renameColumns(rel, c.ColNameList, "WITH "+c.Name.O); err != nil {
				pop()
				return nil, err
			}
		}
		plan, err := rel.output()
		if err != nil {
			pop()
			return nil, err
		}
		m[c.Name.L] = &cte{rel: newRelation(plan, c.Name.O)}
	}
	return pop, nil
}

func (b *builder) lookupCTE(name string) (*cte, bool) {
	for i := len(b.ctes) - 1; i >= 0; i-- {
		if c, ok := b.ctes[i][name]; ok {
			return c, true
		}
	}
	return nil, false
}

func (b *builder) selectStmt(sel *ast.SelectStmt) (*relation, error) {
	pop, err := b.withCTEs(sel.With)
	if err != nil {
		return nil, err
	}
	defer pop()
	if sel.Kind == ast.SelectStmtKindValues {
		return b.values(sel)
	}
	if sel.Kind != ast.SelectStmtKindSelect {
		return nil, notSupported("TABLE statements are not supported; use SELECT * FROM")
	}
	if sel.SelectIntoOpt != nil {
		return nil, notSupported("SELECT … INTO is not supported")
	}
	if len(sel.WindowSpecs) > 0 {
		named := make(map[string]*ast.WindowSpec, len(sel.WindowSpecs))
		for i := range sel.WindowSpecs {
			w := &sel.WindowSpecs[i]
			if _, dup := named[w.Name.L]; dup {
				return nil, core.Errorf(core.KindInvalidInput, "the WINDOW clause defines window %s twice", w.Name.O)
			}
			named[w.Name.L] = w
		}
		b.windows = append(b.windows, named)
		defer func() { b.windows = b.windows[:len(b.windows)-1] }()
	}
	rel, err := b.fromWhere(sel)
	if err != nil {
		return nil, err
	}
	return b.selectRest(sel, rel)
}

// splitAnd lists the conjuncts of a condition.
func splitAnd(e ast.ExprNode) []ast.ExprNode {
	if e == nil {
		return nil
	}
	switch x := e.(type) {
	case *ast.BinaryOperationExpr:
		if x.Op.String() == "and" {
			return append(splitAnd(x.L), splitAnd(x.R)...)
		}
	case *ast.ParenthesesExpr:
		if inner := splitAnd(x.Expr); len(inner) > 1 {
			return inner
		}
	}
	return []ast.ExprNode{e}
}

func stripParens(e ast.ExprNode) ast.ExprNode {
	for {
		p, ok := e.(*ast.ParenthesesExpr)
		if !ok {
			return e
		}
		e = p.Expr
	}
}

// factorOr adds, for each condition that is an OR of ANDs, the conjuncts
// every branch shares (TPC-H Q19's join condition is repeated in each
// branch): they can then join the tables instead of a cross join.
func factorOr(conds []ast.ExprNode) []ast.ExprNode {
	out := append([]ast.ExprNode{}, conds...)
	for _, c := range conds {
		branches := splitOr(c)
		if len(branches) < 2 {
			continue
		}
		common := map[string]ast.ExprNode{}
		var order []string
		for _, k := range splitAnd(branches[0]) {
			s := restore(k)
			if _, dup := common[s]; !dup {
				common[s] = k
				order = append(order, s)
			}
		}
		for _, br := range branches[1:] {
			here := map[string]bool{}
			for _, k := range splitAnd(br) {
				here[restore(k)] = true
			}
			for s := range common {
				if !here[s] {
					delete(common, s)
				}
			}
		}
		for _, s := range order {
			if k, ok := common[s]; ok {
				out = append(out, k)
			}
		}
	}
	return out
}

func splitOr(e ast.ExprNode) []ast.ExprNode {
	switch x := stripParens(e).(type) {
	case *ast.BinaryOperationExpr:
		if x.Op.String() == "or" {
			return append(splitOr(x.L), splitOr(x.R)...)
		}
	}
	return []ast.ExprNode{e}
}

// isSubqueryPredicate reports [NOT] EXISTS (…) and x [NOT] IN (SELECT …).
func isSubqueryPredicate(e ast.ExprNode) bool {
	switch x := stripParens(e).(type) {
	case *ast.ExistsSubqueryExpr:
		return true
	case *ast.PatternInExpr:
		return x.Sel != nil
	case *ast.CompareSubqueryExpr:
		_, ok := asIn(x)
		return ok
	case *ast.UnaryOperationExpr:
		if x.Op.String() == "not" || x.Op.String() == "not2" {
			return isSubqueryPredicate(x.V)
		}
	}
	return false
}

// fromWhere compiles FROM and WHERE: tables joined on the WHERE's
// equalities, the other conditions as a filter, then the subquery
// conditions as semi and anti joins.
func (b *builder) fromWhere(sel *ast.SelectStmt) (*relation, error) {
	var items []*relation
	if sel.From == nil {
		items = []*relation{dual()}
	} else {
		var err error
		if items, err = b.fromItems(sel.From.TableRefs); err != nil {
			return nil, err
		}
	}
	var plain, subs []ast.ExprNode
	for _, c := range factorOr(splitAnd(sel.Where)) {
		if isSubqueryPredicate(c) {
			subs = append(subs, c)
		} else {
			plain = append(plain, c)
		}
	}
	rel, plain, err := b.joinItems(items, plain)
	if err != nil {
		return nil, err
	}
	if rel, err = b.filter(rel, plain, "WHERE"); err != nil {
		return nil, err
	}
	for _, s := range subs {
		if rel, err = b.subqueryPredicate(rel, s); err != nil {
			return nil, err
		}
	}
	return rel, nil
}

// filter keeps the rows where all conds are true.
func (b *builder) filter(rel *relation, conds []ast.ExprNode, clause string) (*relation, error) {
	if len(conds) == 0 {
		return rel, nil
	}
	t := &translator{b: b, rel: rel, clause: clause}
	var pred lazy.Expr
	for _, c := range conds {
		e, err := t.expr(c)
		if err != nil {
			return nil, err
		}
		e = t.truth(e)
		if pred == nil {
			pred = e
		} else {
			pred = bin(lazy.OpAnd, pred, e)
		}
	}
	rel, err := b.flush(rel, t.pending)
	if err != nil {
		return nil, err
	}
	p, err := lazy.NewFilterPlan(rel.plan, pred)
	if err != nil {
		return nil, err
	}
	return &relation{plan: p, cols: rel.cols}, nil
}

// flush joins the scalar subqueries an expression referred to.
func (b *builder) flush(rel *relation, pending []*pendingSub) (*relation, error) {
	var err error
	for _, p := range pending {
		if rel, err = b.joinScalar(rel, p); err != nil {
			return nil, err
		}
	}
	return rel, nil
}

// outField is one column of a SELECT's result.
type outField struct {
	name string
	qual string    // the table a plain column reference or * took it from, if any
	expr lazy.Expr // over the FROM relation
}

// uniqueNames renames the later of output columns whose names repeat: SQL
// allows SELECT * FROM a JOIN b ON a.k = b.k to give two columns k, a frame
// does not. The later one becomes k:b (its table, as Polars' SQL names it),
// or k:1, k:2… when no table names it.
func uniqueNames(fields []outField) {
	seen := make(map[string]bool, len(fields))
	for _, f := range fields {
		seen[f.name] = true
	}
	first := make(map[string]bool, len(fields))
	for i, f := range fields {
		if !first[f.name] {
			first[f.name] = true
			continue
		}
		name := f.name + ":" + f.qual
		for n := 1; f.qual == "" || seen[name]; n++ {
			name = fmt.Sprintf("%s:%d", f.name, n)
			f.qual = "-" // numbered from now on
		}
		seen[name] = true
		fields[i].name = name
	}
}

// fieldQual is the table qualifying a select field that is a plain column
// reference (b in b.k), else "".
func fieldQual(f *ast.SelectField) string {
	if f.AsName.O != "" {
		return ""
	}
	if c, ok := stripParens(f.Expr).(*ast.ColumnNameExpr); ok {
		return c.Name.Table.L
	}
	return ""
}

func fieldName(f *ast.SelectField) string {
	if f.AsName.O != "" {
		return f.AsName.O
	}
	if c, ok := stripParens(f.Expr).(*ast.ColumnNameExpr); ok {
		return c.Name.Name.O
	}
	if txt := strings.TrimSpace(f.Text()); txt != "" {
		return txt
	}
	return restore(f.Expr)
}

// selectRest compiles the SELECT list, GROUP BY, HAVING, DISTINCT,
// ORDER BY and LIMIT over the FROM relation.
func (b *builder) selectRest(sel *ast.SelectStmt, rel *relation) (*relation, error) {
	whole := sel.GroupBy == nil
	t := &translator{b: b, rel: rel, allowAgg: true, allowWindow: true, wholeInput: whole, clause: "the SELECT list"}
	var fields []outField
	for _, f := range sel.Fields.Fields {
		if f.WildCard != nil {
			if f.WildCard.Schema.O != "" {
				return nil, notSupported("schema-qualified * is not supported")
			}
			q := f.WildCard.Table.L
			if q != "" && !rel.hasQual(q) {
				return nil, tableNotFound(f.WildCard.Table.O, rel.quals(), "table or alias")
			}
			for _, c := range rel.cols {
				// t.* includes t's own keys of JOIN … USING, * the merged key.
				if c.hidden || (q == "" && c.qualOnly) || (q != "" && c.qual != q) {
					continue
				}
				fields = append(fields, outField{name: c.name, qual: c.qual, expr: col(c.phys)})
			}
			continue
		}
		e, err := t.expr(f.Expr)
		if err != nil {
			return nil, err
		}
		fields = append(fields, outField{name: fieldName(f), qual: fieldQual(f), expr: e})
	}
	if names, ok := b.positional[sel]; ok {
		// Written by position (INSERT … SELECT, CREATE TABLE … AS SELECT):
		// repeated names get fresh ones and CTAS rejects them, as MySQL.
		b.renameRepeated(fields, names)
	}
	uniqueNames(fields)
	aliases := map[string]lazy.Expr{}
	for _, f := range fields {
		aliases[strings.ToLower(f.name)] = f.expr
	}
	grouped := sel.GroupBy != nil || sel.Having != nil
	for _, f := range fields {
		if containsAggOutsideWindow(f.expr) || b.usesGrouping(f.expr) || hasWindowAgg(f.expr) {
			grouped = true
		}
	}

	// ORDER BY keys: an output column, or an expression over the input.
	type orderKey struct {
		field int // index into fields, or -1
		expr  lazy.Expr
		desc  bool
	}
	var order []orderKey
	ot := &translator{b: b, rel: rel, allowAgg: grouped, allowWindow: !grouped, wholeInput: whole, aliases: aliases, clause: "ORDER BY"}
	if sel.OrderBy != nil {
		for _, it := range sel.OrderBy.Items {
			k := orderKey{field: -1, desc: it.Desc}
			if i, ok, err := ordinal(it.Expr, len(fields)); err != nil {
				return nil, err
			} else if ok {
				k.field = i
			} else if c, ok := stripParens(it.Expr).(*ast.ColumnNameExpr); ok && c.Name.Table.O == "" {
				for i, f := range fields {
					if strings.EqualFold(f.name, c.Name.Name.O) {
						k.field = i
						break
					}
				}
			}
			if k.field < 0 {
				e, err := ot.expr(it.Expr)
				if err != nil {
					return nil, err
				}
				k.expr = e
				for i, f := range fields {
					if f.expr.String() == e.String() {
						k.field = i
						break
					}
				}
			}
			order = append(order, k)
		}
	}

	var out *relation
	var extra []lazy.Expr // hidden sort columns, over the relation the projection reads
	var extraFor []int
	if grouped {
		var orderExprs []lazy.Expr
		for _, k := range order {
			if k.field < 0 {
				orderExprs = append(orderExprs, k.expr)
			}
		}
		g, err := b.group(sel, rel, fields, aliases, t, orderExprs)
		if err != nil {
			return nil, err
		}
		rel, fields = g.rel, g.fields
		// The helper columns of window functions over the grouped rows.
		pre := make([]helperColumn, len(t.pre))
		for i, h := range t.pre {
			e, err := g.rewrite(h.expr)
			if err != nil {
				return nil, err
			}
			pre[i] = helperColumn{expr: e, level: h.level}
		}
		if rel, err = b.withPre(rel, pre); err != nil {
			return nil, err
		}
		for i, k := range order {
			if k.field < 0 {
				e, err := g.rewrite(k.expr)
				if err != nil {
					return nil, err
				}
				extra, extraFor = append(extra, e), append(extraFor, i)
			}
		}
		if rel, err = b.flush(rel, ot.pending); err != nil {
			return nil, err
		}
	} else {
		var err error
		if rel, err = b.flush(rel, t.pending); err != nil {
			return nil, err
		}
		if rel, err = b.flush(rel, ot.pending); err != nil {
			return nil, err
		}
		if rel, err = b.withPre(rel, append(append([]helperColumn{}, t.pre...), ot.pre...)); err != nil {
			return nil, err
		}
		for i, k := range order {
			if k.field < 0 {
				extra, extraFor = append(extra, k.expr), append(extraFor, i)
			}
		}
	}

	// The projection: the fields, then the hidden sort keys.
	exprs := make([]lazy.Expr, 0, len(fields)+len(extra))
	out = &relation{}
	for _, f := range fields {
		exprs = append(exprs, aliased(f.expr, f.name))
		out.cols = append(out.cols, column{name: f.name, phys: f.name})
	}
	sortNames := make([]string, len(order))
	for i, k := range order {
		if k.field >= 0 {
			sortNames[i] = fields[k.field].name
		}
	}
	for j, e := range extra {
		name := b.fresh("sort")
		exprs = append(exprs, &lazy.Alias{X: e, Name: name})
		out.cols = append(out.cols, column{name: name, phys: name, hidden: true})
		sortNames[extraFor[j]] = name
	}
	windows := false
	for _, e := range exprs {
		windows = windows || hasWindow(e)
	}
	plan, err := project(rel.plan, exprs, !grouped || windows)
	if err != nil {
		return nil, err
	}
	out.plan = plan
	if sel.Distinct {
		if len(extra) > 0 {
			return nil, core.Errorf(core.KindInvalidInput,
				"with SELECT DISTINCT, ORDER BY may only use columns of the SELECT list")
		}
		keys := make([]lazy.Expr, len(out.cols))
		for i, c := range out.cols {
			keys[i] = col(c.phys)
		}
		if out.plan, err = lazy.NewGroupBy(out.plan, keys, nil); err != nil {
			return nil, err
		}
	}
	if len(order) > 0 {
		keys := make([]lazy.SortKey, len(order))
		for i, k := range order {
			keys[i] = b.sortKey(out.plan, col(sortNames[i]), k.desc)
		}
		if out.plan, err = lazy.NewSort(out.plan, keys); err != nil {
			return nil, err
		}
	}
	return b.limit(out, sel.Limit)
}

func aliased(e lazy.Expr, name string) lazy.Expr {
	if c, ok := e.(*lazy.Column); ok && c.Name == name {
		return e
	}
	if a, ok := e.(*lazy.Alias); ok {
		e = a.X
	}
	return &lazy.Alias{X: e, Name: name}
}

// project is a select, or nothing when it would pass its input through
// unchanged. selectSemantics lets aggregates and windows in exprs be
// planned as the DataFrame API's select does.
func project(in lazy.Plan, exprs []lazy.Expr, selectSemantics bool) (lazy.Plan, error) {
	s := in.Schema()
	if len(exprs) == s.NumFields() {
		same := true
		for i, e := range exprs {
			c, ok := e.(*lazy.Column)
			if !ok || c.Name != s.Field(i).Name {
				same = false
				break
			}
		}
		if same {
			return in, nil
		}
	}
	var p lazy.Plan
	var err error
	if selectSemantics {
		p, err = lazy.NewSelect(in, exprs)
	} else {
		p, err = lazy.NewProject(in, exprs)
	}
	if pr, ok := p.(*lazy.Project); ok && err == nil {
		// SQL gives a row per input row even for constants (SELECT 5 FROM t),
		// where Polars' select(lit(5)) gives one.
		pr.RowWise = true
	}
	return p, err
}

// ordinal reads ORDER BY 2 / GROUP BY 2 (1-based).
func ordinal(e ast.ExprNode, n int) (int, bool, error) {
	var v int64
	switch x := stripParens(e).(type) {
	case *ast.PositionExpr:
		if x.P != nil {
			return 0, false, nil
		}
		v = int64(x.N)
	case *test_driver.ValueExpr:
		if x.Kind() != test_driver.KindInt64 {
			return 0, false, nil
		}
		v = x.GetInt64()
	default:
		return 0, false, nil
	}
	if v < 1 || int(v) > n {
		return 0, false, core.Errorf(core.KindInvalidInput, "position %d is not in the SELECT list (1 to %d)", v, n)
	}
	return int(v - 1), true, nil
}

func containsAggOutsideWindow(e lazy.Expr) bool {
	found := false
	lazy.Walk(e, func(x lazy.Expr) bool {
		switch x.(type) {
		case *lazy.Window:
			return false
		case *lazy.Agg:
			found = true
		}
		return !found
	})
	return found
}

// limit applies LIMIT [offset,] count.
func (b *builder) limit(rel *relation, l *ast.Limit) (*relation, error) {
	if l == nil {
		return rel, nil
	}
	t := &translator{b: b, rel: rel, clause: "LIMIT"}
	num := func(e ast.ExprNode) (int64, error) {
		if e == nil {
			return 0, nil
		}
		x, err := t.expr(e)
		if err != nil {
			return 0, err
		}
		if l, isLit := x.(*lazy.Literal); isLit {
			if u, isU := l.Value.(uint64); isU {
				// Up to MySQL's "all rows" idiom, LIMIT 18446744073709551615:
				// no input holds more rows than the largest int64.
				return int64(min(u, math.MaxInt64)), nil
			}
		}
		v, ok := intLit(x)
		if !ok || v < 0 {
			return 0, core.Errorf(core.KindInvalidInput, "LIMIT and OFFSET take non-negative integers, got %s", restore(e))
		}
		return v, nil
	}
	count, err := num(l.Count)
	if err != nil {
		return nil, err
	}
	offset, err := num(l.Offset)
	if err != nil {
		return nil, err
	}
	return &relation{plan: &lazy.Slice{Input: rel.plan, Offset: offset, Length: count}, cols: rel.cols}, nil
}
