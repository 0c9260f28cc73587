package lazy

// projectionPushdown drops columns nobody reads: projected expressions whose
// output is unused, and scan columns outside the needed set, so that only the
// columns a query uses are read. Projections left as the identity are removed.
// Occurrences of a repeated subplan are pruned alike (see sharedNeeds).
type projectionPushdown struct {
	shared *sharedNeeds
}

func (projectionPushdown) Name() string { return "projection_pushdown" }

func (r projectionPushdown) Apply(p Plan) Plan {
	s := newSharedNeeds(p)
	if len(s.known) == 0 {
		return r.prune(p, nil)
	}
	r.shared = s
	r.prune(p, nil) // first pass: what each occurrence needs
	s.final = true
	return r.prune(p, nil)
}

// colSet is the set of columns needed from a node's output; nil means all.
type colSet map[string]bool

func (s colSet) addAll(names []string) {
	for _, n := range names {
		s[n] = true
	}
}

func (r projectionPushdown) prune(p Plan, need colSet) Plan {
	if r.shared != nil {
		if wide, ok := r.shared.widen(p, need); ok && r.shared.final {
			return narrowTo(r.pruneNode(p, wide), wide, need)
		}
	}
	return r.pruneNode(p, need)
}

func (r projectionPushdown) pruneNode(p Plan, need colSet) Plan {
	switch n := p.(type) {
	case *Project:
		kept := n.Exprs
		if need != nil {
			kept = nil
			for _, e := range n.Exprs {
				if need[OutputName(e)] {
					kept = append(kept, e)
				}
			}
		}
		inNeed := colSet{}
		for _, e := range kept {
			inNeed.addAll(ColumnsUsed(e))
		}
		input := r.prune(n.Input, inNeed)
		np := &Project{Input: n.Input, Exprs: kept, RowWise: n.RowWise}
		np = np.WithExprs(kept)
		np.Input = input
		// Dropping the expressions that read columns must not turn a
		// row-wise projection into a one-row select of literals.
		np.RowWise = n.RowWise || !n.IsScalar()
		if isIdentity(np) {
			return input
		}
		return np
	case *Filter:
		var inNeed colSet
		if need != nil {
			inNeed = colSet{}
			for k := range need {
				inNeed[k] = true
			}
			inNeed.addAll(ColumnsUsed(n.Predicate))
		}
		return n.WithChildren([]Plan{r.prune(n.Input, inNeed)})
	case *Slice:
		return n.WithChildren([]Plan{r.prune(n.Input, need)})
	case *Tail:
		return n.WithChildren([]Plan{r.prune(n.Input, need)})
	case *WindowNode:
		var inNeed colSet
		if need != nil {
			inNeed = colSet{}
			computed := map[string]bool{}
			for _, c := range n.Columns {
				computed[c.Name] = true
				inNeed.addAll(ColumnsUsed(c.W))
			}
			for k := range need {
				if !computed[k] {
					inNeed[k] = true
				}
			}
		}
		return n.WithChildren([]Plan{r.prune(n.Input, inNeed)})
	case *RowIndex:
		var inNeed colSet
		if need != nil {
			inNeed = colSet{}
			for k := range need {
				if k != n.Name {
					inNeed[k] = true
				}
			}
		}
		return n.WithChildren([]Plan{r.prune(n.Input, inNeed)})
	case *Join:
		left, right := colSet{}, colSet{}
		for _, c := range n.Columns {
			if need == nil || need[c.Name] {
				if c.Side == LeftSide {
					left[c.Source] = true
				} else {
					right[c.Source] = true
				}
			}
		}
		for _, k := range n.LeftOn {
			left.addAll(ColumnsUsed(k))
		}
		for _, k := range n.RightOn {
			right.addAll(ColumnsUsed(k))
		}
		return n.WithInputs(r.prune(n.Left, left), r.prune(n.Right, right))
	case *Sort:
		var inNeed colSet
		if need != nil {
			inNeed = colSet{}
			for k := range need {
				inNeed[k] = true
			}
			for _, k := range n.Keys {
				inNeed.addAll(ColumnsUsed(k.Expr))
			}
		}
		return n.WithChildren([]Plan{r.prune(n.Input, inNeed)})
	case *Aggregate:
		// Keys define the groups and stay; unused aggregates go.
		aggs := n.Aggregates
		if need != nil {
			aggs = nil
			for _, a := range n.Aggregates {
				if need[OutputName(a)] {
					aggs = append(aggs, a)
				}
			}
		}
		inNeed := colSet{}
		for _, e := range append(append([]Expr{}, n.Keys...), aggs...) {
			inNeed.addAll(ColumnsUsed(e))
		}
		na := n.WithExprs(n.Keys, aggs)
		na.Input = r.prune(n.Input, inNeed)
		return na
	case *Scan:
		if need == nil {
			return n
		}
		cols := []string{}
		for _, f := range n.Source.Schema().Fields() {
			if need[f.Name] {
				cols = append(cols, f.Name)
			}
		}
		if len(cols) == n.Source.Schema().NumFields() {
			cols = nil
		}
		return n.WithPushdown(cols, n.Predicate, n.Limit)
	default:
		ch := p.Children()
		next := make([]Plan, len(ch))
		for i, c := range ch {
			next[i] = r.prune(c, nil)
		}
		return p.WithChildren(next)
	}
}

// isIdentity reports whether p outputs exactly its input's columns, in order, unchanged.
func isIdentity(p *Project) bool {
	in := p.Input.Schema()
	if len(p.Exprs) != in.NumFields() {
		return false
	}
	for i, e := range p.Exprs {
		c, ok := e.(*Column)
		if !ok || c.Name != in.Field(i).Name {
			return false
		}
	}
	return true
}
