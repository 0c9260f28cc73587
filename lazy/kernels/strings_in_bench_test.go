package kernels_test

import (
	"testing"

	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// BenchmarkStringsIn probes TPC-H-like short strings (l_shipmode's seven
// values, p_container's forty) against lists of two and four values.
func BenchmarkStringsIn(b *testing.B) {
	modes := []string{"REG AIR", "AIR", "RAIL", "SHIP", "TRUCK", "MAIL", "FOB"}
	containers := []string{"SM CASE", "SM BOX", "SM PACK", "SM PKG", "MED BAG", "MED BOX", "MED PKG", "MED PACK",
		"LG CASE", "LG BOX", "LG PACK", "LG PKG", "JUMBO BAG", "WRAP JAR", "JUMBO DRUM", "WRAP CASE"}
	cases := []struct {
		name  string
		vocab []string
		set   []string
	}{
		{"shipmode in 2", modes, []string{"MAIL", "SHIP"}},
		{"container in 4", containers, []string{"SM CASE", "SM BOX", "SM PACK", "SM PKG"}},
		{"comment eq", []string{"carefully final deposits", "quickly regular packages haggle", "ironic requests"}, []string{"carefully final deposits"}},
	}
	for _, c := range cases {
		bld := array.NewStringBuilder(memory.DefaultAllocator)
		const n = 1 << 16
		for i := range n {
			bld.Append(c.vocab[(i*31+i/7)%len(c.vocab)])
		}
		a := bld.NewArray()
		bld.Release()
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(n)
			for range b.N {
				out, _ := kernels.StringsIn(memory.DefaultAllocator, a, c.set)
				out.Release()
			}
		})
		a.Release()
	}
}
