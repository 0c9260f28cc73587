package lazy

import (
	"github.com/alopexdb/alopex/core"
	"github.com/apache/arrow-go/v18/arrow"
)

// Order-dependent functions: evaluated along each window partition in
// order (the whole input when there is no over()), never row by row.
// Evaluation is in lazy/exec/window.go.

func init() {
	reg := func(name string, resolve func(args []Expr, opts map[string]any) (arrow.DataType, []Expr, error)) {
		windowFuncs[name] = true
		RegisterFunction(&Function{Name: name, Resolve: resolve})
	}
	numeric := func(name string, args []Expr) (arrow.DataType, error) {
		if err := ArgCount(name, args, 1, 1); err != nil {
			return nil, err
		}
		t := args[0].DataType()
		if !core.IsNumeric(t) && t.ID() != arrow.BOOL {
			return nil, core.Errorf(core.KindCompute, "%s needs numbers, got %s", name, dtypeName(t))
		}
		return t, nil
	}
	reg("cum_sum", func(args []Expr, _ map[string]any) (arrow.DataType, []Expr, error) {
		t, err := numeric("cum_sum", args)
		if err != nil {
			return nil, nil, err
		}
		out, _ := aggType(AggSum, t)
		return out, []Expr{castTo(args[0], out)}, nil
	})
	reg("cum_prod", func(args []Expr, _ map[string]any) (arrow.DataType, []Expr, error) {
		t, err := numeric("cum_prod", args)
		if err != nil {
			return nil, nil, err
		}
		out := arrow.DataType(arrow.PrimitiveTypes.Int64)
		if core.IsFloat(t) {
			out = t
		}
		return out, []Expr{castTo(args[0], out)}, nil
	})
	for _, name := range []string{"cum_min", "cum_max"} {
		reg(name, func(args []Expr, _ map[string]any) (arrow.DataType, []Expr, error) {
			t, err := numeric(name, args)
			if err != nil {
				return nil, nil, err
			}
			if t.ID() == arrow.BOOL {
				return nil, nil, core.Errorf(core.KindNotSupported, "%s of Boolean values is not supported yet", name)
			}
			return t, args, nil
		})
	}
	reg("cum_count", func(args []Expr, _ map[string]any) (arrow.DataType, []Expr, error) {
		if err := ArgCount("cum_count", args, 1, 1); err != nil {
			return nil, nil, err
		}
		return arrow.PrimitiveTypes.Uint32, args, nil
	})
	// shift(x, fill): opts n (rows; negative shifts up).
	reg("shift", func(args []Expr, _ map[string]any) (arrow.DataType, []Expr, error) {
		if err := ArgCount("shift", args, 2, 2); err != nil {
			return nil, nil, err
		}
		t := args[0].DataType()
		return t, []Expr{args[0], castTo(args[1], t)}, nil
	})
	reg("diff", func(args []Expr, _ map[string]any) (arrow.DataType, []Expr, error) {
		t, err := numeric("diff", args)
		if err != nil {
			return nil, nil, err
		}
		if core.IsUnsigned(t) || t.ID() == arrow.BOOL {
			t = arrow.PrimitiveTypes.Int64
		}
		return t, []Expr{castTo(args[0], t)}, nil
	})
	// rank(x): opts method (average, min, max, dense, ordinal), descending.
	reg("rank", func(args []Expr, opts map[string]any) (arrow.DataType, []Expr, error) {
		if err := ArgCount("rank", args, 1, 1); err != nil {
			return nil, nil, err
		}
		if !sortable(args[0].DataType()) {
			return nil, nil, core.Errorf(core.KindCompute, "cannot rank %s values", dtypeName(args[0].DataType()))
		}
		switch OptString(opts, "method", "average") {
		case "average":
			return arrow.PrimitiveTypes.Float64, args, nil
		case "min", "max", "dense", "ordinal":
			return arrow.PrimitiveTypes.Uint32, args, nil
		}
		return nil, nil, core.Errorf(core.KindInvalidInput, "rank method must be average, min, max, dense or ordinal")
	})
}
