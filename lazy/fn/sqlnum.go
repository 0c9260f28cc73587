package fn

import (
	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// SQLNumberPrefix is the text MySQL reads a number from when it converts a
// string: leading whitespace skipped, then the longest prefix that is a
// number of the kind named by option "kind" — "int" or "uint" (an optional
// sign and digits; "2.5" reads as 2, a value beyond the type's range as its
// bound) or "float" (sign, digits, fraction and exponent: " 1.5e2x" reads
// as 150), or "decimal" (the float text rounded exactly to option "scale"
// digits, halves away from zero: "1.005" at scale 2 reads as 1.01) — and
// "0" when there is none ("abc", ""). CAST(s AS SIGNED),
// AS DOUBLE and AS DECIMAL cast this text, so a string converts as MySQL
// converts it instead of becoming NULL. Only SQL builds it.
const SQLNumberPrefix = "sql.number_prefix"

var sqlNumberFunctions = []*Scalar{
	{Name: SQLNumberPrefix, MinArgs: 1, MaxArgs: 1, Nulls: NullsFromArgs,
		Type: func(b *Binding) error {
			switch b.Opts.String("kind", "") {
			case "int", "uint", "float", "decimal":
			default:
				return core.Errorf(core.KindInvalidInput, "%s needs kind int, uint, float or decimal", SQLNumberPrefix)
			}
			t := b.Args[0].DataType()
			if !core.IsString(t) && t.ID() != arrow.NULL {
				return core.Errorf(core.KindCompute, "%s needs a string input, got %s", SQLNumberPrefix, core.DTypeName(t))
			}
			b.Cast(0, str)
			b.Out = str
			return nil
		},
		Eval: onInput(func(mem memory.Allocator, c *Invocation, a arrow.Array, _ []kernels.Value) (arrow.Array, error) {
			return kernels.SQLNumberPrefix(mem, a, c.Opts.String("kind", "float"), int(c.Opts.Float("scale", 0)))
		})},
}
