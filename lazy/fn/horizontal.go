package fn

import (
	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// The horizontal reductions (Polars' sum_horizontal, min_horizontal,
// max_horizontal, mean_horizontal, any_horizontal, all_horizontal): one
// value per row from the row's values of the arguments, which are
// converted to their supertype first.
var horizontalFunctions = []*Scalar{
	// sum_horizontal: nulls count as 0 (option ignore_nulls, default true;
	// false makes a null argument give null); booleans count trues as
	// UInt32; integers wrap; NaN propagates.
	{Name: "sum_horizontal", Python: []string{"ax.sum_horizontal"}, MinArgs: 1, MaxArgs: -1,
		NullsBy: func(o Opts) Nulls {
			if o.Bool("ignore_nulls", true) {
				return NullsAny // never null in fact; NullsAny is the safe answer
			}
			return NullsFromArgs
		},
		Type: horizontalNumbers(func(t arrow.DataType) arrow.DataType {
			if t.ID() == arrow.BOOL {
				return arrow.PrimitiveTypes.Uint32
			}
			return t
		}),
		Eval: func(mem memory.Allocator, c *Invocation, args []kernels.Value, n int) (arrow.Array, error) {
			return horizontal(mem, c, args, n, "sum")
		}},
	// min_horizontal / max_horizontal: the smallest / largest non-null
	// value of the row (NaN only when nothing else), null when all are null.
	{Name: "min_horizontal", Python: []string{"ax.min_horizontal"}, MinArgs: 1, MaxArgs: -1, Nulls: NullsIfAllArgs,
		Type: horizontalNumbers(func(t arrow.DataType) arrow.DataType { return t }),
		Eval: func(mem memory.Allocator, c *Invocation, args []kernels.Value, n int) (arrow.Array, error) {
			return horizontal(mem, c, args, n, "min")
		}},
	{Name: "max_horizontal", Python: []string{"ax.max_horizontal"}, MinArgs: 1, MaxArgs: -1, Nulls: NullsIfAllArgs,
		Type: horizontalNumbers(func(t arrow.DataType) arrow.DataType { return t }),
		Eval: func(mem memory.Allocator, c *Invocation, args []kernels.Value, n int) (arrow.Array, error) {
			return horizontal(mem, c, args, n, "max")
		}},
	// mean_horizontal: the mean of the row's non-null values (Float64,
	// Float32 when the supertype is), null when all are null (option
	// ignore_nulls false: when any is).
	{Name: "mean_horizontal", Python: []string{"ax.mean_horizontal"}, MinArgs: 1, MaxArgs: -1, Nulls: NullsIfAllArgs,
		Type: horizontalNumbers(func(t arrow.DataType) arrow.DataType {
			if t.ID() == arrow.FLOAT32 {
				return t
			}
			return arrow.PrimitiveTypes.Float64
		}),
		Eval: func(mem memory.Allocator, c *Invocation, args []kernels.Value, n int) (arrow.Array, error) {
			return horizontal(mem, c, args, n, "mean")
		}},
	// any_horizontal / all_horizontal: Kleene logic over Boolean
	// arguments (any: true if one is true, else null if one is null).
	{Name: "any_horizontal", Python: []string{"ax.any_horizontal"}, MinArgs: 1, MaxArgs: -1, Nulls: NullsAny,
		Type: horizontalBooleans,
		Eval: func(mem memory.Allocator, c *Invocation, args []kernels.Value, n int) (arrow.Array, error) {
			return kleene(mem, args, n, true)
		}},
	{Name: "all_horizontal", Python: []string{"ax.all_horizontal"}, MinArgs: 1, MaxArgs: -1, Nulls: NullsAny,
		Type: horizontalBooleans,
		Eval: func(mem memory.Allocator, c *Invocation, args []kernels.Value, n int) (arrow.Array, error) {
			return kleene(mem, args, n, false)
		}},
}

// horizontalNumbers is the rule of a numeric horizontal reduction: the
// arguments' supertype (numbers or booleans), the result type out of it.
func horizontalNumbers(out func(t arrow.DataType) arrow.DataType) func(b *Binding) error {
	return func(b *Binding) error {
		t, ok := b.Supertype()
		if !ok {
			return core.Errorf(core.KindCompute, "%s arguments have no common type", b.Name)
		}
		if t.ID() == arrow.NULL {
			t = arrow.PrimitiveTypes.Int64 // all null literals: Polars gives Int64 too
		}
		if !core.IsNumeric(t) && t.ID() != arrow.BOOL {
			return core.Errorf(core.KindCompute, "%s needs numbers, got %s", b.Name, core.DTypeName(t))
		}
		if t.ID() == arrow.BOOL && b.Name != "sum_horizontal" {
			return core.Errorf(core.KindNotSupported, "%s of Boolean values is not supported yet", b.Name)
		}
		for i := range b.Args {
			b.Cast(i, t)
		}
		b.Out = out(t)
		return nil
	}
}

func horizontalBooleans(b *Binding) error {
	for i, a := range b.Args {
		t := a.DataType()
		if t.ID() != arrow.BOOL && t.ID() != arrow.NULL && !core.IsNumeric(t) {
			return core.Errorf(core.KindCompute, "%s needs Boolean values, got %s", b.Name, core.DTypeName(t))
		}
		b.Cast(i, arrow.FixedWidthTypes.Boolean)
	}
	b.Out = arrow.FixedWidthTypes.Boolean
	return nil
}

// horizontal reduces each row of the arguments (all of one numeric or
// Boolean type) by op: sum, min, max or mean.
func horizontal(mem memory.Allocator, c *Invocation, args []kernels.Value, n int, op string) (arrow.Array, error) {
	cols := make([]arrow.Array, len(args))
	for i, v := range args {
		a, err := v.Materialize(mem, n)
		if err != nil {
			return nil, err
		}
		defer a.Release()
		cols[i] = a
	}
	in := cols[0].DataType()
	isFloat := core.IsFloat(in)
	getF := make([]func(int) float64, len(cols))
	getI := make([]func(int) int64, len(cols))
	for i, a := range cols {
		getF[i] = kernels.NumericAsFloat(a)
		if !isFloat {
			if in.ID() == arrow.BOOL {
				f := getF[i]
				getI[i] = func(r int) int64 { return int64(f(r)) }
			} else {
				getI[i] = kernels.NumericAsInt(a)
			}
		}
	}
	unsigned64 := in.ID() == arrow.UINT64
	ignoreNulls := c.Opts.Bool("ignore_nulls", true)
	outF := make([]float64, n)
	outI := make([]int64, n)
	valid := make([]bool, n)
	for r := range n {
		count, nulls := 0, 0
		var accF float64
		var accI int64
		for i, a := range cols {
			if a.IsNull(r) {
				nulls++
				continue
			}
			switch {
			case op == "sum" && isFloat, op == "mean":
				accF += getF[i](r)
			case op == "sum":
				accI += getI[i](r)
			case isFloat:
				v := getF[i](r)
				switch {
				case count == 0, accF != accF && v == v:
					accF = v
				case v != v:
				case op == "min" && v < accF, op == "max" && v > accF:
					accF = v
				}
			default:
				v := getI[i](r)
				less := v < accI
				if unsigned64 {
					less = uint64(v) < uint64(accI)
				}
				if count == 0 || (op == "min" && less) || (op == "max" && !less && v != accI) {
					accI = v
				}
			}
			count++
		}
		switch {
		case !ignoreNulls && nulls > 0:
		case op == "sum", count > 0:
			valid[r] = true
		}
		if op == "mean" && count > 0 {
			accF /= float64(count)
		}
		outF[r], outI[r] = accF, accI
	}
	if c.Type.ID() == arrow.FLOAT32 {
		f := make([]float32, n)
		for i, v := range outF {
			f[i] = float32(v)
		}
		return kernels.NumArray(mem, c.Type, f, valid)
	}
	return numbers(mem, c.Type, core.IsFloat(c.Type), outF, outI, valid)
}

// kleene is any (or all, when !any) of Boolean arguments in three-valued
// logic.
func kleene(mem memory.Allocator, args []kernels.Value, n int, any bool) (arrow.Array, error) {
	cols := make([]*array.Boolean, len(args))
	for i, v := range args {
		a, err := v.Materialize(mem, n)
		if err != nil {
			return nil, err
		}
		defer a.Release()
		b, ok := a.(*array.Boolean)
		if !ok {
			return nil, core.Errorf(core.KindInternal, "boolean argument expected, got %s", core.DTypeName(a.DataType()))
		}
		cols[i] = b
	}
	bld := array.NewBooleanBuilder(mem)
	defer bld.Release()
	bld.Reserve(n)
	for r := range n {
		decided, null := false, false
		for _, a := range cols {
			switch {
			case a.IsNull(r):
				null = true
			case a.Value(r) == any:
				decided = true
			}
			if decided {
				break
			}
		}
		switch {
		case decided:
			bld.Append(any)
		case null:
			bld.AppendNull()
		default:
			bld.Append(!any)
		}
	}
	return bld.NewArray(), nil
}
