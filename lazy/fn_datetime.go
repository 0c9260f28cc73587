package lazy

import (
	"fmt"
	"strconv"

	"github.com/alopexdb/alopex/core"
	"github.com/apache/arrow-go/v18/arrow"
)

// Dates and times in the plan: temporal arithmetic and literals. Dates are
// Arrow Date32 (days since 1970-01-01), datetimes Timestamp with a unit and
// no time zone, durations Duration. The dt functions, and the functions
// temporal + and - become, are entries of the registry (lazy/fn/datetime.go).

// IsTemporal reports whether t is a date, datetime or duration.
func IsTemporal(t arrow.DataType) bool {
	switch t.ID() {
	case arrow.DATE32, arrow.DATE64, arrow.TIMESTAMP, arrow.DURATION:
		return true
	}
	return false
}

func isDateLike(t arrow.DataType) bool {
	return t.ID() == arrow.DATE32 || t.ID() == arrow.TIMESTAMP || t.ID() == arrow.DATE64
}

var usDatetime = &arrow.TimestampType{Unit: arrow.Microsecond}

// temporalArith rewrites +/- with temporal operands into calls, following
// Polars: date ± duration is a date, datetime ± duration a datetime,
// date - date and datetime - datetime a duration. ok is false when neither
// operand is temporal.
func temporalArith(orig *Binary, l, r Expr) (Expr, bool, error) {
	lt, rt := l.DataType(), r.DataType()
	if !IsTemporal(lt) && !IsTemporal(rt) {
		return nil, false, nil
	}
	bad := func() (Expr, bool, error) {
		return nil, true, core.Errorf(core.KindCompute, "cannot apply %s to %s and %s in expression %s",
			binarySymbols[orig.Op], dtypeName(lt), dtypeName(rt), orig).With("expression", orig.String())
	}
	dur := func(t arrow.DataType) bool { return t.ID() == arrow.DURATION }
	switch orig.Op {
	case OpAdd, OpSub:
	default:
		return bad()
	}
	switch {
	case isDateLike(lt) && dur(rt):
		name := "temporal_add"
		if orig.Op == OpSub {
			name = "temporal_sub"
		}
		return &Call{Name: name, Args: []Expr{l, r}, Type: lt}, true, nil
	case dur(lt) && isDateLike(rt) && orig.Op == OpAdd:
		return &Call{Name: "temporal_add", Args: []Expr{r, l}, Type: rt}, true, nil
	case isDateLike(lt) && isDateLike(rt) && orig.Op == OpSub:
		if !arrow.TypeEqual(lt, rt) {
			l, r = castTo(l, usDatetime), castTo(r, usDatetime)
		}
		unit := arrow.Microsecond
		if ts, ok := l.DataType().(*arrow.TimestampType); ok {
			unit = ts.Unit
		}
		return &Call{Name: "temporal_diff", Args: []Expr{l, r}, Type: &arrow.DurationType{Unit: unit}}, true, nil
	case dur(lt) && dur(rt):
		t := lt
		if !arrow.TypeEqual(lt, rt) {
			t = &arrow.DurationType{Unit: arrow.Microsecond}
			l, r = castTo(l, t), castTo(r, t)
		}
		op := arithmeticOf(orig.Op)
		return &Call{Name: "duration_" + op, Args: []Expr{l, r}, Type: t}, true, nil
	}
	return bad()
}

func arithmeticOf(op BinaryOp) string {
	if op == OpSub {
		return "sub"
	}
	return "add"
}

// describeTemporal renders a temporal literal (days or ticks) for explain.
func describeTemporal(v int64, t arrow.DataType) string {
	switch t := t.(type) {
	case *arrow.Date32Type:
		return arrow.Date32(v).FormattedString()
	case *arrow.TimestampType:
		return arrow.Timestamp(v).ToTime(t.Unit).Format("2006-01-02 15:04:05.999999")
	case *arrow.DurationType:
		return fmt.Sprintf("%d%s", v, t.Unit)
	}
	return strconv.FormatInt(v, 10)
}

// temporalCastable says which casts involving temporal types exist.
func temporalCastable(from, to arrow.DataType) bool {
	switch {
	case isDateLike(from) && isDateLike(to):
		return true
	case from.ID() == arrow.DURATION && to.ID() == arrow.DURATION:
		return true
	case IsTemporal(from) && (core.IsString(to) || core.IsInteger(to)):
		return true
	case (core.IsString(from) || core.IsInteger(from)) && IsTemporal(to):
		return true
	}
	return false
}

// foldTemporalCast folds casts of literals between integers and temporal
// types (the value stays an int64 of days or ticks); other casts stay.
func foldTemporalCast(c *Cast, lit *Literal) Expr {
	v, ok := lit.Value.(int64)
	if !ok {
		return c
	}
	from, to := lit.Type, c.To
	switch {
	case (core.IsInteger(from) || from.ID() == arrow.NULL) && IsTemporal(to):
		if to.ID() == arrow.DATE32 && !intFits(v, arrow.PrimitiveTypes.Int32) {
			return c
		}
		return &Literal{Value: v, Type: to}
	case from.ID() == arrow.DATE32 && to.ID() == arrow.TIMESTAMP:
		return &Literal{Value: v * 86400 * core.UnitsPerSecond(to.(*arrow.TimestampType).Unit), Type: to}
	case arrow.TypeEqual(from, to):
		return lit
	}
	return c
}
