package exec

import (
	"encoding/binary"
	"math"
	"unsafe"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// A group key is either one integer column (the common case: ids, dates,
// codes), kept as an int64 in a map[int64], or a row encoding of all key
// columns as bytes, kept as a string in a map[string]. Go's maps are Swiss
// tables; lookups with a []byte converted in place do not allocate.

func hashInt(v int64) uint64 {
	h := uint64(v) * 0x9E3779B97F4A7C15
	return h ^ (h >> 29)
}

// rowEncoder appends the encoding of one row of the key columns to a buffer:
// per column a tag byte (0 null, 1 value) and then the value: fixed-width
// values as their little-endian bytes (floats canonicalized so that all NaNs
// and both zeros group together), strings as a length and their bytes.
type rowEncoder struct {
	cols []arrow.Array
	at   []func(int) string
}

func newRowEncoder(cols []arrow.Array) (*rowEncoder, error) {
	e := &rowEncoder{cols: cols, at: make([]func(int) string, len(cols))}
	for i, c := range cols {
		t := c.DataType()
		switch {
		case core.IsString(t):
			e.at[i] = kernels.StringAt(c)
		case core.IsCategorical(t):
			// By value: batches may carry different dictionaries.
			at, err := categoricalAt(c)
			if err != nil {
				return nil, err
			}
			e.at[i] = at
		case t.ID() == arrow.BINARY || t.ID() == arrow.LARGE_BINARY:
			e.at[i] = binaryAt(c)
		case t.ID() == arrow.BOOL || t.ID() == arrow.NULL:
		default:
			if _, ok := t.(arrow.FixedWidthDataType); !ok || len(c.Data().Children()) > 0 {
				return nil, core.Errorf(core.KindNotSupported, "grouping or joining by a %s column is not supported", core.DTypeName(t))
			}
		}
	}
	return e, nil
}

// categoricalAt returns the value at a row of a Categorical column (rows
// that are null are never asked for).
func categoricalAt(a arrow.Array) (func(int) string, error) {
	d := a.(*array.Dictionary)
	codes := kernels.DictCodes(d, nil)
	dict := d.Dictionary()
	if err := kernels.CheckDictCodes(codes, dict.Len()); err != nil {
		return nil, err
	}
	value := kernels.StringAt(dict)
	return func(i int) string { return value(int(codes[i])) }, nil
}

func binaryAt(a arrow.Array) func(int) string {
	switch b := a.(type) {
	case *array.Binary:
		return func(i int) string { v := b.Value(i); return unsafe.String(unsafe.SliceData(v), len(v)) }
	case *array.LargeBinary:
		return func(i int) string { v := b.Value(i); return unsafe.String(unsafe.SliceData(v), len(v)) }
	}
	return func(int) string { return "" }
}

func (e *rowEncoder) encode(buf []byte, row int) []byte {
	for i, c := range e.cols {
		if c.IsNull(row) {
			buf = append(buf, 0)
			continue
		}
		buf = append(buf, 1)
		if e.at[i] != nil {
			s := e.at[i](row)
			buf = binary.AppendUvarint(buf, uint64(len(s)))
			buf = append(buf, s...)
			continue
		}
		switch c.DataType().ID() {
		case arrow.BOOL:
			if c.(*array.Boolean).Value(row) {
				buf = append(buf, 1)
			} else {
				buf = append(buf, 0)
			}
		case arrow.NULL:
		case arrow.FLOAT64:
			buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(canonFloat(kernels.Values[float64](c)[row])))
		case arrow.FLOAT32:
			buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(canonFloat(float64(kernels.Values[float32](c)[row]))))
		default:
			w := c.DataType().(arrow.FixedWidthDataType).BitWidth() / 8
			d := c.Data()
			b := d.Buffers()[1].Bytes()
			off := (d.Offset() + row) * w
			buf = append(buf, b[off:off+w]...)
		}
	}
	return buf
}

func canonFloat(f float64) float64 {
	if f != f {
		return math.NaN()
	}
	if f == 0 {
		return 0
	}
	return f
}
