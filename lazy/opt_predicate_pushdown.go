package lazy

// predicatePushdown moves filters as close to the data as they can go:
// through projections whose columns they read unchanged, and into scans,
// where rows are dropped before other columns are materialized. Conjunctions
// are split so that each part travels as far as it can on its own.
type predicatePushdown struct{}

func (predicatePushdown) Name() string { return "predicate_pushdown" }

func (r predicatePushdown) Apply(p Plan) Plan { return r.push(p, nil) }

func (r predicatePushdown) push(p Plan, preds []Expr) Plan {
	switch n := p.(type) {
	case *Filter:
		return r.push(n.Input, append(preds, splitConjunction(n.Predicate)...))
	case *Project:
		// A predicate can go below the projection when every column it reads
		// is a plain (possibly renamed) input column there.
		down, stay := throughPlainColumns(n.Exprs, preds, false)
		return wrapFilter(n.WithChildren([]Plan{r.push(n.Input, down)}), stay)
	case *Join:
		// A predicate over one side's columns filters that side first when
		// the join keeps that side's rows only where they match or as they are.
		side := map[string]JoinColumn{}
		for _, c := range n.Columns {
			side[c.Name] = c
		}
		leftOK := n.Type == JoinInner || n.Type == JoinLeft || n.Type == JoinSemi || n.Type == JoinAnti || n.Type == JoinCross
		rightOK := n.Type == JoinInner || n.Type == JoinRight || n.Type == JoinCross
		var toLeft, toRight, stay []Expr
		for _, pr := range preds {
			used := ColumnsUsed(pr)
			onlyLeft, onlyRight := len(used) > 0, len(used) > 0
			names := map[string]string{}
			for _, u := range used {
				c, ok := side[u]
				if !ok {
					onlyLeft, onlyRight = false, false
					break
				}
				names[u] = c.Source
				onlyLeft = onlyLeft && c.Side == LeftSide
				onlyRight = onlyRight && c.Side == RightSide
			}
			switch {
			case onlyLeft && leftOK:
				toLeft = append(toLeft, renameColumns(pr, names))
			case onlyRight && rightOK:
				toRight = append(toRight, renameColumns(pr, names))
			default:
				stay = append(stay, pr)
			}
		}
		return wrapFilter(n.WithInputs(r.push(n.Left, toLeft), r.push(n.Right, toRight)), stay)
	case *Aggregate:
		// A predicate over group keys only (plain input columns) keeps or
		// drops whole groups: it can filter the rows before grouping. One
		// that reads no column stays: a global aggregate gives a row even
		// over no rows.
		down, stay := throughPlainColumns(n.Keys, preds, true)
		return wrapFilter(n.WithChildren([]Plan{r.push(n.Input, down)}), stay)
	case *Sort:
		// Filtering commutes with a stable sort, and shrinks what it sorts.
		return n.WithChildren([]Plan{r.push(n.Input, preds)})
	case *Scan:
		if n.Limit >= 0 {
			return wrapFilter(n, preds)
		}
		all := preds
		if n.Predicate != nil {
			all = append(splitConjunction(n.Predicate), preds...)
		}
		if len(all) == 0 {
			return n
		}
		return n.WithPushdown(n.Columns, conjoin(all), n.Limit)
	default:
		ch := p.Children()
		next := make([]Plan, len(ch))
		for i, c := range ch {
			next[i] = r.push(c, nil)
		}
		return wrapFilter(p.WithChildren(next), preds)
	}
}

// throughPlainColumns splits preds into those that read only columns that
// exprs pass through as plain (possibly renamed) input columns, renamed to
// the input's names (down), and the others (stay). With needColumns, a
// predicate that reads no column stays.
func throughPlainColumns(exprs, preds []Expr, needColumns bool) (down, stay []Expr) {
	source := map[string]string{}
	for _, e := range exprs {
		if c, ok := StripAlias(e).(*Column); ok {
			source[OutputName(e)] = c.Name
		}
	}
	for _, pr := range preds {
		used := ColumnsUsed(pr)
		ok := len(used) > 0 || !needColumns
		for _, c := range used {
			if _, found := source[c]; !found {
				ok = false
			}
		}
		if ok {
			down = append(down, renameColumns(pr, source))
		} else {
			stay = append(stay, pr)
		}
	}
	return down, stay
}

func wrapFilter(p Plan, preds []Expr) Plan {
	if len(preds) == 0 {
		return p
	}
	return &Filter{Input: p, Predicate: conjoin(preds)}
}

func renameColumns(e Expr, names map[string]string) Expr {
	return Transform(e, func(x Expr) Expr {
		if c, ok := x.(*Column); ok {
			return &Column{Name: names[c.Name], Type: c.Type}
		}
		return x
	})
}
