package lazy

import (
	"github.com/alopexdb/alopex/core"
	"github.com/apache/arrow-go/v18/arrow"
)

// SQLNumberPrefix is the text MySQL reads a number from when it converts a
// string: leading whitespace skipped, then the longest prefix that is a
// number of the kind named by option "kind" — "int" or "uint" (an optional
// sign and digits; "2.5" reads as 2, a value beyond the type's range as its
// bound) or "float" (sign, digits, fraction and exponent: " 1.5e2x" reads
// as 150) — and "0" when there is none ("abc", ""). CAST(s AS SIGNED),
// AS DOUBLE and AS DECIMAL cast this text, so a string converts as MySQL
// converts it instead of becoming NULL. Evaluated by
// lazy/exec/fn_sqlnum.go.
const SQLNumberPrefix = "sql.number_prefix"

func init() {
	RegisterFunction(&Function{Name: SQLNumberPrefix, Resolve: func(args []Expr, opts map[string]any) (arrow.DataType, []Expr, error) {
		if err := ArgCount(SQLNumberPrefix, args, 1, 1); err != nil {
			return nil, nil, err
		}
		switch OptString(opts, "kind", "") {
		case "int", "uint", "float":
		default:
			return nil, nil, core.Errorf(core.KindInvalidInput, "%s needs kind int, uint or float", SQLNumberPrefix)
		}
		t := args[0].DataType()
		if !core.IsString(t) && t.ID() != arrow.NULL {
			return nil, nil, core.Errorf(core.KindCompute, "%s needs a string input, got %s", SQLNumberPrefix, dtypeName(t))
		}
		return arrow.BinaryTypes.String, []Expr{castTo(args[0], arrow.BinaryTypes.String)}, nil
	}})
}
