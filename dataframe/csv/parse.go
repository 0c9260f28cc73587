package csv

// Field values parsed into numbers, dates and datetimes.

import (
	"bytes"
	"errors"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/alopexdb/alopex/core"
)

// parseCSVFloat reads a float as strconv does, plus a signed NaN (as
// Polars writes it), without Go's digit separators.
func parseCSVFloat(v []byte, bits int) (float64, bool) {
	if x, ok := fastFloat(v); ok {
		return x, true
	}
	if bytes.IndexByte(v, '_') >= 0 {
		return 0, false
	}
	x, err := strconv.ParseFloat(unsafeString(v), bits)
	if err == nil || isRangeErr(err) {
		return x, true
	}
	if len(v) == 4 && (v[0] == '-' || v[0] == '+') && strings.EqualFold(unsafeString(v[1:]), "nan") {
		return math.NaN(), true
	}
	return 0, false
}

var exactPow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// fastFloat reads plain decimals ([+-]digits[.digits]) whose digits fit in
// 2^53 with at most 22 decimals: both the digits and the power of ten are
// exact floats, so one division rounds correctly (Clinger's fast path).
// Anything else is left to strconv.
func fastFloat(v []byte) (float64, bool) {
	i, neg := 0, false
	if len(v) > 0 && (v[0] == '-' || v[0] == '+') {
		neg = v[0] == '-'
		i++
	}
	var m uint64
	digits, frac, dot := 0, 0, false
	for ; i < len(v); i++ {
		c := v[i]
		if c == '.' && !dot {
			dot = true
			continue
		}
		if !isDigit(c) {
			return 0, false
		}
		m = m*10 + uint64(c-'0')
		digits++
		if dot {
			frac++
		}
		if digits > 18 {
			return 0, false
		}
	}
	if digits == 0 || m > 1<<53 || frac > 22 {
		return 0, false
	}
	x := float64(m) / exactPow10[frac]
	if neg {
		x = -x
	}
	return x, true
}

func isRangeErr(err error) bool {
	var ne *strconv.NumError
	return errors.As(err, &ne) && ne.Err == strconv.ErrRange
}

// parseCSVUint reads +?\d+ into a uint64.
func parseCSVUint(v []byte) (uint64, bool) {
	if len(v) > 0 && v[0] == '+' {
		v = v[1:]
	}
	if len(v) == 0 {
		return 0, false
	}
	var x uint64
	for _, c := range v {
		d := uint64(c - '0')
		if !isDigit(c) || x > (math.MaxUint64-d)/10 {
			return 0, false
		}
		x = x*10 + d
	}
	return x, true
}

// parseCSVInt reads [+-]?\d+ into an int64.
func parseCSVInt(v []byte) (int64, bool) {
	neg := false
	if len(v) > 0 && (v[0] == '-' || v[0] == '+') {
		neg = v[0] == '-'
		v = v[1:]
	}
	if len(v) == 0 {
		return 0, false
	}
	var x uint64
	for _, c := range v {
		if !isDigit(c) {
			return 0, false
		}
		if x > (1<<63)/10 {
			return 0, false
		}
		x = x*10 + uint64(c-'0')
	}
	if neg {
		if x > 1<<63 {
			return 0, false
		}
		return -int64(x), true // -(1<<63) wraps to MinInt64
	}
	if x > math.MaxInt64 {
		return 0, false
	}
	return int64(x), true
}

// parseCSVDate reads a date as Polars infers them: year-month-day with
// '-', '/' or '.' between (one- or two-digit month and day), or
// day-month-year with a four-digit year. It returns days since 1970-01-01.
func parseCSVDate(v []byte) (int32, bool) {
	y, m, d, n, ok := parseDatePart(v)
	if !ok || n != len(v) {
		return 0, false
	}
	return int32(core.DaysFromCivil(int64(y), m, d)), true
}

func parseDatePart(v []byte) (y, m, d, n int, ok bool) {
	num := func(i int) (int, int) {
		j, x := i, 0
		for j < len(v) && isDigit(v[j]) && j-i < 4 {
			x = x*10 + int(v[j]-'0')
			j++
		}
		return x, j - i
	}
	a, na := num(0)
	if na == 0 || na == 3 || na >= len(v) {
		return
	}
	sep := v[na]
	if sep != '-' && sep != '/' && sep != '.' {
		return
	}
	b, nb := num(na + 1)
	i := na + 1 + nb
	if nb == 0 || nb > 2 || i >= len(v) || v[i] != sep {
		return
	}
	c, nc := num(i + 1)
	n = i + 1 + nc
	switch {
	case na == 4 && nc >= 1 && nc <= 2:
		y, m, d = a, b, c
	case na <= 2 && nc == 4:
		y, m, d = c, b, a
	default:
		return
	}
	if m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return
	}
	return y, m, d, n, true
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// parseCSVDatetime reads a date, 'T' or ' ', HH:MM[:SS[.fraction]] and an
// optional offset (Z, ±HH, ±HH:MM, ±HHMM), giving the instant in unit since
// the epoch (offsets are applied; a naive value is wall time in loc, or UTC
// when loc is nil) and whether an offset was given. Fractions finer than
// the unit are truncated.
func parseCSVDatetime(v []byte, unit arrow.TimeUnit, loc *time.Location) (int64, bool, bool) {
	y, mo, d, i, ok := parseDatePart(v)
	if !ok || i >= len(v) || (v[i] != 'T' && v[i] != ' ') {
		return 0, false, false
	}
	i++
	two := func() (int, bool) {
		if i+2 > len(v) || !isDigit(v[i]) || !isDigit(v[i+1]) {
			return 0, false
		}
		x := int(v[i]-'0')*10 + int(v[i+1]-'0')
		i += 2
		return x, true
	}
	h, ok1 := two()
	if !ok1 || i >= len(v) || v[i] != ':' {
		return 0, false, false
	}
	i++
	mi, ok2 := two()
	if !ok2 || h > 23 || mi > 59 {
		return 0, false, false
	}
	sec, nanos := 0, int64(0)
	if i < len(v) && v[i] == ':' {
		i++
		var ok3 bool
		if sec, ok3 = two(); !ok3 || sec > 59 {
			return 0, false, false
		}
		if i < len(v) && v[i] == '.' {
			i++
			digits := 0
			for i < len(v) && isDigit(v[i]) {
				if digits < 9 {
					nanos = nanos*10 + int64(v[i]-'0')
				}
				digits++
				i++
			}
			if digits == 0 {
				return 0, false, false
			}
			for k := digits; k < 9; k++ {
				nanos *= 10
			}
		}
	}
	secs := core.DaysFromCivil(int64(y), mo, d)*86400 + int64(h*3600+mi*60+sec)
	tz := false
	if i < len(v) {
		tz = true
		switch c := v[i]; {
		case c == 'Z' && i+1 == len(v):
		case c == '+' || c == '-':
			i++
			oh, ok := two()
			if !ok {
				return 0, false, false
			}
			om := 0
			if i < len(v) && v[i] == ':' {
				i++
			}
			if i < len(v) {
				if om, ok = two(); !ok {
					return 0, false, false
				}
			}
			if i != len(v) || oh > 23 || om > 59 {
				return 0, false, false
			}
			off := int64(oh*3600 + om*60)
			if c == '+' {
				secs -= off
			} else {
				secs += off
			}
		default:
			return 0, false, false
		}
	}
	if !tz && loc != nil {
		return wallToInstant(secs, nanos, unit, loc), false, true
	}
	ups := core.UnitsPerSecond(unit)
	return secs*ups + nanos/(1e9/ups), tz, true
}

// wallToInstant converts a wall-clock time (seconds since the epoch as if
// UTC, plus nanoseconds) in loc to an instant in unit.
func wallToInstant(secs, nanos int64, unit arrow.TimeUnit, loc *time.Location) int64 {
	t := time.Unix(secs, 0).UTC()
	w := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, loc)
	ups := core.UnitsPerSecond(unit)
	return w.Unix()*ups + nanos/(1e9/ups)
}
