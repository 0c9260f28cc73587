package exec

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// One integer key of a dense range gets an exact bit set instead of a Bloom
// filter: exactly the build keys pass (null build and probe keys never do);
// sparse keys keep the Bloom filter.
func TestJoinFilterBits(t *testing.T) {
	mem := memory.NewGoAllocator()
	for _, tc := range []struct {
		name  string
		step  int64
		exact bool
	}{{"dense", 5, true}, {"sparse", 1 << 20, false}} {
		t.Run(tc.name, func(t *testing.T) {
			var build, probe []any
			for i := range 500 {
				build = append(build, int64(-300)+int64(i)*tc.step)
			}
			build = append(build, nil)
			for i := range 3000 {
				probe = append(probe, int64(-300)+int64(i))
			}
			probe = append(probe, nil, int64(-301))
			b := buildArray(t, mem, arrow.PrimitiveTypes.Int64, build)
			defer b.Release()
			p := buildArray(t, mem, arrow.PrimitiveTypes.Int64, probe)
			defer p.Release()
			f, err := newJoinFilter(&joinTable{mode: keysInt}, []arrow.Array{b})
			if err != nil {
				t.Fatal(err)
			}
			if (f.bits != nil) != tc.exact || (f.bloom != nil) == tc.exact {
				t.Fatalf("bits %v, bloom %v; want exact bits: %v", f.bits != nil, f.bloom != nil, tc.exact)
			}
			kept, err := f.keep([]arrow.Array{p}, p.Len())
			if err != nil {
				t.Fatal(err)
			}
			if tc.exact && len(kept) != 500 {
				t.Fatalf("kept %d rows, want the 500 build keys", len(kept))
			}
			for _, i := range kept {
				if probe[i] == nil || probe[i].(int64) == -301 {
					t.Fatalf("kept probe row %d (%v)", i, probe[i])
				}
			}
		})
	}
}

// keep's branch-free path for an integer key without nulls keeps exactly
// the rows the general path keeps (the same probe with a null appended,
// which takes the general path), for exact bits, a Bloom filter and a
// range alone, with keys below, inside and above the build range.
func TestJoinFilterKeepIntsAgrees(t *testing.T) {
	mem := memory.NewGoAllocator()
	rng := rand.New(rand.NewPCG(3, 4))
	for _, tc := range []struct {
		name string
		step int64
		kind string // "bits", "bloom" or "range"
	}{{"dense", 3, "bits"}, {"sparse", 1 << 20, "bloom"}, {"range only", 7, "range"}} {
		t.Run(tc.name, func(t *testing.T) {
			var build []any
			for i := range 400 {
				build = append(build, int64(-100)+int64(i)*tc.step)
			}
			hi := int64(-100) + 399*tc.step
			var probe []any
			for range 5000 {
				v := int64(-300) + rng.Int64N(hi+600)
				if rng.IntN(2) == 0 { // often a build key exactly
					v = build[rng.IntN(len(build))].(int64)
				}
				probe = append(probe, v)
			}
			b := buildArray(t, mem, arrow.PrimitiveTypes.Int64, build)
			defer b.Release()
			f, err := newJoinFilter(&joinTable{mode: keysInt}, []arrow.Array{b})
			if err != nil {
				t.Fatal(err)
			}
			if tc.kind == "range" {
				f.bits, f.bloom = nil, nil // as for a build too large for either
			}
			if got := map[bool]string{true: "bits", false: "bloom"}[f.bits != nil]; tc.kind != "range" && got != tc.kind {
				t.Fatalf("filter has %s, want %s", got, tc.kind)
			}
			p := buildArray(t, mem, arrow.PrimitiveTypes.Int64, probe)
			defer p.Release()
			pn := buildArray(t, mem, arrow.PrimitiveTypes.Int64, append(slices.Clone(probe), nil))
			defer pn.Release()
			fast, err := f.keep([]arrow.Array{p}, p.Len())
			if err != nil {
				t.Fatal(err)
			}
			slow, err := f.keep([]arrow.Array{pn}, pn.Len())
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(fast, slow) {
				t.Fatalf("branch-free path kept %d rows, general path %d", len(fast), len(slow))
			}
			for _, i := range fast {
				if v := probe[i].(int64); v < -100 || v > hi {
					t.Fatalf("kept row %d of key %d, outside the build range", i, v)
				}
			}
			if tc.kind == "bits" && len(fast) == len(probe) {
				t.Fatal("kept every row: the test exercises nothing")
			}
		})
	}
}

// BenchmarkJoinFilterKeep times keep over a probe of which about half the
// rows pass an exact bit set.
func BenchmarkJoinFilterKeep(b *testing.B) {
	mem := memory.NewGoAllocator()
	rng := rand.New(rand.NewPCG(1, 2))
	var build, probe []any
	for i := range 1 << 16 {
		if rng.IntN(2) == 0 {
			build = append(build, int64(i))
		}
	}
	for range 1 << 16 {
		probe = append(probe, rng.Int64N(1<<16))
	}
	ba := buildArray(b, mem, arrow.PrimitiveTypes.Int64, build)
	defer ba.Release()
	pa := buildArray(b, mem, arrow.PrimitiveTypes.Int64, probe)
	defer pa.Release()
	f, err := newJoinFilter(&joinTable{mode: keysInt}, []arrow.Array{ba})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		if _, err := f.keep([]arrow.Array{pa}, pa.Len()); err != nil {
			b.Fatal(err)
		}
	}
}
