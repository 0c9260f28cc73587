package fn

import (
	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// SQLDecimalArith is MySQL's DECIMAL +, -, * and /, where the DataFrame
// API follows Polars (lazy/coerce_decimal.go). An integer operand is a
// DECIMAL(digits, 0) (BIGINT: 19 digits, a literal: its own digits). Of
// DECIMAL(p1, s1) and DECIMAL(p2, s2):
//
//	op    scale          precision
//	+, -  max(s1, s2)    max(p1-s1, p2-s2) + scale + 1
//	*     s1 + s2        p1 + p2
//	/     s1 + 4         p1 + s2 + 4   (div_precision_increment 4)
//
// Scales are capped at 30 and precisions at 38 (MySQL: 65); the value is
// exact before one rounding to the scale, halves away from zero. A value
// that does not fit is an error naming it, a division by zero is null.
// Option "op" is "add", "sub", "mul" or "div".
const SQLDecimalArith = "sql.decimal_arith"

// MaxDecimalPrecision is the widest Decimal128.
const MaxDecimalPrecision = 38

// maxSQLDecimalScale is MySQL's largest DECIMAL scale.
const maxSQLDecimalScale = 30

var sqlDecimalFunctions = []*Scalar{
	{Name: SQLDecimalArith, MinArgs: 2, MaxArgs: 2,
		NullsBy: func(o Opts) Nulls {
			if o.String("op", "") == "div" {
				return NullsAny // null on a zero divisor
			}
			return NullsFromArgs
		},
		Type: func(b *Binding) error {
			var p, s [2]int32
			for i, a := range b.Args {
				t, ok := sqlDecimalOf(a)
				if !ok {
					return core.Errorf(core.KindCompute, "%s needs DECIMAL or integer inputs, got %s", SQLDecimalArith, core.DTypeName(a.DataType()))
				}
				p[i], s[i] = t.Precision, t.Scale
				b.Cast(i, t)
			}
			var prec, scale int32
			switch b.Opts.String("op", "") {
			case "add", "sub":
				scale = max(s[0], s[1])
				prec = max(p[0]-s[0], p[1]-s[1]) + scale + 1
			case "mul":
				scale, prec = s[0]+s[1], p[0]+p[1]
			case "div":
				scale, prec = s[0]+4, p[0]+s[1]+4
			default:
				return core.Errorf(core.KindInvalidInput, "%s needs op add, sub, mul or div", SQLDecimalArith)
			}
			scale = min(scale, maxSQLDecimalScale)
			prec = min(max(prec, scale), MaxDecimalPrecision)
			b.Out = &arrow.Decimal128Type{Precision: prec, Scale: scale}
			return nil
		},
		Eval: func(mem memory.Allocator, c *Invocation, args []kernels.Value, n int) (arrow.Array, error) {
			ops := map[string]kernels.ArithOp{"add": kernels.Add, "sub": kernels.Sub, "mul": kernels.Mul, "div": kernels.Div}
			return kernels.DecimalArith(mem, ops[c.Opts.String("op", "")], args[0], args[1], n,
				c.Type.(*arrow.Decimal128Type), kernels.DecimalOptions{HalfAway: true, ZeroDivNull: true})
		}},
}

// sqlDecimalOf is the DECIMAL type MySQL computes an operand in.
func sqlDecimalOf(a Arg) (*arrow.Decimal128Type, bool) {
	t := a.DataType()
	if d, ok := t.(*arrow.Decimal128Type); ok {
		return d, true
	}
	if c, lit := a.Constant(); lit {
		if v, ok := c.(int64); ok {
			digits := int32(1)
			for x := v / 10; x != 0; x /= 10 {
				digits++
			}
			return &arrow.Decimal128Type{Precision: digits, Scale: 0}, true
		}
	}
	digits := map[arrow.Type]int32{arrow.INT8: 3, arrow.INT16: 5, arrow.INT32: 10, arrow.INT64: 19,
		arrow.UINT8: 3, arrow.UINT16: 5, arrow.UINT32: 10, arrow.UINT64: 20, arrow.NULL: 1}
	d, ok := digits[t.ID()]
	return &arrow.Decimal128Type{Precision: d, Scale: 0}, ok
}

// SQLDecimalOperand reports whether a type takes part in SQL's decimal
// arithmetic (a DECIMAL, an integer or null): the translator uses
// SQLDecimalArith when one operand is a DECIMAL and the other is one of
// these.
func SQLDecimalOperand(t arrow.DataType) bool {
	return t.ID() == arrow.DECIMAL128 || core.IsInteger(t) || t.ID() == arrow.NULL
}
