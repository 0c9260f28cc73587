package exec

import (
	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

func daysInMonth(y int64, m int) int {
	switch m {
	case 2:
		if core.IsLeapYear(y) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// temporalTicks reads a date or datetime array as (days, tick of day,
// ticks per day) per row.
type temporalView struct {
	vals    []int64
	perDay  int64 // 1 for dates
	isDate  bool
	unitsPS int64
}

func viewOf(a arrow.Array) temporalView {
	v := temporalView{vals: intKeys(a, nil), perDay: 1, isDate: true, unitsPS: 1}
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

func (v temporalView) split(i int) (days, tod int64) {
	x := v.vals[i]
	if v.isDate {
		return x, 0
	}
	days = floorDivI64(x, v.perDay)
	return days, x - days*v.perDay
}

func floorDivI64(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

func init() {
	parts := map[string]func(v temporalView, i int) int64{
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
	}
	for name, f := range parts {
		registerEval("dt."+name, func(mem memory.Allocator, c *lazy.Call, args []kernels.Value, n int) (arrow.Array, error) {
			return mapTemporal(mem, c.Type, args[0], n, f)
		})
	}
	registerEval("dt.date", func(mem memory.Allocator, c *lazy.Call, args []kernels.Value, n int) (arrow.Array, error) {
		return mapTemporal(mem, c.Type, args[0], n, func(v temporalView, i int) int64 { d, _ := v.split(i); return d })
	})
	registerEval("dt.truncate", func(mem memory.Allocator, c *lazy.Call, args []kernels.Value, n int) (arrow.Array, error) {
		months, days, micros, err := lazy.ParseInterval(lazy.OptString(c.Opts, "every", ""))
		if err != nil {
			return nil, err
		}
		return mapTemporal(mem, c.Type, args[0], n, func(v temporalView, i int) int64 {
			d, tod := v.split(i)
			var outDays, outTod int64
			switch {
			case months > 0:
				y, m, _ := core.CivilFromDays(d)
				total := y*12 + int64(m-1)
				total -= ((total % months) + months) % months
				outDays = core.DaysFromCivil(floorDivI64(total, 12), int(total-floorDivI64(total, 12)*12)+1, 1)
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
			return outDays*v.perDay + outTod
		})
	})
	registerEval("dt.offset_by", func(mem memory.Allocator, c *lazy.Call, args []kernels.Value, n int) (arrow.Array, error) {
		months, days, micros, err := lazy.ParseInterval(lazy.OptString(c.Opts, "by", ""))
		if err != nil {
			return nil, err
		}
		return mapTemporal(mem, c.Type, args[0], n, func(v temporalView, i int) int64 {
			d, tod := v.split(i)
			return shiftDate(v, d, tod, months, days, micros)
		})
	})
	registerEval("temporal_add", func(mem memory.Allocator, c *lazy.Call, args []kernels.Value, n int) (arrow.Array, error) {
		return addDuration(mem, c.Type, args[0], args[1], n, 1)
	})
	registerEval("temporal_sub", func(mem memory.Allocator, c *lazy.Call, args []kernels.Value, n int) (arrow.Array, error) {
		return addDuration(mem, c.Type, args[0], args[1], n, -1)
	})
	registerEval("temporal_diff", func(mem memory.Allocator, c *lazy.Call, args []kernels.Value, n int) (arrow.Array, error) {
		return combineTicks(mem, c.Type, args[0], args[1], n, func(a, b int64, aDate bool, perDay int64) int64 {
			if aDate { // dates differ in days; the result is in the duration's unit
				return (a - b) * 86400 * core.UnitsPerSecond(c.Type.(*arrow.DurationType).Unit)
			}
			return a - b
		})
	})
	registerEval("duration_add", func(mem memory.Allocator, c *lazy.Call, args []kernels.Value, n int) (arrow.Array, error) {
		return combineTicks(mem, c.Type, args[0], args[1], n, func(a, b int64, _ bool, _ int64) int64 { return a + b })
	})
	registerEval("duration_sub", func(mem memory.Allocator, c *lazy.Call, args []kernels.Value, n int) (arrow.Array, error) {
		return combineTicks(mem, c.Type, args[0], args[1], n, func(a, b int64, _ bool, _ int64) int64 { return a - b })
	})
	registerEval("dt.total", func(mem memory.Allocator, c *lazy.Call, args []kernels.Value, n int) (arrow.Array, error) {
		x, err := materialize(mem, args[0], n)
		if err != nil {
			return nil, err
		}
		defer x.Release()
		ups := core.UnitsPerSecond(x.DataType().(*arrow.DurationType).Unit)
		per := map[string]float64{"days": 86400, "hours": 3600, "minutes": 60, "seconds": 1,
			"milliseconds": 1e-3, "microseconds": 1e-6, "nanoseconds": 1e-9}[lazy.OptString(c.Opts, "unit", "")]
		div := int64(per * float64(ups))
		vals := intKeys(x, nil)
		out := make([]int64, n)
		for i, v := range vals {
			if div >= 1 {
				out[i] = v / div
			} else {
				out[i] = v * int64(1/(per*float64(ups)))
			}
		}
		return numArray(mem, c.Type, out, validFlags(x))
	})
}

func shiftDate(v temporalView, d, tod, months, days, micros int64) int64 {
	if months != 0 {
		y, m, dd := core.CivilFromDays(d)
		total := y*12 + int64(m-1) + months
		ny := floorDivI64(total, 12)
		nm := int(total-ny*12) + 1
		dd = min(dd, daysInMonth(ny, nm)) // clamp to the month's end, as Polars does
		d = core.DaysFromCivil(ny, nm, dd)
	}
	d += days
	if v.isDate {
		return d
	}
	return d*v.perDay + tod + micros*v.unitsPS/1_000_000
}

func validFlags(a arrow.Array) []bool {
	out := make([]bool, a.Len())
	for i := range out {
		out[i] = a.IsValid(i)
	}
	return out
}

// mapTemporal computes an integer-valued result per row of a date/datetime.
func mapTemporal(mem memory.Allocator, out arrow.DataType, v kernels.Value, n int, f func(temporalView, int) int64) (arrow.Array, error) {
	x, err := materialize(mem, v, n)
	if err != nil {
		return nil, err
	}
	defer x.Release()
	view := viewOf(x)
	res := make([]int64, n)
	for i := range n {
		if x.IsValid(i) {
			res[i] = f(view, i)
		}
	}
	return numArray(mem, out, res, validFlags(x))
}

// addDuration adds sign × a duration to dates or datetimes.
func addDuration(mem memory.Allocator, out arrow.DataType, a, b kernels.Value, n int, sign int64) (arrow.Array, error) {
	x, err := materialize(mem, a, n)
	if err != nil {
		return nil, err
	}
	defer x.Release()
	y, err := materialize(mem, b, n)
	if err != nil {
		return nil, err
	}
	defer y.Release()
	view := viewOf(x)
	dups := core.UnitsPerSecond(y.DataType().(*arrow.DurationType).Unit)
	dur := intKeys(y, nil)
	res := make([]int64, n)
	valid := make([]bool, n)
	for i := range n {
		if !x.IsValid(i) || !y.IsValid(i) {
			continue
		}
		valid[i] = true
		delta := sign * dur[i]
		if view.isDate {
			perDay := 86400 * dups
			res[i] = view.vals[i] + floorDivI64(delta, perDay)
			continue
		}
		res[i] = view.vals[i] + scaleTicks(delta, dups, view.unitsPS)
	}
	return numArray(mem, out, res, valid)
}

func scaleTicks(v, from, to int64) int64 {
	if to >= from {
		return v * (to / from)
	}
	return floorDivI64(v, from/to)
}

// combineTicks applies f to the raw values of two temporal operands.
func combineTicks(mem memory.Allocator, out arrow.DataType, a, b kernels.Value, n int, f func(x, y int64, isDate bool, perDay int64) int64) (arrow.Array, error) {
	x, err := materialize(mem, a, n)
	if err != nil {
		return nil, err
	}
	defer x.Release()
	y, err := materialize(mem, b, n)
	if err != nil {
		return nil, err
	}
	defer y.Release()
	if !arrow.TypeEqual(x.DataType(), y.DataType()) {
		return nil, core.Errorf(core.KindInternal, "temporal operands %s and %s differ", x.DataType(), y.DataType())
	}
	vx, vy := viewOf(x), viewOf(y)
	res := make([]int64, n)
	valid := make([]bool, n)
	for i := range n {
		if x.IsValid(i) && y.IsValid(i) {
			res[i], valid[i] = f(vx.vals[i], vy.vals[i], vx.isDate && x.DataType().ID() == arrow.DATE32, vx.perDay), true
		}
	}
	return numArray(mem, out, res, valid)
}
