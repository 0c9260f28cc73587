package lazy

import "github.com/apache/arrow-go/v18/arrow"

// predicatePushdown moves filters as close to the data as they can go:
// through projections whose columns they read unchanged or as literals
// (which are substituted, so that a filter on a constant column, such as a
// hive partition's, folds to keep-all or keep-none per input), into each
// input of a union, and into scans,
// where rows are dropped before other columns are materialized. Conjunctions
// are split so that each part travels as far as it can on its own.
type predicatePushdown struct{}

func (predicatePushdown) Name() string { return "predicate_pushdown" }

func (r predicatePushdown) Apply(p Plan) Plan { return r.push(p, nil) }

func (r predicatePushdown) push(p Plan, preds []Expr) Plan {
	switch n := p.(type) {
	case *Filter:
		own := splitConjunction(n.Predicate)
		return r.push(n.Input, append(append(preds, own...), impliedByOr(own)...))
	case *Project:
		// A predicate can go below the projection when every column it reads
		// is a plain (possibly renamed) input column there.
		down, stay := throughPlainColumns(n.Exprs, preds, false, true)
		return wrapFilter(n.WithChildren([]Plan{r.push(n.Input, down)}), stay)
	case *Union:
		// Filtering a union filters each input, and rows keep their order
		// within each input. Inputs have the union's column names (NewUnion
		// requires it) and, checked here, its types.
		if len(preds) == 0 || !unionInputsTyped(n) {
			break
		}
		out := make([]Plan, len(n.Inputs))
		for i, in := range n.Inputs {
			out[i] = r.push(in, preds)
		}
		return n.WithChildren(out)
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
		down, stay := throughPlainColumns(n.Keys, preds, true, false)
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
		return n.WithPushdown(n.Columns, conjoin(distinctPreds(all)), n.Limit)
	}
	ch := p.Children()
	next := make([]Plan, len(ch))
	for i, c := range ch {
		next[i] = r.push(c, nil)
	}
	return wrapFilter(p.WithChildren(next), preds)
}

// unionInputsTyped reports whether every input of u has the union's column
// types, so that a predicate typed for the union reads each input as it is.
func unionInputsTyped(u *Union) bool {
	for _, in := range u.Inputs {
		for j, f := range u.Schema().Fields() {
			if !arrow.TypeEqual(in.Schema().Field(j).Type, f.Type) {
				return false
			}
		}
	}
	return true
}

// throughPlainColumns splits preds into those that read only columns that
// exprs pass through as plain (possibly renamed) input columns, renamed to
// the input's names (down), and the others (stay). With literals, a column
// that exprs set to a literal counts too, and the literal takes its place.
// With needColumns, a predicate that reads no column stays.
func throughPlainColumns(exprs, preds []Expr, needColumns, literals bool) (down, stay []Expr) {
	source := map[string]string{}
	constant := map[string]*Literal{}
	for _, e := range exprs {
		switch x := StripAlias(e).(type) {
		case *Column:
			source[OutputName(e)] = x.Name
		case *Literal:
			if literals {
				constant[OutputName(e)] = x
			}
		}
	}
	for _, pr := range preds {
		used := ColumnsUsed(pr)
		ok := len(used) > 0 || !needColumns
		for _, c := range used {
			_, plain := source[c]
			_, lit := constant[c]
			if !plain && !lit {
				ok = false
			}
		}
		if !ok {
			stay = append(stay, pr)
			continue
		}
		down = append(down, Transform(pr, func(x Expr) Expr {
			if c, ok := x.(*Column); ok {
				if l, found := constant[c.Name]; found {
					return l
				}
				return &Column{Name: source[c.Name], Type: c.Type}
			}
			return x
		}))
	}
	return down, stay
}

func wrapFilter(p Plan, preds []Expr) Plan {
	if len(preds) == 0 {
		return p
	}
	return &Filter{Input: p, Predicate: conjoin(distinctPreds(preds))}
}

// distinctPreds drops conjuncts that repeat an earlier one.
func distinctPreds(preds []Expr) []Expr {
	keys := newExprKeys()
	seen := map[int]bool{}
	out := preds[:0:0]
	for _, p := range preds {
		if k := keys.id(p); !seen[k] {
			seen[k] = true
			out = append(out, p)
		}
	}
	return out
}

// impliedByOr derives, from a disjunction of conjunctions such as TPC-H Q7's
// (n1 = 'FRANCE' & n2 = 'GERMANY') | (n1 = 'GERMANY' & n2 = 'FRANCE'), the
// weaker point predicates on one column each that every disjunct implies
// ((n1 = 'FRANCE') | (n1 = 'GERMANY'), and the same for n2). They are true
// wherever the original is, so adding them changes no result; they read one
// column, so they can go down alone to the input that has it, which the
// disjunction over two inputs cannot.
func impliedByOr(preds []Expr) []Expr {
	var out []Expr
	for _, p := range preds {
		b, ok := p.(*Binary)
		if !ok || b.Op != OpOr {
			continue
		}
		disjuncts := splitDisjunction(p)
		// For each column, the conjuncts of each disjunct that read only it.
		cols := ColumnsUsed(p)
		for _, col := range cols {
			var parts []Expr
			for _, d := range disjuncts {
				var mine []Expr
				for _, c := range splitConjunction(d) {
					if used := ColumnsUsed(c); len(used) == 1 && used[0] == col && pointPredicate(c) {
						mine = append(mine, c)
					}
				}
				if len(mine) == 0 {
					parts = nil // this disjunct says nothing of col
					break
				}
				parts = append(parts, conjoin(mine))
			}
			if len(parts) == 0 || len(cols) == 1 {
				continue // nothing implied, or the predicate reads only col already
			}
			implied := parts[0]
			for _, q := range parts[1:] {
				implied = &Binary{Op: OpOr, Left: implied, Right: q, Type: q.DataType()}
			}
			out = append(out, implied)
		}
	}
	return out
}

// pointPredicate reports whether p keeps a few values of one column
// (col == literal, col.is_in([...])): the implied disjunction of such
// predicates is selective and cheap. Ranges are left out: their
// disjunction usually keeps most rows and costs more to test than it saves
// (TPC-H Q19's quantity ranges).
func pointPredicate(p Expr) bool {
	switch e := p.(type) {
	case *Binary:
		if e.Op != OpEq {
			return false
		}
		_, lc := StripCast(e.Left).(*Column)
		_, rl := e.Right.(*Literal)
		_, ll := e.Left.(*Literal)
		_, rc := StripCast(e.Right).(*Column)
		return (lc && rl) || (ll && rc)
	case *Call:
		_, col := StripCast(e.Args[0]).(*Column)
		return e.Name == "is_in" && len(e.Args) == 1 && col
	}
	return false
}

// splitDisjunction returns the operands of a chain of ORs.
func splitDisjunction(e Expr) []Expr {
	if b, ok := e.(*Binary); ok && b.Op == OpOr {
		return append(splitDisjunction(b.Left), splitDisjunction(b.Right)...)
	}
	return []Expr{e}
}

func renameColumns(e Expr, names map[string]string) Expr {
	return Transform(e, func(x Expr) Expr {
		if c, ok := x.(*Column); ok {
			return &Column{Name: names[c.Name], Type: c.Type}
		}
		return x
	})
}
