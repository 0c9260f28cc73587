package lazy

import (
	"fmt"
	"strings"
)

// commonSubexpr computes an expression that a projection or an aggregation
// uses more than once only once: a SELECT below it evaluates the repeated
// part into a temporary column (__cse0, __cse1, ...) next to the input
// columns, and the node reads that column instead (TPC-H Q1's
// l_extendedprice * (1 - l_discount) inside two sums). An aggregation that
// computes the same aggregate twice under two names computes it once and a
// SELECT above it copies it to the other name. Only expressions that do
// work (arithmetic, casts, function calls) are shared; columns and literals
// are not, nor anything holding an aggregate or a window.
type commonSubexpr struct{}

func (commonSubexpr) Name() string { return "common_subexpr" }

func (r commonSubexpr) Apply(p Plan) Plan {
	p = mapChildren(p, r.Apply)
	switch n := p.(type) {
	case *Project:
		if n.IsScalar() {
			return n
		}
		below, exprs, ok := shareSubexprs(n.Input, n.Exprs, false)
		if !ok {
			return n
		}
		// The shared columns may repeat work among themselves: share that too.
		np, err := newProjectResolved(r.Apply(below), exprs)
		if err != nil {
			return n
		}
		np.PerRow = n.PerRow
		return np
	case *Aggregate:
		return r.aggregate(n)
	}
	return p
}

func (commonSubexpr) aggregate(n *Aggregate) Plan {
	// The same aggregate under two names: compute it once.
	seen := map[string]string{}
	var aggs []Expr
	copies := map[string]string{} // output name -> name of the one computed
	for _, a := range n.Aggregates {
		k := exprKey(StripAlias(a))
		if first, dup := seen[k]; dup {
			copies[OutputName(a)] = first
			continue
		}
		seen[k] = OutputName(a)
		aggs = append(aggs, a)
	}
	cur := n
	if len(copies) > 0 {
		cur = n.WithExprs(n.Keys, aggs)
	}
	// Repeated work inside the aggregates' inputs.
	if below, shared, ok := shareSubexprs(cur.Input, cur.Aggregates, true); ok {
		na := cur.WithExprs(cur.Keys, shared)
		na.Input = commonSubexpr{}.Apply(below)
		cur = na
	}
	if cur == n {
		return n
	}
	if len(copies) == 0 {
		return cur
	}
	exprs := make([]Expr, 0, n.schema.NumFields())
	for _, f := range n.schema.Fields() {
		if src, ok := copies[f.Name]; ok {
			exprs = append(exprs, &Alias{X: &Column{Name: src, Type: f.Type}, Name: f.Name})
		} else {
			exprs = append(exprs, &Column{Name: f.Name, Type: f.Type})
		}
	}
	np, err := newProjectResolved(cur, exprs)
	if err != nil {
		return n
	}
	return np
}

// shareSubexprs finds the work-doing subexpressions that occur more than
// once in exprs (inside aggregates' inputs when insideAggs), and returns an
// input that also computes them as temporary columns, with exprs reading
// those columns. ok is false when nothing repeats.
func shareSubexprs(input Plan, exprs []Expr, insideAggs bool) (Plan, []Expr, bool) {
	counts := map[string]int{}
	var visit func(e Expr, counting bool)
	visit = func(e Expr, counting bool) {
		if counting && sharable(e) {
			counts[exprKey(e)]++
		}
		for _, c := range e.Children() {
			visit(c, counting || (insideAggs && isAgg(e)))
		}
	}
	for _, e := range exprs {
		if !insideAggs && (ContainsAgg(e) || containsWindow(e)) {
			continue
		}
		visit(e, !insideAggs)
	}
	// Replace the largest repeated subexpressions, outermost first.
	names := map[string]string{}
	var cols []Expr
	reserved := map[string]bool{}
	for _, e := range exprs {
		reserved[OutputName(e)] = true
	}
	taken := func(s string) bool { return reserved[s] || len(input.Schema().FieldIndices(s)) > 0 }
	var rewrite func(e Expr, inside bool) Expr
	rewrite = func(e Expr, inside bool) Expr {
		if inside && sharable(e) && counts[exprKey(e)] > 1 {
			k := exprKey(e)
			name, ok := names[k]
			if !ok {
				for i := len(names); ; i++ {
					name = fmt.Sprintf("__cse%d", i)
					if !taken(name) {
						break
					}
				}
				reserved[name] = true
				names[k] = name
				cols = append(cols, &Alias{X: e, Name: name})
			}
			return &Column{Name: name, Type: e.DataType()}
		}
		ch := e.Children()
		if len(ch) == 0 {
			return e
		}
		next := make([]Expr, len(ch))
		changed := false
		for i, c := range ch {
			next[i] = rewrite(c, inside || (insideAggs && isAgg(e)))
			changed = changed || next[i] != c
		}
		if !changed {
			return e
		}
		return e.WithChildren(next)
	}
	out := make([]Expr, len(exprs))
	for i, e := range exprs {
		if !insideAggs && (ContainsAgg(e) || containsWindow(e)) {
			out[i] = e
			continue
		}
		r := rewrite(e, !insideAggs)
		if OutputName(r) != OutputName(e) {
			r = &Alias{X: r, Name: OutputName(e)}
		}
		out[i] = r
	}
	if len(cols) == 0 {
		return input, exprs, false
	}
	keep := make([]Expr, 0, input.Schema().NumFields()+len(cols))
	for _, f := range input.Schema().Fields() {
		keep = append(keep, &Column{Name: f.Name, Type: f.Type})
	}
	below, err := newProjectResolved(input, append(keep, cols...))
	if err != nil {
		return input, exprs, false
	}
	return below, out, true
}

// sharable reports whether e does work worth computing once and is
// evaluated row by row.
func sharable(e Expr) bool {
	switch x := e.(type) {
	case *Binary, *Unary, *Cast:
	case *Call:
		if IsWindowFunction(x.Name) {
			return false
		}
	default:
		return false
	}
	if ContainsAgg(e) || containsWindow(e) {
		return false
	}
	return len(ColumnsUsed(e)) > 0
}

func isAgg(e Expr) bool {
	_, ok := e.(*Agg)
	return ok
}

// exprKey identifies an expression by its text and the types of its nodes.
func exprKey(e Expr) string {
	var b strings.Builder
	b.WriteString(e.String())
	b.WriteByte('|')
	writeExprTypes(&b, e)
	return b.String()
}
