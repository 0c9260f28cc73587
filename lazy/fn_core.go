package lazy

import (
	"github.com/alopexdb/alopex/core"
	"github.com/apache/arrow-go/v18/arrow"
)

// The general scalar functions: math, null handling, conditionals. Each is
// evaluated by the function of the same name in lazy/exec/fn_core.go.

func init() {
	numericUnary := func(name string, floatOut bool) *Function {
		return &Function{Name: name, Resolve: func(args []Expr, opts map[string]any) (arrow.DataType, []Expr, error) {
			if err := ArgCount(name, args, 1, 1); err != nil {
				return nil, nil, err
			}
			t := args[0].DataType()
			if !core.IsNumeric(t) && t.ID() != arrow.NULL {
				return nil, nil, core.Errorf(core.KindCompute, "%s needs a numeric input, got %s", name, dtypeName(t))
			}
			if floatOut && !core.IsFloat(t) {
				f := arrow.PrimitiveTypes.Float64
				return f, []Expr{castTo(args[0], f)}, nil
			}
			if t.ID() == arrow.NULL {
				t = arrow.PrimitiveTypes.Float64
				return t, []Expr{castTo(args[0], t)}, nil
			}
			return t, args, nil
		}}
	}
	RegisterFunction(numericUnary("abs", false))
	RegisterFunction(numericUnary("sign", false))
	for _, name := range []string{"sqrt", "exp", "log", "log10", "log1p", "sin", "cos", "tan", "floor", "ceil"} {
		RegisterFunction(numericUnary(name, true))
	}
	RegisterFunction(&Function{Name: "round", Resolve: func(args []Expr, opts map[string]any) (arrow.DataType, []Expr, error) {
		if err := ArgCount("round", args, 1, 1); err != nil {
			return nil, nil, err
		}
		t := args[0].DataType()
		if !core.IsNumeric(t) {
			return nil, nil, core.Errorf(core.KindCompute, "round needs a numeric input, got %s", dtypeName(t))
		}
		switch OptString(opts, "mode", "half_to_even") {
		case "half_to_even", "half_away_from_zero":
		default:
			return nil, nil, core.Errorf(core.KindInvalidInput, "round mode must be half_to_even or half_away_from_zero")
		}
		return t, args, nil
	}})
	RegisterFunction(&Function{Name: "pow", Resolve: func(args []Expr, _ map[string]any) (arrow.DataType, []Expr, error) {
		if err := ArgCount("pow", args, 2, 2); err != nil {
			return nil, nil, err
		}
		for _, a := range args {
			if !core.IsNumeric(a.DataType()) && a.DataType().ID() != arrow.NULL {
				return nil, nil, core.Errorf(core.KindCompute, "pow needs numeric inputs, got %s", dtypeName(a.DataType()))
			}
		}
		if bt := args[0].DataType(); core.IsInteger(bt) && core.IsInteger(args[1].DataType()) {
			// Integer powers stay integers (wrapping), as in Polars.
			return bt, []Expr{args[0], castTo(args[1], arrow.PrimitiveTypes.Int64)}, nil
		}
		f := arrow.PrimitiveTypes.Float64
		if args[0].DataType().ID() == arrow.FLOAT32 {
			f = arrow.PrimitiveTypes.Float32
		}
		return f, []Expr{castTo(args[0], f), castTo(args[1], f)}, nil
	}})
	floatPredicate := func(name string) *Function {
		return &Function{Name: name, Resolve: func(args []Expr, _ map[string]any) (arrow.DataType, []Expr, error) {
			if err := ArgCount(name, args, 1, 1); err != nil {
				return nil, nil, err
			}
			if t := args[0].DataType(); !core.IsNumeric(t) {
				return nil, nil, core.Errorf(core.KindCompute, "%s needs a numeric input, got %s", name, dtypeName(t))
			}
			return arrow.FixedWidthTypes.Boolean, args, nil
		}}
	}
	RegisterFunction(floatPredicate("is_nan"))
	RegisterFunction(floatPredicate("is_not_nan"))
	RegisterFunction(floatPredicate("is_finite"))
	RegisterFunction(floatPredicate("is_infinite"))
	// clip(x, lower, upper): bounds may be null literals (no bound).
	RegisterFunction(&Function{Name: "clip", Resolve: func(args []Expr, _ map[string]any) (arrow.DataType, []Expr, error) {
		if err := ArgCount("clip", args, 3, 3); err != nil {
			return nil, nil, err
		}
		t := args[0].DataType()
		if !core.IsNumeric(t) {
			return nil, nil, core.Errorf(core.KindCompute, "clip needs a numeric input, got %s", dtypeName(t))
		}
		return t, []Expr{args[0], castTo(args[1], t), castTo(args[2], t)}, nil
	}})
	// fill_null(x, value) and coalesce(a, b, ...): the first non-null.
	coalesce := func(name string) *Function {
		return &Function{Name: name, Resolve: func(args []Expr, _ map[string]any) (arrow.DataType, []Expr, error) {
			if err := ArgCount(name, args, 1, -1); err != nil {
				return nil, nil, err
			}
			t, ok := CommonType(args)
			if !ok {
				return nil, nil, core.Errorf(core.KindCompute, "%s arguments have no common type", name)
			}
			out := make([]Expr, len(args))
			for i, a := range args {
				out[i] = castTo(a, t)
			}
			return t, out, nil
		}}
	}
	RegisterFunction(coalesce("fill_null"))
	RegisterFunction(coalesce("coalesce"))
	RegisterFunction(&Function{Name: "fill_nan", Resolve: func(args []Expr, _ map[string]any) (arrow.DataType, []Expr, error) {
		if err := ArgCount("fill_nan", args, 2, 2); err != nil {
			return nil, nil, err
		}
		t := args[0].DataType()
		if !core.IsFloat(t) {
			return t, args[:1], nil // nothing to fill: only floats hold NaN
		}
		st, ok := CommonType(args)
		if !ok {
			return nil, nil, core.Errorf(core.KindCompute, "fill_nan value does not fit %s", dtypeName(t))
		}
		return st, []Expr{castTo(args[0], st), castTo(args[1], st)}, nil
	}})
	// when(c1, v1, c2, v2, ..., otherwise): the value of the first true condition.
	RegisterFunction(&Function{Name: "when", Resolve: func(args []Expr, _ map[string]any) (arrow.DataType, []Expr, error) {
		if len(args) < 3 || len(args)%2 == 0 {
			return nil, nil, core.Errorf(core.KindInvalidInput, "when needs condition/value pairs and an otherwise value")
		}
		var values []Expr
		for i := 0; i+1 < len(args); i += 2 {
			if t := args[i].DataType(); t.ID() != arrow.BOOL && t.ID() != arrow.NULL {
				return nil, nil, core.Errorf(core.KindCompute, "when() condition %s is %s, not Boolean", args[i], dtypeName(t))
			}
			values = append(values, args[i+1])
		}
		values = append(values, args[len(args)-1])
		t, ok := CommonType(values)
		if !ok {
			return nil, nil, core.Errorf(core.KindCompute, "then/otherwise values have no common type")
		}
		out := make([]Expr, len(args))
		for i := 0; i+1 < len(args); i += 2 {
			out[i] = castTo(args[i], arrow.FixedWidthTypes.Boolean)
			out[i+1] = castTo(args[i+1], t)
		}
		out[len(args)-1] = castTo(args[len(args)-1], t)
		return t, out, nil
	}})
	// is_in(x) with opts {"values": [...]}: membership in a list of scalars.
	RegisterFunction(&Function{Name: "is_in", Resolve: func(args []Expr, opts map[string]any) (arrow.DataType, []Expr, error) {
		if err := ArgCount("is_in", args, 1, 1); err != nil {
			return nil, nil, err
		}
		vals, ok := opts["values"].([]any)
		if !ok {
			return nil, nil, core.Errorf(core.KindInvalidInput, "is_in needs a list of values")
		}
		t := args[0].DataType()
		if t.ID() == arrow.NULL {
			// A null is in no list: every row is null, whatever the values' type.
			return arrow.FixedWidthTypes.Boolean, args, nil
		}
		numeric, text := core.IsNumeric(t), core.IsString(t)
		for _, v := range vals {
			// The common cases need no literal to check: numbers against a
			// numeric column, text against a text one (a list of 100k keys
			// made 100k literals here).
			if v == nil || (numeric && isNumber(v)) {
				continue
			}
			if _, ok := v.(string); ok && text {
				continue
			}
			lit, err := (&resolver{}).resolve(&Literal{Value: v, Dynamic: isNumber(v)})
			if err != nil {
				return nil, nil, err
			}
			if v == nil {
				continue
			}
			// A number compares with any numeric column by its exact value
			// (2.5 never matches an Int64, as in DuckDB), so only other
			// kinds of values are rejected.
			if _, ok := castTo(lit, t).(*Literal); !ok && !(core.IsNumeric(t) && isNumber(v)) {
				return nil, nil, core.Errorf(core.KindCompute, "is_in value %v cannot be compared with %s values", v, dtypeName(t))
			}
		}
		return arrow.FixedWidthTypes.Boolean, args, nil
	}})
}

func isNumber(v any) bool {
	switch v.(type) {
	case int64, float64, uint64:
		return true
	}
	return false
}
