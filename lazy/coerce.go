package lazy

// Type coercion: the rules by which an expression's operands meet on one
// type (Polars' rules: integer widening, Int/UInt to a signed type that
// holds both, a Python int or float literal taking the other operand's type
// when its value fits, dates and durations in their arithmetic) and the explicit casts they insert. Decimals keep exact
// types in arithmetic with decimals and integers (coerce_decimal.go). Coercion runs as
// each node is built (Resolve), because every node must know its output
// schema; testdata/coercion.txt shows expressions before and after it.

import (
	"math"

	"github.com/alopexdb/alopex/core"
	"github.com/apache/arrow-go/v18/arrow"
)

// operandTypes picks the common type of a binary operation's operands. A
// dynamic literal adopts the other side's type when its value fits; see
// dynamicFit for one that does not.
func operandTypes(l, r Expr) (arrow.DataType, bool) {
	lt, rt := l.DataType(), r.DataType()
	if lt.ID() == arrow.NULL || rt.ID() == arrow.NULL {
		// A dynamic literal beside null settles as in a select: Int32 for ints.
		for _, e := range []Expr{l, r} {
			if lit, ok := e.(*Literal); ok && lit.Dynamic {
				return settleLiteral(lit).DataType(), true
			}
		}
	}
	if ll, ok := l.(*Literal); ok && ll.Dynamic {
		if t, ok := dynamicFit(ll, rt); ok {
			return t, true
		}
	}
	if rl, ok := r.(*Literal); ok && rl.Dynamic {
		if t, ok := dynamicFit(rl, lt); ok {
			return t, true
		}
	}
	if t, ok := decimalSupertype(lt, rt); ok {
		return t, true
	}
	return core.Supertype(lt, rt)
}

// dynamicFit reports the type a dynamic literal takes beside a value of type
// other. An integer literal that does not fit an integer type takes, as in
// Polars, the smallest integer type holding it (unsigned beside an unsigned
// type when it is not negative) and then the supertype of the two, except
// that UInt64 with a negative literal gives Int64 rather than a float:
// Int8 * 200 is Int16, UInt8 + 300 is UInt16, UInt8 + -1 is Int16.
func dynamicFit(l *Literal, other arrow.DataType) (arrow.DataType, bool) {
	switch v := l.Value.(type) {
	case int64:
		if core.IsFloat(other) {
			return other, true
		}
		if core.IsInteger(other) {
			if intFits(v, other) {
				return other, true
			}
			holds := smallestIntHolding(v, core.IsUnsigned(other))
			if other.ID() == arrow.UINT64 && core.IsSigned(holds) {
				return arrow.PrimitiveTypes.Int64, true
			}
			return core.Supertype(other, holds)
		}
	case float64:
		if core.IsFloat(other) {
			return other, true
		}
		if core.IsInteger(other) {
			return arrow.PrimitiveTypes.Float64, true
		}
	}
	return nil, false
}

// smallestIntHolding returns the narrowest integer type that holds v: an
// unsigned one when unsigned is set and v is not negative, else a signed one.
func smallestIntHolding(v int64, unsigned bool) arrow.DataType {
	candidates := []arrow.DataType{arrow.PrimitiveTypes.Int8, arrow.PrimitiveTypes.Int16,
		arrow.PrimitiveTypes.Int32, arrow.PrimitiveTypes.Int64}
	if unsigned && v >= 0 {
		candidates = []arrow.DataType{arrow.PrimitiveTypes.Uint8, arrow.PrimitiveTypes.Uint16,
			arrow.PrimitiveTypes.Uint32, arrow.PrimitiveTypes.Uint64}
	}
	for _, t := range candidates {
		if intFits(v, t) {
			return t
		}
	}
	return arrow.PrimitiveTypes.Int64
}

func intFits(v int64, t arrow.DataType) bool {
	switch t.ID() {
	case arrow.INT8:
		return v >= math.MinInt8 && v <= math.MaxInt8
	case arrow.INT16:
		return v >= math.MinInt16 && v <= math.MaxInt16
	case arrow.INT32:
		return v >= math.MinInt32 && v <= math.MaxInt32
	case arrow.INT64:
		return true
	case arrow.UINT8:
		return v >= 0 && v <= math.MaxUint8
	case arrow.UINT16:
		return v >= 0 && v <= math.MaxUint16
	case arrow.UINT32:
		return v >= 0 && v <= math.MaxUint32
	case arrow.UINT64:
		return v >= 0
	}
	return false
}

// floatIfDecimal computes with decimals as Float64: beside a float, and in
// the functions and aggregates that have no exact decimal form (mean, std,
// sqrt…, as Polars gives Float64 there too).
func floatIfDecimal(e Expr) Expr {
	if e.DataType().ID() == arrow.DECIMAL128 || e.DataType().ID() == arrow.DECIMAL256 {
		return castTo(e, arrow.PrimitiveTypes.Float64)
	}
	return e
}

func (r *resolver) binary(orig *Binary, l, rr Expr) (Expr, error) {
	if e, ok := decimalBinary(orig, l, rr); ok {
		return e, nil
	}
	if !orig.Op.IsLogical() {
		l, rr = floatIfDecimal(l), floatIfDecimal(rr)
	}
	lt, rt := l.DataType(), rr.DataType()
	typeErr := func(what string) error {
		return core.Errorf(core.KindCompute, "cannot %s %s and %s in expression %s",
			what, dtypeName(lt), dtypeName(rt), orig).With("expression", orig.String())
	}
	switch {
	case orig.Op.IsLogical():
		intOrNull := func(t arrow.DataType) bool { return core.IsInteger(t) || t.ID() == arrow.NULL }
		if intOrNull(lt) && intOrNull(rt) && (core.IsInteger(lt) || core.IsInteger(rt)) {
			// Bitwise logic on integers, as in Polars.
			if wide64Mixed(l, rr) {
				return nil, mixedSignErr(orig, lt, rt)
			}
			st, ok := operandTypes(l, rr)
			if !ok || !core.IsInteger(st) {
				return nil, typeErr("combine with " + binarySymbols[orig.Op])
			}
			return &Binary{Op: orig.Op, Left: castTo(l, st), Right: castTo(rr, st), Type: st}, nil
		}
		for _, t := range []arrow.DataType{lt, rt} {
			if t.ID() != arrow.BOOL && t.ID() != arrow.NULL {
				return nil, typeErr("combine with " + binarySymbols[orig.Op])
			}
		}
		b := arrow.FixedWidthTypes.Boolean
		return &Binary{Op: orig.Op, Left: castTo(l, b), Right: castTo(rr, b), Type: b}, nil
	case orig.Op.IsComparison():
		if lt.ID() == arrow.NULL || rt.ID() == arrow.NULL {
			// Comparing with null yields null for every row.
			t := lt
			if t.ID() == arrow.NULL {
				t = rt
			}
			return &Binary{Op: orig.Op, Left: castTo(l, t), Right: castTo(rr, t), Type: arrow.FixedWidthTypes.Boolean}, nil
		}
		if wide64Mixed(l, rr) || negativeBesideUint64(l, rr) {
			// No 64-bit type holds both Int64 and UInt64 values: compare them
			// as they are (the kernel handles the mixed pair exactly).
			return &Binary{Op: orig.Op, Left: castTo(l, signedOrUnsigned64(lt)), Right: castTo(rr, signedOrUnsigned64(rt)),
				Type: arrow.FixedWidthTypes.Boolean}, nil
		}
		st, ok := operandTypes(l, rr)
		if ok && core.IsCategorical(st) {
			// Categoricals compare by value (lexically, as Polars'
			// default); codes of two dictionaries cannot be compared.
			st = arrow.BinaryTypes.String
		}
		if !ok || !comparable(st) {
			return nil, typeErr("compare")
		}
		return &Binary{Op: orig.Op, Left: castTo(l, st), Right: castTo(rr, st), Type: arrow.FixedWidthTypes.Boolean}, nil
	case orig.Op.IsArithmetic():
		if call, ok, err := temporalArith(orig, l, rr); ok {
			if err != nil {
				return nil, err
			}
			return call, nil
		}
		textOrNull := func(t arrow.DataType) bool { return isText(t) || t.ID() == arrow.NULL }
		if orig.Op == OpAdd && textOrNull(lt) && textOrNull(rt) && (isText(lt) || isText(rt)) {
			// Concatenation: a Categorical takes part by value (String result,
			// as Polars); a null operand makes every row null, as in Polars
			// and SQL's CONCAT.
			s := arrow.BinaryTypes.String
			return &Binary{Op: OpAdd, Left: castTo(l, s), Right: castTo(rr, s), Type: s}, nil
		}
		numericOrNull := func(t arrow.DataType) bool { return core.IsNumeric(t) || t.ID() == arrow.NULL }
		if !numericOrNull(lt) || !numericOrNull(rt) {
			return nil, typeErr("apply " + binarySymbols[orig.Op] + " to")
		}
		if wide64Mixed(l, rr) && orig.Op != OpTrueDiv {
			return nil, mixedSignErr(orig, lt, rt)
		}
		st, ok := operandTypes(l, rr)
		if !ok {
			return nil, typeErr("apply " + binarySymbols[orig.Op] + " to")
		}
		if st.ID() == arrow.NULL {
			st = arrow.PrimitiveTypes.Int64
		}
		if orig.Op == OpTrueDiv && !core.IsFloat(st) {
			// Integers meet in their common type first (where a UInt64 beside
			// a negative literal becomes a nullable Int64, as in Polars).
			if core.IsSigned(st) && (lt.ID() == arrow.UINT64 || rt.ID() == arrow.UINT64) {
				l, rr = castTo(l, st), castTo(rr, st)
			}
			st = arrow.PrimitiveTypes.Float64
		}
		return &Binary{Op: orig.Op, Left: castTo(l, st), Right: castTo(rr, st), Type: st}, nil
	}
	return nil, core.Errorf(core.KindNotSupported, "binary operator %q is not supported", orig.Op)
}

// wide64Mixed reports whether a and b are a signed integer and UInt64 (in
// either order) that are not literals fitting the other side: no 64-bit type
// holds both, and Polars' answer (Int128) is not available.
func wide64Mixed(l, r Expr) bool {
	for _, e := range []Expr{l, r} {
		if lit, ok := e.(*Literal); ok && lit.Dynamic {
			return false
		}
	}
	a, b := l.DataType(), r.DataType()
	return (core.IsSigned(a) && b.ID() == arrow.UINT64) || (a.ID() == arrow.UINT64 && core.IsSigned(b))
}

// negativeBesideUint64 reports a UInt64 operand compared with a negative
// dynamic integer literal, which no common 64-bit type holds exactly.
func negativeBesideUint64(l, r Expr) bool {
	check := func(a, b Expr) bool {
		lit, ok := b.(*Literal)
		if !ok || !lit.Dynamic {
			return false
		}
		v, isInt := lit.Value.(int64)
		return isInt && v < 0 && a.DataType().ID() == arrow.UINT64
	}
	return check(l, r) || check(r, l)
}

func signedOrUnsigned64(t arrow.DataType) arrow.DataType {
	if core.IsSigned(t) {
		return arrow.PrimitiveTypes.Int64
	}
	return arrow.PrimitiveTypes.Uint64
}

func mixedSignErr(e *Binary, a, b arrow.DataType) error {
	return core.Errorf(core.KindNotSupported,
		"%s of %s and %s needs a 128-bit integer result, which alopex does not support yet, in expression %s; "+
			"cast one side first (e.g. .cast(Int64) or .cast(Float64))", e.Op, dtypeName(a), dtypeName(b), e).
		With("expression", e.String())
}

// isText reports a String or Categorical type: values that are text.
func isText(t arrow.DataType) bool { return core.IsString(t) || core.IsCategorical(t) }

func comparable(t arrow.DataType) bool { return core.Comparable(t) }

// castTo wraps e in a cast to t unless it already has that type; casts of
// literals are folded.
func castTo(e Expr, t arrow.DataType) Expr {
	if arrow.TypeEqual(e.DataType(), t) || (core.IsString(e.DataType()) && core.IsString(t)) {
		return e
	}
	// Implicit casts are not strict: as in Polars, a value that does not fit
	// the common type (a UInt64 above the Int64 range) becomes null.
	return foldCast(&Cast{X: e, To: t, Strict: false})
}

func canCast(from, to arrow.DataType) bool {
	switch {
	case arrow.TypeEqual(from, to), from.ID() == arrow.NULL:
		return true
	case IsTemporal(from) || IsTemporal(to):
		return temporalCastable(from, to)
	case to.ID() == arrow.DECIMAL128:
		// Exactly, rounding to the scale (kernels.toDecimal).
		return core.IsNumeric(from) || core.IsString(from) || from.ID() == arrow.DECIMAL128
	case from.ID() == arrow.DECIMAL128:
		return core.IsNumeric(to) || core.IsString(to) // to integers toward zero (kernels.decimalToInt)
	case core.IsNumeric(from) || from.ID() == arrow.BOOL:
		return core.IsNumeric(to) || to.ID() == arrow.BOOL || core.IsString(to)
	case core.IsCategorical(from):
		// Through the values: to String, or to what a String casts to.
		return core.IsCategorical(to) || canCast(arrow.BinaryTypes.String, to)
	case core.IsCategorical(to):
		return core.IsString(from) || canCast(from, arrow.BinaryTypes.String)
	case core.IsString(from):
		// String to Boolean is not a cast in Polars either.
		return core.IsNumeric(to) || core.IsString(to)
	}
	return false
}

// foldCast evaluates a cast of a literal at plan time when the value is
// representable in the target type; otherwise it leaves the cast in place.
func foldCast(c *Cast) Expr {
	lit, ok := c.X.(*Literal)
	if !ok {
		return c
	}
	if lit.Value == nil {
		return &Literal{Value: nil, Type: c.To}
	}
	to := c.To
	if IsTemporal(lit.Type) || IsTemporal(to) {
		return foldTemporalCast(c, lit)
	}
	switch v := lit.Value.(type) {
	case int64:
		if dt, ok := to.(*arrow.Decimal128Type); ok {
			if d, ok := decimalLiteral(v, dt); ok {
				return d
			}
		}
		switch {
		case core.IsSigned(to) && intFits(v, to):
			return &Literal{Value: v, Type: to}
		case core.IsUnsigned(to) && v >= 0 && intFits(v, to):
			return &Literal{Value: uint64(v), Type: to}
		case core.IsFloat(to):
			return &Literal{Value: float64(v), Type: to}
		}
	case uint64:
		switch {
		case core.IsUnsigned(to):
			return &Literal{Value: v, Type: to}
		case core.IsFloat(to):
			return &Literal{Value: float64(v), Type: to}
		case core.IsSigned(to) && v <= math.MaxInt64 && intFits(int64(v), to):
			return &Literal{Value: int64(v), Type: to}
		}
	case float64:
		if core.IsFloat(to) {
			if to.ID() == arrow.FLOAT32 {
				v = float64(float32(v))
			}
			return &Literal{Value: v, Type: to}
		}
	case bool:
		if to.ID() == arrow.BOOL {
			return &Literal{Value: v, Type: to}
		}
	case string:
		if core.IsString(to) {
			return &Literal{Value: v, Type: to}
		}
	}
	return c
}
