package kernels

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Gathering nested columns. A List row is a range of its child; gathering
// rows gathers those ranges of the child (in one call of Gather over the
// child's positions) and writes fresh offsets. A FixedSizeList row of width
// d is d consecutive child values; a FixedSizeList of a fixed-width
// primitive (a vector column: Float32 × d) is copied row by row as blocks.

// gatherNested gathers rows of a List, LargeList or FixedSizeList array; ok
// is false for other types. validity is the gathered validity bitmap (or
// nil) and is consumed.
func gatherNested(mem memory.Allocator, a arrow.Array, idx []int32, validity *memory.Buffer) (arrow.Array, bool, error) {
	switch a := a.(type) {
	case *array.List:
		out, err := gatherList[int32](mem, a, a.Offsets()[a.Data().Offset():], a.ListValues(), idx, validity)
		return out, true, err
	case *array.LargeList:
		out, err := gatherList[int64](mem, a, a.Offsets()[a.Data().Offset():], a.ListValues(), idx, validity)
		return out, true, err
	case *array.FixedSizeList:
		out, err := gatherFixedList(mem, a, idx, validity)
		return out, true, err
	}
	return nil, false, nil
}

func gatherList[O int32 | int64](mem memory.Allocator, a arrow.Array, offsets []O, child arrow.Array,
	idx []int32, validity *memory.Buffer) (arrow.Array, error) {
	// offsets starts at a's first row (it is shifted by a's offset).
	total := 0
	for _, i := range idx {
		total += int(offsets[i+1] - offsets[i])
	}
	childIdx := make([]int32, 0, total)
	offBuf, outOff := allocValues[O](mem, len(idx)+1)
	pos := O(0)
	if len(outOff) > 0 {
		outOff[0] = 0
	}
	for j, i := range idx {
		for c := offsets[i]; c < offsets[i+1]; c++ {
			childIdx = append(childIdx, int32(c))
		}
		pos += offsets[i+1] - offsets[i]
		outOff[j+1] = pos
	}
	ch, err := Gather(mem, child, childIdx)
	if err != nil {
		releaseAll(validity, offBuf)
		return nil, err
	}
	defer ch.Release()
	return newNested(a.DataType(), len(idx), validity, []*memory.Buffer{offBuf}, ch), nil
}

func gatherFixedList(mem memory.Allocator, a *array.FixedSizeList, idx []int32, validity *memory.Buffer) (arrow.Array, error) {
	d := int(a.DataType().(*arrow.FixedSizeListType).Len())
	child := a.ListValues()
	base := a.Data().Offset() * d
	// An empty child may have no value buffer: the general path handles it.
	if fw, ok := child.DataType().(arrow.FixedWidthDataType); ok && child.NullN() == 0 && fw.BitWidth()%8 == 0 &&
		child.DataType().ID() != arrow.BOOL && len(child.Data().Children()) == 0 && child.Data().Buffers()[1] != nil {
		width := fw.BitWidth() / 8
		row := d * width
		src := child.Data().Buffers()[1].Bytes()[(child.Data().Offset()+base)*width:]
		buf := memory.NewResizableBuffer(mem)
		buf.Resize(len(idx) * row)
		dst := buf.Bytes()
		for j, i := range idx {
			copy(dst[j*row:(j+1)*row], src[int(i)*row:(int(i)+1)*row])
		}
		cd := array.NewData(child.DataType(), len(idx)*d, []*memory.Buffer{nil, buf}, nil, 0, 0)
		buf.Release()
		ch := array.MakeFromData(cd)
		cd.Release()
		defer ch.Release()
		return newNested(a.DataType(), len(idx), validity, nil, ch), nil
	}
	childIdx := make([]int32, 0, len(idx)*d)
	for _, i := range idx {
		start := int32(base + int(i)*d)
		for c := int32(0); c < int32(d); c++ {
			childIdx = append(childIdx, start+c)
		}
	}
	ch, err := Gather(mem, child, childIdx)
	if err != nil {
		releaseAll(validity)
		return nil, err
	}
	defer ch.Release()
	return newNested(a.DataType(), len(idx), validity, nil, ch), nil
}

// newNested assembles a nested array from its validity (consumed), its
// other buffers (consumed) and one child (the caller keeps its reference).
func newNested(t arrow.DataType, n int, validity *memory.Buffer, bufs []*memory.Buffer, child arrow.Array) arrow.Array {
	all := append([]*memory.Buffer{validity}, bufs...)
	nulls := array.UnknownNullCount
	if validity == nil {
		nulls = 0
	}
	data := array.NewData(t, n, all, []arrow.ArrayData{child.Data()}, nulls, 0)
	for _, b := range all {
		if b != nil {
			b.Release()
		}
	}
	defer data.Release()
	return array.MakeFromData(data)
}
