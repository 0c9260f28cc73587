package kernels

import (
	"github.com/alopexdb/alopex/core"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// ifElse128 is IfElse for 16-byte values (Decimal128): a's value where the
// mask is set, b's elsewhere.
func ifElse128(mem memory.Allocator, mask []byte, a, b arrow.Array, t arrow.DataType, n int, validity *memory.Buffer) arrow.Array {
	av, bv := values128(a), values128(b)
	buf := core.AllocateUninit(mem, n*16)
	res := decSlice(buf, n)
	for i := range res {
		src := bv
		if mask[i>>3]&(1<<(i&7)) != 0 {
			src = av
		}
		res[i] = decimalAt(src, i)
	}
	return makeArray(t, n, validity, buf)
}
