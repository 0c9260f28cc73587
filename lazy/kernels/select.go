package kernels

import (
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Filter returns the rows of a whose bit is set in mask (a bitmap of a.Len()
// bits from bit 0); kept is the number of set bits. When every row is kept,
// a is returned with one more reference.
func Filter(mem memory.Allocator, a arrow.Array, mask []byte, kept int) (arrow.Array, error) {
	n := a.Len()
	if kept == n {
		a.Retain()
		return a, nil
	}
	if d, ok := a.(*array.Dictionary); ok {
		codes, err := Filter(mem, d.Indices(), mask, kept)
		if err != nil {
			return nil, err
		}
		return withCodes(a, codes), nil
	}
	var validity *memory.Buffer
	if a.NullN() > 0 && a.DataType().ID() != arrow.NULL {
		validity = allocBitmap(mem, kept)
		src, off, dst := a.NullBitmapBytes(), a.Data().Offset(), validity.Bytes()
		j := 0
		forEachSet(mask, n, func(i int) {
			if bitutil.BitIsSet(src, off+i) {
				bitutil.SetBit(dst, j)
			}
			j++
		})
	}
	switch a.DataType().ID() {
	case arrow.NULL:
		return array.NewNull(kept), nil
	case arrow.BOOL:
		out := allocBitmap(mem, kept)
		src, off, dst := a.Data().Buffers()[1].Bytes(), a.Data().Offset(), out.Bytes()
		j := 0
		forEachSet(mask, n, func(i int) {
			if bitutil.BitIsSet(src, off+i) {
				bitutil.SetBit(dst, j)
			}
			j++
		})
		return makeArray(a.DataType(), kept, validity, out), nil
	case arrow.STRING:
		return filterStrings[int32](mem, a.(*array.String).ValueOffsets(), rawData(a), a.DataType(), mask, n, kept, validity), nil
	case arrow.LARGE_STRING:
		return filterStrings[int64](mem, a.(*array.LargeString).ValueOffsets(), rawData(a), a.DataType(), mask, n, kept, validity), nil
	}
	if fw, ok := a.DataType().(arrow.FixedWidthDataType); ok {
		switch fw.BitWidth() {
		case 8:
			return filterFixed[uint8](mem, a, mask, kept, validity), nil
		case 16:
			return filterFixed[uint16](mem, a, mask, kept, validity), nil
		case 32:
			return filterFixed[uint32](mem, a, mask, kept, validity), nil
		case 64:
			return filterFixed[uint64](mem, a, mask, kept, validity), nil
		}
	}
	releaseAll(validity)
	return filterByRuns(mem, a, mask, n)
}

// filterByRuns handles every other type (string views, nested, decimals):
// it cuts a into runs of kept rows and concatenates them.
func filterByRuns(mem memory.Allocator, a arrow.Array, mask []byte, n int) (arrow.Array, error) {
	var parts []arrow.Array
	defer func() {
		for _, p := range parts {
			p.Release()
		}
	}()
	start := -1
	for i := 0; i <= n; i++ {
		set := i < n && bitutil.BitIsSet(mask, i)
		switch {
		case set && start < 0:
			start = i
		case !set && start >= 0:
			parts = append(parts, array.NewSlice(a, int64(start), int64(i)))
			start = -1
		}
	}
	if len(parts) == 0 {
		return array.NewSlice(a, 0, 0), nil
	}
	out, err := array.Concatenate(parts, mem)
	if err != nil {
		return nil, typeErr("filtering", a.DataType())
	}
	return out, nil
}

// forEachSet calls fn with the index of every set bit among the first n.
func forEachSet(mask []byte, n int, fn func(int)) {
	for bi := 0; bi*8 < n; bi++ {
		b := mask[bi]
		if b == 0 {
			continue
		}
		base := bi * 8
		for b != 0 {
			i := base + bitsTrailingZeros(b)
			if i >= n {
				return
			}
			fn(i)
			b &= b - 1
		}
	}
}

func bitsTrailingZeros(b byte) int {
	n := 0
	for b&1 == 0 {
		b >>= 1
		n++
	}
	return n
}

func filterFixed[T Num](mem memory.Allocator, a arrow.Array, mask []byte, kept int, validity *memory.Buffer) arrow.Array {
	n := a.Len()
	src := values[T](a)
	buf, out := allocValues[T](mem, kept)
	j := 0
	for bi := 0; bi*8 < n; bi++ {
		b := mask[bi]
		base := bi * 8
		if b == 0xFF && base+8 <= n {
			copy(out[j:j+8], src[base:base+8])
			j += 8
			continue
		}
		for b != 0 {
			i := base + bitsTrailingZeros(b)
			if i >= n {
				break
			}
			out[j] = src[i]
			j++
			b &= b - 1
		}
	}
	return makeArray(a.DataType(), kept, validity, buf)
}

func filterStrings[O int32 | int64](mem memory.Allocator, offsets []O, data []byte, t arrow.DataType,
	mask []byte, n, kept int, validity *memory.Buffer) arrow.Array {
	size := 0
	forEachSet(mask, n, func(i int) { size += int(offsets[i+1] - offsets[i]) })
	offBuf := memory.NewResizableBuffer(mem)
	offBuf.Resize((kept + 1) * int(unsafe.Sizeof(O(0))))
	ob := offBuf.Bytes()
	outOff := unsafe.Slice((*O)(unsafe.Pointer(&ob[0])), kept+1)
	dataBuf := memory.NewResizableBuffer(mem)
	dataBuf.Resize(size)
	db := dataBuf.Bytes()
	j, pos := 0, 0
	outOff[0] = 0
	forEachSet(mask, n, func(i int) {
		pos += copy(db[pos:], data[offsets[i]:offsets[i+1]])
		j++
		outOff[j] = O(pos)
	})
	return makeArray(t, kept, validity, offBuf, dataBuf)
}

// rawData is the whole data buffer of a variable-width array; its offsets index into it.
func rawData(a arrow.Array) []byte {
	if b := a.Data().Buffers()[2]; b != nil {
		return b.Bytes()
	}
	return nil
}
