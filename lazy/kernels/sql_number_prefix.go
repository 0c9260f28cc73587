package kernels

import (
	"math"
	"math/big"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// SQLNumberPrefix writes, for every string of a, the number MySQL reads
// from it (fn.SQLNumberPrefix): kind "int", "uint" or "float", or
// "decimal": the float text rounded to scale digits (decimalPrefix).
func SQLNumberPrefix(mem memory.Allocator, a arrow.Array, kind string, scale int) (arrow.Array, error) {
	return mapStrings(mem, a, a.Len()*4, func(_ int, s string, w *strOut) error {
		if kind == "decimal" {
			w.str(decimalPrefix(s, scale))
			return nil
		}
		w.str(numberPrefix(s, kind))
		return nil
	})
}

// SQLNumberText is the numeric prefix MySQL reads from s (kind "int",
// "uint" or "float"; "0" when s starts with no number), for a constant.
func SQLNumberText(s, kind string) string { return numberPrefix(s, kind) }

// decimalPrefix is the float prefix of s (numberPrefix) rounded exactly to
// scale digits after the point, halves away from zero, as MySQL rounds a
// string it casts to DECIMAL ("1.005" at scale 2 is "1.01", " -1.255x" is
// "-1.26"). The text is left as it is when it has no more digits than the
// scale, or when its exponent is out of any DECIMAL's reach (the cast then
// rejects it).
func decimalPrefix(s string, scale int) string {
	p := numberPrefix(s, "float")
	dot := strings.IndexByte(p, '.')
	if !strings.ContainsAny(p, "eE") && (dot < 0 || len(p)-dot-1 <= scale) {
		return p
	}
	if e := strings.IndexAny(p, "eE"); e >= 0 {
		if x, err := strconv.Atoi(p[e+1:]); err != nil || x > 100 || x < -100 {
			return p
		}
	}
	r, ok := new(big.Rat).SetString(p)
	if !ok {
		return p
	}
	return r.FloatString(scale) // halves away from zero
}

// numberPrefix is the numeric prefix of s as MySQL's string-to-number
// conversion reads it, "0" when s starts with no number.
func numberPrefix(s, kind string) string {
	i := 0
	for i < len(s) && isSQLSpace(s[i]) {
		i++
	}
	start := i
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := i
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	intEnd := i
	if kind != "float" {
		if intEnd == digits {
			return "0"
		}
		return clampInt(s[start:intEnd], kind == "uint")
	}
	n := intEnd - digits
	if i < len(s) && s[i] == '.' {
		j := i + 1
		for j < len(s) && isDigit(s[j]) {
			j++
		}
		n += j - i - 1
		i = j
	}
	if n == 0 {
		return "0"
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i + 1
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		k := j
		for k < len(s) && isDigit(s[k]) {
			k++
		}
		if k > j { // an exponent needs digits: "1e" reads as 1
			i = k
		}
	}
	return s[start:i]
}

// clampInt bounds an integer text to BIGINT (BIGINT UNSIGNED when unsigned;
// a negative text is left to the cast), as MySQL clamps an out-of-range
// string.
func clampInt(t string, unsigned bool) string {
	if unsigned {
		if t[0] == '-' {
			return t
		}
		if _, err := strconv.ParseUint(t, 10, 64); err != nil {
			return strconv.FormatUint(math.MaxUint64, 10)
		}
		return t
	}
	if _, err := strconv.ParseInt(t, 10, 64); err != nil {
		if t[0] == '-' {
			return strconv.FormatInt(math.MinInt64, 10)
		}
		return strconv.FormatInt(math.MaxInt64, 10)
	}
	return t
}

func isSQLSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
