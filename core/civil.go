package core

import "github.com/apache/arrow-go/v18/arrow"

// Calendar arithmetic shared by the readers, writers and kernels: Date32 is
// days since 1970-01-01 in the proleptic Gregorian calendar, converted with
// Howard Hinnant's algorithms (no tables, no time.Time per row).

// CivilFromDays converts days since 1970-01-01 to a year, month and day.
func CivilFromDays(days int64) (y int64, m, d int) {
	z := days + 719468
	era := z
	if z < 0 {
		era = z - 146096
	}
	era /= 146097
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = int(doy - (153*mp+2)/5 + 1)
	if mp < 10 {
		m = int(mp + 3)
	} else {
		m = int(mp - 9)
	}
	if m <= 2 {
		y++
	}
	return
}

// DaysFromCivil is the inverse of CivilFromDays: the days from 1970-01-01
// to y-m-d.
func DaysFromCivil(y int64, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y
	if y < 0 {
		era = y - 399
	}
	era /= 400
	yoe := y - era*400
	mm := int64(m)
	if m > 2 {
		mm -= 3
	} else {
		mm += 9
	}
	doy := (153*mm+2)/5 + int64(d) - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// UnitsPerSecond is the number of ticks of u in a second.
func UnitsPerSecond(u arrow.TimeUnit) int64 {
	switch u {
	case arrow.Second:
		return 1
	case arrow.Millisecond:
		return 1_000
	case arrow.Microsecond:
		return 1_000_000
	}
	return 1_000_000_000
}

// IsLeapYear reports whether y is a leap year of the proleptic Gregorian
// calendar.
func IsLeapYear(y int64) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }
