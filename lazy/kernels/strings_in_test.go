package kernels_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
)

// TestStringsIn: membership by length and bytes, for String and
// LargeString, at offsets inside a byte, with nulls, the empty string,
// a value that is another's prefix ("AIR" and "AIR REG"), unicode, and an
// empty list, values longer than eight bytes (equal first words) and
// than the length table (64 bytes), a value at the end of the data; more
// than MaxFewStrings values or a StringView declines.
func TestStringsIn(t *testing.T) {
	long := strings.Repeat("x", 70)
	vals := []any{"AIR", "AIR REG", "", nil, "MAIL", "air", "é", "SHIP", "AI", "AIR REGX", "DELIVER IN PERSON", "DELIVER IN PERSOM",
		long, long + "y", long[:64], nil, "é\x00"}
	sets := [][]string{{"AIR"}, {"AIR REG", "MAIL"}, {""}, {"é"}, {}, {"SHIP", "TRUCK", "RAIL", "FOB", "AIR", "REG AIR", "MAIL", "é\x00"},
		{"DELIVER IN PERSON"}, {long, long[:64], "AIR REGX"}, {long + "y", "é\x00", "DELIVER IN PERSOM"}}
	for _, dt := range []arrow.DataType{str, lstr} {
		for _, off := range offsets {
			for _, set := range sets {
				mem := newMem()
				a := makeArray(t, mem, dt, vals, off)
				got, ok := kernels.StringsIn(mem, a, set)
				if !ok {
					t.Fatalf("%s: no fast path", dt)
				}
				want := make([]any, len(vals))
				for i, v := range vals {
					if v != nil {
						want[i] = slices.Contains(set, v.(string))
					}
				}
				checkArray(t, got, boo, want, "in")
				got.Release()
				a.Release()
				mem.AssertSize(t, 0)
			}
		}
	}
	mem := newMem()
	defer mem.AssertSize(t, 0)
	a := makeArray(t, mem, str, vals, 0)
	defer a.Release()
	if _, ok := kernels.StringsIn(mem, a, make([]string, kernels.MaxFewStrings+1)); ok {
		t.Error("a long list took the comparison path")
	}
	v := makeArray(t, mem, arrow.BinaryTypes.StringView, vals, 0)
	defer v.Release()
	if _, ok := kernels.StringsIn(mem, v, []string{"AIR"}); ok {
		t.Error("a StringView took the comparison path")
	}
}
