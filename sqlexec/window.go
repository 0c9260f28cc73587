package sqlexec

import (
	"github.com/alopexdb/alopex/core"
	"strings"

	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/lazy/fn"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/pingcap/tidb/pkg/parser/ast"
)

// Window functions compile to the window expressions of the DataFrame API
// (expr.over(partition_by, order_by=…)), whose functions are Polars': the
// cumulative functions see rows one at a time, rank() one key. SQL's
// notions that have no such function are built in two steps: helper
// columns computed first (translator.pre, added by with_columns before the
// SELECT list), then window expressions over them:
//
//   - peers (rows whose ORDER BY keys are all equal, nulls equal to nulls):
//     a row starts a new peer group when it is the first of its partition
//     or a key differs from the previous row's (shift(k) over the same
//     window); RANK is the running maximum of the row numbers where a
//     group starts, DENSE_RANK the running count of group starts;
//   - the default frame with ORDER BY, RANGE BETWEEN UNBOUNDED PRECEDING
//     AND CURRENT ROW, includes the current row's peers: the running
//     aggregate at the last peer, last(running) over the partition and the
//     keys (the window sort is stable, so the last peer in input order is
//     the last in window order);
//   - running SUM, AVG and COUNT skip nulls as SQL does: the running sum
//     of coalesce(x, 0), null while the running count of x is 0; running
//     MIN and MAX carry the last value over null rows (see running).

// windowClause names the arguments of a window function in errors.
const windowClause = "a window function"

// preColumn adds a helper column computed before the SELECT list and
// returns a reference to it. A helper that reads other helpers is computed
// in a later step (with_columns cannot read the columns it adds).
func (t *translator) preColumn(e lazy.Expr) lazy.Expr {
	name := t.b.fresh("win")
	level := 0
	for _, c := range lazy.ColumnsUsed(e) {
		for _, h := range t.pre {
			if lazy.OutputName(h.expr) == c {
				level = max(level, h.level+1)
			}
		}
	}
	t.pre = append(t.pre, helperColumn{expr: &lazy.Alias{X: e, Name: name}, level: level})
	return col(name)
}

// helperColumn is a helper column of window functions and the step that
// computes it.
type helperColumn struct {
	expr  lazy.Expr
	level int
}

// withPre adds the helper columns of window functions to rel, one
// with_columns per step.
func (b *builder) withPre(rel *relation, pre []helperColumn) (*relation, error) {
	out := &relation{plan: rel.plan, cols: append([]column{}, rel.cols...)}
	for level := 0; ; level++ {
		var exprs []lazy.Expr
		for _, h := range pre {
			if h.level == level {
				exprs = append(exprs, h.expr)
			}
		}
		if len(exprs) == 0 {
			return out, nil
		}
		p, err := lazy.NewWithColumns(out.plan, exprs)
		if err != nil {
			return nil, err
		}
		out.plan = p
		for _, e := range exprs {
			name := lazy.OutputName(e)
			out.cols = append(out.cols, column{name: name, phys: name, hidden: true})
		}
	}
}

// window translates f(…) OVER (PARTITION BY … ORDER BY … [frame]). Frames
// that cannot be computed exactly are NotSupported.
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
	inner.clause = windowClause
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
		return t.rank(x, name, w, order)
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
	peers := false // the frame ends with the current row's last peer
	if frame := spec.Frame; frame != nil {
		s, e := frame.Extent.Start, frame.Extent.End
		unboundedStart := s.Type == ast.Preceding && s.UnBounded
		toEnd := e.Type == ast.Following && e.UnBounded
		toCurrent := e.Type == ast.CurrentRow
		switch {
		case unboundedStart && toEnd:
			whole = true
		case unboundedStart && toCurrent && len(order) > 0:
			whole, peers = false, frame.Type == ast.Ranges
		case frame.Type == ast.Rows && len(order) > 0:
			return t.rowsFrame(x, name, arg, w.PartitionBy, order, s, e)
		default:
			return nil, notSupported("the window frame of %s is not supported: RANGE frames take UNBOUNDED "+
				"PRECEDING AND CURRENT ROW or the whole partition; ROWS BETWEEN … frames take any offsets", restore(x))
		}
	} else if len(order) > 0 {
		peers = true // the default frame: RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
	}
	if whole {
		entry, param, _ := fn.LookupSQLAggregate(name) // sum, avg, min, max, count: entries
		a := &lazy.Agg{Func: lazy.AggFunc(entry.Name), X: arg, Param: param}
		if arg == nil {
			a.Func = lazy.AggLen
		}
		t.checkedSum(a)
		var x lazy.Expr = a
		if name == "sum" && !t.b.nonNull(t.rel.plan, arg) {
			x = when(a, bin(lazy.OpEq, &lazy.Agg{Func: lazy.AggCount, X: arg}, dyn(0)), nullLit())
		}
		if name == "max" {
			x = t.maxNaNGreatest(a, arg)
		}
		w.X = x
		return w, nil
	}
	running, err := t.running(x, name, arg, w.PartitionBy, order)
	if err != nil {
		return nil, err
	}
	if !peers {
		return running, nil
	}
	// The value at the current row's last peer.
	by := append(append([]lazy.Expr{}, w.PartitionBy...), sortExprs(order)...)
	return &lazy.Window{X: &lazy.Agg{Func: lazy.AggLast, X: t.preColumn(running)}, PartitionBy: by}, nil
}

// running is an aggregate from the partition's first row to the current
// one (ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW), nulls skipped.
func (t *translator) running(x *ast.WindowFuncExpr, name string, arg lazy.Expr, part []lazy.Expr, order []lazy.SortKey) (lazy.Expr, error) {
	over := func(f string, e lazy.Expr) lazy.Expr {
		return &lazy.Window{X: call(f, nil, e), PartitionBy: part, OrderBy: order}
	}
	mayNull := arg != nil && !t.b.nonNull(t.rel.plan, arg)
	switch name {
	case "count":
		if arg == nil {
			arg = dyn(1)
		}
		return over("cum_count", arg), nil
	case "sum", "avg":
		summed, isInt := t.sum64(arg) // an INT column's running sum is a BIGINT, as its SUM is
		if mayNull {
			summed = call("coalesce", nil, summed, dyn(0))
		}
		sum := over("cum_sum", summed)
		if isInt { // a running BIGINT SUM beyond 64 bits is an error, as SUM's
			sum = &lazy.Window{X: call("cum_sum", map[string]any{"checked": true}, summed), PartitionBy: part, OrderBy: order}
		}
		if name == "avg" {
			return divide(sum, over("cum_count", arg)), nil
		}
		if mayNull {
			return when(sum, bin(lazy.OpEq, over("cum_count", arg), dyn(0)), nullLit()), nil
		}
		return sum, nil
	}
	var res lazy.Expr
	if !mayNull {
		res = over("cum_"+name, arg)
	} else {
		// MIN and MAX: cum_min keeps a null row null where SQL carries the
		// extreme so far, which is cum_min at the last row with a value: the
		// first row of the run of rows with the same running count of values.
		extreme := t.preColumn(over("cum_"+name, arg))
		seen := t.preColumn(over("cum_count", arg))
		by := append(append([]lazy.Expr{}, part...), seen)
		res = &lazy.Window{X: &lazy.Agg{Func: lazy.AggFirst, X: extreme}, PartitionBy: by, OrderBy: order}
	}
	if name == "max" {
		// cum_max skips NaN (Polars); SQL's running MAX is NaN from the
		// first NaN on, as maxNaNGreatest makes the aggregate.
		if typ := t.floatType(arg); typ != nil {
			isNaN := call("coalesce", nil, &lazy.Cast{X: call("is_nan", nil, arg), To: arrow.PrimitiveTypes.Int64, Strict: true}, dyn(0))
			res = when(res, bin(lazy.OpGt, over("cum_sum", isNaN), dyn(0)), nanOf(typ))
		}
	}
	return res, nil
}

// rank translates RANK() and DENSE_RANK(). One ORDER BY key without nulls
// is the DataFrame API's rank(); other orders go through peer groups.
func (t *translator) rank(x *ast.WindowFuncExpr, name string, w *lazy.Window, order []lazy.SortKey) (lazy.Expr, error) {
	if len(order) == 0 {
		// Every row is a peer of every other: rank 1 throughout.
		w.X = call("cum_count", nil, dyn(1))
		return &lazy.Window{X: &lazy.Agg{Func: lazy.AggMin, X: t.preColumn(w)}, PartitionBy: w.PartitionBy}, nil
	}
	if len(order) == 1 && t.b.nonNull(t.rel.plan, order[0].Expr) {
		method := "min"
		if name == "dense_rank" {
			method = "dense"
		}
		w.X = call("rank", map[string]any{"method": method, "descending": order[0].Descending}, order[0].Expr)
		return w, nil
	}
	over := func(e lazy.Expr) *lazy.Window {
		return &lazy.Window{X: e, PartitionBy: w.PartitionBy, OrderBy: order}
	}
	rowNumber := t.preColumn(over(call("cum_count", nil, dyn(1))))
	starts := bin(lazy.OpEq, rowNumber, dyn(1))
	for _, k := range order {
		prev := t.preColumn(over(call("shift", map[string]any{"n": int64(1)}, k.Expr, nullLit())))
		starts = bin(lazy.OpOr, starts, not(nullSafeEq(k.Expr, prev)))
	}
	if name == "rank" {
		return over(call("cum_max", nil, when(dyn(0), starts, rowNumber))), nil
	}
	return over(call("cum_sum", nil, &lazy.Cast{X: starts, To: arrow.PrimitiveTypes.Uint32, Strict: true})), nil
}

// nullSafeEq is a <=> b: equal, or both null; never null.
func nullSafeEq(a, b lazy.Expr) lazy.Expr {
	bothNull := bin(lazy.OpAnd, &lazy.Unary{Op: lazy.OpIsNull, X: a}, &lazy.Unary{Op: lazy.OpIsNull, X: b})
	return call("fill_null", nil, bin(lazy.OpOr, bothNull, bin(lazy.OpEq, a, b)), &lazy.Literal{Value: false})
}

func sortExprs(keys []lazy.SortKey) []lazy.Expr {
	out := make([]lazy.Expr, len(keys))
	for i, k := range keys {
		out[i] = k.Expr
	}
	return out
}

// rowsFrame translates an aggregate over ROWS BETWEEN a AND b with offsets
// (n PRECEDING, CURRENT ROW, n FOLLOWING, UNBOUNDED on either side) into the
// frame_agg window function, which slides the frame along each ordered
// partition.
func (t *translator) rowsFrame(x *ast.WindowFuncExpr, name string, arg lazy.Expr, part []lazy.Expr,
	order []lazy.SortKey, s, e ast.FrameBound) (lazy.Expr, error) {
	offset := func(b ast.FrameBound) (any, error) {
		switch {
		case b.UnBounded:
			return nil, nil
		case b.Type == ast.CurrentRow:
			return 0.0, nil
		}
		v, err := t.expr(b.Expr)
		if err != nil {
			return nil, err
		}
		n, ok := intLit(v)
		if !ok || n < 0 || b.Unit != ast.TimeUnitInvalid {
			return nil, core.Errorf(core.KindInvalidInput,
				"a ROWS frame bound takes a non-negative integer, got %s (in %s)", restore(b.Expr), restore(x))
		}
		if b.Type == ast.Preceding {
			n = -n
		}
		return float64(n), nil
	}
	start, err := offset(s)
	if err != nil {
		return nil, err
	}
	end, err := offset(e)
	if err != nil {
		return nil, err
	}
	if arg == nil {
		arg = dyn(1) // COUNT(*): every row counts
	}
	fn := map[string]string{"sum": "sum", "avg": "mean", "min": "min", "max": "max", "count": "count"}[name]
	opts := map[string]any{"func": fn, "start": start, "end": end}
	if name == "sum" {
		var isInt bool
		if arg, isInt = t.sum64(arg); isInt {
			opts["checked"] = true // beyond 64 bits is an error, as SUM's
		}
	}
	return &lazy.Window{X: call("frame_agg", opts, arg), PartitionBy: part, OrderBy: order}, nil
}
