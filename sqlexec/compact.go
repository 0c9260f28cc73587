package sqlexec

import (
	"encoding/binary"
	"math"
	"strings"
	"time"
	"unsafe"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/storage"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
)

// The compact encoding of a small result, read by Python without pyarrow
// (python/alopex/database.py, Cursor): the bytes of Python's marshal
// format of the tuple
//
//	(columns, rowcount, [(v, …), …], convert, generation)
//
// where columns is a bytes value: the marshal format of the tuple
// ((name, code, dtype), …), which Python decodes once per distinct value.
//
// marshal.loads builds it in C: the rows come out as the tuples a cursor
// returns, and a row costs Python no per-value work beyond what its
// column's code asks for. marshal.go writes the format (type codes
// unchanged since Python 3.4). Codes: "i" integers, "f" floats, "s" text,
// "b" booleans, "y" bytes, "d" decimals (their text), "D" dates (days
// since the epoch), "t" timestamps (microseconds since the epoch, "T" with
// a time zone: the instant), "v" vectors (their float32s as little-endian
// bytes), "n" all null. dtype is the column's alopex data type name, for
// cursor.description; convert is True when a column's values need more than
// marshal.loads (decimals, dates, timestamps and vectors). generation is
// the database's read generation a point read of the latest committed state
// read at (storage.LatestRead.Generation), -1 for any other result (and for
// rows over maxCachedRowBytes): the
// rows are what the statement with these parameters gives for as long as
// the database's published generation (storage.DB.SetGenMirror) is this
// one, so Python may answer it again from its row cache.

// maxCachedRowBytes bounds the encoded rows of a result that carries a read
// generation: Python keeps such results (up to 16,384 of them), so a large
// row (a long text, a blob, a wide vector) is not offered to its cache.
const maxCachedRowBytes = 2048

// columnCode is the code of an Arrow type, or "" when the encoding has none.
func columnCode(t arrow.DataType) string {
	switch t.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64, arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64:
		return "i"
	case arrow.FLOAT32, arrow.FLOAT64:
		return "f"
	case arrow.STRING, arrow.LARGE_STRING:
		return "s"
	case arrow.BOOL:
		return "b"
	case arrow.BINARY, arrow.LARGE_BINARY:
		return "y"
	case arrow.DECIMAL128:
		return "d"
	case arrow.DATE32:
		return "D"
	case arrow.TIMESTAMP:
		if t.(*arrow.TimestampType).TimeZone != "" {
			return "T"
		}
		return "t"
	case arrow.FIXED_SIZE_LIST:
		if t.(*arrow.FixedSizeListType).Elem().ID() == arrow.FLOAT32 {
			return "v"
		}
	case arrow.NULL:
		return "n"
	}
	return ""
}

// AppendCompact appends the compact encoding of r to b.
func (r *Result) AppendCompact(b []byte) ([]byte, error) {
	b = marshalTupleHeader(b, 5)
	// The columns tuple goes inside a bytes value: Python keeps the tuples
	// it decoded by these bytes, so a statement run again costs one bytes
	// object rather than a tuple and three strings per column.
	b, convert, err := appendColumns(b, r.Names, r.Types)
	if err != nil {
		return nil, err
	}
	b = marshalInt(b, r.RowsAffected)
	n := len(r.rows) + r.nEnc
	if r.table != nil {
		n += int(r.table.NumRows())
	}
	b = marshalListHeader(b, n)
	for _, vals := range r.rows {
		b = marshalTupleHeader(b, len(vals))
		for j, v := range vals {
			b = appendGoValue(b, v, r.Types[j])
		}
	}
	if r.enc != nil {
		b = append(b, *r.enc...)
	}
	if r.table != nil {
		for _, rb := range r.table.Batches() {
			cols := rb.Columns()
			for i := 0; i < int(rb.NumRows()); i++ {
				b = marshalTupleHeader(b, len(cols))
				for _, c := range cols {
					b = appendArrowValue(b, c, i)
				}
			}
		}
	}
	b = marshalBool(b, convert)
	gen := int64(-1)
	if r.genOK && r.gen <= math.MaxInt64 && (r.enc == nil || len(*r.enc) <= maxCachedRowBytes) {
		gen = int64(r.gen)
	}
	return marshalInt(b, gen), nil
}

// appendColumns appends the columns item of the compact encoding (a bytes
// value holding the columns tuple) and reports whether a column's values
// need converting in Python.
func appendColumns(b []byte, names []string, types []arrow.DataType) (_ []byte, convert bool, err error) {
	b = append(b, marshalCodeBytes, 0, 0, 0, 0)
	cols := len(b)
	b = marshalTupleHeader(b, len(types))
	for i, t := range types {
		code := columnCode(t)
		convert = convert || strings.Contains("dDtTv", code)
		if code == "" {
			return nil, false, core.Errorf(core.KindNotSupported,
				"column %q is of type %s, which execute() cannot return; read it with db.sql()", names[i], core.DTypeName(t)).
				With("column", names[i])
		}
		b = marshalTupleHeader(b, 3)
		b = marshalString(b, names[i])
		b = marshalString(b, code)
		b = marshalString(b, core.DTypeName(t))
	}
	binary.LittleEndian.PutUint32(b[cols-4:], uint32(len(b)-cols))
	return b, convert, nil
}

// appendGoValue encodes a value of storage's Get (see storage.datumToGo)
// of a column of type t.
func appendGoValue(b []byte, v any, t arrow.DataType) []byte {
	switch x := v.(type) {
	case nil:
		return marshalNone(b)
	case int64:
		return marshalInt(b, x)
	case uint64:
		return marshalUint(b, x)
	case float64:
		return marshalFloat(b, x)
	case string:
		return marshalString(b, x)
	case bool:
		return marshalBool(b, x)
	case []byte:
		return marshalBytes(b, x)
	case decimal128.Num:
		if d, ok := t.(*arrow.Decimal128Type); ok {
			return marshalString(b, x.ToString(d.Scale))
		}
	case int32:
		return marshalInt(b, int64(x))
	case time.Time:
		return marshalInt(b, x.UnixMicro())
	case []float32:
		return marshalFloat32s(b, x)
	}
	return marshalNone(b)
}

// appendStoredValue encodes visible column i of a stored row, a column of
// type t, as appendGoValue encodes the Go value storage makes of it.
func appendStoredValue(b []byte, row storage.Row, i int, t arrow.DataType) []byte {
	if row.Null(i) {
		return marshalNone(b)
	}
	switch t.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64, arrow.DATE32, arrow.TIMESTAMP:
		return marshalInt(b, row.Int(i))
	case arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64:
		return marshalUint(b, row.Uint(i))
	case arrow.FLOAT32, arrow.FLOAT64:
		return marshalFloat(b, row.Float(i))
	case arrow.STRING:
		v := row.Bytes(i) // read during this call only: no copy
		return marshalString(b, unsafe.String(unsafe.SliceData(v), len(v)))
	case arrow.BINARY:
		return marshalBytes(b, row.Bytes(i))
	case arrow.BOOL:
		return marshalBool(b, row.Int(i) != 0)
	case arrow.DECIMAL128:
		return marshalString(b, row.Decimal(i).ToString(t.(*arrow.Decimal128Type).Scale))
	case arrow.FIXED_SIZE_LIST: // a vector: its little-endian float32s as stored
		return marshalBytes(b, row.Bytes(i)[:4*t.(*arrow.FixedSizeListType).Len()])
	}
	return marshalNone(b)
}

// appendArrowValue encodes row i of column c.
func appendArrowValue(b []byte, c arrow.Array, i int) []byte {
	if c.IsNull(i) {
		return marshalNone(b)
	}
	switch a := c.(type) {
	case *array.Int8:
		return marshalInt(b, int64(a.Value(i)))
	case *array.Int16:
		return marshalInt(b, int64(a.Value(i)))
	case *array.Int32:
		return marshalInt(b, int64(a.Value(i)))
	case *array.Int64:
		return marshalInt(b, a.Value(i))
	case *array.Uint8:
		return marshalInt(b, int64(a.Value(i)))
	case *array.Uint16:
		return marshalInt(b, int64(a.Value(i)))
	case *array.Uint32:
		return marshalInt(b, int64(a.Value(i)))
	case *array.Uint64:
		return marshalUint(b, a.Value(i))
	case *array.Float32:
		return marshalFloat(b, float64(a.Value(i)))
	case *array.Float64:
		return marshalFloat(b, a.Value(i))
	case *array.String:
		return marshalString(b, a.Value(i))
	case *array.LargeString:
		return marshalString(b, a.Value(i))
	case *array.Boolean:
		return marshalBool(b, a.Value(i))
	case *array.Binary:
		return marshalBytes(b, a.Value(i))
	case *array.LargeBinary:
		return marshalBytes(b, a.Value(i))
	case *array.Decimal128:
		scale := a.DataType().(*arrow.Decimal128Type).Scale
		return marshalString(b, a.Value(i).ToString(scale))
	case *array.Date32:
		return marshalInt(b, int64(a.Value(i)))
	case *array.Timestamp:
		unit := a.DataType().(*arrow.TimestampType).Unit
		return marshalInt(b, toMicros(int64(a.Value(i)), unit))
	case *array.FixedSizeList:
		vals := a.ListValues().(*array.Float32)
		n := int(a.DataType().(*arrow.FixedSizeListType).Len())
		start := (a.Offset() + i) * n
		return marshalFloat32s(b, vals.Float32Values()[start:start+n])
	}
	return marshalNone(b)
}

func toMicros(v int64, unit arrow.TimeUnit) int64 {
	switch unit {
	case arrow.Second:
		return v * 1_000_000
	case arrow.Millisecond:
		return v * 1000
	case arrow.Nanosecond:
		if v < 0 && v%1000 != 0 {
			return v/1000 - 1 // floor, as Python's datetime truncates toward the past
		}
		return v / 1000
	}
	return v
}
