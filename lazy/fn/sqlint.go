package fn

import (
	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// SQLIntArith is MySQL's integer +, - and *: computed in BIGINT (BIGINT
// UNSIGNED when an operand is unsigned), an out-of-range result an error,
// where the DataFrame API's operators keep the operands' width and wrap as
// Polars' do. Option "op" is "add", "sub" or "mul". Only SQL builds it.
const SQLIntArith = "sql.int_arith"

var sqlIntFunctions = []*Scalar{
	{Name: SQLIntArith, MinArgs: 2, MaxArgs: 2, Nulls: NullsFromArgs,
		Type: func(b *Binding) error {
			switch b.Opts.String("op", "") {
			case "add", "sub", "mul":
			default:
				return core.Errorf(core.KindInvalidInput, "%s needs op add, sub or mul", SQLIntArith)
			}
			b.Out = i64
			for i, a := range b.Args {
				t := a.DataType()
				switch {
				case core.IsUnsigned(t):
					b.Out = arrow.PrimitiveTypes.Uint64
					b.Cast(i, arrow.PrimitiveTypes.Uint64)
				case core.IsInteger(t) || t.ID() == arrow.NULL:
					b.Cast(i, i64)
				default:
					return core.Errorf(core.KindCompute, "%s needs integer inputs, got %s", SQLIntArith, core.DTypeName(t))
				}
			}
			return nil
		},
		Eval: func(mem memory.Allocator, c *Invocation, args []kernels.Value, n int) (arrow.Array, error) {
			return kernels.SQLIntArith(mem, c.Type, c.Opts.String("op", ""), args[0], args[1], n)
		}},
}
