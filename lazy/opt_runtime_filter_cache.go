package lazy

import "slices"

// intoCaches moves runtime filters into cached subplans. A filter stops
// above a Cache (the cached rows serve every occurrence); when every
// occurrence of one Cache sits under the same filter (same ID, same keys),
// no occurrence needs the rows it drops, so it goes inside, as low as its
// keys can be followed: the subplan is computed on fewer rows and holds
// fewer (TPC-H Q21: the lineitem self-join both sides of which are later
// joined to the filtered orders).
func intoCaches(p Plan) Plan {
	common := map[int][]*RuntimeFilter{} // per Cache ID: the filters above every occurrence
	seen := map[int]bool{}
	var collect func(q Plan)
	collect = func(q Plan) {
		stack, below := filterStack(q)
		if c, ok := below.(*Cache); ok {
			if !seen[c.ID] {
				seen[c.ID] = true
				common[c.ID] = stack
			} else {
				common[c.ID] = slices.DeleteFunc(common[c.ID], func(f *RuntimeFilter) bool {
					return !slices.ContainsFunc(stack, func(g *RuntimeFilter) bool { return sameFilter(f, g) })
				})
			}
		}
		for _, ch := range below.Children() {
			collect(ch)
		}
	}
	collect(p)
	moved := map[int]*Cache{}
	for id, fs := range common {
		if len(fs) == 0 {
			delete(common, id)
		}
	}
	if len(common) == 0 {
		return p
	}
	var rewrite func(q Plan) Plan
	rewrite = func(q Plan) Plan {
		stack, below := filterStack(q)
		c, ok := below.(*Cache)
		if !ok || common[c.ID] == nil {
			return rewriteChildren(q, rewrite)
		}
		inner := moved[c.ID]
		if inner == nil {
			in := rewriteChildren(c.Input, rewrite)
			for _, f := range common[c.ID] {
				in, _ = placeRuntimeFilter(in, f.Keys, f.ID, false)
			}
			inner = &Cache{Input: in, ID: c.ID}
			moved[c.ID] = inner
		}
		var out Plan = inner
		for i := len(stack) - 1; i >= 0; i-- {
			f := stack[i]
			if slices.ContainsFunc(common[c.ID], func(g *RuntimeFilter) bool { return sameFilter(f, g) }) {
				continue
			}
			out = &RuntimeFilter{Input: out, ID: f.ID, Keys: f.Keys}
		}
		return out
	}
	return rewrite(p)
}

// filterStack returns the RuntimeFilters stacked at the top of q, top
// first, and the plan below them.
func filterStack(q Plan) ([]*RuntimeFilter, Plan) {
	var stack []*RuntimeFilter
	for {
		f, ok := q.(*RuntimeFilter)
		if !ok {
			return stack, q
		}
		stack = append(stack, f)
		q = f.Input
	}
}

func sameFilter(f, g *RuntimeFilter) bool {
	return f.ID == g.ID && f.Describe() == g.Describe()
}

// rewriteChildren applies fn to q's children, returning q itself when
// none changes.
func rewriteChildren(q Plan, fn func(Plan) Plan) Plan {
	ch := q.Children()
	var out []Plan
	for i, c := range ch {
		if d := fn(c); d != c {
			if out == nil {
				out = slices.Clone(ch)
			}
			out[i] = d
		}
	}
	if out == nil {
		return q
	}
	return q.WithChildren(out)
}
