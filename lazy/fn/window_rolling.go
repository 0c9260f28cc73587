package fn

import (
	"math"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// The fixed-window rolling functions (Polars' rolling_sum, rolling_mean,
// rolling_min, rolling_max, rolling_std, rolling_var): each row's result
// is over the window_size rows ending at it (centred on it with center),
// within its partition; the non-null values of the window count, and a
// window with fewer than min_samples of them (window_size by default)
// gives null. NaN propagates (a window holding one gives NaN, min and max
// included, as in Polars). Each window is computed on its own, which keeps
// NaN and integer wrapping exact at a cost of window_size per row.
var rollingWindowFunctions = []*Window{
	rollingFn("rolling_sum", func(b *Binding, t arrow.DataType) { b.Out = SumType(t) }),
	rollingFn("rolling_mean", floatResult),
	rollingFn("rolling_min", func(b *Binding, t arrow.DataType) { b.Out = t }),
	rollingFn("rolling_max", func(b *Binding, t arrow.DataType) { b.Out = t }),
	rollingFn("rolling_std", floatResult),
	rollingFn("rolling_var", floatResult),
}

// floatResult types a result Float64, Float32 for Float32 input.
func floatResult(b *Binding, t arrow.DataType) {
	b.Out = arrow.PrimitiveTypes.Float64
	if t.ID() == arrow.FLOAT32 {
		b.Out = t
	}
}

func rollingFn(name string, typed func(b *Binding, t arrow.DataType)) *Window {
	return &Window{Name: name, Python: []string{"Expr." + name}, MinArgs: 1, MaxArgs: 1,
		Type: func(b *Binding) error {
			t, err := numericInput(b)
			if err != nil {
				return err
			}
			if t.ID() == arrow.BOOL && (name == "rolling_min" || name == "rolling_max") {
				return core.Errorf(core.KindNotSupported, "%s of Boolean values is not supported yet", name)
			}
			w, minN := b.Opts.Float("window_size", 0), b.Opts.Float("min_samples", -1)
			switch {
			case w < 1 || w != math.Trunc(w):
				return core.Errorf(core.KindInvalidInput, "%s needs a window_size of at least 1, got %v", name, w)
			case minN != -1 && (minN < 0 || minN != math.Trunc(minN)):
				return core.Errorf(core.KindInvalidInput, "%s needs a non-negative min_samples, got %v", name, minN)
			case minN > w:
				return core.Errorf(core.KindInvalidInput, "%s: min_samples (%v) should be <= window_size (%v)", name, minN, w)
			}
			typed(b, t)
			return nil
		},
		Eval: func(mem memory.Allocator, c *Invocation, args []arrow.Array, parts *Partitions) (arrow.Array, error) {
			return rolling(mem, name, c, args[0], parts)
		}}
}

// rolling computes one rolling function over every partition.
func rolling(mem memory.Allocator, name string, c *Invocation, x arrow.Array, parts *Partitions) (arrow.Array, error) {
	w := int(c.Opts.Float("window_size", 1))
	minN := int(c.Opts.Float("min_samples", -1))
	if minN < 0 {
		minN = w
	}
	before := w - 1 // rows before the current one in its window
	if c.Opts.Bool("center", false) {
		before = w / 2
	}
	ddof := c.Opts.Float("ddof", 1)
	n := x.Len()
	outF := make([]float64, n)
	outI := make([]int64, n)
	valid := make([]bool, n)
	isFloat := core.IsFloat(c.Type)
	getF := kernels.NumericAsFloat(x)
	var getI func(int) int64
	switch {
	case x.DataType().ID() == arrow.BOOL:
		getI = func(i int) int64 { return int64(getF(i)) }
	case !core.IsFloat(x.DataType()):
		getI = kernels.NumericAsInt(x)
	}
	unsigned64 := x.DataType().ID() == arrow.UINT64
	var vals []float64
	var ints []int64
	for g := range parts.Len() {
		part := parts.Part(g)
		for p, row := range part {
			lo, hi := max(p-before, 0), min(p-before+w-1, len(part)-1)
			vals, ints = vals[:0], ints[:0]
			for _, r := range part[lo : hi+1] {
				if x.IsNull(int(r)) {
					continue
				}
				vals = append(vals, getF(int(r)))
				if getI != nil {
					ints = append(ints, getI(int(r)))
				}
			}
			if len(vals) < minN || len(vals) == 0 {
				continue
			}
			r := int(row)
			valid[r] = true
			switch name {
			case "rolling_sum":
				if isFloat {
					s := 0.0
					for _, v := range vals {
						s += v
					}
					outF[r] = s
				} else {
					s := int64(0)
					for _, v := range ints {
						s += v // wraps, as Polars' integer sum
					}
					outI[r] = s
				}
			case "rolling_min", "rolling_max":
				if getI == nil {
					outF[r] = extremeFloat(vals, name == "rolling_max")
				} else {
					outI[r] = extremeInt(ints, name == "rolling_max", unsigned64)
				}
			case "rolling_mean":
				s := 0.0
				for _, v := range vals {
					s += v
				}
				outF[r] = s / float64(len(vals))
			case "rolling_std", "rolling_var":
				if float64(len(vals)) <= ddof {
					valid[r] = false
					continue
				}
				mean := 0.0
				for _, v := range vals {
					mean += v
				}
				mean /= float64(len(vals))
				ss := 0.0
				for _, v := range vals {
					ss += (v - mean) * (v - mean)
				}
				outF[r] = ss / (float64(len(vals)) - ddof)
				if name == "rolling_std" {
					outF[r] = math.Sqrt(outF[r])
				}
			}
		}
	}
	if isFloat && c.Type.ID() == arrow.FLOAT32 {
		f := make([]float32, n)
		for i, v := range outF {
			f[i] = float32(v)
		}
		return kernels.NumArray(mem, c.Type, f, valid)
	}
	return numbers(mem, c.Type, isFloat, outF, outI, valid)
}

// extremeFloat is the smallest (largest when max) of vals; NaN wins.
func extremeFloat(vals []float64, max bool) float64 {
	best := vals[0]
	for _, v := range vals {
		switch {
		case v != v:
			return v
		case max && v > best, !max && v < best:
			best = v
		}
	}
	return best
}

// extremeInt is the smallest (largest when max) of vals (UInt64 bits
// compared unsigned).
func extremeInt(vals []int64, max, unsigned bool) int64 {
	best := vals[0]
	for _, v := range vals[1:] {
		less := v < best
		if unsigned {
			less = uint64(v) < uint64(best)
		}
		if less != max && v != best {
			best = v
		}
	}
	return best
}
