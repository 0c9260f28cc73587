package sqlexec

import (
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/pingcap/tidb/pkg/parser/ast"
)

// grouping is an aggregation planned for a SELECT: the relation after it
// (keys, then aggregates) and the fields rewritten over it.
type grouping struct {
	rel    *relation
	fields []outField
	keys   map[string]string // key expression text → output column
	aggs   map[string]string // aggregate expression text → output column
	// With ROLLUP: level names the hidden column holding how many of the
	// keys a row rolled up (0 for the plain groups), keyIndex the position
	// of each key expression, for GROUPING(…).
	level     string
	keyIndex  map[string]int
	groupings map[string][]lazy.Expr
	// helpers are the helper columns of window functions, computed over
	// the grouped rows (window.go): expressions may read them.
	helpers map[string]bool
}

// rewrite turns an expression over the input into one over the grouped
// output: group keys and aggregates become their columns; any other
// column is an error (MySQL's ONLY_FULL_GROUP_BY).
func (g *grouping) rewrite(e lazy.Expr) (lazy.Expr, error) { return g.rewriteIn(e, false) }

// rewriteIn is rewrite; inWindow: e is inside a window function, whose own
// aggregates (SUM(…) OVER) stay, over the grouped rows.
func (g *grouping) rewriteIn(e lazy.Expr, inWindow bool) (lazy.Expr, error) {
	if a := windowAgg(e); a != nil {
		if n, ok := g.aggs[a.X.String()]; ok {
			return col(n), nil
		}
	}
	s := e.String()
	if n, ok := g.keys[s]; ok {
		return col(n), nil
	}
	if n, ok := g.aggs[s]; ok && !inWindow { // inside a window only stand-ins are the grouping's
		return col(n), nil
	}
	if args, ok := g.groupings[groupingName(e)]; ok {
		return g.grouping(args)
	}
	switch x := e.(type) {
	case *lazy.Column:
		if strings.HasPrefix(x.Name, "__subquery") || g.helpers[x.Name] {
			return x, nil
		}
		return nil, core.Errorf(core.KindInvalidInput,
			"column '%s' must appear in GROUP BY or be used in an aggregate function", x.Name).With("column", x.Name)
	case *lazy.Window:
		inWindow = true
	case *lazy.Agg:
		if !inWindow {
			return nil, core.Errorf(core.KindInternal, "aggregate %s was not planned", x)
		}
	}
	ch := e.Children()
	if len(ch) == 0 {
		return e, nil
	}
	next := make([]lazy.Expr, len(ch))
	for i, c := range ch {
		r, err := g.rewriteIn(c, inWindow)
		if err != nil {
			return nil, err
		}
		next[i] = r
	}
	return e.WithChildren(next), nil
}

// group plans GROUP BY, the aggregates of the SELECT list, HAVING and
// ORDER BY as one aggregation, shaped as the DataFrame API's
// group_by(keys).agg(…): a SELECT field that only aggregates is passed to
// agg() whole, under its name.
func (b *builder) group(sel *ast.SelectStmt, rel *relation, fields []outField, aliases map[string]lazy.Expr,
	t *translator, orderExprs []lazy.Expr) (*grouping, error) {
	g := &grouping{keys: map[string]string{}, aggs: map[string]string{}, keyIndex: map[string]int{}, groupings: b.groupings}
	kt := &translator{b: b, rel: rel, aliases: aliases, clause: "GROUP BY"}
	var keyExprs []lazy.Expr
	used := map[string]bool{}
	if sel.GroupBy != nil {
		for _, it := range sel.GroupBy.Items {
			var e lazy.Expr
			if i, ok, err := ordinal(it.Expr, len(fields)); err != nil {
				return nil, err
			} else if ok {
				e = fields[i].expr
			} else if e, err = kt.expr(it.Expr); err != nil {
				return nil, err
			}
			if containsAggOutsideWindow(e) {
				return nil, core.Errorf(core.KindInvalidInput, "GROUP BY cannot use an aggregate (%s)", restore(it.Expr))
			}
			s := e.String()
			if _, dup := g.keys[s]; dup {
				continue
			}
			name := ""
			if c, ok := e.(*lazy.Column); ok {
				name = c.Name
			} else {
				for _, f := range fields {
					if f.expr.String() == s && !used[f.name] {
						name = f.name
						break
					}
				}
				if name == "" {
					name = b.fresh("key")
				}
				e = &lazy.Alias{X: lazy.StripAlias(e), Name: name}
			}
			used[name] = true
			g.keys[s] = name
			g.keyIndex[s] = len(keyExprs)
			keyExprs = append(keyExprs, e)
		}
	}
	if len(kt.pending) > 0 {
		return nil, notSupported("subqueries in GROUP BY are not supported")
	}
	var aggExprs []lazy.Expr
	isField := make([]bool, len(fields))
	for i, f := range fields {
		s := f.expr.String()
		if _, isKey := g.keys[s]; isKey || !containsAggOutsideWindow(f.expr) || used[f.name] {
			continue
		}
		if outsideAggs(f.expr) || hasWindow(f.expr) {
			continue
		}
		if _, dup := g.aggs[s]; dup {
			continue
		}
		isField[i] = true
		used[f.name] = true
		g.aggs[s] = f.name
		aggExprs = append(aggExprs, aliased(f.expr, f.name))
	}
	var having lazy.Expr
	ht := &translator{b: b, rel: rel, allowAgg: true, wholeInput: sel.GroupBy == nil, aliases: aliases, clause: "HAVING"}
	if sel.Having != nil {
		h, err := ht.expr(sel.Having.Expr)
		if err != nil {
			return nil, err
		}
		having = ht.truth(h)
	}
	// Aggregates used elsewhere get internal names.
	var more []lazy.Expr
	for i, f := range fields {
		if !isField[i] {
			more = append(more, f.expr)
		}
	}
	if having != nil {
		more = append(more, having)
	}
	more = append(more, orderExprs...)
	g.helpers = map[string]bool{}
	for _, h := range t.pre {
		more = append(more, h.expr)
		g.helpers[lazy.OutputName(h.expr)] = true
	}
	// The aggregates window functions read (windowAggregate) are computed
	// with the others; a window's own aggregates are not.
	standIns := func(x lazy.Expr) bool {
		if a := windowAgg(x); a != nil {
			if _, done := g.aggs[a.X.String()]; !done {
				g.aggs[a.X.String()] = a.Name
				aggExprs = append(aggExprs, a)
			}
			return false
		}
		return true
	}
	for _, e := range more {
		lazy.Walk(e, func(x lazy.Expr) bool {
			a, ok := x.(*lazy.Agg)
			if !ok {
				if _, isWin := x.(*lazy.Window); isWin {
					lazy.Walk(x, standIns)
					return false
				}
				return standIns(x)
			}
			if _, done := g.aggs[a.String()]; !done {
				name := b.fresh("agg")
				g.aggs[a.String()] = name
				aggExprs = append(aggExprs, &lazy.Alias{X: a, Name: name})
			}
			return false
		})
	}
	if len(t.pending) > 0 || len(ht.pending) > 0 {
		// Scalar subqueries of the SELECT list and HAVING are joined to the
		// grouped rows.
		for _, p := range append(append([]*pendingSub{}, t.pending...), ht.pending...) {
			for _, e := range aggExprs {
				for _, c := range lazy.ColumnsUsed(e) {
					if c == p.name {
						return nil, notSupported("a subquery inside an aggregate is not supported")
					}
				}
			}
		}
	}
	var plan lazy.Plan
	var err error
	if sel.GroupBy != nil && sel.GroupBy.Rollup {
		g.level = b.fresh("rollup")
		plan, err = rollup(rel.plan, keyExprs, aggExprs, g.level)
	} else {
		plan, err = lazy.NewGroupBy(rel.plan, keyExprs, aggExprs)
	}
	if err != nil {
		return nil, err
	}
	post := &relation{plan: plan}
	for _, k := range keyExprs {
		name := lazy.OutputName(k)
		c := column{name: name, phys: name}
		if kc, ok := k.(*lazy.Column); ok {
			for _, rc := range rel.cols {
				if rc.phys == kc.Name {
					c.qual, c.name = rc.qual, rc.name
					break
				}
			}
		}
		post.cols = append(post.cols, c)
	}
	for _, a := range aggExprs {
		name := lazy.OutputName(a)
		post.cols = append(post.cols, column{name: name, phys: name, hidden: strings.HasPrefix(name, "__")})
	}
	if g.level != "" {
		post.cols = append(post.cols, column{name: g.level, phys: g.level, hidden: true})
	}
	if post, err = b.flush(post, t.pending); err != nil {
		return nil, err
	}
	if post, err = b.flush(post, ht.pending); err != nil {
		return nil, err
	}
	g.rel = post
	for _, f := range fields {
		e, err := g.rewrite(f.expr)
		if err != nil {
			return nil, err
		}
		g.fields = append(g.fields, outField{name: f.name, expr: e})
	}
	if having != nil {
		h, err := g.rewrite(having)
		if err != nil {
			return nil, err
		}
		p, err := lazy.NewFilter(g.rel.plan, h)
		if err != nil {
			return nil, err
		}
		g.rel = &relation{plan: p, cols: g.rel.cols}
	}
	return g, nil
}

// outsideAggs reports columns read outside any aggregate.
func outsideAggs(e lazy.Expr) bool {
	found := false
	lazy.Walk(e, func(x lazy.Expr) bool {
		switch x.(type) {
		case *lazy.Agg:
			return false
		case *lazy.Column:
			found = true
		}
		return !found
	})
	return found
}

func hasWindow(e lazy.Expr) bool {
	found := false
	lazy.Walk(e, func(x lazy.Expr) bool {
		if _, ok := x.(*lazy.Window); ok {
			found = true
		}
		return !found
	})
	return found
}

// rollup plans GROUP BY k1, …, kn WITH ROLLUP as MySQL defines it: the
// groups of all n keys, then of the first n-1 (kn null), …, then of none
// (one row over the whole input, as an aggregate without GROUP BY gives,
// also over no rows), concatenated. Each part is the same group_by as the
// plain query with fewer keys; level holds how many keys a row rolled up.
func rollup(in lazy.Plan, keys, aggs []lazy.Expr, level string) (lazy.Plan, error) {
	full, err := lazy.NewGroupBy(in, keys, aggs)
	if err != nil {
		return nil, err
	}
	fields := full.Schema().Fields()
	n := len(keys)
	parts := make([]lazy.Plan, 0, n+1)
	for l := 0; l <= n; l++ {
		var p lazy.Plan = full
		if l > 0 {
			if p, err = lazy.NewGroupBy(in, keys[:n-l], aggs); err != nil {
				return nil, err
			}
		}
		exprs := make([]lazy.Expr, 0, len(fields)+1)
		for i, f := range fields {
			if i < n && i >= n-l {
				// A rolled-up key is null of the key's type.
				exprs = append(exprs, &lazy.Alias{X: &lazy.Cast{X: nullLit(), To: f.Type, Strict: true}, Name: f.Name})
			} else {
				exprs = append(exprs, col(f.Name))
			}
		}
		exprs = append(exprs, &lazy.Alias{X: &lazy.Literal{Value: int64(l), Type: arrow.PrimitiveTypes.Int64}, Name: level})
		if p, err = project(p, exprs, false); err != nil {
			return nil, err
		}
		parts = append(parts, p)
	}
	return lazy.NewUnion(parts, true)
}

// grouping is GROUPING(a, b, …) over a ROLLUP's result: bit m-1-j of the
// value is 1 when the j-th argument's key was rolled up in the row (MySQL's
// bit order), so GROUPING(a) is 1 in the rows where a's null stands for
// "all values".
func (g *grouping) grouping(args []lazy.Expr) (lazy.Expr, error) {
	if g.level == "" {
		return nil, core.Errorf(core.KindInvalidInput, "GROUPING() needs GROUP BY … WITH ROLLUP")
	}
	n := int64(len(g.keyIndex))
	var out lazy.Expr
	for j, a := range args {
		i, ok := g.keyIndex[a.String()]
		if !ok {
			return nil, core.Errorf(core.KindInvalidInput,
				"the arguments of GROUPING() must be GROUP BY keys; %s is not one", lazy.StripAlias(a))
		}
		// Key i is rolled up in the rows of level n-i and above.
		rolled := bin(lazy.OpGtEq, col(g.level), &lazy.Literal{Value: n - int64(i), Type: arrow.PrimitiveTypes.Int64})
		bit := lazy.Expr(&lazy.Cast{X: rolled, To: arrow.PrimitiveTypes.Int64, Strict: true})
		if w := len(args) - 1 - j; w > 0 {
			bit = bin(lazy.OpMul, bit, &lazy.Literal{Value: int64(1) << w, Type: arrow.PrimitiveTypes.Int64})
		}
		if out == nil {
			out = bit
		} else {
			out = bin(lazy.OpAdd, out, bit)
		}
	}
	return out, nil
}

// grouping translates GROUPING(…) to a stand-in that the grouping's
// rewrite replaces once the keys are known: an Int64 constant under a
// fresh name, so that the expressions around it see GROUPING's type.
func (t *translator) grouping(x *ast.FuncCallExpr) (lazy.Expr, error) {
	if !t.allowAgg {
		return nil, core.Errorf(core.KindInvalidInput, "GROUPING() is not allowed in %s", t.clause)
	}
	if len(x.Args) == 0 {
		return nil, core.Errorf(core.KindInvalidInput, "GROUPING() takes at least one GROUP BY key")
	}
	args := make([]lazy.Expr, len(x.Args))
	for i, a := range x.Args {
		e, err := t.expr(a)
		if err != nil {
			return nil, err
		}
		args[i] = e
	}
	name := t.b.fresh("grouping")
	if t.b.groupings == nil {
		t.b.groupings = map[string][]lazy.Expr{}
	}
	t.b.groupings[name] = args
	return &lazy.Alias{X: &lazy.Literal{Value: int64(0), Type: arrow.PrimitiveTypes.Int64}, Name: name}, nil
}

// groupingName is the name of a GROUPING(…) stand-in ("" for other expressions).
func groupingName(e lazy.Expr) string {
	if a, ok := e.(*lazy.Alias); ok && strings.HasPrefix(a.Name, "__grouping") {
		if _, isLit := a.X.(*lazy.Literal); isLit {
			return a.Name
		}
	}
	return ""
}

// usesGrouping reports a GROUPING(…) stand-in in e.
func (b *builder) usesGrouping(e lazy.Expr) bool {
	found := false
	lazy.Walk(e, func(x lazy.Expr) bool {
		if _, ok := b.groupings[groupingName(x)]; ok {
			found = true
		}
		return !found
	})
	return found
}
