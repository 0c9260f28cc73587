package vector

import (
	"math"
	"strconv"
	"strings"

	"github.com/alopexdb/alopex/core"
)

// ParseText reads a vector written as text: "[1, 2.5, -3]" (TiDB's and
// pgvector's form).
func ParseText(s string) ([]float32, error) {
	t := strings.TrimSpace(s)
	if !strings.HasPrefix(t, "[") || !strings.HasSuffix(t, "]") {
		return nil, core.Errorf(core.KindInvalidInput, "invalid vector text %q: write it as '[1.0, 2.0, ...]'", core.ShortText(s))
	}
	body := strings.TrimSpace(t[1 : len(t)-1])
	if body == "" {
		return nil, core.Errorf(core.KindInvalidInput, "invalid vector text %q: a vector needs at least one dimension", core.ShortText(s))
	}
	out := make([]float32, 0, strings.Count(body, ",")+1)
	for i := 0; body != ""; i++ {
		p, rest, _ := strings.Cut(body, ",")
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 32)
		if err != nil {
			return nil, core.Errorf(core.KindInvalidInput, "invalid vector text %q: element %d (%q) is not a number", core.ShortText(s), i, core.ShortText(strings.TrimSpace(p)))
		}
		out = append(out, float32(f))
		body = rest
	}
	return out, nil
}

// FormatText writes a vector as TiDB's VEC_AS_TEXT does: "[1,2.5,-3]".
func FormatText(v []float32) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, x := range v {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatFloat(float64(x), 'g', -1, 32))
	}
	b.WriteByte(']')
	return b.String()
}

// CheckValue checks that v can be a vector: at least one dimension, only
// finite numbers (NaN and infinities have no distance).
func CheckValue(v []float32) error {
	if len(v) == 0 {
		return core.Errorf(core.KindInvalidInput, "a vector needs at least one dimension")
	}
	for i, x := range v {
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			return core.Errorf(core.KindInvalidInput, "vector element %d is %v; vectors must hold finite numbers", i, x)
		}
	}
	return nil
}
