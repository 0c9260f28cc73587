package kernels

import (
	"github.com/alopexdb/alopex/core"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Dates and times row by row: parts of dates (year … microsecond), truncation
// and calendar offsets, date ± duration, differences, durations in a unit.
// Dates are Date32 (days since 1970-01-01) or Date64 (ms), datetimes
// Timestamps of any unit, durations Durations; a null row stays null.

// temporalView reads a date or datetime array as ticks, with the ticks per
// day and per second of its unit.
type temporalView struct {
	vals    []int64
	perDay  int64 // 1 for Date32
	isDate  bool  // Date32: the values are days
	unitsPS int64
}

func viewOf(a arrow.Array) temporalView {
	v := temporalView{vals: ticksOf(a), perDay: 1, isDate: true, unitsPS: 1}
	switch t := a.DataType().(type) {
	case *arrow.TimestampType:
		v.unitsPS = core.UnitsPerSecond(t.Unit)
		v.perDay = 86400 * v.unitsPS
		v.isDate = false
	case *arrow.Date64Type:
		v.unitsPS = 1000
		v.perDay = 86_400_000
		v.isDate = false
	}
	return v
}

// split returns the day of row i and the ticks into that day.
func (v temporalView) split(i int) (days, tod int64) {
	x := v.vals[i]
	if v.isDate {
		return x, 0
	}
	days = floorDiv(x, v.perDay)
	return days, x - days*v.perDay
}

// ticksOf returns the values of a Date32 (widened), Date64, Timestamp or
// Duration array as int64s.
func ticksOf(a arrow.Array) []int64 {
	if a.DataType().ID() == arrow.DATE32 {
		days := values[int32](a)
		out := make([]int64, len(days))
		for i, d := range days {
			out[i] = int64(d)
		}
		return out
	}
	return values[int64](a)
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// intsArray builds an array of type t (an integer, date, datetime or
// duration type of 8 to 64 bits) from vals, with the given validity
// (taken over; nil: no nulls).
func intsArray(mem memory.Allocator, t arrow.DataType, vals []int64, validity *memory.Buffer) arrow.Array {
	n := len(vals)
	var buf *memory.Buffer
	switch t.(arrow.FixedWidthDataType).BitWidth() {
	case 8:
		var out []int8
		buf, out = allocValues[int8](mem, n)
		for i, v := range vals {
			out[i] = int8(v)
		}
	case 16:
		var out []int16
		buf, out = allocValues[int16](mem, n)
		for i, v := range vals {
			out[i] = int16(v)
		}
	case 32:
		var out []int32
		buf, out = allocValues[int32](mem, n)
		for i, v := range vals {
			out[i] = int32(v)
		}
	default:
		var out []int64
		buf, out = allocValues[int64](mem, n)
		copy(out, vals)
	}
	return makeArray(t, n, validity, buf)
}

// mapTemporal computes an integer-valued result of type out per valid row
// of a date or datetime.
func mapTemporal(mem memory.Allocator, out arrow.DataType, a arrow.Array, f func(v temporalView, i int) int64) arrow.Array {
	v := viewOf(a)
	res := make([]int64, a.Len())
	for i := range res {
		if a.IsValid(i) {
			res[i] = f(v, i)
		}
	}
	return intsArray(mem, out, res, validityOf(mem, a))
}

// datePartFns are the parts of a date or datetime that TemporalPart reads.
var datePartFns = map[string]func(v temporalView, i int) int64{
	"year": func(v temporalView, i int) int64 { d, _ := v.split(i); y, _, _ := core.CivilFromDays(d); return y },
	"month": func(v temporalView, i int) int64 {
		d, _ := v.split(i)
		_, m, _ := core.CivilFromDays(d)
		return int64(m)
	},
	"day": func(v temporalView, i int) int64 {
		d, _ := v.split(i)
		_, _, dd := core.CivilFromDays(d)
		return int64(dd)
	},
	"weekday": func(v temporalView, i int) int64 { // Monday 1 … Sunday 7 (1970-01-01 was a Thursday)
		d, _ := v.split(i)
		return (d%7+7+3)%7 + 1
	},
	"quarter": func(v temporalView, i int) int64 {
		d, _ := v.split(i)
		_, m, _ := core.CivilFromDays(d)
		return int64((m-1)/3 + 1)
	},
	"ordinal_day": func(v temporalView, i int) int64 {
		d, _ := v.split(i)
		y, _, _ := core.CivilFromDays(d)
		return d - core.DaysFromCivil(y, 1, 1) + 1
	},
	"week": func(v temporalView, i int) int64 { // ISO 8601 week number
		d, _ := v.split(i)
		wd := (d%7+7+3)%7 + 1
		thursday := d - wd + 4
		y, _, _ := core.CivilFromDays(thursday)
		return (thursday-core.DaysFromCivil(y, 1, 1))/7 + 1
	},
	"hour":        func(v temporalView, i int) int64 { _, t := v.split(i); return t / (3600 * v.unitsPS) },
	"minute":      func(v temporalView, i int) int64 { _, t := v.split(i); return t / (60 * v.unitsPS) % 60 },
	"second":      func(v temporalView, i int) int64 { _, t := v.split(i); return t / v.unitsPS % 60 },
	"millisecond": func(v temporalView, i int) int64 { _, t := v.split(i); return t % v.unitsPS * 1000 / v.unitsPS },
	"microsecond": func(v temporalView, i int) int64 { _, t := v.split(i); return t % v.unitsPS * 1_000_000 / v.unitsPS },
	// date: the day itself (a Date32 result)
	"date": func(v temporalView, i int) int64 { d, _ := v.split(i); return d },
}

// IsDatePart reports whether TemporalPart reads part.
func IsDatePart(part string) bool { _, ok := datePartFns[part]; return ok }

// TemporalPart reads one part of each date or datetime of a ("year", …,
// "microsecond", or "date" for the day as a Date32) as type out.
func TemporalPart(mem memory.Allocator, a arrow.Array, part string, out arrow.DataType) (arrow.Array, error) {
	f, ok := datePartFns[part]
	if !ok {
		return nil, errorf("unknown date part %q", part)
	}
	return mapTemporal(mem, out, a, f), nil
}

// TemporalTruncate rounds each date or datetime of a down to a multiple of
// an interval of months, days and microseconds (weeks start on Monday,
// months on the 1st), as Polars' dt.truncate.
func TemporalTruncate(mem memory.Allocator, a arrow.Array, months, days, micros int64) arrow.Array {
	return mapTemporal(mem, a.DataType(), a, func(v temporalView, i int) int64 {
		d, tod := v.split(i)
		var outDays int64
		switch {
		case months > 0:
			y, m, _ := core.CivilFromDays(d)
			total := y*12 + int64(m-1)
			total -= ((total % months) + months) % months
			outDays = core.DaysFromCivil(floorDiv(total, 12), int(total-floorDiv(total, 12)*12)+1, 1)
		case days > 0 && micros == 0:
			if days%7 == 0 { // weeks start on Monday (1970-01-05 was one)
				outDays = d - ((d-4)%days+days)%days
			} else {
				outDays = d - (d%days+days)%days
			}
		default:
			step := micros * v.unitsPS / 1_000_000
			step += days * v.perDay
			if step <= 0 || v.isDate {
				return v.vals[i]
			}
			abs := d*v.perDay + tod
			return abs - ((abs%step)+step)%step
		}
		if v.isDate {
			return outDays
		}
		return outDays * v.perDay
	})
}

// TemporalOffset moves each date or datetime of a by months (clamped to the
// month's end, as Polars), days and microseconds.
func TemporalOffset(mem memory.Allocator, a arrow.Array, months, days, micros int64) arrow.Array {
	return mapTemporal(mem, a.DataType(), a, func(v temporalView, i int) int64 {
		d, tod := v.split(i)
		if months != 0 {
			y, m, dd := core.CivilFromDays(d)
			total := y*12 + int64(m-1) + months
			ny := floorDiv(total, 12)
			nm := int(total-ny*12) + 1
			dd = min(dd, int(monthLength(ny, int64(nm))))
			d = core.DaysFromCivil(ny, nm, dd)
		}
		d += days
		if v.isDate {
			return d
		}
		return d*v.perDay + tod + micros*v.unitsPS/1_000_000
	})
}

// AddDuration adds sign × the durations of b to the dates or datetimes of a
// (n rows each, arrays or scalars); a date moves by whole days (floored).
func AddDuration(mem memory.Allocator, out arrow.DataType, a, b Value, n int, sign int64) (arrow.Array, error) {
	x, y, err := materializePair(mem, a, b, n)
	if err != nil {
		return nil, err
	}
	defer x.Release()
	defer y.Release()
	view := viewOf(x)
	dups := core.UnitsPerSecond(y.DataType().(*arrow.DurationType).Unit)
	dur := ticksOf(y)
	res := make([]int64, n)
	for i := range n {
		if !x.IsValid(i) || !y.IsValid(i) {
			continue
		}
		delta := sign * dur[i]
		if view.isDate {
			res[i] = view.vals[i] + floorDiv(delta, 86400*dups)
			continue
		}
		res[i] = view.vals[i] + scaleTicks(delta, dups, view.unitsPS)
	}
	return intsArray(mem, out, res, andValidity(mem, ArrayValue(x), ArrayValue(y), n)), nil
}

func scaleTicks(v, from, to int64) int64 {
	if to >= from {
		return v * (to / from)
	}
	return floorDiv(v, from/to)
}

// TemporalDiff subtracts the dates or datetimes of b from those of a (the
// same type): a Duration of type out (dates differ in whole days).
func TemporalDiff(mem memory.Allocator, out *arrow.DurationType, a, b Value, n int) (arrow.Array, error) {
	perDay := 86400 * core.UnitsPerSecond(out.Unit)
	return combineTicks(mem, out, a, b, n, func(x, y int64, days bool) int64 {
		if days {
			return (x - y) * perDay
		}
		return x - y
	})
}

// DurationArith adds (sign 1) or subtracts (-1) durations of one type.
func DurationArith(mem memory.Allocator, out arrow.DataType, a, b Value, n int, sign int64) (arrow.Array, error) {
	return combineTicks(mem, out, a, b, n, func(x, y int64, _ bool) int64 { return x + sign*y })
}

// combineTicks applies f to the raw values of two temporal operands of the
// same type (days tells f they are Date32 days).
func combineTicks(mem memory.Allocator, out arrow.DataType, a, b Value, n int, f func(x, y int64, days bool) int64) (arrow.Array, error) {
	x, y, err := materializePair(mem, a, b, n)
	if err != nil {
		return nil, err
	}
	defer x.Release()
	defer y.Release()
	if !arrow.TypeEqual(x.DataType(), y.DataType()) {
		return nil, core.Errorf(core.KindInternal, "temporal operands %s and %s differ", x.DataType(), y.DataType())
	}
	days := x.DataType().ID() == arrow.DATE32
	vx, vy := ticksOf(x), ticksOf(y)
	res := make([]int64, n)
	for i := range n {
		if x.IsValid(i) && y.IsValid(i) {
			res[i] = f(vx[i], vy[i], days)
		}
	}
	return intsArray(mem, out, res, andValidity(mem, ArrayValue(x), ArrayValue(y), n)), nil
}

// DurationTotal converts each duration of a to a whole number of unit
// ("days", "hours", …, "nanoseconds"), truncated toward zero, as Int64.
func DurationTotal(mem memory.Allocator, a arrow.Array, unit string) (arrow.Array, error) {
	per, ok := map[string]float64{"days": 86400, "hours": 3600, "minutes": 60, "seconds": 1,
		"milliseconds": 1e-3, "microseconds": 1e-6, "nanoseconds": 1e-9}[unit]
	if !ok {
		return nil, core.Errorf(core.KindInvalidInput, "unknown duration unit %q", unit)
	}
	ups := core.UnitsPerSecond(a.DataType().(*arrow.DurationType).Unit)
	div := int64(per * float64(ups))
	vals := ticksOf(a)
	out := make([]int64, len(vals))
	for i, v := range vals {
		if div >= 1 {
			out[i] = v / div
		} else {
			out[i] = v * int64(1/(per*float64(ups)))
		}
	}
	return intsArray(mem, arrow.PrimitiveTypes.Int64, out, validityOf(mem, a)), nil
}

// materializePair returns a and b as arrays of n rows; release both.
func materializePair(mem memory.Allocator, a, b Value, n int) (x, y arrow.Array, err error) {
	if x, err = a.Materialize(mem, n); err != nil {
		return nil, nil, err
	}
	if y, err = b.Materialize(mem, n); err != nil {
		x.Release()
		return nil, nil, err
	}
	return x, y, nil
}
