package lazy

import (
	"os"

	"github.com/apache/arrow-go/v18/arrow"
)

// RuntimeFilters turns the runtime filter rule on. Tests turn it off to
// compare results with and without filters; ALOPEX_RUNTIME_FILTERS=0 in the
// environment of the process turns it off for measurements.
var RuntimeFilters = os.Getenv("ALOPEX_RUNTIME_FILTERS") != "0"

// runtimeFilter gives hash joins that drop unmatched probe rows (inner
// joins, semi joins, left joins that hash their left input and stream the
// right one through an inner probe) a RuntimeFilter on the probe side: the
// probe keys are followed down through filters, plain-column projections,
// the kept sides of other joins and group keys, to where the rows are
// produced, and the filter goes there.
type runtimeFilter struct{}

func (runtimeFilter) Name() string { return "runtime_filter" }

func (r runtimeFilter) Apply(p Plan) Plan {
	if !RuntimeFilters {
		return p
	}
	next := 1
	walkPlan(p, func(q Plan) {
		if j, ok := q.(*Join); ok && j.RuntimeFilterID >= next {
			next = j.RuntimeFilterID + 1 // already optimized: keep the IDs unique
		}
	})
	return intoCaches(r.apply(p, &next))
}

func walkPlan(p Plan, fn func(Plan)) {
	fn(p)
	for _, c := range p.Children() {
		walkPlan(c, fn)
	}
}

func (r runtimeFilter) apply(p Plan, next *int) Plan {
	ch := p.Children()
	if len(ch) > 0 {
		// (Inside a cached subplan too: a join there and its probe side
		// are computed together, once.)
		out := make([]Plan, len(ch))
		changed := false
		for i, c := range ch {
			out[i] = r.apply(c, next)
			changed = changed || out[i] != c
		}
		if changed {
			p = p.WithChildren(out)
		}
	}
	j, ok := p.(*Join)
	if !ok || j.RuntimeFilterID != 0 {
		return p
	}
	probeLeft := j.ProbesLeft()
	switch {
	case j.Type == JoinInner, j.Type == JoinSemi:
	case j.Type == JoinLeft && !probeLeft: // an inner probe of the right input
	default:
		return p
	}
	probe, keys := j.Right, j.RightOn
	if probeLeft {
		probe, keys = j.Left, j.LeftOn
	}
	for _, k := range keys {
		if len(ColumnsUsed(k)) == 0 {
			return p // a constant key: nothing to follow
		}
	}
	id := *next
	placed, ok := placeRuntimeFilter(probe, keys, id, true)
	if !ok {
		return p
	}
	*next++
	c := *j
	if probeLeft {
		c.Left = placed
	} else {
		c.Right = placed
	}
	c.RuntimeFilterID = id
	return &c
}

// placeRuntimeFilter puts a RuntimeFilter with keys (over p's columns) as
// low in p as the key columns can be followed. At the top (the join's own
// input) it only pays off over a scan of pieces, which it can skip: ok is
// false when there is nothing to gain.
func placeRuntimeFilter(p Plan, keys []Expr, id int, top bool) (Plan, bool) {
	here := func() (Plan, bool) {
		if top && !piecewise(p) {
			return p, false
		}
		return &RuntimeFilter{Input: p, ID: id, Keys: keys}, true
	}
	down := func(in Plan, renamed []Expr) (Plan, bool) {
		placed, _ := placeRuntimeFilter(in, renamed, id, false)
		return p.WithChildren(replaceChild(p.Children(), in, placed)), true
	}
	switch n := p.(type) {
	case *Filter:
		return down(n.Input, keys)
	case *Project:
		if renamed, ok := renameThrough(n.Exprs, keys); ok {
			return down(n.Input, renamed)
		}
	case *Aggregate:
		// Dropping rows by group key drops whole groups: the same as
		// dropping the groups after aggregation.
		if renamed, ok := renameThrough(n.Keys, keys); ok && len(n.Keys) > 0 {
			return down(n.Input, renamed)
		}
	case *Join:
		if placed, ok := placeInJoin(n, keys, id); ok {
			return placed, true
		}
	}
	return here()
}

// placeInJoin follows keys that are all columns of one input of a join into
// that input, when the join keeps that input's rows only where they match
// or as they are (never padding them with nulls).
func placeInJoin(n *Join, keys []Expr, id int) (Plan, bool) {
	if n.Type == JoinCross || n.Type == JoinFull || n.Type == JoinRight {
		return nil, false
	}
	side := map[string]JoinColumn{}
	for _, c := range n.Columns {
		side[c.Name] = c
	}
	names := map[string]string{}
	left, right := true, true
	for _, k := range keys {
		for _, u := range ColumnsUsed(k) {
			c, ok := side[u]
			if !ok {
				return nil, false
			}
			names[u] = c.Source
			left = left && c.Side == LeftSide
			right = right && c.Side == RightSide
		}
	}
	renamed := make([]Expr, len(keys))
	for i, k := range keys {
		renamed[i] = renameColumns(k, names)
	}
	switch {
	case left:
		placed, _ := placeRuntimeFilter(n.Left, renamed, id, false)
		other := n.Right
		if onRight, ok := acrossJoinKeys(n, renamed); ok {
			other, _ = placeRuntimeFilter(n.Right, onRight, id, false)
		}
		return n.WithInputs(placed, other), true
	case right && n.Type == JoinInner:
		placed, _ := placeRuntimeFilter(n.Right, renamed, id, false)
		return n.WithInputs(n.Left, placed), true
	}
	return nil, false
}

// acrossJoinKeys carries keys over the left input of an inner or semi join
// to its right input, when each key is a left join key compared as it is
// (same type on both sides): a right row whose key misses the filter can
// only meet left rows that miss it too, which the filter drops, so the
// join drops it as well (TPC-H Q21: the orders of the outer join filter
// both inputs of a self-join on l_orderkey). ok is false otherwise.
func acrossJoinKeys(n *Join, keys []Expr) ([]Expr, bool) {
	if n.Type != JoinInner && n.Type != JoinSemi {
		return nil, false
	}
	out := make([]Expr, len(keys))
	for i, k := range keys {
		c, ok := k.(*Column)
		if !ok {
			return nil, false
		}
		found := false
		for p, l := range n.LeftOn {
			lc, lok := l.(*Column)
			rc, rok := n.RightOn[p].(*Column)
			if lok && rok && lc.Name == c.Name && arrow.TypeEqual(lc.DataType(), rc.DataType()) &&
				arrow.TypeEqual(c.DataType(), lc.DataType()) {
				out[i], found = rc, true
				break
			}
		}
		if !found {
			return nil, false
		}
	}
	return out, true
}

// piecewise reports whether p is a scan read in pieces (row groups) that a
// runtime filter can skip by their statistics.
func piecewise(p Plan) bool {
	s, ok := p.(*Scan)
	if !ok {
		return false
	}
	_, ok = s.Source.(PartitionedSource)
	return ok
}

// renameThrough rewrites keys over the outputs of exprs into keys over
// their input, when every column the keys read is a plain (possibly
// renamed) input column there.
func renameThrough(exprs, keys []Expr) ([]Expr, bool) {
	down, stay := throughPlainColumns(exprs, keys, true, false)
	if len(stay) > 0 {
		return nil, false
	}
	return down, true
}

func replaceChild(ch []Plan, old, placed Plan) []Plan {
	out := make([]Plan, len(ch))
	for i, c := range ch {
		out[i] = c
		if c == old {
			out[i] = placed
		}
	}
	return out
}
