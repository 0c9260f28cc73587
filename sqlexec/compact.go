package sqlexec

import (
	"encoding/base64"
	"encoding/json"
	"math"
	"strconv"
	"time"

	"github.com/alopexdb/alopex/core"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
)

// The compact encoding of a small result, read by Python without pyarrow
// (python/alopex/database.py, _decode_result): one JSON document
//
//	{"columns": [[name, code, dtype], …], "rowcount": n, "rows": [[v, …], …]}
//
// json.loads reads it in C, so a row costs Python no per-value work beyond
// what the column's code asks for: "i" integers, "f" floats (NaN, Infinity
// and -Infinity as json.loads reads them), "s" text, "b" booleans, "y"
// bytes (base64), "d" decimals (their text), "D" dates (days since the
// epoch), "t" timestamps (microseconds since the epoch, "T" with a time
// zone: the instant), "v" vectors (lists of floats), "n" all null.
// dtype is the column's alopex data type name, for cursor.description.

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
	codes := make([]string, len(r.Types))
	b = append(b, `{"columns":[`...)
	for i, t := range r.Types {
		codes[i] = columnCode(t)
		if codes[i] == "" {
			return nil, core.Errorf(core.KindNotSupported,
				"column %q is of type %s, which execute() cannot return; read it with db.sql()", r.Names[i], core.DTypeName(t)).
				With("column", r.Names[i])
		}
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '[')
		b = appendJSONString(b, r.Names[i])
		b = append(b, `,"`...)
		b = append(b, codes[i]...)
		b = append(b, `",`...)
		b = appendJSONString(b, core.DTypeName(t))
		b = append(b, ']')
	}
	b = append(b, `],"rowcount":`...)
	b = strconv.AppendInt(b, r.RowsAffected, 10)
	b = append(b, `,"rows":[`...)
	first := true
	row := func() {
		if !first {
			b = append(b, ',')
		}
		first = false
	}
	for _, vals := range r.rows {
		row()
		b = append(b, '[')
		for j, v := range vals {
			if j > 0 {
				b = append(b, ',')
			}
			b = appendGoValue(b, v, r.Types[j])
		}
		b = append(b, ']')
	}
	if r.table != nil {
		for _, rb := range r.table.Batches() {
			for i := 0; i < int(rb.NumRows()); i++ {
				row()
				b = append(b, '[')
				for j, c := range rb.Columns() {
					if j > 0 {
						b = append(b, ',')
					}
					b = appendArrowValue(b, c, i)
				}
				b = append(b, ']')
			}
		}
	}
	return append(b, "]}"...), nil
}

// appendJSONString appends s quoted as a JSON string. Printable ASCII is
// copied as it is; text with anything else goes through encoding/json
// (which makes invalid UTF-8 U+FFFD).
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			q, _ := json.Marshal(s)
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

func appendFloat(b []byte, f float64, bits int) []byte {
	switch {
	case math.IsNaN(f):
		return append(b, "NaN"...)
	case math.IsInf(f, 1):
		return append(b, "Infinity"...)
	case math.IsInf(f, -1):
		return append(b, "-Infinity"...)
	}
	n := len(b)
	b = strconv.AppendFloat(b, f, 'g', -1, bits)
	for _, c := range b[n:] {
		if c == '.' || c == 'e' {
			return b
		}
	}
	return append(b, ".0"...) // json.loads reads 3 as an int
}

// appendGoValue encodes a value of storage's Get (see storage.datumToGo)
// of a column of type t.
func appendGoValue(b []byte, v any, t arrow.DataType) []byte {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...)
	case int64:
		return strconv.AppendInt(b, x, 10)
	case uint64:
		return strconv.AppendUint(b, x, 10)
	case float64:
		return appendFloat(b, x, 64)
	case string:
		return appendJSONString(b, x)
	case bool:
		return strconv.AppendBool(b, x)
	case []byte:
		b = append(b, '"')
		b = base64.StdEncoding.AppendEncode(b, x)
		return append(b, '"')
	case decimal128.Num:
		if d, ok := t.(*arrow.Decimal128Type); ok {
			return appendJSONString(b, x.ToString(d.Scale))
		}
	case int32:
		return strconv.AppendInt(b, int64(x), 10)
	case time.Time:
		return strconv.AppendInt(b, x.UnixMicro(), 10)
	case []float32:
		b = append(b, '[')
		for i, f := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendFloat(b, float64(f), 64)
		}
		return append(b, ']')
	}
	return append(b, "null"...)
}

// appendArrowValue encodes row i of column c.
func appendArrowValue(b []byte, c arrow.Array, i int) []byte {
	if c.IsNull(i) {
		return append(b, "null"...)
	}
	switch a := c.(type) {
	case *array.Int8:
		return strconv.AppendInt(b, int64(a.Value(i)), 10)
	case *array.Int16:
		return strconv.AppendInt(b, int64(a.Value(i)), 10)
	case *array.Int32:
		return strconv.AppendInt(b, int64(a.Value(i)), 10)
	case *array.Int64:
		return strconv.AppendInt(b, a.Value(i), 10)
	case *array.Uint8:
		return strconv.AppendUint(b, uint64(a.Value(i)), 10)
	case *array.Uint16:
		return strconv.AppendUint(b, uint64(a.Value(i)), 10)
	case *array.Uint32:
		return strconv.AppendUint(b, uint64(a.Value(i)), 10)
	case *array.Uint64:
		return strconv.AppendUint(b, a.Value(i), 10)
	case *array.Float32:
		return appendFloat(b, float64(a.Value(i)), 64)
	case *array.Float64:
		return appendFloat(b, a.Value(i), 64)
	case *array.String:
		return appendJSONString(b, a.Value(i))
	case *array.LargeString:
		return appendJSONString(b, a.Value(i))
	case *array.Boolean:
		return strconv.AppendBool(b, a.Value(i))
	case *array.Binary:
		return appendGoValue(b, a.Value(i), a.DataType())
	case *array.LargeBinary:
		return appendGoValue(b, a.Value(i), a.DataType())
	case *array.Decimal128:
		scale := a.DataType().(*arrow.Decimal128Type).Scale
		return appendJSONString(b, a.Value(i).ToString(scale))
	case *array.Date32:
		return strconv.AppendInt(b, int64(a.Value(i)), 10)
	case *array.Timestamp:
		unit := a.DataType().(*arrow.TimestampType).Unit
		return strconv.AppendInt(b, toMicros(int64(a.Value(i)), unit), 10)
	case *array.FixedSizeList:
		vals := a.ListValues().(*array.Float32)
		n := int(a.DataType().(*arrow.FixedSizeListType).Len())
		start := (a.Offset() + i) * n
		b = append(b, '[')
		for k := 0; k < n; k++ {
			if k > 0 {
				b = append(b, ',')
			}
			b = appendFloat(b, float64(vals.Value(start+k)), 64)
		}
		return append(b, ']')
	}
	return append(b, "null"...)
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
