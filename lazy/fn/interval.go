package fn

import (
	"strconv"
	"strings"
	"unicode"

	"github.com/alopexdb/alopex/core"
)

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
