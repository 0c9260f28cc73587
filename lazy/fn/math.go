package fn

import (
	"math"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Math on numbers: Polars' semantics (a NaN in, a NaN out; sqrt(-1) and
// log(0) are NaN and -inf, not null). Decimal inputs are typed before
// these rules: abs and round stay exact (lazy's decimal calls type them and
// their evaluators below compute in scaled integers), the others get
// Float64.

var f64 = arrow.PrimitiveTypes.Float64

var mathFunctions = []*Scalar{
	// abs wraps the least integer as Polars does (abs(-128) of an Int8 is
	// -128); option "checked" (SQL's ABS, over BIGINT) makes it MySQL's
	// out-of-range error instead.
	numUnary("abs", false, nil, func(mem memory.Allocator, c *Invocation, v kernels.Value, n int) (arrow.Array, error) {
		if c.Opts.Bool("checked", false) && c.Type.ID() == arrow.INT64 {
			if err := checkAbsInt64(mem, v, n); err != nil {
				return nil, err
			}
		}
		if c.Type.ID() == arrow.DECIMAL128 { // exact (typed by the planner's decimal rules)
			x, err := v.Materialize(mem, n)
			if err != nil {
				return nil, err
			}
			defer x.Release()
			return kernels.DecimalAbs(mem, x)
		}
		return kernels.MapNum(mem, v, n, kernels.NumOp{Name: "abs"})
	}),
	numUnary("sign", false, nil, func(mem memory.Allocator, _ *Invocation, v kernels.Value, n int) (arrow.Array, error) {
		return kernels.MapNum(mem, v, n, kernels.NumOp{Name: "sign"})
	}),
	floatUnary("sqrt", nil, math.Sqrt),
	floatUnary("exp", []string{"exp"}, math.Exp),
	floatUnary("log", nil, math.Log),
	floatUnary("log10", nil, math.Log10),
	floatUnary("log1p", nil, math.Log1p),
	floatUnary("sin", []string{"sin"}, math.Sin),
	floatUnary("cos", []string{"cos"}, math.Cos),
	floatUnary("tan", []string{"tan"}, math.Tan),
	floatUnary("floor", []string{"floor"}, math.Floor),
	floatUnary("ceil", []string{"ceil", "ceiling"}, math.Ceil),
	{Name: "round", Python: []string{"Expr.round"}, MinArgs: 1, MaxArgs: 1, Nulls: NullsFromArgs,
		Type: func(b *Binding) error {
			t := b.Args[0].DataType()
			if !core.IsNumeric(t) {
				return core.Errorf(core.KindCompute, "round needs a numeric input, got %s", core.DTypeName(t))
			}
			switch b.Opts.String("mode", "half_to_even") {
			case "half_to_even", "half_away_from_zero":
			default:
				return core.Errorf(core.KindInvalidInput, "round mode must be half_to_even or half_away_from_zero")
			}
			b.Out = t
			return nil
		},
		Eval: func(mem memory.Allocator, c *Invocation, args []kernels.Value, n int) (arrow.Array, error) {
			if dt, ok := c.Type.(*arrow.Decimal128Type); ok { // exact, to the planner's result scale
				x, err := args[0].Materialize(mem, n)
				if err != nil {
					return nil, err
				}
				defer x.Release()
				away := c.Opts.String("mode", "half_to_even") == "half_away_from_zero"
				return kernels.DecimalRound(mem, x, int32(c.Opts.Float("decimals", 0)), away, dt)
			}
			if !core.IsFloat(c.Type) {
				return args[0].Materialize(mem, n) // integers are already round
			}
			scale := math.Pow(10, c.Opts.Float("decimals", 0))
			even := c.Opts.String("mode", "half_to_even") == "half_to_even"
			return kernels.MapFloat(mem, args[0], n, func(x float64) float64 {
				y := x * scale
				if math.IsInf(y, 0) {
					return x
				}
				if even {
					return math.RoundToEven(y) / scale
				}
				return math.Round(y) / scale
			})
		}},
	// pow: a negative integer exponent of an integer base is null. (SQL's
	// POW is always DOUBLE: sqlexec casts its arguments first.)
	{Name: "pow", Python: []string{"Expr.pow", "Expr.__pow__", "Expr.__rpow__"},
		MinArgs: 2, MaxArgs: 2, Nulls: NullsAny,
		Type: func(b *Binding) error {
			for _, a := range b.Args {
				if t := a.DataType(); !core.IsNumeric(t) && t.ID() != arrow.NULL {
					return core.Errorf(core.KindCompute, "pow needs numeric inputs, got %s", core.DTypeName(t))
				}
			}
			if bt := b.Args[0].DataType(); core.IsInteger(bt) && core.IsInteger(b.Args[1].DataType()) {
				// Integer powers stay integers (wrapping), as in Polars.
				b.Out = bt
				b.Cast(1, i64)
				return nil
			}
			b.Out = f64
			if b.Args[0].DataType().ID() == arrow.FLOAT32 {
				b.Out = arrow.PrimitiveTypes.Float32
			}
			b.Cast(0, b.Out)
			b.Cast(1, b.Out)
			return nil
		},
		Eval: func(mem memory.Allocator, c *Invocation, args []kernels.Value, n int) (arrow.Array, error) {
			return kernels.Pow(mem, c.Type, args[0], args[1], n)
		}},
	floatTest("is_nan", math.IsNaN),
	floatTest("is_not_nan", func(f float64) bool { return !math.IsNaN(f) }),
	floatTest("is_finite", func(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }),
	floatTest("is_infinite", func(f float64) bool { return math.IsInf(f, 0) }),
	// clip(x, lower, upper): the bounds are literals, a null one is no bound.
	{Name: "clip", Python: []string{"Expr.clip"}, MinArgs: 3, MaxArgs: 3, Nulls: NullsFromArgs,
		Type: func(b *Binding) error {
			t := b.Args[0].DataType()
			if !core.IsNumeric(t) {
				return core.Errorf(core.KindCompute, "clip needs a numeric input, got %s", core.DTypeName(t))
			}
			b.Out = t
			b.Cast(1, t)
			b.Cast(2, t)
			return nil
		},
		Eval: func(mem memory.Allocator, _ *Invocation, args []kernels.Value, n int) (arrow.Array, error) {
			lo, hi := args[1], args[2]
			if !lo.IsScalar() || !hi.IsScalar() {
				return nil, core.Errorf(core.KindNotSupported, "clip with column bounds is not supported yet; use literal bounds")
			}
			return kernels.MapNum(mem, args[0], n, kernels.NumOp{Name: "clip", Lo: lo.Scalar, Hi: hi.Scalar})
		}},
}

// numUnary is a function of one number whose result has the input's type
// (a null input: Float64).
func numUnary(name string, floatOut bool, sql []string, eval func(memory.Allocator, *Invocation, kernels.Value, int) (arrow.Array, error)) *Scalar {
	return &Scalar{
		Name: name, Python: []string{"Expr." + name}, SQL: sql, MinArgs: 1, MaxArgs: 1, Nulls: NullsFromArgs,
		Type: func(b *Binding) error {
			t := b.Args[0].DataType()
			if !core.IsNumeric(t) && t.ID() != arrow.NULL {
				return core.Errorf(core.KindCompute, "%s needs a numeric input, got %s", name, core.DTypeName(t))
			}
			b.Out = t
			if t.ID() == arrow.NULL || (floatOut && !core.IsFloat(t)) {
				b.Out = f64
				b.Cast(0, f64)
			}
			return nil
		},
		Eval: func(mem memory.Allocator, c *Invocation, args []kernels.Value, n int) (arrow.Array, error) {
			return eval(mem, c, args[0], n)
		},
	}
}

// floatUnary is a function of one number computed in floating point: the
// input's float type, Float64 for any other number.
func floatUnary(name string, sql []string, f func(float64) float64) *Scalar {
	return numUnary(name, true, sql, func(mem memory.Allocator, _ *Invocation, v kernels.Value, n int) (arrow.Array, error) {
		return kernels.MapFloat(mem, v, n, f)
	})
}

// floatTest is a Boolean test of a number (is_nan and friends).
func floatTest(name string, test func(float64) bool) *Scalar {
	return &Scalar{
		Name: name, Python: []string{"Expr." + name}, MinArgs: 1, MaxArgs: 1, Nulls: NullsFromArgs,
		Type: func(b *Binding) error {
			if t := b.Args[0].DataType(); !core.IsNumeric(t) {
				return core.Errorf(core.KindCompute, "%s needs a numeric input, got %s", name, core.DTypeName(t))
			}
			b.Out = boolean
			return nil
		},
		Eval: func(mem memory.Allocator, _ *Invocation, args []kernels.Value, n int) (arrow.Array, error) {
			return kernels.FloatTest(mem, args[0], n, test)
		},
	}
}

// checkAbsInt64 is the error of SQL's ABS over a BIGINT that holds the
// least value, whose absolute value does not fit (MySQL: "BIGINT value is
// out of range").
func checkAbsInt64(mem memory.Allocator, v kernels.Value, n int) error {
	x, err := v.Materialize(mem, n)
	if err != nil {
		return err
	}
	defer x.Release()
	for i, y := range kernels.Values[int64](x) {
		if y == math.MinInt64 && x.IsValid(i) {
			return core.Errorf(core.KindCompute,
				"BIGINT value is out of range in ABS(%d); CAST the argument AS DECIMAL or AS DOUBLE first", y)
		}
	}
	return nil
}
