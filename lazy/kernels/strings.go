package kernels

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// concatStrings joins two string operands row by row (str + str in Polars);
// null when either side is null.
func concatStrings(mem memory.Allocator, a, b Value, n int) (arrow.Array, error) {
	get := func(v Value) (func(int) string, func(int) bool) {
		if v.IsScalar() {
			s, _ := v.Scalar.(string)
			isNull := v.Scalar == nil
			return func(int) string { return s }, func(int) bool { return isNull }
		}
		return StringAt(v.Array), v.Array.IsNull
	}
	as, an := get(a)
	bs, bn := get(b)
	bld := array.NewStringBuilder(mem)
	defer bld.Release()
	bld.Reserve(n)
	for i := range n {
		if an(i) || bn(i) {
			bld.AppendNull()
			continue
		}
		bld.Append(as(i) + bs(i))
	}
	return bld.NewArray(), nil
}
