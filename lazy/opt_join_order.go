package lazy

import (
	"math"

	"github.com/alopexdb/alopex/core"
	"github.com/apache/arrow-go/v18/arrow"
)

// joinOrder reorders a tree of three or more inner joins on column
// equalities (a star or chain of tables, as SQL's FROM a, b, c WHERE ...
// writes them) into a left-deep tree chosen greedily by estimated size: it
// starts from the largest input, the one that should stream, and adds at
// each step the connected input that keeps the estimated intermediate
// result smallest, so that selective inputs cut rows early and the large
// input is read once. A SELECT on top restores the original columns, names
// and order. Inner joins promise no row order, so rows may come in another
// order than before.
//
// It leaves a tree alone when column names repeat across its inputs (the
// suffixes of the original would change meaning), when a key is not a plain
// column, when a key is a float (0.0 and -0.0 join, but a restored key would
// change sign) or when the inputs are not all connected by keys.
type joinOrder struct{}

func (joinOrder) Name() string { return "join_order" }

func (r joinOrder) Apply(p Plan) Plan {
	if j, ok := p.(*Join); ok && j.Type == JoinInner {
		if out := reorderJoins(j, r.Apply); out != nil {
			return out
		}
	}
	return mapChildren(p, r.Apply)
}

// joinEdge is one key equality between two inputs of a join tree.
type joinEdge struct {
	a, b   int    // inputs
	ca, cb string // their columns
}

type joinGraph struct {
	rels  []Plan
	edges []joinEdge
	owner map[string]int // column name -> input
	ok    bool
}

// add flattens p into the graph; it reports the column names p outputs.
func (g *joinGraph) add(p Plan) {
	j, isJoin := p.(*Join)
	if !isJoin || j.Type != JoinInner {
		i := len(g.rels)
		g.rels = append(g.rels, p)
		for _, f := range p.Schema().Fields() {
			if _, dup := g.owner[f.Name]; dup {
				g.ok = false
			}
			g.owner[f.Name] = i
		}
		return
	}
	for _, c := range j.Columns {
		if c.Name != c.Source {
			g.ok = false // a suffixed column: names repeat
		}
	}
	g.add(j.Left)
	g.add(j.Right)
	for i := range j.LeftOn {
		l, lok := StripCast(j.LeftOn[i]).(*Column)
		r, rok := StripCast(j.RightOn[i]).(*Column)
		if !lok || !rok || core.IsFloat(l.DataType()) || core.IsFloat(r.DataType()) {
			g.ok = false
			return
		}
		a, aok := g.owner[l.Name]
		b, bok := g.owner[r.Name]
		if !aok || !bok || a == b {
			g.ok = false
			return
		}
		g.edges = append(g.edges, joinEdge{a, b, l.Name, r.Name})
	}
}

// joinInputRows estimates the rows of an input of a join tree: its source
// rows thinned by its filters, with the textbook selectivities (an equality
// keeps 1/ndv of the rows, or a tenth without statistics; a range a third;
// a pattern match a tenth; AND multiplies, OR adds).
func joinInputRows(p Plan) float64 {
	switch n := p.(type) {
	case *Scan:
		rows := float64(max(n.Source.NumRows(), 1))
		if n.Predicate != nil {
			rows *= selectivity(n.Predicate, n.WithPushdown(n.Columns, nil, -1))
		}
		if n.Limit >= 0 {
			rows = min(rows, float64(n.Limit))
		}
		return max(rows, 1)
	case *Filter:
		return max(joinInputRows(n.Input)*selectivity(n.Predicate, n.Input), 1)
	case *Project:
		return joinInputRows(n.Input)
	}
	return float64(max(EstimateRows(p), 1))
}

func selectivity(pred Expr, input Plan) float64 {
	switch e := pred.(type) {
	case *Binary:
		switch e.Op {
		case OpAnd:
			return selectivity(e.Left, input) * selectivity(e.Right, input)
		case OpOr:
			return min(selectivity(e.Left, input)+selectivity(e.Right, input), 1)
		case OpEq:
			if c, ok := StripCast(e.Left).(*Column); ok {
				if ndv, ok := columnNDV(input, c.Name); ok {
					return 1 / max(ndv, 1)
				}
			}
			return 0.1
		case OpLt, OpLtEq, OpGt, OpGtEq:
			return 1.0 / 3
		case OpNotEq:
			return 0.9
		}
	case *Call:
		if e.Name == "is_in" {
			if vals, ok := e.Opts["values"].([]any); ok {
				return min(0.1*float64(len(vals)), 1)
			}
		}
		return 0.1
	}
	return 0.5
}

// columnNDV estimates the number of distinct values of column c of p from
// source statistics: an integer column whose row groups span [min, max] has
// at most max-min+1 values. It reports false when nothing bounds it.
func columnNDV(p Plan, c string) (float64, bool) {
	switch n := p.(type) {
	case *Scan:
		ps, ok := n.Source.(PartitionedSource)
		if !ok {
			return 0, false
		}
		lo, hi := int64(math.MaxInt64), int64(math.MinInt64)
		for i := range ps.NumPieces() {
			mn, mx, _, ok := ps.PieceStats(i, c)
			a, aok := mn.(int64)
			b, bok := mx.(int64)
			if !ok || !aok || !bok {
				return 0, false
			}
			lo, hi = min(lo, a), max(hi, b)
		}
		if lo > hi {
			return 0, false
		}
		return min(float64(hi)-float64(lo)+1, joinInputRows(n)), true
	case *Filter:
		ndv, ok := columnNDV(n.Input, c)
		return min(ndv, joinInputRows(n)), ok
	case *Project:
		for _, e := range n.Exprs {
			if OutputName(e) == c {
				if col, ok := StripAlias(e).(*Column); ok {
					return columnNDV(n.Input, col.Name)
				}
				return 0, false
			}
		}
	}
	return 0, false
}

func reorderJoins(top *Join, recurse func(Plan) Plan) Plan {
	g := &joinGraph{owner: map[string]int{}, ok: true}
	g.add(top)
	n := len(g.rels)
	if !g.ok || n < 3 {
		return nil
	}
	est := make([]float64, n)
	for i, rel := range g.rels {
		est[i] = joinInputRows(rel)
	}
	ndv := map[string]float64{}
	for _, e := range g.edges {
		for _, side := range []struct {
			rel int
			col string
		}{{e.a, e.ca}, {e.b, e.cb}} {
			v, ok := columnNDV(g.rels[side.rel], side.col)
			if !ok {
				return nil // no statistics to estimate with: keep the order written
			}
			ndv[side.col] = v
		}
	}
	// cost follows an order, adding each input to the ones before it: the
	// estimated size of a join is |C|·|k| / max(ndv) over its most selective
	// key (the textbook estimate), and the cost is the sum of the
	// intermediate sizes. An order that needs a cross product costs +Inf.
	cost := func(order []int) float64 {
		in := make([]bool, n)
		in[order[0]] = true
		cur, total := est[order[0]], 0.0
		for _, k := range order[1:] {
			sel := math.Inf(1)
			for _, e := range g.edges {
				inCol, kCol := e.ca, e.cb
				switch {
				case e.a == k && in[e.b]:
					inCol, kCol = e.cb, e.ca
				case e.b == k && in[e.a]:
				default:
					continue
				}
				sel = min(sel, 1/max(min(ndv[inCol], cur), min(ndv[kCol], est[k]), 1))
			}
			if math.IsInf(sel, 1) {
				return math.Inf(1)
			}
			cur = max(cur*est[k]*sel, 1)
			total += cur
			in[k] = true
		}
		return total
	}
	// Greedy from every start: grow by the input whose join is smallest.
	var best []int
	bestCost := math.Inf(1)
	for start := range n {
		order := []int{start}
		in := make([]bool, n)
		in[start] = true
		for len(order) < n {
			next, nextCost := -1, math.Inf(1)
			for k := range n {
				if in[k] {
					continue
				}
				if c := cost(append(order, k)); c < nextCost {
					next, nextCost = k, c
				}
			}
			if next < 0 {
				break
			}
			order = append(order, next)
			in[next] = true
		}
		if len(order) == n {
			if c := cost(order); c < bestCost {
				best, bestCost = order, c
			}
		}
	}
	// Keep the order written unless the new one is clearly cheaper: the
	// estimates are rough, and a hand-ordered plan is usually sound.
	if best == nil || !(bestCost < 0.7*cost(identityOrder(n))) {
		return nil
	}
	order := best

	var plan Plan = recurse(g.rels[order[0]])
	done := make([]bool, n)
	done[order[0]] = true
	for _, k := range order[1:] {
		var lk, rk []Expr
		for _, e := range g.edges {
			switch {
			case e.a == k && done[e.b]:
				lk, rk = append(lk, &Column{Name: e.cb}), append(rk, &Column{Name: e.ca})
			case e.b == k && done[e.a]:
				lk, rk = append(lk, &Column{Name: e.ca}), append(rk, &Column{Name: e.cb})
			}
		}
		j, err := NewJoin(plan, recurse(g.rels[k]), JoinInner, lk, rk, top.Suffix)
		if err != nil {
			return nil
		}
		plan = j
		done[k] = true
	}
	restored, err := restoreColumns(plan, top.Schema(), g.edges)
	if err != nil {
		return nil
	}
	return restored
}

func identityOrder(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// restoreColumns selects want's columns from p: a key column the new order
// dropped (a right key now) is read from a column it was joined equal to,
// cast back to its type.
func restoreColumns(p Plan, want *arrow.Schema, edges []joinEdge) (Plan, error) {
	have := p.Schema()
	// Equal columns: union-find over the key equalities.
	parent := map[string]string{}
	var find func(string) string
	find = func(c string) string {
		if q, ok := parent[c]; ok && q != c {
			r := find(q)
			parent[c] = r
			return r
		}
		return c
	}
	for _, e := range edges {
		parent[find(e.ca)] = find(e.cb)
	}
	exprs := make([]Expr, want.NumFields())
	for i, f := range want.Fields() {
		if len(have.FieldIndices(f.Name)) > 0 {
			exprs[i] = &Column{Name: f.Name}
			continue
		}
		var src *arrow.Field
		for _, h := range have.Fields() {
			if find(h.Name) == find(f.Name) {
				src = &h
				break
			}
		}
		if src == nil {
			return nil, core.Errorf(core.KindInternal, "join order: column %q has no equal column", f.Name)
		}
		var e Expr = &Column{Name: src.Name, Type: src.Type}
		if !arrow.TypeEqual(src.Type, f.Type) {
			e = &Cast{X: e, To: f.Type}
		}
		exprs[i] = &Alias{X: e, Name: f.Name}
	}
	return NewProject(p, exprs)
}
