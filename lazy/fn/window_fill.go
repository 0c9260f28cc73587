package fn

import (
	"math"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// The order-dependent functions that fill or reorder the values of each
// partition: reverse, forward_fill, backward_fill, fill_null by a
// partition's min, max or mean, interpolate and pct_change. Each keeps one
// value per row, so it runs beside other columns, inside over() and in
// lazy pipelines alike; where a result is a row's or another row's value it
// is computed as a gather of rows, which serves every type.
var fillWindowFunctions = []*Window{
	// reverse(x): each partition's values in reverse order.
	{Name: "reverse", Python: []string{"Expr.reverse"}, MinArgs: 1, MaxArgs: 1,
		Type: inputType,
		Eval: func(mem memory.Allocator, c *Invocation, args []arrow.Array, parts *Partitions) (arrow.Array, error) {
			src := make([]int32, args[0].Len())
			for g := range parts.Len() {
				part := parts.Part(g)
				for i, row := range part {
					src[row] = part[len(part)-1-i]
				}
			}
			return kernels.Gather(mem, args[0], src)
		}},
	// forward_fill(x) with option limit (< 0: none): a null takes the last
	// value before it in its partition, at most limit rows back.
	fillFn("forward_fill", false),
	// backward_fill(x) with option limit: the next value after it.
	fillFn("backward_fill", true),
	// fill_null_strategy(x) with option strategy (min, max or mean): a
	// null takes its partition's min, max or mean (Polars' fill_null with a
	// strategy; forward and backward are forward_fill and backward_fill,
	// zero and one a plain fill_null). The mean of integers is truncated
	// toward zero into the column's type, as Polars casts it.
	{Name: "fill_null_strategy", Python: []string{"Expr.fill_null"}, MinArgs: 1, MaxArgs: 1,
		Type: func(b *Binding) error {
			t := b.Args[0].DataType()
			switch s := b.Opts.String("strategy", ""); s {
			case "min", "max":
				if !core.Sortable(t) {
					return core.Errorf(core.KindCompute, "fill_null(strategy=%q) is not supported for %s values", s, core.DTypeName(t))
				}
			case "mean":
				if !core.IsNumeric(t) {
					return core.Errorf(core.KindCompute, "fill_null(strategy=\"mean\") needs numbers, got %s", core.DTypeName(t))
				}
			default:
				return core.Errorf(core.KindInvalidInput, "fill_null_strategy takes min, max or mean, got %q", s)
			}
			b.Out = t
			return nil
		},
		Eval: func(mem memory.Allocator, c *Invocation, args []arrow.Array, parts *Partitions) (arrow.Array, error) {
			if c.Opts.String("strategy", "") == "mean" {
				return fillMean(mem, args[0], parts)
			}
			return fillExtreme(mem, args[0], parts, c.Opts.String("strategy", "") == "max")
		}},
	// interpolate(x) with option method: linear fills the nulls between two
	// values on the line between them (integers give Float64, floats and
	// temporal values keep their type, other types are returned as they
	// are, as in Polars); nearest takes the nearer value (the later on a
	// tie) and keeps the type, for numbers and temporal values. Leading and trailing nulls stay null.
	{Name: "interpolate", Python: []string{"Expr.interpolate"}, MinArgs: 1, MaxArgs: 1,
		Type: func(b *Binding) error {
			t := b.Args[0].DataType()
			b.Out = t
			switch m := b.Opts.String("method", "linear"); m {
			case "nearest":
				// Polars has nearest for numbers and temporal values only.
				if !core.IsNumeric(t) && !kernels.IntLike(t) {
					return core.Errorf(core.KindCompute, "interpolate(method=\"nearest\") needs numbers or temporal values, got %s", core.DTypeName(t))
				}
			case "linear":
				if core.IsInteger(t) {
					b.Out = arrow.PrimitiveTypes.Float64
				}
				if t.ID() == arrow.DECIMAL128 {
					return core.Errorf(core.KindNotSupported, "interpolate of Decimal values is not supported yet; cast to Float64 first")
				}
			default:
				return core.Errorf(core.KindInvalidInput, "interpolate method must be \"linear\" or \"nearest\", got %q", m)
			}
			return nil
		},
		Eval: func(mem memory.Allocator, c *Invocation, args []arrow.Array, parts *Partitions) (arrow.Array, error) {
			return interpolate(mem, c, args[0], parts)
		}},
	// pct_change(x) with option n: (x - p) / p where p is the value n rows
	// before in the partition (after, for a negative n): Polars' diff
	// divided by its shift, in Float64 (Float32 for Float32 input).
	{Name: "pct_change", Python: []string{"Expr.pct_change"}, MinArgs: 1, MaxArgs: 1,
		Type: func(b *Binding) error {
			t, err := numericInput(b)
			if err != nil {
				return err
			}
			b.Out = arrow.PrimitiveTypes.Float64
			if t.ID() == arrow.FLOAT32 {
				b.Out = t
			}
			return nil
		},
		Eval: func(mem memory.Allocator, c *Invocation, args []arrow.Array, parts *Partitions) (arrow.Array, error) {
			return pctChange(mem, c.Type, args[0], int(c.Opts.Float("n", 1)), parts)
		}},
}

// inputType is the rule of a function whose result has its input's type.
func inputType(b *Binding) error {
	b.Out = b.Args[0].DataType()
	return nil
}

func fillFn(name string, backward bool) *Window {
	return &Window{Name: name, Python: []string{"Expr." + name}, MinArgs: 1, MaxArgs: 1,
		Type: func(b *Binding) error {
			if l := b.Opts.Float("limit", -1); l != math.Trunc(l) || l < -1 {
				return core.Errorf(core.KindInvalidInput, "%s limit must be a non-negative whole number, got %v", name, l)
			}
			return inputType(b)
		},
		Eval: func(mem memory.Allocator, c *Invocation, args []arrow.Array, parts *Partitions) (arrow.Array, error) {
			x := args[0]
			src := make([]int32, x.Len())
			for g := range parts.Len() {
				kernels.FillSources(x.IsValid, parts.Part(g), src, backward, int(c.Opts.Float("limit", -1)))
			}
			return kernels.Gather(mem, x, src)
		}}
}

// fillExtreme fills each null with its partition's smallest (largest when
// max) value; NaN never wins unless a partition has nothing else, as
// Polars' min and max skip it.
func fillExtreme(mem memory.Allocator, x arrow.Array, parts *Partitions, max bool) (arrow.Array, error) {
	cmp, err := parts.Compare(x, false)
	if err != nil {
		return nil, err
	}
	isNaN := func(int32) bool { return false }
	if core.IsFloat(x.DataType()) {
		get := kernels.NumericAsFloat(x)
		isNaN = func(r int32) bool { return math.IsNaN(get(int(r))) }
	}
	src := make([]int32, x.Len())
	for g := range parts.Len() {
		best := int32(-1)
		for _, r := range parts.Part(g) {
			if x.IsNull(int(r)) {
				continue
			}
			switch {
			case best < 0, isNaN(best) && !isNaN(r):
				best = r
			case isNaN(r):
			case max && cmp(r, best) > 0, !max && cmp(r, best) < 0:
				best = r
			}
		}
		for _, r := range parts.Part(g) {
			src[r] = r
			if x.IsNull(int(r)) {
				src[r] = best
			}
		}
	}
	return kernels.Gather(mem, x, src)
}

// fillMean fills each null with its partition's mean (NaN propagates; an
// integer column takes the mean truncated toward zero).
func fillMean(mem memory.Allocator, x arrow.Array, parts *Partitions) (arrow.Array, error) {
	n := x.Len()
	get := kernels.NumericAsFloat(x)
	isFloat := core.IsFloat(x.DataType())
	outF := make([]float64, n)
	outI := make([]int64, n)
	valid := make([]bool, n)
	var getI func(int) int64
	if !isFloat {
		getI = kernels.NumericAsInt(x)
	}
	for g := range parts.Len() {
		sum, count := 0.0, 0
		for _, r := range parts.Part(g) {
			if x.IsValid(int(r)) {
				sum += get(int(r))
				count++
			}
		}
		mean := sum / float64(count)
		for _, r := range parts.Part(g) {
			i := int(r)
			switch {
			case x.IsValid(i) && isFloat:
				outF[i], valid[i] = get(i), true
			case x.IsValid(i):
				outI[i], valid[i] = getI(i), true
			case count == 0:
			case isFloat:
				outF[i], valid[i] = mean, true
			default:
				outI[i], valid[i] = int64(mean), true
			}
		}
	}
	return numbers(mem, x.DataType(), isFloat, outF, outI, valid)
}

func interpolate(mem memory.Allocator, c *Invocation, x arrow.Array, parts *Partitions) (arrow.Array, error) {
	t := x.DataType()
	n := x.Len()
	if c.Opts.String("method", "linear") == "nearest" {
		src := make([]int32, n)
		for g := range parts.Len() {
			kernels.InterpolateNearest(x.IsValid, parts.Part(g), src)
		}
		return kernels.Gather(mem, x, src)
	}
	valid := make([]bool, n)
	for i := range valid {
		valid[i] = x.IsValid(i)
	}
	switch {
	case t.ID() == arrow.FLOAT32:
		vals := append([]float32(nil), kernels.Values[float32](x)...)
		for g := range parts.Len() {
			kernels.InterpolateLinear(vals, valid, parts.Part(g))
		}
		return kernels.NumArray(mem, t, vals, valid)
	case core.IsNumeric(t):
		vals := make([]float64, n)
		get := kernels.NumericAsFloat(x)
		for i := range vals {
			vals[i] = get(i)
		}
		for g := range parts.Len() {
			kernels.InterpolateLinear(vals, valid, parts.Part(g))
		}
		return kernels.NumArray(mem, c.Type, vals, valid)
	case kernels.IntLike(t):
		// Temporal values: their ticks on the line, in whole ticks.
		ticks := kernels.Int64Keys(x, nil)
		for g := range parts.Len() {
			kernels.InterpolateLinear(ticks, valid, parts.Part(g))
		}
		asInt, err := kernels.NumArray(mem, arrow.PrimitiveTypes.Int64, ticks, valid)
		if err != nil {
			return nil, err
		}
		defer asInt.Release()
		return kernels.Cast(mem, asInt, t, true)
	}
	x.Retain()
	return x, nil
}

// pctChange is (x - p) / p with p the value k rows before in the partition:
// in float32 for Float32 input, else in float64 (integers subtract exactly
// first, as Polars' integer diff does).
func pctChange(mem memory.Allocator, out arrow.DataType, x arrow.Array, k int, parts *Partitions) (arrow.Array, error) {
	n := x.Len()
	vals := make([]float64, n)
	valid := make([]bool, n)
	get := kernels.NumericAsFloat(x)
	var getI func(int) int64
	if core.IsInteger(x.DataType()) {
		getI = kernels.NumericAsInt(x)
	}
	for g := range parts.Len() {
		part := parts.Part(g)
		for i, row := range part {
			j := i - k
			if j < 0 || j >= len(part) || x.IsNull(int(row)) || x.IsNull(int(part[j])) {
				continue
			}
			r, p := int(row), int(part[j])
			switch {
			case out.ID() == arrow.FLOAT32:
				a, b := float32(get(r)), float32(get(p))
				vals[r] = float64((a - b) / b)
			case getI != nil:
				vals[r] = float64(getI(r)-getI(p)) / get(p)
			default:
				vals[r] = (get(r) - get(p)) / get(p)
			}
			valid[r] = true
		}
	}
	if out.ID() == arrow.FLOAT32 {
		f := make([]float32, n)
		for i, v := range vals {
			f[i] = float32(v)
		}
		return kernels.NumArray(mem, out, f, valid)
	}
	return kernels.NumArray(mem, out, vals, valid)
}
