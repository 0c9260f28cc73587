package sqlexec

import (
	"errors"
	"math"
	"strconv"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
)

// comparable makes the two sides of a comparison (=, <, BETWEEN, IN, CASE
// x WHEN …) meet as MySQL makes them meet when one is a string and the
// other is not (the DataFrame API, like Polars, raises instead):
//
//   - beside a DATE or DATETIME, a string constant is read as a date or
//     datetime (l_shipdate <= '1998-09-02'); a date column beside a
//     datetime constant is compared as a datetime; a text that is no date
//     is an error naming it. A string expression is cast (an unreadable
//     value becomes null).
//   - beside a number, a string constant is read as MySQL reads a number
//     from text (id = '3'; ' 3abc' is 3): as an integer beside an integer
//     when it is one, else as a DOUBLE. A string expression is compared as
//     a DOUBLE.
//
// Everything else is returned as it is, for the planner's coercion rules.
func (t *translator) comparable(l, r lazy.Expr) (lazy.Expr, lazy.Expr, error) {
	lt, rt := t.typeOf(l), t.typeOf(r)
	if lt == nil || rt == nil {
		return l, r, nil
	}
	ls, rs := core.IsString(lt), core.IsString(rt)
	if ls == rs {
		return l, r, nil
	}
	if ls { // the string on the right
		r2, l2, err := t.comparable(r, l)
		return l2, r2, err
	}
	// l is not a string; r is.
	switch {
	case lt.ID() == arrow.DATE32 || lt.ID() == arrow.TIMESTAMP:
		return t.temporalBesideString(l, lt, r)
	case core.IsNumeric(lt):
		if s, ok := strLit(r); ok {
			return l, numberFromText(s, core.IsInteger(lt)), nil
		}
		return l, &lazy.Cast{X: numberPrefix(r, "float"), To: arrow.PrimitiveTypes.Float64, Strict: false}, nil
	}
	return l, r, nil
}

func (t *translator) temporalBesideString(l lazy.Expr, lt arrow.DataType, r lazy.Expr) (lazy.Expr, lazy.Expr, error) {
	us := &arrow.TimestampType{Unit: arrow.Microsecond}
	s, ok := strLit(r)
	if !ok {
		if lt.ID() == arrow.DATE32 {
			return l, call("str.to_date", map[string]any{"format": "%Y-%m-%d", "strict": false}, r), nil
		}
		return l, &lazy.Cast{X: r, To: lt, Strict: false}, nil
	}
	if lt.ID() == arrow.DATE32 {
		if days, err := parseDate(s); err == nil {
			return l, dateLit(days), nil
		}
	}
	v, err := parseTimestamp(s)
	if err != nil {
		what := "DATETIME"
		if lt.ID() == arrow.DATE32 {
			what = "DATE"
		}
		return nil, nil, core.Errorf(core.KindInvalidInput,
			"cannot read '%s' as a %s to compare with a %s value: write %s 'YYYY-MM-DD'%s", s, what, what, what,
			map[bool]string{true: "", false: " or 'YYYY-MM-DD hh:mm:ss'"}[lt.ID() == arrow.DATE32]).With("value", s)
	}
	if lt.ID() == arrow.DATE32 { // a date beside a datetime constant: compared as datetimes
		return &lazy.Cast{X: l, To: us}, timestampLit(v), nil
	}
	if u := lt.(*arrow.TimestampType); u.Unit != arrow.Microsecond || u.TimeZone != "" {
		return l, &lazy.Cast{X: timestampLit(v), To: lt}, nil
	}
	return l, timestampLit(v), nil
}

// numberFromText is the constant MySQL compares a number with when the
// other side is the string s: its numeric prefix ("3", " 3abc" → 3,
// "abc" → 0), an integer when wantInt and it is one, else a DOUBLE.
func numberFromText(s string, wantInt bool) lazy.Expr {
	text := kernels.SQLNumberText(s, "float")
	if wantInt {
		if v, err := strconv.ParseInt(text, 10, 64); err == nil {
			return dyn(v)
		}
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		f = 0
	}
	if wantInt && f == math.Trunc(f) && math.Abs(f) < 1<<62 {
		return dyn(int64(f))
	}
	return floatLit(f)
}
