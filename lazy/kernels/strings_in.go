package kernels

import (
	"encoding/binary"
	"math/bits"

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

// fewStrings is a list of at most MaxFewStrings strings set up for
// probing: which entries have each length (most rows are rejected by their
// length alone), and each entry's first eight bytes as a word, so that a
// candidate is checked with one integer compare and only a longer value's
// tail with a byte compare.
type fewStrings struct {
	set    []string
	byLen  [maxProbeLen + 1]uint8 // bit j: set[j] has that length
	long   uint8                  // bit j: set[j] is longer than maxProbeLen
	prefix [MaxFewStrings]uint64  // first min(8, len) bytes, little-endian
}

const maxProbeLen = 64

func newFewStrings(set []string) *fewStrings {
	f := &fewStrings{set: set}
	for j, v := range set {
		if len(v) <= maxProbeLen {
			f.byLen[len(v)] |= 1 << j
		} else {
			f.long |= 1 << j
		}
		f.prefix[j] = prefixWord([]byte(v), 0, len(v))
	}
	return f
}

// prefixWord is the first min(8, n) bytes of data[lo:lo+n] as a
// little-endian word (zero above them), read as one load when data has
// eight bytes from lo.
func prefixWord(data []byte, lo, n int) uint64 {
	if lo+8 <= len(data) {
		w := binary.LittleEndian.Uint64(data[lo:])
		if n < 8 {
			w &= 1<<(8*uint(n)) - 1
		}
		return w
	}
	var w uint64
	for i := range min(n, 8) {
		w |= uint64(data[lo+i]) << (8 * i)
	}
	return w
}

// has reports whether data[lo:hi] is in the list.
func (f *fewStrings) has(data []byte, lo, hi int) bool {
	n := hi - lo
	m := f.long
	if n <= maxProbeLen {
		m = f.byLen[n]
	}
	if m == 0 {
		return false
	}
	w := prefixWord(data, lo, n)
	for m != 0 {
		j := bits.TrailingZeros8(m)
		m &= m - 1
		// string(b) == v compares without allocating.
		if f.prefix[j] == w && len(f.set[j]) == n && (n <= 8 || string(data[lo+8:hi]) == f.set[j][8:]) {
			return true
		}
	}
	return false
}

// stringsIn sets bit i of bits when string i (offs[i]..offs[i+1] of data,
// offsets relative to offs[0]) equals one of set.
func stringsIn[O int32 | int64](offs []O, data []byte, set []string, out []byte) {
	if len(offs) == 0 {
		return
	}
	f := newFewStrings(set)
	base := offs[0]
	n := len(offs) - 1
	has := func(i int) bool { return f.has(data, int(offs[i]-base), int(offs[i+1]-base)) }
	full := n &^ 7
	for i := 0; i < full; i += 8 {
		var b byte
		for j := range 8 {
			b |= b2u(has(i+j)) << j
		}
		out[i>>3] = b
	}
	for i := full; i < n; i++ {
		out[i>>3] |= b2u(has(i)) << (i & 7)
	}
}
