package exec

import (
	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Exact Decimal evaluation: arithmetic and comparisons of Decimal operands
// (the plan has cast integers to Decimal; lazy/coerce_decimal.go holds the
// typing rules) and negation in scaled integers (abs and round: lazy/fn/math.go).

func isDecimal(t arrow.DataType) bool { return t.ID() == arrow.DECIMAL128 }

// evalDecimalBinary evaluates e when it works on decimals; ok is false
// for any other operation.
func evalDecimalBinary(mem memory.Allocator, e *lazy.Binary, l, r kernels.Value, n int) (arrow.Array, bool, error) {
	if !isDecimal(l.Type) || !isDecimal(r.Type) {
		return nil, false, nil
	}
	if k, ok := cmpOps[e.Op]; ok {
		out, err := kernels.DecimalCompare(mem, k, l, r, n)
		return out, true, err
	}
	k, ok := arithOps[e.Op]
	out, isDec := e.Type.(*arrow.Decimal128Type)
	if !ok || !isDec {
		return nil, false, nil
	}
	res, err := kernels.DecimalArith(mem, k, l, r, n, out, kernels.DecimalOptions{})
	return res, true, err
}
