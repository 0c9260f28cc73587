package lazy

import (
	"github.com/alopexdb/alopex/core"
	"github.com/apache/arrow-go/v18/arrow"
)

// SQLIntArith is MySQL's integer +, - and *: computed in BIGINT (BIGINT
// UNSIGNED when an operand is unsigned), an out-of-range result an error,
// where the DataFrame API's operators keep the operands' width and wrap as
// Polars' do. Option "op" is "add", "sub" or "mul". Evaluated by
// lazy/exec/fn_sqlint.go.
const SQLIntArith = "sql.int_arith"

func init() {
	RegisterFunction(&Function{Name: SQLIntArith, Resolve: func(args []Expr, opts map[string]any) (arrow.DataType, []Expr, error) {
		if err := ArgCount(SQLIntArith, args, 2, 2); err != nil {
			return nil, nil, err
		}
		switch OptString(opts, "op", "") {
		case "add", "sub", "mul":
		default:
			return nil, nil, core.Errorf(core.KindInvalidInput, "%s needs op add, sub or mul", SQLIntArith)
		}
		out := arrow.DataType(arrow.PrimitiveTypes.Int64)
		cast := make([]Expr, 2)
		for i, a := range args {
			t := a.DataType()
			switch {
			case core.IsUnsigned(t):
				out = arrow.PrimitiveTypes.Uint64
				cast[i] = castTo(a, arrow.PrimitiveTypes.Uint64)
			case core.IsInteger(t) || t.ID() == arrow.NULL:
				cast[i] = castTo(a, arrow.PrimitiveTypes.Int64)
			default:
				return nil, nil, core.Errorf(core.KindCompute, "%s needs integer inputs, got %s", SQLIntArith, dtypeName(t))
			}
		}
		return out, cast, nil
	}})
}
