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
	spec, err := t.b.resolveWindow(x.Spec, 0)
	if err != nil {
		return nil, err
	}
	if x.IgnoreNull || x.FromLast || x.Distinct {
		return nil, notSupported("IGNORE NULLS, FROM LAST and DISTINCT in window functions are not supported (in %s)", restore(x))
	}
	inner := *t
	inner.allowAgg, inner.allowWindow = false, false
	inner.aggInWindow = t.allowAgg && !t.aggInWindow
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
	frame := frameOf(spec.Frame, len(order) > 0)
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
	case "first_value", "last_value", "nth_value":
		return t.valueAt(x, name, args, w.PartitionBy, order, frame)
	case "ntile", "percent_rank", "cume_dist":
		return t.distribution(x, name, args, w, order, frame)
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

// resolveWindow turns a window that names another (OVER w, or OVER (w
// ORDER BY …) adding to it) into the window it means, as MySQL: the named
// window's PARTITION BY, ORDER BY and frame, to which the referring one may
// add an ORDER BY or a frame the named one lacks, but not a PARTITION BY.
func (b *builder) resolveWindow(spec ast.WindowSpec, depth int) (ast.WindowSpec, error) {
	name := spec.Ref
	if spec.OnlyAlias {
		name = spec.Name
	}
	if name.L == "" {
		return spec, nil
	}
	var base *ast.WindowSpec
	for i := len(b.windows) - 1; i >= 0 && base == nil; i-- {
		base = b.windows[i][name.L]
	}
	if base == nil {
		return spec, core.Errorf(core.KindInvalidInput, "window %s is not defined in a WINDOW clause", name.O)
	}
	if depth > len(b.windows[len(b.windows)-1]) {
		return spec, core.Errorf(core.KindInvalidInput, "the definition of window %s refers to itself", name.O)
	}
	out, err := b.resolveWindow(ast.WindowSpec{Ref: base.Ref, PartitionBy: base.PartitionBy, OrderBy: base.OrderBy,
		Frame: base.Frame}, depth+1)
	if err != nil {
		return spec, err
	}
	if spec.OnlyAlias {
		return out, nil
	}
	if spec.PartitionBy != nil {
		return spec, core.Errorf(core.KindInvalidInput, "a window that refers to window %s cannot have its own PARTITION BY", name.O)
	}
	if spec.OrderBy != nil {
		if out.OrderBy != nil {
			return spec, core.Errorf(core.KindInvalidInput, "window %s has an ORDER BY already; a window referring to it cannot add one", name.O)
		}
		out.OrderBy = spec.OrderBy
	}
	if spec.Frame != nil {
		if out.Frame != nil {
			return spec, core.Errorf(core.KindInvalidInput, "window %s has a frame already; a window referring to it cannot add one", name.O)
		}
		out.Frame = spec.Frame
	}
	return out, nil
}

// frameKind is the shape of a window's frame that the value and
// distribution functions tell apart.
type frameKind int

const (
	frameWhole     frameKind = iota // the whole partition
	framePeers                      // first row to the current row's last peer (the default with ORDER BY)
	frameToCurrent                  // ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
	frameOther
)

func frameOf(f *ast.FrameClause, ordered bool) frameKind {
	if f == nil {
		if ordered {
			return framePeers
		}
		return frameWhole
	}
	s, e := f.Extent.Start, f.Extent.End
	if !(s.Type == ast.Preceding && s.UnBounded) {
		return frameOther
	}
	switch {
	case e.Type == ast.Following && e.UnBounded:
		return frameWhole
	case e.Type == ast.CurrentRow && (f.Type == ast.Ranges || !ordered):
		if !ordered { // without ORDER BY every row is a peer: the whole partition
			return frameWhole
		}
		return framePeers
	case e.Type == ast.CurrentRow:
		return frameToCurrent
	}
	return frameOther
}

// rowNumber is ROW_NUMBER() over the window, as a helper column.
func (t *translator) rowNumber(part []lazy.Expr, order []lazy.SortKey) lazy.Expr {
	return t.preColumn(&lazy.Window{X: call("cum_count", nil, dyn(1)), PartitionBy: part, OrderBy: order})
}

// throughPeers is the number of rows from the partition's first to the
// current row's last peer: the row number at the last peer (the window
// sort is stable, so the last peer in input order is the last in window
// order).
func (t *translator) throughPeers(part []lazy.Expr, order []lazy.SortKey) lazy.Expr {
	rn := t.rowNumber(part, order)
	by := append(append([]lazy.Expr{}, part...), sortExprs(order)...)
	return &lazy.Window{X: &lazy.Agg{Func: lazy.AggLast, X: rn}, PartitionBy: by}
}

// valueAt translates FIRST_VALUE, LAST_VALUE and NTH_VALUE (nulls
// respected, as SQL's default) over frames that start at the partition's
// first row.
func (t *translator) valueAt(x *ast.WindowFuncExpr, name string, args []lazy.Expr, part []lazy.Expr,
	order []lazy.SortKey, frame frameKind) (lazy.Expr, error) {
	want := 1
	if name == "nth_value" {
		want = 2
	}
	if err := windowArity(x, name, args, want); err != nil {
		return nil, err
	}
	if frame == frameOther {
		return nil, notSupported("%s over this frame is not supported (in %s): frames must start at UNBOUNDED PRECEDING "+
			"and end at CURRENT ROW or UNBOUNDED FOLLOWING", strings.ToUpper(name), restore(x))
	}
	v := args[0]
	switch name {
	case "first_value":
		// Every supported frame starts at the partition's first row.
		return &lazy.Window{X: &lazy.Agg{Func: lazy.AggFirst, X: v}, PartitionBy: part, OrderBy: order}, nil
	case "last_value":
		switch frame {
		case frameToCurrent:
			return v, nil
		case framePeers:
			by := append(append([]lazy.Expr{}, part...), sortExprs(order)...)
			return &lazy.Window{X: &lazy.Agg{Func: lazy.AggLast, X: v}, PartitionBy: by}, nil
		}
		return &lazy.Window{X: &lazy.Agg{Func: lazy.AggLast, X: v}, PartitionBy: part, OrderBy: order}, nil
	}
	n, ok := intLit(args[1])
	if !ok || n < 1 {
		return nil, core.Errorf(core.KindInvalidInput, "NTH_VALUE takes a positive integer constant as N, got %s (in %s)",
			restore(x.Args[1]), restore(x))
	}
	// The n-th row's value: sort each partition with that row first.
	rn := t.rowNumber(part, order)
	notNth := t.preColumn(bin(lazy.OpNotEq, rn, dyn(n)))
	nth := &lazy.Window{X: &lazy.Agg{Func: lazy.AggFirst, X: v}, PartitionBy: part,
		OrderBy: []lazy.SortKey{{Expr: notNth}}}
	// It is in the frame when the frame holds at least n rows.
	var rows lazy.Expr
	switch frame {
	case frameWhole:
		rows = &lazy.Window{X: &lazy.Agg{Func: lazy.AggLen}, PartitionBy: part}
	case framePeers:
		rows = t.throughPeers(part, order)
	default:
		rows = rn
	}
	return when(nth, bin(lazy.OpLt, rows, dyn(n)), nullLit()), nil
}

// windowArity checks that the window function name of x got want arguments.
func windowArity(x *ast.WindowFuncExpr, name string, args []lazy.Expr, want int) error {
	if len(args) != want {
		return core.Errorf(core.KindInvalidInput, "%s takes %d argument(s) (in %s)", strings.ToUpper(name), want, restore(x))
	}
	return nil
}

// distribution translates NTILE(n), PERCENT_RANK() and CUME_DIST(), which
// see the whole partition whatever the frame (as in MySQL).
func (t *translator) distribution(x *ast.WindowFuncExpr, name string, args []lazy.Expr, w *lazy.Window,
	order []lazy.SortKey, _ frameKind) (lazy.Expr, error) {
	want := 0
	if name == "ntile" {
		want = 1
	}
	if err := windowArity(x, name, args, want); err != nil {
		return nil, err
	}
	part := w.PartitionBy
	total := &lazy.Window{X: &lazy.Agg{Func: lazy.AggLen}, PartitionBy: part}
	f64 := func(e lazy.Expr) lazy.Expr { return &lazy.Cast{X: e, To: arrow.PrimitiveTypes.Float64, Strict: true} }
	switch name {
	case "cume_dist":
		// The share of the partition's rows up to the current row's last peer.
		return bin(lazy.OpTrueDiv, f64(t.throughPeers(part, order)), f64(total)), nil
	case "percent_rank":
		r, err := t.rank(x, "rank", &lazy.Window{PartitionBy: part}, order)
		if err != nil {
			return nil, err
		}
		n := t.preColumn(total)
		pr := bin(lazy.OpTrueDiv, f64(bin(lazy.OpSub, r, dyn(1))), f64(bin(lazy.OpSub, n, dyn(1))))
		return when(pr, bin(lazy.OpLtEq, n, dyn(1)), &lazy.Literal{Value: 0.0, Type: arrow.PrimitiveTypes.Float64}), nil
	}
	buckets, ok := intLit(args[0])
	if !ok || buckets < 1 {
		return nil, core.Errorf(core.KindInvalidInput, "NTILE takes a positive integer constant, got %s (in %s)",
			restore(x.Args[0]), restore(x))
	}
	// N rows in n buckets: the first N mod n buckets hold N/n + 1 rows, the
	// others N/n, in window order.
	i64 := func(e lazy.Expr) lazy.Expr { return &lazy.Cast{X: e, To: arrow.PrimitiveTypes.Int64, Strict: true} }
	rn := i64(t.rowNumber(part, order))
	n := i64(t.preColumn(total))
	k := &lazy.Literal{Value: buckets, Type: arrow.PrimitiveTypes.Int64}
	q := bin(lazy.OpFloorDiv, n, k)
	r := bin(lazy.OpMod, n, k)
	big := bin(lazy.OpMul, r, bin(lazy.OpAdd, q, dyn(1))) // rows in the larger buckets
	inBig := bin(lazy.OpAdd, bin(lazy.OpFloorDiv, bin(lazy.OpSub, rn, dyn(1)), bin(lazy.OpAdd, q, dyn(1))), dyn(1))
	inSmall := bin(lazy.OpAdd, bin(lazy.OpAdd, r, bin(lazy.OpFloorDiv, bin(lazy.OpSub, bin(lazy.OpSub, rn, dyn(1)), big),
		call("when", nil, bin(lazy.OpEq, q, dyn(0)), dyn(1), q))), dyn(1))
	return when(inSmall, bin(lazy.OpLtEq, rn, big), inBig), nil
}

// Windows over a GROUP BY's result (RANK() OVER (ORDER BY SUM(x))): an
// aggregate inside a window function is the grouped query's. It is
// translated as the SELECT list would, under a fresh name
// (windowAggName), and that stand-in tells the grouping to compute it with
// the other aggregates and the window to read its column: the window then
// runs over the grouped rows.

const windowAggPrefix = "__wagg"

func (t *translator) windowAggregate(x *ast.AggregateFuncExpr) (lazy.Expr, error) {
	outer := *t
	outer.allowAgg, outer.aggInWindow, outer.pending, outer.pre = true, false, nil, nil
	a, err := outer.aggregate(x)
	if err != nil {
		return nil, err
	}
	if len(outer.pending) > 0 || len(outer.pre) > 0 {
		return nil, notSupported("a subquery inside an aggregate inside a window function is not supported (in %s)", restore(x))
	}
	return &lazy.Alias{X: a, Name: t.b.fresh(strings.TrimPrefix(windowAggPrefix, "__"))}, nil
}

// windowAgg is the aggregate a stand-in holds (nil for other expressions).
func windowAgg(e lazy.Expr) *lazy.Alias {
	if a, ok := e.(*lazy.Alias); ok && strings.HasPrefix(a.Name, windowAggPrefix) {
		return a
	}
	return nil
}

func hasWindowAgg(e lazy.Expr) bool {
	found := false
	lazy.Walk(e, func(x lazy.Expr) bool {
		found = found || windowAgg(x) != nil
		return !found
	})
	return found
}
