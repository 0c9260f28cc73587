package lazy

// EstimateRows guesses how many rows a plan produces, from source sizes and
// fixed selectivities (a filter keeps half, a group-by a tenth). It is for
// choosing between plans (which join side to hash), not for correctness.
func EstimateRows(p Plan) int64 {
	const unknown = int64(1) << 40
	switch n := p.(type) {
	case *Scan:
		rows := n.Source.NumRows()
		if rows < 0 {
			rows = unknown
		}
		if n.Predicate != nil {
			rows /= 2
		}
		if n.Limit >= 0 && n.Limit < rows {
			rows = n.Limit
		}
		return rows
	case *Filter:
		return EstimateRows(n.Input) / 2
	case *Aggregate:
		if len(n.Keys) == 0 {
			return 1
		}
		return max(EstimateRows(n.Input)/10, 1)
	case *Slice:
		in := EstimateRows(n.Input)
		if n.Length >= 0 && n.Length < in {
			return n.Length
		}
		return in
	case *Tail:
		return min(n.N, EstimateRows(n.Input))
	case *Join:
		l, r := EstimateRows(n.Left), EstimateRows(n.Right)
		switch n.Type {
		case JoinSemi, JoinAnti:
			return l
		case JoinCross:
			return l * r
		}
		return max(l, r)
	case *Union:
		var total int64
		for _, in := range n.Inputs {
			total += EstimateRows(in)
		}
		return total
	}
	ch := p.Children()
	if len(ch) == 1 {
		return EstimateRows(ch[0])
	}
	return unknown
}
