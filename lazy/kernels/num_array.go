package kernels

import (
	"github.com/alopexdb/alopex/core"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// NumArray builds an array of type out from accumulators (valid nil: all valid).
func NumArray[A Num](mem memory.Allocator, out arrow.DataType, acc []A, valid []bool) (arrow.Array, error) {
	b := array.NewBuilder(mem, out)
	defer b.Release()
	b.Reserve(len(acc))
	for i, v := range acc {
		if valid != nil && !valid[i] {
			b.AppendNull()
			continue
		}
		if !AppendNum(b, v) {
			return nil, core.Errorf(core.KindNotSupported, "results of type %s are not supported here", core.DTypeName(out))
		}
	}
	return b.NewArray(), nil
}
