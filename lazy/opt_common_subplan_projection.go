package lazy

// sharedNeeds lets projection pushdown keep the occurrences of a repeated
// subplan alike, so that the common-subplan rule (which runs after it) can
// compute them once. Pruned on its own, each occurrence reads only what its
// consumer needs, and two uses that want different columns (TPC-H Q2: the
// europe join aggregated on one side, its name and address columns kept on
// the other) end up as different plans. Instead every occurrence is pruned
// to the union of the columns all of them need, and a projection above an
// occurrence that needs fewer narrows it again (so that its consumer sees
// the columns it saw before, no name clash included).
type sharedNeeds struct {
	keys *planKeys
	// union holds, per key of a repeated subplan worth caching, the columns
	// its occurrences need (nil: all); absent until an occurrence is met.
	union map[int]colSet
	// known marks the keys of repeated subplans worth caching.
	known map[int]bool
	// final is set on the second pass, which prunes with the unions.
	final bool
}

// newSharedNeeds finds the repeated subplans of p (compared before any
// pruning) that are worth caching.
func newSharedNeeds(p Plan) *sharedNeeds {
	s := &sharedNeeds{keys: newPlanKeys(), union: map[int]colSet{}, known: map[int]bool{}}
	counts := map[int]int{}
	var count func(Plan)
	count = func(q Plan) {
		counts[s.keys.key(q)]++
		for _, c := range q.Children() {
			count(c)
		}
	}
	count(p)
	var mark func(Plan)
	mark = func(q Plan) {
		if k := s.keys.key(q); counts[k] > 1 && worthCaching(q) {
			s.known[k] = true
		}
		for _, c := range q.Children() {
			mark(c)
		}
	}
	mark(p)
	return s
}

// widen returns the columns to prune an occurrence of a repeated subplan
// to: on the first pass it records need and returns it; on the second it
// returns the union of every occurrence's need (and need itself, should a
// nested subplan have been reached with more than the first pass saw).
// ok is false for a subplan that is not repeated.
func (s *sharedNeeds) widen(p Plan, need colSet) (colSet, bool) {
	k := s.keys.key(p)
	if !s.known[k] {
		return need, false
	}
	u, seen := s.union[k]
	switch {
	case !s.final && !seen:
		s.union[k] = copySet(need)
		return need, true
	case !s.final:
		s.union[k] = unionSet(u, need)
		return need, true
	}
	return unionSet(u, need), true
}

func copySet(s colSet) colSet {
	if s == nil {
		return nil
	}
	out := make(colSet, len(s))
	for k := range s {
		out[k] = true
	}
	return out
}

// unionSet returns a ∪ b (nil, all columns, when either is nil).
func unionSet(a, b colSet) colSet {
	if a == nil || b == nil {
		return nil
	}
	out := copySet(a)
	for k := range b {
		out[k] = true
	}
	return out
}

// sameSet reports whether a and b hold the same columns (nil: all).
func sameSet(a, b colSet) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

// narrowTo returns p, pruned to wide, with only the columns of need (nil:
// all), in p's order; p itself when it was pruned to need alone (it may
// then output columns beyond need, as any pruned node may) or has no
// others.
func narrowTo(p Plan, wide, need colSet) Plan {
	if need == nil || sameSet(wide, need) {
		return p
	}
	s := p.Schema()
	exprs := make([]Expr, 0, len(need))
	for _, f := range s.Fields() {
		if need[f.Name] {
			exprs = append(exprs, &Column{Name: f.Name, Type: f.Type})
		}
	}
	if len(exprs) == s.NumFields() || len(exprs) == 0 {
		return p // nothing to drop, or a consumer that reads no column
	}
	np, err := newProjectResolved(p, exprs)
	if err != nil {
		return p // cannot happen: columns of p's own schema; p is correct as it is, only wider
	}
	np.RowWise = true
	return np
}
