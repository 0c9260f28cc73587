package lazy

import (
	"github.com/alopexdb/alopex/core"
	"github.com/apache/arrow-go/v18/arrow"
)

// is_in, the last general scalar function not yet in the function registry
// (lazy/fn); evaluated by lazy/exec/fn_core.go.

func init() {
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
