package kernels

import (
	"sync"
	"unsafe"

	"github.com/alopexdb/alopex/core"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Selection is the list of row positions a filter keeps, in increasing
// order. It is computed once per batch and applied to every column.
type Selection struct {
	Idx []int32
	// N is the number of rows of the batch the selection was made over.
	N int
}

// All reports whether every row is kept.
func (s *Selection) All() bool { return len(s.Idx) == s.N }

var selectionPool = sync.Pool{New: func() any { return &Selection{} }}

// NewSelection returns the positions of the set bits among the first n of
// mask. Release it with Selection.Release when done.
func NewSelection(mask []byte, n int) *Selection {
	s := selectionPool.Get().(*Selection)
	s.N = n
	idx := s.Idx[:0]
	if cap(idx) < n {
		idx = make([]int32, 0, n)
	}
	full := n / 8
	for bi := 0; bi < full; bi++ {
		b := mask[bi]
		base := int32(bi * 8)
		switch b {
		case 0:
			continue
		case 0xFF:
			idx = append(idx, base, base+1, base+2, base+3, base+4, base+5, base+6, base+7)
			continue
		}
		for b != 0 {
			idx = append(idx, base+int32(bitsTrailingZeros(b)))
			b &= b - 1
		}
	}
	for i := full * 8; i < n; i++ {
		if bitutil.BitIsSet(mask, i) {
			idx = append(idx, int32(i))
		}
	}
	s.Idx = idx
	return s
}

// Release returns the selection to the pool.
func (s *Selection) Release() { selectionPool.Put(s) }

// Take returns the rows of a at the selection's positions. When every row is
// kept, a is returned with one more reference.
func Take(mem memory.Allocator, a arrow.Array, sel *Selection) (arrow.Array, error) {
	if sel.All() {
		a.Retain()
		return a, nil
	}
	return Gather(mem, a, sel.Idx)
}

// Gather returns the rows of a at the positions idx, in that order
// (positions may repeat and come in any order; -1 gives a null row).
func Gather(mem memory.Allocator, a arrow.Array, idx []int32) (arrow.Array, error) {
	if d, ok := a.(*array.Dictionary); ok {
		codes, err := Gather(mem, d.Indices(), idx)
		if err != nil {
			return nil, err
		}
		return withCodes(a, codes), nil
	}
	sel := &Selection{Idx: idx, N: a.Len()}
	kept := len(idx)
	hasMissing := false
	for _, i := range idx {
		if i < 0 {
			hasMissing = true
			break
		}
	}
	if hasMissing {
		return gatherWithMissing(mem, a, idx)
	}
	var validity *memory.Buffer
	if a.NullN() > 0 && a.DataType().ID() != arrow.NULL {
		validity = allocBitmap(mem, kept)
		src, off, dst := a.NullBitmapBytes(), a.Data().Offset(), validity.Bytes()
		for j, i := range idx {
			if bitutil.BitIsSet(src, off+int(i)) {
				bitutil.SetBit(dst, j)
			}
		}
	}
	switch a.DataType().ID() {
	case arrow.NULL:
		return array.NewNull(kept), nil
	case arrow.BOOL:
		out := allocBitmap(mem, kept)
		if a.Len() == 0 || a.Data().Buffers()[1] == nil {
			return makeArray(a.DataType(), kept, validity, out), nil
		}
		src, off, dst := a.Data().Buffers()[1].Bytes(), a.Data().Offset(), out.Bytes()
		for j, i := range sel.Idx {
			if bitutil.BitIsSet(src, off+int(i)) {
				bitutil.SetBit(dst, j)
			}
		}
		return makeArray(a.DataType(), kept, validity, out), nil
	case arrow.STRING:
		return takeStrings[int32](mem, a.(*array.String).ValueOffsets(), rawData(a), a.DataType(), sel.Idx, validity), nil
	case arrow.LARGE_STRING:
		return takeStrings[int64](mem, a.(*array.LargeString).ValueOffsets(), rawData(a), a.DataType(), sel.Idx, validity), nil
	}
	if fw, ok := a.DataType().(arrow.FixedWidthDataType); ok {
		switch fw.BitWidth() {
		case 8:
			return takeFixed[uint8](mem, a, sel.Idx, validity), nil
		case 16:
			return takeFixed[uint16](mem, a, sel.Idx, validity), nil
		case 32:
			return takeFixed[uint32](mem, a, sel.Idx, validity), nil
		case 64:
			return takeFixed[uint64](mem, a, sel.Idx, validity), nil
		case 128:
			return take128(mem, a, sel.Idx, validity), nil
		}
	}
	if out, ok, err := gatherNested(mem, a, sel.Idx, validity); ok {
		return out, err
	}
	releaseAll(validity)
	return gatherByRuns(mem, a, sel.Idx)
}

// gatherByRuns handles every other type: it cuts a into runs of consecutive
// positions and concatenates them.
func gatherByRuns(mem memory.Allocator, a arrow.Array, idx []int32) (arrow.Array, error) {
	var parts []arrow.Array
	defer func() {
		for _, p := range parts {
			p.Release()
		}
	}()
	for start := 0; start < len(idx); {
		end := start + 1
		for end < len(idx) && idx[end] == idx[end-1]+1 {
			end++
		}
		parts = append(parts, array.NewSlice(a, int64(idx[start]), int64(idx[end-1])+1))
		start = end
	}
	if len(parts) == 0 {
		return array.NewSlice(a, 0, 0), nil
	}
	out, err := array.Concatenate(parts, mem)
	if err != nil {
		return nil, typeErr("gathering", a.DataType())
	}
	return out, nil
}

// gatherWithMissing gathers with -1 positions as nulls: it gathers from a
// with -1 replaced by 0 and then clears the validity of those rows.
func gatherWithMissing(mem memory.Allocator, a arrow.Array, idx []int32) (arrow.Array, error) {
	fixed := make([]int32, len(idx))
	for j, i := range idx {
		fixed[j] = max(i, 0)
	}
	if a.Len() == 0 {
		return Broadcast(mem, nil, a.DataType(), len(idx))
	}
	g, err := Gather(mem, a, fixed)
	if err != nil {
		return nil, err
	}
	defer g.Release()
	d := g.Data()
	n := len(idx)
	validity := allocBitmap(mem, n)
	vb := validity.Bytes()
	if g.NullN() == 0 {
		bitutil.SetBitsTo(vb, 0, int64(n), true)
	} else {
		bitutil.CopyBitmap(g.NullBitmapBytes(), d.Offset(), n, vb, 0)
	}
	for j, i := range idx {
		if i < 0 {
			bitutil.ClearBit(vb, j)
		}
	}
	if d.Offset() != 0 {
		releaseAll(validity)
		return nil, typeErr("gathering with nulls (offset result)", a.DataType())
	}
	bufs := append([]*memory.Buffer{validity}, d.Buffers()[1:]...)
	nd := array.NewData(d.DataType(), n, bufs, d.Children(), array.UnknownNullCount, 0)
	validity.Release()
	defer nd.Release()
	return array.MakeFromData(nd), nil
}

func takeFixed[T Num](mem memory.Allocator, a arrow.Array, idx []int32, validity *memory.Buffer) arrow.Array {
	src := values[T](a)
	buf, out := allocWritten[T](mem, len(idx)) // every position, nulls' too
	for j, i := range idx {
		out[j] = src[i]
	}
	return makeArray(a.DataType(), len(idx), validity, buf)
}

func takeStrings[O int32 | int64](mem memory.Allocator, offsets []O, data []byte, t arrow.DataType,
	idx []int32, validity *memory.Buffer) arrow.Array {
	kept := len(idx)
	size := 0
	for _, i := range idx {
		size += int(offsets[i+1] - offsets[i])
	}
	// Every offset and every byte of the kept strings is written below.
	offBuf := core.AllocateWritten(mem, (kept+1)*int(unsafe.Sizeof(O(0))))
	ob := offBuf.Bytes()
	outOff := unsafe.Slice((*O)(unsafe.Pointer(&ob[0])), kept+1)
	dataBuf := core.AllocateWritten(mem, size)
	db := dataBuf.Bytes()
	outOff[0] = 0
	// Runs of consecutive positions (most of a filter that keeps most
	// rows) copy their bytes at once: a copy per row costs more than the
	// bytes of TPC-H's one-letter flags.
	pos := 0
	for j := 0; j < kept; {
		k := runEnd(idx, j)
		lo, hi := offsets[idx[j]], offsets[idx[k-1]+1]
		shift := O(pos) - lo
		for m := j; m < k; m++ {
			outOff[m+1] = offsets[idx[m]+1] + shift
		}
		pos += copy(db[pos:], data[lo:hi])
		j = k
	}
	return makeArray(t, kept, validity, offBuf, dataBuf)
}

// runEnd returns the end of the run of consecutive positions of idx that
// starts at j: idx[j:k] are idx[j], idx[j]+1, ….
func runEnd(idx []int32, j int) int {
	k := j + 1
	for k < len(idx) && idx[k] == idx[k-1]+1 {
		k++
	}
	return k
}

// longRuns reports whether idx's runs of consecutive positions are eight
// long or more on average.
func longRuns(idx []int32) bool {
	breaks := 0
	for k := 1; k < len(idx); k++ {
		// 1 where the run breaks, without a branch to mispredict.
		d := uint32(idx[k] - idx[k-1] - 1)
		breaks += int((d | -d) >> 31)
	}
	return len(idx) >= 8*(breaks+1)
}

// take128 gathers 16-byte values (Decimal128) as pairs of words.
func take128(mem memory.Allocator, a arrow.Array, idx []int32, validity *memory.Buffer) arrow.Array {
	src := values128(a)
	buf, out := allocWritten[uint64](mem, 2*len(idx)) // every position, nulls' too
	if 2*len(idx) >= a.Len() && longRuns(idx) {
		// Dense, in long runs of consecutive positions: each run is
		// copied at once. Short runs (a filter that keeps about half the
		// rows: runs of one or two) go value by value below, as a copy
		// call per run costs more than the words it moves.
		for j := 0; j < len(idx); {
			k := runEnd(idx, j)
			copy(out[2*j:2*k], src[2*idx[j]:2*(idx[k-1]+1)])
			j = k
		}
		return makeArray(a.DataType(), len(idx), validity, buf)
	}
	for j, i := range idx {
		out[2*j] = src[2*i]
		out[2*j+1] = src[2*i+1]
	}
	return makeArray(a.DataType(), len(idx), validity, buf)
}
