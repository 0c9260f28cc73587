package core

import (
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
)

func TestCivilDays(t *testing.T) {
	for d := int64(-800000); d < 800000; d += 17 {
		y, m, dd := CivilFromDays(d)
		if back := DaysFromCivil(y, m, dd); back != d {
			t.Fatalf("%d -> %d-%d-%d -> %d", d, y, m, dd, back)
		}
		want := time.Unix(d*86400, 0).UTC()
		if int64(want.Year()) != y || int(want.Month()) != m || want.Day() != dd {
			t.Fatalf("%d: %d-%d-%d, want %s", d, y, m, dd, want)
		}
		if IsLeapYear(y) != (time.Date(int(y), 12, 31, 0, 0, 0, 0, time.UTC).YearDay() == 366) {
			t.Fatalf("IsLeapYear(%d) = %v", y, IsLeapYear(y))
		}
	}
}

func TestUnitsPerSecond(t *testing.T) {
	for u, want := range map[arrow.TimeUnit]int64{arrow.Second: 1, arrow.Millisecond: 1e3, arrow.Microsecond: 1e6, arrow.Nanosecond: 1e9} {
		if got := UnitsPerSecond(u); got != want {
			t.Errorf("UnitsPerSecond(%v) = %d, want %d", u, got, want)
		}
	}
}
