package kernels

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// MaxFewStrings is the largest list StringsIn probes by comparison: up to a
// handful of values, comparing lengths and then bytes beats hashing every
// row's string (TPC-H's `l_shipmode IN ('MAIL', 'SHIP')`).
const MaxFewStrings = 8

// StringsIn gives, for each row of a String or LargeString array, whether
// its value is one of set (null where the row is null); ok is false for
// other layouts or a set longer than MaxFewStrings.
func StringsIn(mem memory.Allocator, a arrow.Array, set []string) (out arrow.Array, ok bool) {
	if len(set) > MaxFewStrings {
		return nil, false
	}
	n := a.Len()
	bits := allocBitmap(mem, n)
	switch s := a.(type) {
	case *array.String:
		stringsIn(s.ValueOffsets(), s.ValueBytes(), set, bits.Bytes())
	case *array.LargeString:
		stringsIn(s.ValueOffsets(), s.ValueBytes(), set, bits.Bytes())
	default:
		bits.Release()
		return nil, false
	}
	return makeArray(arrow.FixedWidthTypes.Boolean, n, validityOf(mem, a), bits), true
}

// stringsIn sets bit i of bits when string i (offs[i]..offs[i+1] of data,
// offsets relative to offs[0]) equals one of set.
func stringsIn[O int32 | int64](offs []O, data []byte, set []string, bits []byte) {
	if len(offs) == 0 {
		return
	}
	base := offs[0]
	n := len(offs) - 1
	has := func(i int) bool {
		lo, hi := offs[i]-base, offs[i+1]-base
		for _, v := range set {
			// string(b) == v compares without allocating.
			if len(v) == int(hi-lo) && string(data[lo:hi]) == v {
				return true
			}
		}
		return false
	}
	full := n &^ 7
	for i := 0; i < full; i += 8 {
		var b byte
		for j := range 8 {
			b |= b2u(has(i+j)) << j
		}
		bits[i>>3] = b
	}
	for i := full; i < n; i++ {
		bits[i>>3] |= b2u(has(i)) << (i & 7)
	}
}
