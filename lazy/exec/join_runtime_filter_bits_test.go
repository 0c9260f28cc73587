package exec

import (
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
