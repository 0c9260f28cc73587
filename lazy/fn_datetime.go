package lazy

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/alopexdb/alopex/core"
	"github.com/apache/arrow-go/v18/arrow"
)

// Dates and times: the dt namespace, temporal arithmetic and literals.
// Dates are Arrow Date32 (days since 1970-01-01), datetimes Timestamp with a
// unit and no time zone, durations Duration. Evaluation is in
// lazy/exec/fn_datetime.go.

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

// ParseInterval reads a Polars duration string ("1d", "3mo", "1y", "2h30m",
// "1w") into months, days and microseconds.
func ParseInterval(s string) (months, days int64, micros int64, err error) {
	rest := strings.TrimSpace(s)
	if rest == "" {
		return 0, 0, 0, core.Errorf(core.KindInvalidInput, "empty interval")
	}
	for rest != "" {
		i := 0
		for i < len(rest) && (unicode.IsDigit(rune(rest[i])) || (i == 0 && rest[i] == '-')) {
			i++
		}
		if i == 0 || (i == 1 && rest[0] == '-') {
			return 0, 0, 0, core.Errorf(core.KindInvalidInput, "interval %q: expected a number before %q", s, rest)
		}
		n, _ := strconv.ParseInt(rest[:i], 10, 64)
		rest = rest[i:]
		j := 0
		for j < len(rest) && unicode.IsLetter(rune(rest[j])) {
			j++
		}
		unit := rest[:j]
		rest = rest[j:]
		switch unit {
		case "y":
			months += 12 * n
		case "q":
			months += 3 * n
		case "mo":
			months += n
		case "w":
			days += 7 * n
		case "d":
			days += n
		case "h":
			micros += n * 3_600_000_000
		case "m":
			micros += n * 60_000_000
		case "s":
			micros += n * 1_000_000
		case "ms":
			micros += n * 1_000
		case "us":
			micros += n
		case "ns":
			micros += n / 1000
		default:
			return 0, 0, 0, core.Errorf(core.KindInvalidInput,
				"interval %q: unknown unit %q (use y, q, mo, w, d, h, m, s, ms, us, ns)", s, unit)
		}
	}
	return months, days, micros, nil
}

func init() {
	part := func(name string, out arrow.DataType, needsTime bool) *Function {
		return &Function{Name: "dt." + name, Resolve: func(args []Expr, _ map[string]any) (arrow.DataType, []Expr, error) {
			if err := ArgCount("dt."+name, args, 1, 1); err != nil {
				return nil, nil, err
			}
			t := args[0].DataType()
			if !isDateLike(t) || (needsTime && t.ID() != arrow.TIMESTAMP) {
				want := "a Date or Datetime"
				if needsTime {
					want = "a Datetime"
				}
				return nil, nil, core.Errorf(core.KindCompute, "dt.%s needs %s, got %s", name, want, dtypeName(t))
			}
			return out, args, nil
		}}
	}
	i8, i16, i32 := arrow.PrimitiveTypes.Int8, arrow.PrimitiveTypes.Int16, arrow.PrimitiveTypes.Int32
	for _, f := range []*Function{
		part("year", i32, false), part("month", i8, false), part("day", i8, false),
		part("weekday", i8, false), part("quarter", i8, false), part("ordinal_day", i16, false),
		part("week", i8, false), part("hour", i8, true), part("minute", i8, true),
		part("second", i8, true), part("millisecond", i32, true), part("microsecond", i32, true),
	} {
		RegisterFunction(f)
	}
	RegisterFunction(&Function{Name: "dt.date", Resolve: func(args []Expr, _ map[string]any) (arrow.DataType, []Expr, error) {
		if err := ArgCount("dt.date", args, 1, 1); err != nil {
			return nil, nil, err
		}
		if !isDateLike(args[0].DataType()) {
			return nil, nil, core.Errorf(core.KindCompute, "dt.date needs a Date or Datetime, got %s", dtypeName(args[0].DataType()))
		}
		return arrow.FixedWidthTypes.Date32, args, nil
	}})
	interval := func(name, key string) *Function {
		return &Function{Name: name, Resolve: func(args []Expr, opts map[string]any) (arrow.DataType, []Expr, error) {
			if err := ArgCount(name, args, 1, 1); err != nil {
				return nil, nil, err
			}
			t := args[0].DataType()
			if !isDateLike(t) {
				return nil, nil, core.Errorf(core.KindCompute, "%s needs a Date or Datetime, got %s", name, dtypeName(t))
			}
			if _, _, _, err := ParseInterval(OptString(opts, key, "")); err != nil {
				return nil, nil, err
			}
			return t, args, nil
		}}
	}
	RegisterFunction(interval("dt.truncate", "every"))
	RegisterFunction(interval("dt.offset_by", "by"))
	for _, name := range []string{"temporal_add", "temporal_sub", "temporal_diff", "duration_add", "duration_sub"} {
		RegisterFunction(&Function{Name: name, Resolve: func(args []Expr, _ map[string]any) (arrow.DataType, []Expr, error) {
			return nil, nil, core.Errorf(core.KindInternal, "%s is planned by the +/- operators only", name)
		}})
	}
	RegisterFunction(&Function{Name: "dt.total", Resolve: func(args []Expr, opts map[string]any) (arrow.DataType, []Expr, error) {
		if err := ArgCount("dt.total", args, 1, 1); err != nil {
			return nil, nil, err
		}
		if args[0].DataType().ID() != arrow.DURATION {
			return nil, nil, core.Errorf(core.KindCompute, "dt.total_* needs a Duration, got %s", dtypeName(args[0].DataType()))
		}
		switch u := OptString(opts, "unit", ""); u {
		case "days", "hours", "minutes", "seconds", "milliseconds", "microseconds", "nanoseconds":
		default:
			return nil, nil, core.Errorf(core.KindInvalidInput, "unknown duration unit %q", u)
		}
		return arrow.PrimitiveTypes.Int64, args, nil
	}})
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
