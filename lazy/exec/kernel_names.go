package exec

import (
	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// Short names for kernels the operators use everywhere.

// numericAsFloat reads a numeric or boolean array as float64 values.
func numericAsFloat(arr arrow.Array) func(int) float64 { return kernels.NumericAsFloat(arr) }

// appendNum appends v to a numeric or temporal builder (see kernels.AppendNum).
func appendNum[T kernels.Num](b array.Builder, v T) bool { return kernels.AppendNum(b, v) }
