package kernels

import (
	"github.com/alopexdb/alopex/core"
	"github.com/apache/arrow-go/v18/arrow"
)

// IntLike reports whether the values of type t are integers that an int64
// holds exactly (integers up to 32 bits wide, Int64, and the temporal types,
// which are int32 or int64 ticks): hash tables and sets key them as int64.
func IntLike(t arrow.DataType) bool {
	switch t.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64, arrow.UINT8, arrow.UINT16, arrow.UINT32,
		arrow.DATE32, arrow.DATE64, arrow.TIMESTAMP, arrow.DURATION, arrow.TIME32, arrow.TIME64:
		return true
	}
	return false // UInt64 (beyond int64) and everything else use the byte encoding
}

// Int64Keys widens the values of an integer-like array to int64 (reusing dst).
func Int64Keys(a arrow.Array, dst []int64) []int64 {
	n := a.Len()
	if cap(dst) < n {
		dst = make([]int64, n)
	}
	dst = dst[:n]
	switch fw := a.DataType().(arrow.FixedWidthDataType); fw.BitWidth() {
	case 8:
		if core.IsUnsigned(a.DataType()) {
			for i, v := range Values[uint8](a) {
				dst[i] = int64(v)
			}
		} else {
			for i, v := range Values[int8](a) {
				dst[i] = int64(v)
			}
		}
	case 16:
		if core.IsUnsigned(a.DataType()) {
			for i, v := range Values[uint16](a) {
				dst[i] = int64(v)
			}
		} else {
			for i, v := range Values[int16](a) {
				dst[i] = int64(v)
			}
		}
	case 32:
		if core.IsUnsigned(a.DataType()) {
			for i, v := range Values[uint32](a) {
				dst[i] = int64(v)
			}
		} else {
			for i, v := range Values[int32](a) {
				dst[i] = int64(v)
			}
		}
	default:
		copy(dst, Values[int64](a))
	}
	return dst
}
