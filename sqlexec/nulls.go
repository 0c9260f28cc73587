package sqlexec

import (
	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/lazy/fn"
)

// nonNull reports whether e, evaluated over p, can be proven never null.
// It follows a column through the plan to its source, whose schema says
// whether it holds nulls (Parquet's required columns do not). SQL's null
// rules need extra expressions only where nulls can occur, so queries over
// such columns compile to exactly the DataFrame API's plans.
func (b *builder) nonNull(p lazy.Plan, e lazy.Expr) bool {
	switch x := e.(type) {
	case nil:
		return true
	case *lazy.Column:
		return planColumnNonNull(p, x.Name)
	case *lazy.Literal:
		return x.Value != nil
	case *lazy.Alias:
		return b.nonNull(p, x.X)
	case *lazy.Cast:
		return b.nonNull(p, x.X)
	case *lazy.Unary:
		if x.Op == lazy.OpIsNull || x.Op == lazy.OpIsNotNull {
			return true
		}
		return b.nonNull(p, x.X)
	case *lazy.Binary:
		switch x.Op {
		case lazy.OpTrueDiv, lazy.OpFloorDiv, lazy.OpMod, lazy.OpRem:
			return false
		}
		return b.nonNull(p, x.Left) && b.nonNull(p, x.Right)
	case *lazy.Agg:
		// Over the whole input, which may have no rows.
		entry, ok := x.Func.Entry()
		return ok && entry.NeverNull(false, false)
	case *lazy.Call:
		if f, ok := fn.Lookup(x.Name); ok {
			return f.NeverNull(x.Opts, len(x.Args), func(i int) bool { return b.nonNull(p, x.Args[i]) })
		}
		switch x.Name {
		case fn.SQLDecimalArith:
			// Null only from a null operand, or a zero divisor.
			return lazy.OptString(x.Opts, "op", "") != "div" && b.nonNull(p, x.Args[0]) && b.nonNull(p, x.Args[1])
		}
	}
	return false
}

// allNonNull reports whether every one of args is never null over p.
func (b *builder) allNonNull(p lazy.Plan, args []lazy.Expr) bool {
	for _, a := range args {
		if !b.nonNull(p, a) {
			return false
		}
	}
	return true
}

// planColumnNonNull follows column name down p.
func planColumnNonNull(p lazy.Plan, name string) bool {
	idx := p.Schema().FieldIndices(name)
	if len(idx) == 0 {
		return false
	}
	switch n := p.(type) {
	case *lazy.Scan:
		src := n.Source.Schema()
		i := src.FieldIndices(name)
		return len(i) > 0 && !src.Field(i[0]).Nullable
	case *lazy.Filter, *lazy.Sort, *lazy.Slice, *lazy.Tail:
		return planColumnNonNull(p.Children()[0], name)
	case *lazy.Project:
		e := n.Exprs[idx[0]]
		var b builder
		return b.nonNull(n.Input, e)
	case *lazy.Aggregate:
		all := append(append([]lazy.Expr{}, n.Keys...), n.Aggregates...)
		e := all[idx[0]]
		if i := idx[0]; i >= len(n.Keys) {
			if a, ok := lazy.StripAlias(e).(*lazy.Agg); ok && len(n.Keys) > 0 {
				// Groups are never empty: min, max, first… of a column
				// without nulls have a value.
				if entry, ok := a.Func.Entry(); ok {
					return entry.NeverNull(a.X != nil && planColumnNonNull(n.Input, colName(a.X)), true)
				}
			}
		}
		var b builder
		return b.nonNull(n.Input, e)
	case *lazy.Join:
		for _, c := range n.Columns {
			if c.Name != name {
				continue
			}
			switch {
			case n.Type == lazy.JoinFull,
				n.Type == lazy.JoinLeft && c.Side == lazy.RightSide,
				n.Type == lazy.JoinRight && c.Side == lazy.LeftSide:
				return false
			}
			if c.Side == lazy.LeftSide {
				return planColumnNonNull(n.Left, c.Source)
			}
			return planColumnNonNull(n.Right, c.Source)
		}
	case *lazy.Union:
		for _, in := range n.Inputs {
			if !planColumnNonNull(in, in.Schema().Field(idx[0]).Name) {
				return false
			}
		}
		return true
	case *lazy.RowIndex:
		if name == n.Name {
			return true
		}
		return planColumnNonNull(n.Input, name)
	case *lazy.WindowNode:
		return planColumnNonNull(n.Input, name)
	}
	return false
}

func colName(e lazy.Expr) string {
	if c, ok := lazy.StripCast(lazy.StripAlias(e)).(*lazy.Column); ok {
		return c.Name
	}
	return ""
}

// sortKey is MySQL's order: nulls are the smallest values, first when
// ascending and last when descending. For keys that cannot be null the
// null placement is left at the default, as the DataFrame API writes it.
func (b *builder) sortKey(p lazy.Plan, e lazy.Expr, desc bool) lazy.SortKey {
	k := lazy.SortKey{Expr: e, Descending: desc}
	if desc && !b.nonNull(p, e) {
		k.NullsLast = true
	}
	return k
}
