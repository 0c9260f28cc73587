package sqlexec

import (
	"strings"

	"github.com/alopexdb/alopex/lazy"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/pingcap/tidb/pkg/parser/ast"
)

// aggregate translates an aggregate call. SQL's answers differ from
// Polars' where the input has nulls: SUM of no non-null values is null
// (Polars: 0) and COUNT(DISTINCT x) does not count null; the extra
// expressions are added only when the input may hold nulls.
func (t *translator) aggregate(x *ast.AggregateFuncExpr) (lazy.Expr, error) {
	if x.Order != nil {
		return nil, notSupported("ORDER BY inside an aggregate is not supported (in %s)", restore(x))
	}
	inner := *t
	inner.allowAgg, inner.allowWindow = false, false
	inner.clause = "an aggregate's argument"
	args, err := inner.exprs(x.Args)
	if err != nil {
		return nil, err
	}
	t.pending = append(t.pending, inner.pending...)
	name := strings.ToLower(x.F)
	agg := func(f lazy.AggFunc, param float64) lazy.Expr {
		return &lazy.Agg{Func: f, X: args[0], Param: param}
	}
	if len(args) != 1 {
		return nil, notSupported("%s with %d arguments is not supported (in %s)", strings.ToUpper(name), len(args), restore(x))
	}
	if x.Distinct && name != "count" && name != "min" && name != "max" {
		return nil, notSupported("%s(DISTINCT …) is not supported (in %s); use a subquery with SELECT DISTINCT", strings.ToUpper(name), restore(x))
	}
	mayNull := !t.b.nonNull(t.rel.plan, args[0])
	switch name {
	case "count":
		if lit, ok := args[0].(*lazy.Literal); ok && lit.Value != nil {
			return &lazy.Agg{Func: lazy.AggLen}, nil // COUNT(*), COUNT(1)
		}
		if x.Distinct {
			out := agg(lazy.AggNUnique, 0)
			if mayNull {
				hasNull := &lazy.Agg{Func: lazy.AggAny, X: &lazy.Unary{Op: lazy.OpIsNull, X: args[0]}}
				out = bin(lazy.OpSub, out, &lazy.Cast{X: hasNull, To: arrow.PrimitiveTypes.Uint32, Strict: true})
			}
			return out, nil
		}
		return agg(lazy.AggCount, 0), nil
	case "sum":
		out := agg(lazy.AggSum, 0)
		if mayNull {
			out = when(out, bin(lazy.OpEq, agg(lazy.AggCount, 0), dyn(0)), nullLit())
		}
		return out, nil
	case "avg":
		return agg(lazy.AggMean, 0), nil
	case "min":
		return agg(lazy.AggMin, 0), nil
	case "max":
		return agg(lazy.AggMax, 0), nil
	case "std", "stddev", "stddev_pop":
		return agg(lazy.AggStd, 0), nil
	case "stddev_samp":
		return agg(lazy.AggStd, 1), nil
	case "variance", "var_pop":
		return agg(lazy.AggVar, 0), nil
	case "var_samp":
		return agg(lazy.AggVar, 1), nil
	}
	return nil, notSupported("the aggregate %s is not supported (in %s)", strings.ToUpper(x.F), restore(x))
}

// window translates f(…) OVER (PARTITION BY … ORDER BY … [frame]) into
// the window expressions of the DataFrame API. Frames that the window
// machinery cannot compute exactly are NotSupported.
func (t *translator) window(x *ast.WindowFuncExpr) (lazy.Expr, error) {
	spec := x.Spec
	if spec.Name.O != "" || spec.Ref.O != "" {
		return nil, notSupported("named windows are not supported (in %s)", restore(x))
	}
	if x.IgnoreNull || x.FromLast || x.Distinct {
		return nil, notSupported("IGNORE NULLS, FROM LAST and DISTINCT in window functions are not supported (in %s)", restore(x))
	}
	inner := *t
	inner.allowAgg, inner.allowWindow = false, false
	inner.clause = "a window function"
	w := &lazy.Window{}
	if spec.PartitionBy != nil {
		for _, it := range spec.PartitionBy.Items {
			e, err := inner.expr(it.Expr)
			if err != nil {
				return nil, err
			}
			w.PartitionBy = append(w.PartitionBy, e)
		}
	}
	var order []lazy.SortKey
	if spec.OrderBy != nil {
		for _, it := range spec.OrderBy.Items {
			e, err := inner.expr(it.Expr)
			if err != nil {
				return nil, err
			}
			order = append(order, t.b.sortKey(t.rel.plan, e, it.Desc))
		}
	}
	args, err := inner.exprs(x.Args)
	if err != nil {
		return nil, err
	}
	t.pending = append(t.pending, inner.pending...)
	name := strings.ToLower(x.Name)
	switch name {
	case "row_number":
		w.X, w.OrderBy = call("cum_count", nil, dyn(1)), order
		return w, nil
	case "rank", "dense_rank":
		if len(order) != 1 {
			return nil, notSupported("%s needs exactly one ORDER BY key here (in %s)", strings.ToUpper(name), restore(x))
		}
		if !t.b.nonNull(t.rel.plan, order[0].Expr) {
			return nil, notSupported("%s over an ORDER BY key that may be null is not supported (in %s)", strings.ToUpper(name), restore(x))
		}
		method := "min"
		if name == "dense_rank" {
			method = "dense"
		}
		w.X = call("rank", map[string]any{"method": method, "descending": order[0].Descending}, order[0].Expr)
		return w, nil
	case "lag", "lead":
		if len(args) == 0 || len(args) > 3 {
			return nil, notSupported("%s takes 1 to 3 arguments (in %s)", strings.ToUpper(name), restore(x))
		}
		n := int64(1)
		if len(args) >= 2 {
			v, ok := intLit(args[1])
			if !ok {
				return nil, notSupported("%s with an offset that is not an integer constant (in %s)", strings.ToUpper(name), restore(x))
			}
			n = v
		}
		if name == "lead" {
			n = -n
		}
		fill := nullLit()
		if len(args) == 3 {
			fill = args[2]
		}
		w.X, w.OrderBy = call("shift", map[string]any{"n": n}, args[0], fill), order
		return w, nil
	case "sum", "avg", "min", "max", "count":
	default:
		return nil, notSupported("the window function %s is not supported (in %s)", strings.ToUpper(name), restore(x))
	}
	if len(args) != 1 {
		return nil, notSupported("%s with %d arguments (in %s)", strings.ToUpper(name), len(args), restore(x))
	}
	arg := args[0]
	if lit, ok := arg.(*lazy.Literal); ok && name == "count" && lit.Value != nil {
		arg = nil // COUNT(*)
	}
	whole := len(order) == 0
	frame := spec.Frame
	if frame != nil {
		s, e := frame.Extent.Start, frame.Extent.End
		unboundedStart := s.Type == ast.Preceding && s.UnBounded
		toEnd := e.Type == ast.Following && e.UnBounded
		toCurrent := e.Type == ast.CurrentRow
		switch {
		case unboundedStart && toEnd:
			whole = true
		case unboundedStart && toCurrent && frame.Type == ast.Rows && len(order) > 0:
			whole = false
		default:
			return nil, notSupported("the window frame of %s is not supported: only the whole partition and "+
				"ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW are", restore(x))
		}
	} else if len(order) > 0 {
		// The default frame with ORDER BY is RANGE … CURRENT ROW, which
		// includes the rows tied with the current one: exact with cumulative
		// functions only when no two rows tie, which cannot be known here.
		return nil, notSupported("%s OVER (… ORDER BY …) with the default RANGE frame is not supported; "+
			"write ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW (in %s)", strings.ToUpper(name), restore(x))
	}
	if whole {
		a := &lazy.Agg{Func: map[string]lazy.AggFunc{"sum": lazy.AggSum, "avg": lazy.AggMean, "min": lazy.AggMin,
			"max": lazy.AggMax, "count": lazy.AggCount}[name], X: arg}
		if arg == nil {
			a.Func = lazy.AggLen
		}
		var x lazy.Expr = a
		if name == "sum" && !t.b.nonNull(t.rel.plan, arg) {
			x = when(a, bin(lazy.OpEq, &lazy.Agg{Func: lazy.AggCount, X: arg}, dyn(0)), nullLit())
		}
		w.X = x
		return w, nil
	}
	// Running aggregates: the cumulative functions, exact when the argument
	// has no nulls (they keep a null row null, SQL does not).
	if arg != nil && !t.b.nonNull(t.rel.plan, arg) {
		return nil, notSupported("running %s over a column that may be null is not supported (in %s)", strings.ToUpper(name), restore(x))
	}
	w.OrderBy = order
	switch name {
	case "sum":
		w.X = call("cum_sum", nil, arg)
	case "min":
		w.X = call("cum_min", nil, arg)
	case "max":
		w.X = call("cum_max", nil, arg)
	case "count":
		if arg == nil {
			arg = dyn(1)
		}
		w.X = call("cum_count", nil, arg)
	case "avg":
		sum := &lazy.Window{X: call("cum_sum", nil, arg), PartitionBy: w.PartitionBy, OrderBy: order}
		cnt := &lazy.Window{X: call("cum_count", nil, arg), PartitionBy: w.PartitionBy, OrderBy: order}
		return bin(lazy.OpTrueDiv, sum, cnt), nil
	}
	return w, nil
}
