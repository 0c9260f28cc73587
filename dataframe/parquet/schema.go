package parquet

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/parquet-go/parquet-go/deprecated"
	"github.com/parquet-go/parquet-go/format"
)

// parquetDecoding names how the values of one Parquet physical type are turned
// into the buffers of one Arrow type. It is chosen once per column, from the
// file schema, so that the page loops never look at types.
type parquetDecoding uint8

const (
	decodeUnsupported    parquetDecoding = iota
	decodeCopy4                          // INT32 or FLOAT → any 4-byte Arrow type, bit for bit
	decodeCopy8                          // INT64 or DOUBLE → any 8-byte Arrow type, bit for bit
	decodeInt32To8                       // INT32 → Int8 / Uint8 (truncating, as the annotation allows)
	decodeInt32To16                      // INT32 → Int16 / Uint16
	decodeInt32ToDecimal                 // INT32 unscaled → Decimal128
	decodeInt64ToDecimal                 // INT64 unscaled → Decimal128
	decodeFixedToDecimal                 // FIXED_LEN_BYTE_ARRAY big-endian two's complement → Decimal128
	decodeBytesToDecimal                 // BYTE_ARRAY big-endian two's complement → Decimal128
	decodeInt96                          // INT96 (legacy Impala/Spark timestamps) → Timestamp(ns)
	decodeBoolean                        // BOOLEAN → Boolean bitmap
	decodeByteArray                      // BYTE_ARRAY → String / Binary (int32 offsets)
	decodeFixed                          // FIXED_LEN_BYTE_ARRAY → FixedSizeBinary / Float16
	decodeNull                           // logical type NULL → Null
)

// parquetColumn describes one top-level field of a Parquet file: the Arrow
// field that Schema reports and, for flat columns, how to read it.
type parquetColumn struct {
	field    arrow.Field
	leaf     int // index of the leaf column inside each row group; -1 for groups
	physical format.Type
	typeLen  int  // byte length of FIXED_LEN_BYTE_ARRAY values
	maxDef   byte // 1 for OPTIONAL columns, 0 for REQUIRED ones
	decoding parquetDecoding
	// unsupported says why the column cannot be read, "" when it can.
	unsupported string
}

// UnsupportedParquetColumnKey is the Arrow field metadata key that
// (*File).Schema sets on columns it cannot read (nested groups, lists,
// maps, repeated fields and physical/logical type pairs without an Arrow
// mapping). Such a field has type arrow.Null as a placeholder and the value of
// this key says why; reading it fails with core.KindNotSupported.
const UnsupportedParquetColumnKey = "alopex.parquet.unsupported"

// parquetColumns maps the top-level fields of a Parquet schema (the flattened,
// depth-first list of the footer) onto Arrow fields. Nested fields are kept as
// placeholders so that field indices match the file's top-level fields.
func parquetColumns(elements []format.SchemaElement) ([]parquetColumn, error) {
	if len(elements) == 0 {
		return nil, fmt.Errorf("the schema has no root element")
	}
	root := elements[0]
	next := 1
	leaf := 0
	var cols []parquetColumn
	for c := 0; c < int(root.NumChildren.V); c++ {
		if next >= len(elements) {
			return nil, fmt.Errorf("the schema declares more fields than it lists")
		}
		el := &elements[next]
		if el.Type.Valid && !(el.NumChildren.Valid && el.NumChildren.V > 0) {
			col := primitiveColumn(el)
			col.leaf = leaf
			cols = append(cols, col)
			next++
			leaf++
			continue
		}
		// A group: skip its subtree, counting the leaves it holds.
		end, leaves, err := skipSubtree(elements, next, 0)
		if err != nil {
			return nil, err
		}
		why := "nested group"
		if el.ConvertedType.Valid && el.ConvertedType.V == deprecated.List || isLogical[*format.ListType](el) {
			why = "list"
		} else if el.ConvertedType.Valid && (el.ConvertedType.V == deprecated.Map || el.ConvertedType.V == deprecated.MapKeyValue) || isLogical[*format.MapType](el) {
			why = "map"
		}
		cols = append(cols, placeholder(el.Name, why))
		next = end
		leaf += leaves
	}
	return cols, nil
}

// skipSubtree returns the index after the subtree rooted at elements[i] and the
// number of leaves in it.
func skipSubtree(elements []format.SchemaElement, i, depth int) (end, leaves int, err error) {
	if depth > 256 {
		return 0, 0, fmt.Errorf("the schema nests deeper than 256 levels")
	}
	if i >= len(elements) {
		return 0, 0, fmt.Errorf("the schema declares more fields than it lists")
	}
	el := &elements[i]
	if !el.NumChildren.Valid || el.NumChildren.V <= 0 {
		if el.Type.Valid {
			return i + 1, 1, nil
		}
		return i + 1, 0, nil
	}
	next := i + 1
	for c := 0; c < int(el.NumChildren.V); c++ {
		var n int
		if next, n, err = skipSubtree(elements, next, depth+1); err != nil {
			return 0, 0, err
		}
		leaves += n
	}
	return next, leaves, nil
}

func isLogical[T format.LogicalTypeValue](el *format.SchemaElement) bool {
	_, ok := el.LogicalType.Value.(T)
	return ok
}

func placeholder(name, why string) parquetColumn {
	return parquetColumn{
		field: arrow.Field{
			Name: name, Type: arrow.Null, Nullable: true,
			Metadata: arrow.NewMetadata([]string{UnsupportedParquetColumnKey}, []string{why}),
		},
		leaf:        -1,
		unsupported: why,
	}
}

// primitiveColumn maps a leaf at the top level of the schema. The logical type
// wins over the deprecated converted type, which is read for files of older
// writers.
func primitiveColumn(el *format.SchemaElement) parquetColumn {
	rep := format.Required
	if el.RepetitionType.Valid {
		rep = el.RepetitionType.V
	}
	if rep == format.Repeated {
		return placeholder(el.Name, "repeated field")
	}
	typ, dec, why := arrowTypeOf(el)
	if dec == decodeUnsupported {
		col := placeholder(el.Name, why)
		col.physical = el.Type.V
		return col
	}
	col := parquetColumn{
		field:    arrow.Field{Name: el.Name, Type: typ, Nullable: rep == format.Optional},
		physical: el.Type.V,
		decoding: dec,
	}
	if el.TypeLength.Valid {
		col.typeLen = int(el.TypeLength.V)
	}
	if rep == format.Optional {
		col.maxDef = 1
	}
	if dec == decodeNull {
		col.field.Nullable = true
	}
	return col
}

// arrowTypeOf returns the Arrow type of a Parquet leaf and how to decode it,
// or decodeUnsupported and the reason.
func arrowTypeOf(el *format.SchemaElement) (arrow.DataType, parquetDecoding, string) {
	phys := el.Type.V
	ct := deprecated.ConvertedType(-1)
	if el.ConvertedType.Valid {
		ct = el.ConvertedType.V
	}
	unsupported := func() (arrow.DataType, parquetDecoding, string) {
		what := phys.String()
		if lt := el.LogicalType.Value; lt != nil {
			what += " " + lt.String()
		} else if ct >= 0 {
			what += fmt.Sprintf(" (converted type %d)", int32(ct))
		}
		return nil, decodeUnsupported, "Parquet type " + what
	}

	// Decimals share one shape whatever the physical type holds them.
	precision, scale, isDecimal := 0, 0, false
	if dt, ok := el.LogicalType.Value.(*format.DecimalType); ok {
		precision, scale, isDecimal = int(dt.Precision), int(dt.Scale), true
	} else if el.LogicalType.Value == nil && ct == deprecated.Decimal {
		precision, scale, isDecimal = int(el.Precision.V), int(el.Scale.V), true
	}
	if isDecimal {
		if precision < 1 || precision > 38 || scale < 0 || scale > precision {
			return unsupported()
		}
		typ := &arrow.Decimal128Type{Precision: int32(precision), Scale: int32(scale)}
		switch phys {
		case format.Int32:
			return typ, decodeInt32ToDecimal, ""
		case format.Int64:
			return typ, decodeInt64ToDecimal, ""
		case format.FixedLenByteArray:
			if n := el.TypeLength.V; n < 1 || n > 16 {
				return unsupported()
			}
			return typ, decodeFixedToDecimal, ""
		case format.ByteArray:
			return typ, decodeBytesToDecimal, ""
		}
		return unsupported()
	}
	if _, ok := el.LogicalType.Value.(*format.NullType); ok {
		return arrow.Null, decodeNull, ""
	}

	switch phys {
	case format.Boolean:
		if el.LogicalType.Value == nil && ct < 0 {
			return arrow.FixedWidthTypes.Boolean, decodeBoolean, ""
		}
	case format.Int32:
		switch lt := el.LogicalType.Value.(type) {
		case nil:
		case *format.IntType:
			switch {
			case lt.BitWidth == 8 && lt.IsSigned:
				return arrow.PrimitiveTypes.Int8, decodeInt32To8, ""
			case lt.BitWidth == 8:
				return arrow.PrimitiveTypes.Uint8, decodeInt32To8, ""
			case lt.BitWidth == 16 && lt.IsSigned:
				return arrow.PrimitiveTypes.Int16, decodeInt32To16, ""
			case lt.BitWidth == 16:
				return arrow.PrimitiveTypes.Uint16, decodeInt32To16, ""
			case lt.BitWidth == 32 && lt.IsSigned:
				return arrow.PrimitiveTypes.Int32, decodeCopy4, ""
			case lt.BitWidth == 32:
				return arrow.PrimitiveTypes.Uint32, decodeCopy4, ""
			}
			return unsupported()
		case *format.DateType:
			return arrow.FixedWidthTypes.Date32, decodeCopy4, ""
		case *format.TimeType:
			if _, ok := lt.Unit.Value.(*format.MilliSeconds); ok {
				return arrow.FixedWidthTypes.Time32ms, decodeCopy4, ""
			}
			return unsupported()
		default:
			return unsupported()
		}
		switch ct {
		case -1, deprecated.Int32:
			return arrow.PrimitiveTypes.Int32, decodeCopy4, ""
		case deprecated.Int8:
			return arrow.PrimitiveTypes.Int8, decodeInt32To8, ""
		case deprecated.Uint8:
			return arrow.PrimitiveTypes.Uint8, decodeInt32To8, ""
		case deprecated.Int16:
			return arrow.PrimitiveTypes.Int16, decodeInt32To16, ""
		case deprecated.Uint16:
			return arrow.PrimitiveTypes.Uint16, decodeInt32To16, ""
		case deprecated.Uint32:
			return arrow.PrimitiveTypes.Uint32, decodeCopy4, ""
		case deprecated.Date:
			return arrow.FixedWidthTypes.Date32, decodeCopy4, ""
		case deprecated.TimeMillis:
			return arrow.FixedWidthTypes.Time32ms, decodeCopy4, ""
		}
	case format.Int64:
		switch lt := el.LogicalType.Value.(type) {
		case nil:
		case *format.IntType:
			switch {
			case lt.BitWidth == 64 && lt.IsSigned:
				return arrow.PrimitiveTypes.Int64, decodeCopy8, ""
			case lt.BitWidth == 64:
				return arrow.PrimitiveTypes.Uint64, decodeCopy8, ""
			}
			return unsupported()
		case *format.TimestampType:
			unit, ok := arrowTimeUnit(lt.Unit)
			if !ok {
				return unsupported()
			}
			tz := ""
			if lt.IsAdjustedToUTC {
				tz = "UTC"
			}
			return &arrow.TimestampType{Unit: unit, TimeZone: tz}, decodeCopy8, ""
		case *format.TimeType:
			switch lt.Unit.Value.(type) {
			case *format.MicroSeconds:
				return arrow.FixedWidthTypes.Time64us, decodeCopy8, ""
			case *format.NanoSeconds:
				return arrow.FixedWidthTypes.Time64ns, decodeCopy8, ""
			}
			return unsupported()
		default:
			return unsupported()
		}
		switch ct {
		case -1, deprecated.Int64:
			return arrow.PrimitiveTypes.Int64, decodeCopy8, ""
		case deprecated.Uint64:
			return arrow.PrimitiveTypes.Uint64, decodeCopy8, ""
		case deprecated.TimestampMillis:
			// The converted types predate isAdjustedToUTC and mean instants.
			return &arrow.TimestampType{Unit: arrow.Millisecond, TimeZone: "UTC"}, decodeCopy8, ""
		case deprecated.TimestampMicros:
			return &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}, decodeCopy8, ""
		case deprecated.TimeMicros:
			return arrow.FixedWidthTypes.Time64us, decodeCopy8, ""
		}
	case format.Int96:
		if el.LogicalType.Value == nil && ct < 0 {
			return &arrow.TimestampType{Unit: arrow.Nanosecond}, decodeInt96, ""
		}
	case format.Float:
		if el.LogicalType.Value == nil && ct < 0 {
			return arrow.PrimitiveTypes.Float32, decodeCopy4, ""
		}
	case format.Double:
		if el.LogicalType.Value == nil && ct < 0 {
			return arrow.PrimitiveTypes.Float64, decodeCopy8, ""
		}
	case format.ByteArray:
		switch el.LogicalType.Value.(type) {
		case *format.StringType, *format.EnumType, *format.JsonType:
			return arrow.BinaryTypes.String, decodeByteArray, ""
		case *format.BsonType:
			return arrow.BinaryTypes.Binary, decodeByteArray, ""
		case nil:
			switch ct {
			case deprecated.UTF8, deprecated.Enum, deprecated.Json:
				return arrow.BinaryTypes.String, decodeByteArray, ""
			case -1, deprecated.Bson:
				return arrow.BinaryTypes.Binary, decodeByteArray, ""
			}
		}
	case format.FixedLenByteArray:
		n := int(el.TypeLength.V)
		if !el.TypeLength.Valid || n < 1 {
			return unsupported()
		}
		switch el.LogicalType.Value.(type) {
		case *format.Float16Type:
			if n == 2 {
				return arrow.FixedWidthTypes.Float16, decodeFixed, ""
			}
		case *format.UUIDType:
			if n == 16 {
				return &arrow.FixedSizeBinaryType{ByteWidth: 16}, decodeFixed, ""
			}
		case nil:
			if ct < 0 {
				return &arrow.FixedSizeBinaryType{ByteWidth: n}, decodeFixed, ""
			}
		}
	}
	return unsupported()
}

func arrowTimeUnit(u format.TimeUnit) (arrow.TimeUnit, bool) {
	switch u.Value.(type) {
	case *format.MilliSeconds:
		return arrow.Millisecond, true
	case *format.MicroSeconds:
		return arrow.Microsecond, true
	case *format.NanoSeconds:
		return arrow.Nanosecond, true
	}
	return 0, false
}

// physicalWidth is the size in bytes of one plain-encoded value of a
// fixed-width physical type (0 for BYTE_ARRAY and BOOLEAN).
func physicalWidth(t format.Type, typeLen int) int {
	switch t {
	case format.Int32, format.Float:
		return 4
	case format.Int64, format.Double:
		return 8
	case format.Int96:
		return 12
	case format.FixedLenByteArray:
		return typeLen
	}
	return 0
}
