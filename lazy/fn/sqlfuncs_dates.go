package fn

import (
	"strconv"
	"strings"
	"time"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// MySQL's date functions without a Polars kernel: DATE_FORMAT, DAYNAME,
// MONTHNAME, WEEK / YEARWEEK (MySQL's week modes) and TIMESTAMPDIFF. Their
// datetime argument is microseconds since the epoch (a DATE converts to its
// midnight), read as UTC. sqlexec builds them (reading a string argument
// as MySQL reads a date), so they have no SQL names here.

var (
	dayNames   = [...]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
	monthNamez = [...]string{"January", "February", "March", "April", "May", "June", "July", "August",
		"September", "October", "November", "December"}
)

// civil is a datetime's fields.
type civil struct {
	year, month, day, hour, minute, second, micro, weekday, yday int   // weekday 0 = Sunday
	days                                                         int64 // since 1970-01-01
}

func civilOf(us int64) civil {
	t := time.UnixMicro(us).UTC()
	y, m, d := t.Date()
	h, mi, s := t.Clock()
	days := us / 86400e6
	if us%86400e6 < 0 {
		days--
	}
	return civil{year: y, month: int(m), day: d, hour: h, minute: mi, second: s, micro: t.Nanosecond() / 1000,
		weekday: int(t.Weekday()), yday: t.YearDay(), days: days}
}

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

func daysInYear(y int) int64 {
	if isLeap(y) {
		return 366
	}
	return 365
}

// Week modes, as MySQL's calc_week reads them.
const (
	weekMondayFirst = 1
	weekYear        = 2
	weekFirstDay    = 4
)

// weekBehaviour is MySQL's week_mode(): mode's bits, with the "first
// weekday" bit flipped for Sunday-first modes.
func weekBehaviour(mode int64) int {
	m := int(mode & 7)
	if m&weekMondayFirst == 0 {
		m ^= weekFirstDay
	}
	return m
}

// calcWeek is MySQL's calc_week: the week number of the date and the year
// it belongs to.
func calcWeek(c civil, behaviour int) (week, year int) {
	mondayFirst := behaviour&weekMondayFirst != 0
	wy := behaviour&weekYear != 0
	firstWeekday := behaviour&weekFirstDay != 0
	firstDay := c.days - int64(c.yday-1)
	weekdayOf := func(days int64) int { // 0 = Monday, or 0 = Sunday when !mondayFirst
		off := int64(3)
		if !mondayFirst {
			off = 4
		}
		return int(((days+off)%7 + 7) % 7)
	}
	weekday := weekdayOf(firstDay)
	year = c.year
	if c.month == 1 && c.day <= 7-weekday {
		if !wy && ((firstWeekday && weekday != 0) || (!firstWeekday && weekday >= 4)) {
			return 0, year
		}
		wy = true
		year--
		n := daysInYear(year)
		firstDay -= n
		weekday = int((int64(weekday) + 53*7 - n) % 7)
	}
	var days int64
	if (firstWeekday && weekday != 0) || (!firstWeekday && weekday >= 4) {
		days = c.days - (firstDay + int64(7-weekday))
	} else {
		days = c.days - (firstDay - int64(weekday))
	}
	if wy && days >= 52*7 {
		weekday = int((int64(weekday) + daysInYear(year)) % 7)
		if (!firstWeekday && weekday < 4) || (firstWeekday && weekday == 0) {
			return 1, year + 1
		}
	}
	return int(days/7) + 1, year
}

func pad2(dst []byte, v int) []byte {
	if v < 10 {
		dst = append(dst, '0')
	}
	return strconv.AppendInt(dst, int64(v), 10)
}

// dateFormat appends the datetime c formatted by MySQL's format f.
func dateFormat(dst []byte, c civil, f string) []byte {
	for i := 0; i < len(f); i++ {
		if f[i] != '%' || i+1 == len(f) {
			dst = append(dst, f[i])
			continue
		}
		i++
		switch d := f[i]; d {
		case 'a':
			dst = append(dst, dayNames[c.weekday][:3]...)
		case 'b':
			dst = append(dst, monthNamez[c.month-1][:3]...)
		case 'c':
			dst = strconv.AppendInt(dst, int64(c.month), 10)
		case 'D':
			dst = strconv.AppendInt(dst, int64(c.day), 10)
			switch {
			case c.day/10 == 1:
				dst = append(dst, "th"...)
			case c.day%10 == 1:
				dst = append(dst, "st"...)
			case c.day%10 == 2:
				dst = append(dst, "nd"...)
			case c.day%10 == 3:
				dst = append(dst, "rd"...)
			default:
				dst = append(dst, "th"...)
			}
		case 'd':
			dst = pad2(dst, c.day)
		case 'e':
			dst = strconv.AppendInt(dst, int64(c.day), 10)
		case 'f':
			s := strconv.Itoa(c.micro)
			dst = append(append(dst, "000000"[len(s):]...), s...)
		case 'H':
			dst = pad2(dst, c.hour)
		case 'h', 'I':
			dst = pad2(dst, (c.hour+11)%12+1)
		case 'i':
			dst = pad2(dst, c.minute)
		case 'j':
			if c.yday < 100 {
				dst = append(dst, '0')
			}
			dst = pad2(dst, c.yday)
		case 'k':
			dst = strconv.AppendInt(dst, int64(c.hour), 10)
		case 'l':
			dst = strconv.AppendInt(dst, int64((c.hour+11)%12+1), 10)
		case 'M':
			dst = append(dst, monthNamez[c.month-1]...)
		case 'm':
			dst = pad2(dst, c.month)
		case 'p':
			if c.hour < 12 {
				dst = append(dst, "AM"...)
			} else {
				dst = append(dst, "PM"...)
			}
		case 'r':
			dst = dateFormat(dst, c, "%h:%i:%s %p")
		case 'S', 's':
			dst = pad2(dst, c.second)
		case 'T':
			dst = dateFormat(dst, c, "%H:%i:%s")
		case 'U', 'u', 'V', 'v':
			mode := map[byte]int64{'U': 0, 'u': 1, 'V': 2, 'v': 3}[d]
			w, _ := calcWeek(c, weekBehaviour(mode))
			dst = pad2(dst, w)
		case 'W':
			dst = append(dst, dayNames[c.weekday]...)
		case 'w':
			dst = strconv.AppendInt(dst, int64(c.weekday), 10)
		case 'X', 'x':
			mode := int64(2)
			if d == 'x' {
				mode = 3
			}
			_, y := calcWeek(c, weekBehaviour(mode))
			dst = appendYear(dst, y)
		case 'Y':
			dst = appendYear(dst, c.year)
		case 'y':
			dst = pad2(dst, c.year%100)
		default: // %% and any other character: the character
			dst = append(dst, d)
		}
	}
	return dst
}

func appendYear(dst []byte, y int) []byte {
	s := strconv.Itoa(y)
	if len(s) < 4 {
		dst = append(dst, "0000"[len(s):]...)
	}
	return append(dst, s...)
}

// timestampDiff is TIMESTAMPDIFF(unit, a, b): b - a in whole units,
// toward zero; months, quarters and years count whole calendar months.
func timestampDiff(unit string, a, b int64) int64 {
	switch unit {
	case "microsecond":
		return b - a
	case "second":
		return (b - a) / 1e6
	case "minute":
		return (b - a) / 60e6
	case "hour":
		return (b - a) / 3600e6
	case "day":
		return (b - a) / 86400e6
	case "week":
		return (b - a) / (7 * 86400e6)
	}
	ca, cb := civilOf(a), civilOf(b)
	months := int64((cb.year-ca.year)*12 + cb.month - ca.month)
	// The rest of the month: day and time of day, as one number.
	restA := int64(ca.day)*86400e6 + a - ca.days*86400e6
	restB := int64(cb.day)*86400e6 + b - cb.days*86400e6
	if b >= a && restB < restA && months > 0 {
		months--
	} else if b < a && restB > restA && months < 0 {
		months++
	}
	switch unit {
	case "quarter":
		return months / 3
	case "year":
		return months / 12
	}
	return months
}

func timeRows(f func(c civil, dst []byte) []byte) rowEval {
	return strRows(1, func(i int, r *kernels.RowArgs, dst []byte) ([]byte, bool) {
		us, ok := r.Int(0, i)
		if !ok {
			return nil, false
		}
		return f(civilOf(us), dst), true
	})
}

var sqlDateFunctions = []*Scalar{
	sqlRowFn("date_format", nil, 2, 2, NullsFromArgs, "ts", str,
		strRows(2, func(i int, r *kernels.RowArgs, dst []byte) ([]byte, bool) {
			us, ok1 := r.Int(0, i)
			f, ok2 := r.Str(1, i)
			if !ok1 || !ok2 {
				return nil, false
			}
			return dateFormat(dst, civilOf(us), f), true
		})),
	sqlRowFn("dayname", nil, 1, 1, NullsFromArgs, "t", str,
		timeRows(func(c civil, dst []byte) []byte { return append(dst, dayNames[c.weekday]...) })),
	sqlRowFn("monthname", nil, 1, 1, NullsFromArgs, "t", str,
		timeRows(func(c civil, dst []byte) []byte { return append(dst, monthNamez[c.month-1]...) })),
	// WEEK(d[, mode]) (mode 0 by default: weeks start on Sunday, 0 to 53);
	// YEARWEEK(d[, mode]): year * 100 + week, the week's own year.
	sqlRowFn("week", nil, 1, 2, NullsFromArgs, "ti", i64, weekRows(false)),
	sqlRowFn("yearweek", nil, 1, 2, NullsFromArgs, "ti", i64, weekRows(true)),
	{Name: "sql.timestampdiff", MinArgs: 2, MaxArgs: 2, Nulls: NullsFromArgs,
		Type: func(b *Binding) error {
			switch u := b.Opts.String("unit", ""); u {
			case "microsecond", "second", "minute", "hour", "day", "week", "month", "quarter", "year":
			default:
				return core.Errorf(core.KindInvalidInput, "TIMESTAMPDIFF: unknown unit %s", strings.ToUpper(u))
			}
			for i, a := range b.Args {
				if t := a.DataType(); t.ID() != arrow.NULL && t.ID() != arrow.DATE32 && t.ID() != arrow.TIMESTAMP {
					return core.Errorf(core.KindInvalidInput, "TIMESTAMPDIFF: argument %d must be a date or datetime, got %s (%s)",
						i+2, core.DTypeName(t), a)
				}
				b.Cast(i, ts64)
			}
			b.Out = i64
			return nil
		},
		Eval: func(mem memory.Allocator, c *Invocation, args []kernels.Value, n int) (arrow.Array, error) {
			r, err := kernels.NewRowArgs(args)
			if err != nil {
				return nil, err
			}
			unit := c.Opts.String("unit", "")
			return kernels.MapRowsInt64(mem, n, func(i int) (int64, bool, error) {
				a, ok1 := r.Int(0, i)
				b, ok2 := r.Int(1, i)
				return timestampDiff(unit, a, b), ok1 && ok2, nil
			})
		}},
}

func weekRows(yearweek bool) rowEval {
	return func(mem memory.Allocator, _ *Invocation, r *kernels.RowArgs, n int) (arrow.Array, error) {
		hasMode := r.Len() == 2
		return kernels.MapRowsInt64(mem, n, func(i int) (int64, bool, error) {
			us, ok := r.Int(0, i)
			mode, okm := int64(0), true
			if hasMode {
				mode, okm = r.Int(1, i)
			}
			if !ok || !okm {
				return 0, false, nil
			}
			b := weekBehaviour(mode)
			if yearweek {
				w, y := calcWeek(civilOf(us), b|weekYear)
				return int64(y*100 + w), true, nil
			}
			w, _ := calcWeek(civilOf(us), b)
			return int64(w), true, nil
		})
	}
}
