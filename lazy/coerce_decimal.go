package lazy

// Decimal typing of the DataFrame API, as Polars 2.1 (checked against it;
// python/tests/test_decimal_arith.py pins each row):
//
//	expression                        result                   values
//	Decimal(p1,s1) ± Decimal(p2,s2)   Decimal(38, max(s1,s2))  exact
//	Decimal * Decimal                 Decimal(38, max(s1,s2))  exact product rounded, halves to even
//	Decimal / Decimal                 Decimal(38, max(s1,s2))  quotient rounded, halves to even; /0 an error
//	Decimal op integer (col or lit)   the integer as Decimal(38, 0), then as above
//	Decimal op float (col or lit)     Float64                  the decimal as Float64
//	Decimal // and % Decimal          Float64 (Polars: Decimal; not exact here yet)
//	-x, abs(x)                        x's type
//	round(x, d)                       Decimal(min(p+1,38), s)  rounded to d digits, scale kept
//	x cmp Decimal or integer          Boolean                  exact, across scales
//	x cmp float                       Boolean                  as Float64
//	sum                               Decimal(38, s)           exact; an empty group is 0
//	mean, median, std, var, quantile  Float64
//	min, max, first, last             x's type
//
// A result that does not fit its precision is a ComputeError naming the
// values, as Polars' "overflow in decimal multiplication". SQL has its own
// rules (MySQL's scales, halves away from zero): see fn.SQLDecimalArith (lazy/fn/sqldecimal.go).

import (
	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy/fn"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
)

func isDecimal(t arrow.DataType) bool { return t.ID() == arrow.DECIMAL128 }

// decimalPartner reports whether e can meet a Decimal exactly: a decimal,
// an integer, or null (a float cannot: the pair computes in Float64).
func decimalPartner(e Expr) bool {
	t := e.DataType()
	return isDecimal(t) || core.IsInteger(t) || t.ID() == arrow.NULL
}

// asDecimal casts an integer or null operand to Decimal(38, 0) (a literal
// is folded); a decimal stays as it is.
func asDecimal(e Expr) Expr {
	if isDecimal(e.DataType()) {
		return e
	}
	return castTo(e, &arrow.Decimal128Type{Precision: fn.MaxDecimalPrecision, Scale: 0})
}

// decimalBinary types an arithmetic operation or comparison with a Decimal
// operand and a decimal, integer or null partner (Polars' rules above); ok
// is false for any other pair.
func decimalBinary(orig *Binary, l, r Expr) (Expr, bool) {
	lt, rt := l.DataType(), r.DataType()
	if !isDecimal(lt) && !isDecimal(rt) || !decimalPartner(l) || !decimalPartner(r) {
		return nil, false
	}
	switch {
	case orig.Op.IsComparison():
		return &Binary{Op: orig.Op, Left: asDecimal(l), Right: asDecimal(r), Type: arrow.FixedWidthTypes.Boolean}, true
	case orig.Op == OpAdd || orig.Op == OpSub || orig.Op == OpMul || orig.Op == OpTrueDiv:
		out := &arrow.Decimal128Type{Precision: fn.MaxDecimalPrecision, Scale: max(decimalScale(lt), decimalScale(rt))}
		return &Binary{Op: orig.Op, Left: asDecimal(l), Right: asDecimal(r), Type: out}, true
	}
	return nil, false
}

// decimalSupertype is the type a Decimal meets a decimal or integer in
// (fill_null, when): Decimal(38, the larger scale), as Polars.
func decimalSupertype(a, b arrow.DataType) (arrow.DataType, bool) {
	if !isDecimal(a) && !isDecimal(b) {
		return nil, false
	}
	for _, t := range []arrow.DataType{a, b} {
		if !isDecimal(t) && !core.IsInteger(t) && t.ID() != arrow.NULL {
			return nil, false
		}
	}
	if arrow.TypeEqual(a, b) || b.ID() == arrow.NULL {
		return a, true
	}
	if a.ID() == arrow.NULL {
		return b, true
	}
	return &arrow.Decimal128Type{Precision: fn.MaxDecimalPrecision, Scale: max(decimalScale(a), decimalScale(b))}, true
}

// decimalScale is a Decimal type's scale, 0 for an integer.
func decimalScale(t arrow.DataType) int32 {
	if d, ok := t.(*arrow.Decimal128Type); ok {
		return d.Scale
	}
	return 0
}

// decimalCall types the functions that keep a Decimal argument exact (abs,
// round: dt is the result type; the value-selecting when, fill_null and
// coalesce: dt is nil, their Resolve finds the common Decimal); ok is false
// when the call computes in Float64.
func decimalCall(name string, args []Expr, opts map[string]any) (arrow.DataType, bool) {
	if len(args) == 0 {
		return nil, false
	}
	switch name {
	case fn.SQLDecimalArith:
		return nil, true // typed by MySQL's rules (lazy/fn/sqldecimal.go)
	case "abs":
		t := args[0].DataType()
		return t, len(args) == 1 && isDecimal(t)
	case "round":
		t, ok := args[0].DataType().(*arrow.Decimal128Type)
		if !ok || len(args) != 1 {
			return nil, false
		}
		if float64(t.Scale) <= OptFloat(opts, "decimals", 0) {
			return t, true
		}
		return &arrow.Decimal128Type{Precision: min(t.Precision+1, fn.MaxDecimalPrecision), Scale: t.Scale}, true
	case "when", "fill_null", "coalesce":
		// Values meet on a Decimal (operandTypes) when all of them can.
		values := args
		if name == "when" {
			values = nil
			for i := 1; i < len(args); i += 2 {
				values = append(values, args[i])
			}
			values = append(values, args[len(args)-1])
		}
		anyDecimal := false
		for _, v := range values {
			if !decimalPartner(v) {
				return nil, false
			}
			anyDecimal = anyDecimal || isDecimal(v.DataType())
		}
		return nil, anyDecimal
	}
	return nil, false
}

// decimalLiteral folds an integer literal cast to a Decimal type.
func decimalLiteral(v int64, t *arrow.Decimal128Type) (Expr, bool) {
	n := decimal128.FromI64(v)
	for range t.Scale {
		n = n.Mul(decimal128.FromI64(10))
	}
	if !n.FitsInPrecision(t.Precision) {
		return nil, false
	}
	return &Literal{Value: n, Type: t}, true
}
