package lazy

// commonSubplan finds subplans that occur more than once (a frame joined
// with itself, a filtered frame aggregated and joined back) and wraps each
// occurrence in a Cache with one ID, so that the executor computes the
// subplan once. It runs after the pushdown rules, which may already have
// made two uses differ (different columns, different filters); those stay
// separate. Only subplans that do real work are cached: a bare scan is
// cheaper to read twice than to hold.
type commonSubplan struct{}

func (commonSubplan) Name() string { return "common_subplan" }

func (commonSubplan) Apply(p Plan) Plan {
	keys := newPlanKeys()
	counts := map[int]int{}
	nextID := 0
	seenCache := map[int]bool{}
	var count func(Plan)
	count = func(p Plan) {
		if c, ok := p.(*Cache); ok {
			nextID = max(nextID, c.ID+1)
			if seenCache[c.ID] {
				return // the other occurrences of a cache are computed once
			}
			seenCache[c.ID] = true
			count(c.Input)
			return
		}
		counts[keys.key(p)]++
		for _, c := range p.Children() {
			count(c)
		}
	}
	count(p)

	ids := map[int]int{}
	uses := map[int]int{}
	var wrap func(Plan) Plan
	wrap = func(p Plan) Plan {
		if _, ok := p.(*Cache); ok {
			return p
		}
		if k := keys.key(p); counts[k] > 1 && worthCaching(p) {
			id, ok := ids[k]
			if !ok {
				id = nextID
				nextID++
				ids[k] = id
			}
			uses[id]++
			return &Cache{Input: p, ID: id}
		}
		return mapChildren(p, wrap)
	}
	out := wrap(p)
	// A subplan counted twice may have been wrapped once only (its other
	// occurrence sits inside a larger cached subplan): unwrap those.
	var unwrap func(Plan) Plan
	unwrap = func(p Plan) Plan {
		if c, ok := p.(*Cache); ok {
			if _, made := ids[keys.key(c.Input)]; made && uses[c.ID] < 2 {
				return mapChildren(c.Input, unwrap)
			}
			return p
		}
		return mapChildren(p, unwrap)
	}
	return unwrap(out)
}

// worthCaching reports whether p does work beyond reading a source.
func worthCaching(p Plan) bool {
	switch p.(type) {
	case *Aggregate, *Join, *Sort, *WindowNode, *Union:
		return true
	}
	for _, c := range p.Children() {
		if worthCaching(c) {
			return true
		}
	}
	return false
}

// mapChildren returns p with fn applied to each child, or p itself when no
// child changed.
func mapChildren(p Plan, fn func(Plan) Plan) Plan {
	ch := p.Children()
	if len(ch) == 0 {
		return p
	}
	next := make([]Plan, len(ch))
	changed := false
	for i, c := range ch {
		next[i] = fn(c)
		changed = changed || next[i] != c
	}
	if !changed {
		return p
	}
	return p.WithChildren(next)
}
