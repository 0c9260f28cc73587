package fn

import (
	"math"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// MySQL's trigonometry beyond SIN, COS and TAN (which are Polars' entries):
// DOUBLE results, NULL outside the domain (ASIN(2)), COT(0) out of range.

// floatRows is a DOUBLE function of one or two DOUBLE arguments; f returns
// ok false for NULL.
func floatRows(f func(x, y float64, two bool) (float64, bool, error)) rowEval {
	return func(mem memory.Allocator, _ *Invocation, r *kernels.RowArgs, n int) (arrow.Array, error) {
		two := r.Len() == 2
		return kernels.MapRowsFloat64(mem, n, func(i int) (float64, bool, error) {
			x, ok := r.Float(0, i)
			y := 0.0
			if two {
				var ok2 bool
				y, ok2 = r.Float(1, i)
				ok = ok && ok2
			}
			if !ok {
				return 0, false, nil
			}
			return f(x, y, two)
		})
	}
}

func inDomain(f func(float64) float64) func(x, _ float64, _ bool) (float64, bool, error) {
	return func(x, _ float64, _ bool) (float64, bool, error) {
		if x < -1 || x > 1 {
			return 0, false, nil
		}
		return f(x), true, nil
	}
}

var sqlTrigFunctions = []*Scalar{
	sqlRowFn("asin", []string{"asin"}, 1, 1, NullsAny, "f", f64, floatRows(inDomain(math.Asin))),
	sqlRowFn("acos", []string{"acos"}, 1, 1, NullsAny, "f", f64, floatRows(inDomain(math.Acos))),
	// ATAN(x), ATAN(y, x) and ATAN2(y, x): the angle of the point (x, y).
	sqlRowFn("atan", []string{"atan", "atan2"}, 1, 2, NullsFromArgs, "f", f64, floatRows(func(y, x float64, two bool) (float64, bool, error) {
		if two {
			return math.Atan2(y, x), true, nil
		}
		return math.Atan(y), true, nil
	})),
	sqlRowFn("cot", []string{"cot"}, 1, 1, NullsFromArgs, "f", f64, floatRows(func(x, _ float64, _ bool) (float64, bool, error) {
		t := math.Tan(x)
		if t == 0 {
			return 0, false, core.Errorf(core.KindCompute, "DOUBLE value is out of range in COT(%v)", x)
		}
		return 1 / t, true, nil
	})),
	sqlRowFn("degrees", []string{"degrees"}, 1, 1, NullsFromArgs, "f", f64, floatRows(func(x, _ float64, _ bool) (float64, bool, error) {
		return x * 180 / math.Pi, true, nil
	})),
	sqlRowFn("radians", []string{"radians"}, 1, 1, NullsFromArgs, "f", f64, floatRows(func(x, _ float64, _ bool) (float64, bool, error) {
		return x * math.Pi / 180, true, nil
	})),
}
