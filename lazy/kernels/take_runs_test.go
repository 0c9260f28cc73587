package kernels_test

import (
	"math/rand/v2"
	"testing"

	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
)

// TestGatherRuns: strings and decimals gathered by runs of consecutive
// positions (a filter that keeps most rows) and row by row (sparse,
// repeated, out of order) equal the rows one by one, with nulls, unicode
// and empty strings, at offsets inside a byte.
func TestGatherRuns(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const n = 200
	words := []any{"A", "", "N", "é", "R", "a longer string", nil, "F"}
	strs := make([]any, n)
	decs := make([]any, n)
	for i := range n {
		strs[i] = words[rng.IntN(len(words))]
		if i%11 != 5 {
			decs[i] = decimal128.FromI64(rng.Int64N(1_000_000) - 500_000)
		}
	}
	dec := &arrow.Decimal128Type{Precision: 15, Scale: 2}
	patterns := map[string][]int32{"all": {}, "dense": {}, "half": {}, "sparse": {}, "repeats": {}, "reversed": {}, "none": {}}
	for i := range int32(n) {
		patterns["all"] = append(patterns["all"], i)
		if rng.IntN(50) != 0 {
			patterns["dense"] = append(patterns["dense"], i)
		}
		if rng.IntN(2) == 0 || i > n-20 { // short runs, then one long one
			patterns["half"] = append(patterns["half"], i)
		}
		if rng.IntN(10) == 0 {
			patterns["sparse"] = append(patterns["sparse"], i)
		}
		patterns["reversed"] = append(patterns["reversed"], n-1-i)
	}
	patterns["repeats"] = append(append(patterns["repeats"], patterns["dense"][:50]...), patterns["dense"][10:120]...)
	for _, off := range offsets {
		mem := newMem()
		s := makeArray(t, mem, str, strs, off)
		ls := makeArray(t, mem, lstr, strs, off)
		b := array.NewDecimal128Builder(mem, dec)
		for range off {
			b.Append(decimal128.FromI64(7))
		}
		for _, v := range decs {
			if v == nil {
				b.AppendNull()
			} else {
				b.Append(v.(decimal128.Num))
			}
		}
		whole := b.NewArray()
		b.Release()
		d := array.NewSlice(whole, int64(off), int64(off+n))
		whole.Release()
		for name, idx := range patterns {
			for _, a := range []arrow.Array{s, ls, d} {
				got, err := kernels.Gather(mem, a, idx)
				if err != nil {
					t.Fatal(err)
				}
				if got.Len() != len(idx) {
					t.Fatalf("%s %s: %d rows, want %d", name, a.DataType(), got.Len(), len(idx))
				}
				for j, i := range idx {
					if got.IsNull(j) != a.IsNull(int(i)) || (!a.IsNull(int(i)) && got.ValueStr(j) != a.ValueStr(int(i))) {
						t.Fatalf("offset %d %s %s row %d: got %q, want %q", off, name, a.DataType(), j, got.ValueStr(j), a.ValueStr(int(i)))
					}
				}
				got.Release()
			}
		}
		s.Release()
		ls.Release()
		d.Release()
		mem.AssertSize(t, 0)
	}
}
