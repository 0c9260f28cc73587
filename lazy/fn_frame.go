package lazy

import (
	"github.com/alopexdb/alopex/core"
	"github.com/apache/arrow-go/v18/arrow"
)

// frame_agg(x) aggregates x over a frame of rows around each row of its
// ordered window partition: SQL's SUM/AVG/MIN/MAX/COUNT(x) OVER (... ROWS
// BETWEEN a AND b). Options: "func" (sum, mean, min, max, count), "start"
// and "end", the frame's bounds as row offsets from the current row
// (negative: preceding, 0: the current row, positive: following; absent or
// null: unbounded). Nulls are skipped; a frame without values gives null
// (count gives 0). Evaluation is in lazy/exec/window_frame.go.
func init() {
	windowFuncs["frame_agg"] = true
	RegisterFunction(&Function{Name: "frame_agg", Resolve: func(args []Expr, opts map[string]any) (arrow.DataType, []Expr, error) {
		if err := ArgCount("frame_agg", args, 1, 1); err != nil {
			return nil, nil, err
		}
		t := args[0].DataType()
		fn := OptString(opts, "func", "")
		if fn == "count" {
			return arrow.PrimitiveTypes.Uint32, args, nil
		}
		if !core.IsNumeric(t) && t.ID() != arrow.NULL {
			return nil, nil, core.Errorf(core.KindNotSupported,
				"%s over a frame of %s values is not supported (numbers only)", fn, dtypeName(t))
		}
		switch fn {
		case "sum":
			out, _ := aggType(AggSum, t)
			return out, []Expr{castTo(args[0], out)}, nil
		case "mean":
			f := arrow.PrimitiveTypes.Float64
			return f, []Expr{castTo(args[0], f)}, nil
		case "min", "max":
			if t.ID() == arrow.NULL {
				t = arrow.PrimitiveTypes.Float64
			}
			return t, []Expr{castTo(args[0], t)}, nil
		}
		return nil, nil, core.Errorf(core.KindInvalidInput, "frame_agg func must be sum, mean, min, max or count, got %q", fn)
	}})
}
