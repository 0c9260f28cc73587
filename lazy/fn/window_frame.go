package fn

import (
	"math"
	"math/bits"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// frame_agg(x) aggregates x over a frame of rows around each row of its
// ordered window partition: SQL's SUM/AVG/MIN/MAX/COUNT(x) OVER (... ROWS
// BETWEEN a AND b). Options: "func" (sum, mean, min, max, count), "start"
// and "end", the frame's bounds as row offsets from the current row
// (negative: preceding, 0: the current row, positive: following; absent or
// null: unbounded). Nulls are skipped; a frame without values gives null
// (count gives 0). Only SQL builds it.
var frameAggFn = &Window{Name: "frame_agg", Internal: true, MinArgs: 1, MaxArgs: 1,
	Type: func(b *Binding) error {
		t := b.Args[0].DataType()
		fn := b.Opts.String("func", "")
		if fn == "count" {
			b.Out = arrow.PrimitiveTypes.Uint32
			return nil
		}
		if !core.IsNumeric(t) && t.ID() != arrow.NULL {
			return core.Errorf(core.KindNotSupported,
				"%s over a frame of %s values is not supported (numbers only)", fn, core.DTypeName(t))
		}
		switch fn {
		case "sum":
			b.Out = SumType(t)
		case "mean":
			b.Out = arrow.PrimitiveTypes.Float64
		case "min", "max":
			b.Out = t
			if t.ID() == arrow.NULL {
				b.Out = arrow.PrimitiveTypes.Float64
			}
		default:
			return core.Errorf(core.KindInvalidInput, "frame_agg func must be sum, mean, min, max or count, got %q", fn)
		}
		b.Cast(0, b.Out)
		return nil
	},
	Eval: frameAgg,
}

// frameBound reads one of frame_agg's bounds (plan options hold numbers as
// float64); ok is false for an unbounded side.
func frameBound(opts map[string]any, key string) (int, bool) {
	f, ok := opts[key].(float64)
	return int(f), ok
}

// frameAgg computes frame_agg along each ordered partition. Sums, means
// and counts use prefix sums over each partition (exact for integers; for
// floats, NaN and infinities are counted apart so that one never poisons
// frames that do not hold it); minima and maxima use a monotonic queue, so
// every frame costs O(1) amortized whatever its width.
func frameAgg(mem memory.Allocator, c *Invocation, args []arrow.Array, parts *Partitions) (arrow.Array, error) {
	x := args[0]
	fn := c.Opts.String("func", "")
	// checked (SQL's SUM): a frame's integer sum beyond 64 bits is an
	// error, as the plain SUM's; unchecked it wraps, as Polars' sums do.
	checked := c.Opts.Bool("checked", false) && x.DataType().ID() == arrow.INT64
	start, hasStart := frameBound(c.Opts, "start")
	end, hasEnd := frameBound(c.Opts, "end")
	n := x.Len()
	valid := make([]bool, n)
	isFloat := core.IsFloat(x.DataType())
	isNull := x.DataType().ID() == arrow.NULL
	var fv []float64
	var iv []int64
	switch {
	case isNull:
	case isFloat:
		get := kernels.NumericAsFloat(x)
		fv = make([]float64, n)
		for i := range fv {
			fv[i] = get(i)
		}
	case fn != "count":
		iv = kernels.Int64Keys(x, nil)
	}
	outF := make([]float64, n)
	outI := make([]int64, n)
	present := func(r int32) bool { return !isNull && x.IsValid(int(r)) }
	for g := range parts.Len() {
		part := parts.Part(g)
		m := len(part)
		frame := func(i int) (int, int) {
			lo, hi := 0, m-1
			if hasStart {
				lo = max(i+start, 0)
			}
			if hasEnd {
				hi = min(i+end, m-1)
			}
			return lo, hi
		}
		switch fn {
		case "sum", "mean", "count":
			cnt := make([]int64, m+1)
			var psI []int64
			var psHi []int64 // checked: the high words of psI as 128-bit sums
			var psF []float64
			var nan, pinf, ninf []int32
			if isFloat {
				psF = make([]float64, m+1)
				nan, pinf, ninf = make([]int32, m+1), make([]int32, m+1), make([]int32, m+1)
			} else {
				psI = make([]int64, m+1)
				if checked {
					psHi = make([]int64, m+1)
				}
			}
			for j, r := range part {
				cnt[j+1] = cnt[j]
				if isFloat {
					psF[j+1], nan[j+1], pinf[j+1], ninf[j+1] = psF[j], nan[j], pinf[j], ninf[j]
				} else {
					psI[j+1] = psI[j]
					if psHi != nil {
						psHi[j+1] = psHi[j]
					}
				}
				if !present(r) {
					continue
				}
				cnt[j+1]++
				switch {
				case fn == "count":
				case isFloat:
					v := fv[r]
					switch {
					case math.IsNaN(v):
						nan[j+1]++
					case math.IsInf(v, 1):
						pinf[j+1]++
					case math.IsInf(v, -1):
						ninf[j+1]++
					default:
						psF[j+1] += v
					}
				default:
					lo, carry := bits.Add64(uint64(psI[j+1]), uint64(iv[r]), 0)
					psI[j+1] = int64(lo)
					if psHi != nil {
						psHi[j+1] += iv[r]>>63 + int64(carry)
					}
				}
			}
			for i, r := range part {
				lo, hi := frame(i)
				k := int64(0)
				if lo <= hi {
					k = cnt[hi+1] - cnt[lo]
				}
				if fn == "count" {
					outI[r], valid[r] = k, true
					continue
				}
				if k == 0 {
					continue
				}
				valid[r] = true
				if !isFloat {
					s := psI[hi+1] - psI[lo]
					if psHi != nil && fn == "sum" {
						// The frame's sum in 128 bits must fit 64.
						_, borrow := bits.Sub64(uint64(psI[hi+1]), uint64(psI[lo]), 0)
						if psHi[hi+1]-psHi[lo]-int64(borrow) != s>>63 {
							return nil, core.Errorf(core.KindCompute,
								"a windowed SUM is out of range of BIGINT; CAST its argument AS DECIMAL(38, 0) or AS DOUBLE to sum beyond 64 bits")
						}
					}
					if fn == "mean" {
						outF[r] = float64(s) / float64(k)
					} else {
						outI[r] = s
					}
					continue
				}
				s := psF[hi+1] - psF[lo]
				p, q := pinf[hi+1]-pinf[lo], ninf[hi+1]-ninf[lo]
				switch {
				case nan[hi+1]-nan[lo] > 0 || (p > 0 && q > 0):
					s = math.NaN()
				case p > 0:
					s = math.Inf(1)
				case q > 0:
					s = math.Inf(-1)
				}
				if fn == "mean" {
					s /= float64(k)
				}
				outF[r] = s
			}
		case "min", "max":
			// less reports whether a beats b (NaN is the greatest value).
			less := func(a, b int32) bool {
				if isFloat {
					x, y := fv[a], fv[b]
					if fn == "max" {
						x, y = y, x
					}
					if math.IsNaN(y) {
						return !math.IsNaN(x)
					}
					return x < y
				}
				if fn == "max" {
					return iv[a] > iv[b]
				}
				return iv[a] < iv[b]
			}
			var q []int // positions in part, best first
			next := 0   // next position to push
			for i, r := range part {
				lo, hi := frame(i)
				for ; next <= hi; next++ {
					if !present(part[next]) {
						continue
					}
					for len(q) > 0 && !less(part[q[len(q)-1]], part[next]) {
						q = q[:len(q)-1]
					}
					q = append(q, next)
				}
				for len(q) > 0 && q[0] < lo {
					q = q[1:]
				}
				if len(q) == 0 || lo > hi || q[0] > hi {
					continue
				}
				best := part[q[0]]
				valid[r] = true
				if isFloat {
					outF[r] = fv[best]
				} else {
					outI[r] = iv[best]
				}
			}
		}
	}
	if fn == "count" {
		return kernels.NumArray(mem, c.Type, outI, valid)
	}
	return numbers(mem, c.Type, core.IsFloat(c.Type), outF, outI, valid)
}
