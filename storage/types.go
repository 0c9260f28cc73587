package storage

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/alopexdb/alopex/core"
)

// kind is the storage class of a column type: what the key and row codecs
// switch on in their loops instead of on arrow.DataType.
type kind uint8

const (
	kInt kind = iota + 1 // Int8..Int64
	kUint
	kFloat32
	kFloat64
	kDecimal
	kString
	kBinary
	kBool
	kDate      // Date32: days since the epoch
	kTimestamp // Timestamp(us)
	kVector    // FixedSizeList<float32>(d)
)

// colType is a column type resolved once: its Arrow type, storage class and,
// for integers, the range a value must fit in.
type colType struct {
	arrow    arrow.DataType
	kind     kind
	bits     int   // integer width
	dim      int   // vector dimension
	prec     int32 // decimal precision
	scale    int32 // decimal scale
	min, max int64 // signed range
	umax     uint64
}

// resolveType checks that t is a type a stored column may have.
func resolveType(t arrow.DataType) (colType, error) {
	ct := colType{arrow: t}
	switch t.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64:
		ct.kind = kInt
		ct.bits = t.(arrow.FixedWidthDataType).BitWidth()
		ct.max = int64(1)<<(ct.bits-1) - 1
		ct.min = -ct.max - 1
	case arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64:
		ct.kind = kUint
		ct.bits = t.(arrow.FixedWidthDataType).BitWidth()
		ct.umax = ^uint64(0) >> (64 - ct.bits)
	case arrow.FLOAT32:
		ct.kind = kFloat32
	case arrow.FLOAT64:
		ct.kind = kFloat64
	case arrow.DECIMAL128:
		d := t.(*arrow.Decimal128Type)
		ct.kind, ct.prec, ct.scale = kDecimal, d.Precision, d.Scale
	case arrow.STRING:
		ct.kind = kString
	case arrow.BINARY:
		ct.kind = kBinary
	case arrow.BOOL:
		ct.kind = kBool
	case arrow.DATE32:
		ct.kind = kDate
	case arrow.TIMESTAMP:
		if t.(*arrow.TimestampType).Unit != arrow.Microsecond {
			return ct, core.Errorf(core.KindNotSupported, "stored timestamps are in microseconds; got %s (cast the column to timestamp[us])", t)
		}
		ct.kind = kTimestamp
	case arrow.FIXED_SIZE_LIST:
		l := t.(*arrow.FixedSizeListType)
		if l.Elem().ID() != arrow.FLOAT32 {
			return ct, core.Errorf(core.KindNotSupported, "a stored vector holds float32 values; got %s", t)
		}
		ct.kind, ct.dim = kVector, int(l.Len())
	default:
		return ct, core.Errorf(core.KindNotSupported, "type %s cannot be stored; use an integer, float, decimal, string, binary, boolean, date, timestamp[us] or vector type", t)
	}
	return ct, nil
}

// keyable reports whether values of the type can be part of a primary key
// or an index.
func (c colType) keyable() bool { return c.kind != kVector }

// typeName is the catalog's spelling of a column type; parseTypeName reads it
// back.
func typeName(t arrow.DataType) string {
	switch tt := t.(type) {
	case *arrow.Decimal128Type:
		return fmt.Sprintf("decimal(%d,%d)", tt.Precision, tt.Scale)
	case *arrow.FixedSizeListType:
		return fmt.Sprintf("vector(%d)", tt.Len())
	case *arrow.TimestampType:
		if tt.TimeZone != "" {
			return "timestamp_us[" + tt.TimeZone + "]"
		}
		return "timestamp_us"
	}
	return t.Name()
}

func parseTypeName(s string) (arrow.DataType, error) {
	simple := map[string]arrow.DataType{
		"int8": arrow.PrimitiveTypes.Int8, "int16": arrow.PrimitiveTypes.Int16,
		"int32": arrow.PrimitiveTypes.Int32, "int64": arrow.PrimitiveTypes.Int64,
		"uint8": arrow.PrimitiveTypes.Uint8, "uint16": arrow.PrimitiveTypes.Uint16,
		"uint32": arrow.PrimitiveTypes.Uint32, "uint64": arrow.PrimitiveTypes.Uint64,
		"float32": arrow.PrimitiveTypes.Float32, "float64": arrow.PrimitiveTypes.Float64,
		"utf8": arrow.BinaryTypes.String, "binary": arrow.BinaryTypes.Binary,
		"bool": arrow.FixedWidthTypes.Boolean, "date32": arrow.FixedWidthTypes.Date32,
		"timestamp_us": &arrow.TimestampType{Unit: arrow.Microsecond},
	}
	if t, ok := simple[s]; ok {
		return t, nil
	}
	if args, ok := strings.CutPrefix(s, "decimal("); ok {
		p, sc, ok := strings.Cut(strings.TrimSuffix(args, ")"), ",")
		pi, err1 := strconv.Atoi(p)
		si, err2 := strconv.Atoi(sc)
		if ok && err1 == nil && err2 == nil {
			return &arrow.Decimal128Type{Precision: int32(pi), Scale: int32(si)}, nil
		}
	}
	if tz, ok := strings.CutPrefix(s, "timestamp_us["); ok {
		return &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: strings.TrimSuffix(tz, "]")}, nil
	}
	if args, ok := strings.CutPrefix(s, "vector("); ok {
		if d, err := strconv.Atoi(strings.TrimSuffix(args, ")")); err == nil && d > 0 {
			return arrow.FixedSizeListOf(int32(d), arrow.PrimitiveTypes.Float32), nil
		}
	}
	return nil, core.Errorf(core.KindInternal, "catalog: unknown column type %q", s)
}

// VectorType is the Arrow type of a VECTOR(dim) column.
func VectorType(dim int) arrow.DataType {
	return arrow.FixedSizeListOf(int32(dim), arrow.PrimitiveTypes.Float32)
}
