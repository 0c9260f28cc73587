package exec

import (
	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Short names for kernels the operators use everywhere.

// appendNum appends v to a numeric or temporal builder (see kernels.AppendNum).
func appendNum[T kernels.Num](b array.Builder, v T) bool { return kernels.AppendNum(b, v) }

// numArray builds an array of type out from accumulators (see kernels.NumArray).
func numArray[A kernels.Num](mem memory.Allocator, out arrow.DataType, acc []A, valid []bool) (arrow.Array, error) {
	return kernels.NumArray(mem, out, acc, valid)
}

// intKeyable reports whether a single key of type t can use the int64 path
// (see kernels.IntLike).
func intKeyable(t arrow.DataType) bool { return kernels.IntLike(t) }

// intKeys widens the values of an integer-like array to int64, reusing dst
// (see kernels.Int64Keys).
func intKeys(a arrow.Array, dst []int64) []int64 { return kernels.Int64Keys(a, dst) }
