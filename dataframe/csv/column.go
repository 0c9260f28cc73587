package csv

import (
	"math"
	"strings"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/alopexdb/alopex/core"
)

// csvColumn builds one column of a piece: parse appends a non-null value
// and reports whether it could be read as the column's type.
//
// Fixed-width values go to a plain byte slice that becomes the array's
// buffer, with a validity bitmap made only once a null turns up. An arrow
// builder per column (its struct, two resizable buffers padded to 64 bytes,
// and a parse closure) cost a file of 100k columns over 1 KB per column
// before its first value; strings, booleans and decimals, whose layouts a
// builder handles best, still use one.
type csvColumn struct {
	t     arrow.DataType
	str   bool // String: a quoted empty field is "", not null
	lossy bool
	loc   *time.Location // a zoned timestamp column's location; nil for UTC
	b     array.Builder  // String, Boolean and Decimal128 columns

	width int    // fixed-width columns: the size of a value in bytes
	data  []byte // fixed-width columns: the values, width bytes each
	valid []byte // validity bitmap; nil while every value is valid
	n     int    // fixed-width columns: values appended
	nulls int
}

func newCSVColumn(mem memory.Allocator, t arrow.DataType, lossy bool) (*csvColumn, error) {
	c := &csvColumn{t: t, lossy: lossy}
	switch t.ID() {
	case arrow.STRING, arrow.BOOL, arrow.DECIMAL128:
		c.b = array.NewBuilder(mem, t)
		c.str = t.ID() == arrow.STRING
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64, arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64,
		arrow.FLOAT32, arrow.FLOAT64, arrow.DATE32:
		c.width = t.(arrow.FixedWidthDataType).BitWidth() / 8
	case arrow.TIMESTAMP:
		c.width = 8
		if tz := t.(*arrow.TimestampType).TimeZone; tz != "" && tz != "UTC" {
			loc, err := loadLocation(tz)
			if err != nil {
				return nil, err
			}
			c.loc = loc
		}
	default:
		return nil, core.Errorf(core.KindNotSupported, "reading CSV values as %s is not supported", core.DTypeName(t))
	}
	return c, nil
}

// reserve makes room for n values.
func (c *csvColumn) reserve(n int) {
	if c.b != nil {
		c.b.Reserve(n)
		return
	}
	c.data = make([]byte, 0, n*c.width)
}

func (c *csvColumn) appendNull() {
	if c.b != nil {
		c.b.AppendNull()
		return
	}
	if c.valid == nil {
		c.valid = make([]byte, bitutil.BytesForBits(int64(max(c.n+1, cap(c.data)/c.width))))
		bitutil.SetBitsTo(c.valid, 0, int64(c.n), true)
	}
	c.data = append(c.data, make([]byte, c.width)...)
	c.setValid(false)
	c.nulls++
}

// setValid records the validity of value n and counts it.
func (c *csvColumn) setValid(ok bool) {
	if c.valid != nil {
		if c.n/8 >= len(c.valid) {
			c.valid = append(c.valid, make([]byte, len(c.valid)+1)...)
		}
		bitutil.SetBitTo(c.valid, c.n, ok)
	}
	c.n++
}

// putFixed appends a valid value of a fixed-width column of type T.
func putFixed[T int8 | int16 | int32 | int64 | uint8 | uint16 | uint32 | uint64 | float32 | float64](c *csvColumn, v T) {
	c.data = append(c.data, make([]byte, c.width)...)
	*(*T)(unsafe.Pointer(&c.data[len(c.data)-c.width])) = v
	c.setValid(true)
}

func putInt[T int8 | int16 | int32 | int64](c *csvColumn, v []byte, lo, hi int64) bool {
	x, ok := parseCSVInt(v)
	if !ok || x < lo || x > hi {
		return false
	}
	putFixed(c, T(x))
	return true
}

func putUint[T uint8 | uint16 | uint32 | uint64](c *csvColumn, v []byte, hi uint64) bool {
	x, ok := parseCSVUint(v)
	if !ok || x > hi {
		return false
	}
	putFixed(c, T(x))
	return true
}

func (c *csvColumn) parse(v []byte) bool {
	switch c.t.ID() {
	case arrow.INT8:
		return putInt[int8](c, v, math.MinInt8, math.MaxInt8)
	case arrow.INT16:
		return putInt[int16](c, v, math.MinInt16, math.MaxInt16)
	case arrow.INT32:
		return putInt[int32](c, v, math.MinInt32, math.MaxInt32)
	case arrow.INT64:
		return putInt[int64](c, v, math.MinInt64, math.MaxInt64)
	case arrow.UINT8:
		return putUint[uint8](c, v, math.MaxUint8)
	case arrow.UINT16:
		return putUint[uint16](c, v, math.MaxUint16)
	case arrow.UINT32:
		return putUint[uint32](c, v, math.MaxUint32)
	case arrow.UINT64:
		return putUint[uint64](c, v, math.MaxUint64)
	case arrow.FLOAT32:
		x, ok := parseCSVFloat(v, 32)
		if ok {
			putFixed(c, float32(x))
		}
		return ok
	case arrow.FLOAT64:
		x, ok := parseCSVFloat(v, 64)
		if ok {
			putFixed(c, x)
		}
		return ok
	case arrow.DATE32:
		d, ok := parseCSVDate(v)
		if ok {
			putFixed(c, int32(d))
		}
		return ok
	case arrow.TIMESTAMP:
		x, ok := c.parseTimestamp(v)
		if ok {
			putFixed(c, x)
		}
		return ok
	case arrow.BOOL:
		s := unsafeString(v)
		switch {
		case strings.EqualFold(s, "true"):
			c.b.(*array.BooleanBuilder).Append(true)
		case strings.EqualFold(s, "false"):
			c.b.(*array.BooleanBuilder).Append(false)
		default:
			return false
		}
		return true
	case arrow.STRING:
		sb := c.b.(*array.StringBuilder)
		if c.lossy && !utf8.Valid(v) {
			sb.Append(strings.ToValidUTF8(string(v), "\uFFFD"))
		} else {
			sb.BinaryBuilder.Append(v)
		}
		return true
	case arrow.DECIMAL128:
		dt := c.t.(*arrow.Decimal128Type)
		n, err := decimal128.FromString(unsafeString(v), dt.Precision, dt.Scale)
		if err != nil {
			return false
		}
		c.b.(*array.Decimal128Builder).Append(n)
		return true
	}
	return false
}

// parseTimestamp reads a datetime, or a date as its midnight, in the
// column's unit (and zone).
func (c *csvColumn) parseTimestamp(v []byte) (int64, bool) {
	unit := c.t.(*arrow.TimestampType).Unit
	x, _, ok := parseCSVDatetime(v, unit, c.loc)
	if ok {
		return x, true
	}
	d, ok := parseCSVDate(v)
	if !ok {
		return 0, false
	}
	if c.loc != nil {
		return wallToInstant(int64(d)*86400, 0, unit, c.loc), true
	}
	return int64(d) * 86400 * core.UnitsPerSecond(unit), true
}

// newArray returns the column's values; the column is spent.
func (c *csvColumn) newArray() arrow.Array {
	if c.b != nil {
		return c.b.NewArray()
	}
	var validity *memory.Buffer
	if c.nulls > 0 {
		validity = memory.NewBufferBytes(c.valid[:bitutil.BytesForBits(int64(c.n))])
	}
	if c.data == nil {
		c.data = []byte{}
	}
	d := array.NewData(c.t, c.n, []*memory.Buffer{validity, memory.NewBufferBytes(c.data[:c.n*c.width])}, nil, c.nulls, 0)
	defer d.Release()
	return array.MakeFromData(d)
}

// release frees a builder the column holds.
func (c *csvColumn) release() {
	if c.b != nil {
		c.b.Release()
	}
}
