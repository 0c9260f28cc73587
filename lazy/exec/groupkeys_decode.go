package exec

import (
	"encoding/binary"
	"math"

	"github.com/alopexdb/alopex/core"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// decodeKeys rebuilds key columns from row-encoded keys (rowEncoder), group
// r's key being keys[order[r]] (keys[r] when order is nil). It decodes
// column by column: a cursor per key remembers where its next column
// starts, so each column is one typed loop writing straight into the
// column's buffers (fixed-width values are copied as their bytes, which
// the encoding keeps in Arrow's layout), not a builder call per value.
func decodeKeys(mem memory.Allocator, types []arrow.DataType, keys []string, order []int32) ([]arrow.Array, error) {
	n := len(keys)
	if order != nil {
		n = len(order)
	}
	key := func(r int) string { return keys[r] }
	if order != nil {
		key = func(r int) string { return keys[order[r]] }
	}
	cur := make([]int32, n) // where each key's next column starts
	valid := make([]bool, n)
	out := make([]arrow.Array, 0, len(types))
	var strs []string
	for _, t := range types {
		var arr arrow.Array
		switch {
		case core.IsString(t) || core.IsCategorical(t) || t.ID() == arrow.BINARY || t.ID() == arrow.LARGE_BINARY:
			if strs == nil {
				strs = make([]string, n)
			}
			for r := range n {
				k, p := key(r), int(cur[r])
				if valid[r] = k[p] != 0; !valid[r] {
					strs[r] = ""
					cur[r]++
					continue
				}
				p++
				l, w := binary.Uvarint([]byte(k[p:min(len(k), p+binary.MaxVarintLen64)]))
				p += w
				strs[r] = k[p : p+int(l)]
				cur[r] = int32(p + int(l))
			}
			var err error
			if arr, err = stringArray(mem, t, strs, valid); err != nil {
				releaseArrays(out)
				return nil, err
			}
		case t.ID() == arrow.NULL:
			for r := range n {
				cur[r]++
			}
			arr = array.NewNull(n)
		default:
			var err error
			if arr, err = decodeFixed(mem, t, n, key, cur); err != nil {
				releaseArrays(out)
				return nil, err
			}
		}
		out = append(out, arr)
	}
	return out, nil
}

// decodeFixed decodes one fixed-width or Boolean key column, advancing the
// keys' cursors past it.
func decodeFixed(mem memory.Allocator, t arrow.DataType, n int, key func(int) string, cur []int32) (arrow.Array, error) {
	fw, ok := t.(arrow.FixedWidthDataType)
	if !ok {
		return nil, core.Errorf(core.KindNotSupported, "grouping by a %s column is not supported", core.DTypeName(t))
	}
	width := fw.BitWidth() / 8 // bytes of a value in the column
	enc := width               // bytes of a value in the key
	switch t.ID() {
	case arrow.BOOL:
		width, enc = 0, 1
	case arrow.FLOAT32:
		enc = 8 // widened to float64 (canonFloat)
	}
	validity := core.AllocateUninit(mem, int(bitutil.BytesForBits(int64(n))))
	vbits := validity.Bytes()
	clear(vbits)
	var values *memory.Buffer
	if width == 0 {
		values = core.AllocateUninit(mem, int(bitutil.BytesForBits(int64(n))))
	} else {
		values = core.AllocateUninit(mem, n*width)
	}
	vals := values.Bytes()
	clear(vals)
	nulls := 0
	for r := range n {
		k, p := key(r), int(cur[r])
		if k[p] == 0 {
			nulls++
			cur[r]++
			continue
		}
		bitutil.SetBit(vbits, r)
		v := k[p+1 : p+1+enc]
		switch {
		case width == 0:
			if v[0] == 1 {
				bitutil.SetBit(vals, r)
			}
		case t.ID() == arrow.FLOAT32:
			f := float32(math.Float64frombits(binary.LittleEndian.Uint64([]byte(v))))
			binary.LittleEndian.PutUint32(vals[r*4:], math.Float32bits(f))
		default:
			copy(vals[r*width:(r+1)*width], v)
		}
		cur[r] = int32(p + 1 + enc)
	}
	bufs := []*memory.Buffer{validity, values}
	if nulls == 0 {
		validity.Release()
		bufs[0] = nil
	}
	data := array.NewData(t, n, bufs, nil, nulls, 0)
	for _, b := range bufs {
		if b != nil {
			b.Release()
		}
	}
	defer data.Release()
	return array.MakeFromData(data), nil
}
