package core

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
)

// DTypeName renders an Arrow type with the Polars-style name alopex shows to
// users (in schemas, explain output and error messages).
func DTypeName(t arrow.DataType) string {
	switch t := t.(type) {
	case *arrow.NullType:
		return "Null"
	case *arrow.BooleanType:
		return "Boolean"
	case *arrow.Int8Type:
		return "Int8"
	case *arrow.Int16Type:
		return "Int16"
	case *arrow.Int32Type:
		return "Int32"
	case *arrow.Int64Type:
		return "Int64"
	case *arrow.Uint8Type:
		return "UInt8"
	case *arrow.Uint16Type:
		return "UInt16"
	case *arrow.Uint32Type:
		return "UInt32"
	case *arrow.Uint64Type:
		return "UInt64"
	case *arrow.Float16Type:
		return "Float16"
	case *arrow.Float32Type:
		return "Float32"
	case *arrow.Float64Type:
		return "Float64"
	case *arrow.StringType, *arrow.LargeStringType, *arrow.StringViewType:
		return "String"
	case *arrow.BinaryType, *arrow.LargeBinaryType, *arrow.BinaryViewType:
		return "Binary"
	case *arrow.Date32Type, *arrow.Date64Type:
		return "Date"
	case *arrow.TimestampType:
		if t.TimeZone != "" {
			return fmt.Sprintf("Datetime(time_unit='%s', time_zone='%s')", t.Unit, t.TimeZone)
		}
		return fmt.Sprintf("Datetime(time_unit='%s')", t.Unit)
	case *arrow.DurationType:
		return fmt.Sprintf("Duration(time_unit='%s')", t.Unit)
	case *arrow.Decimal128Type:
		return fmt.Sprintf("Decimal(precision=%d, scale=%d)", t.Precision, t.Scale)
	case *arrow.FixedSizeListType:
		return fmt.Sprintf("Array(%s, shape=%d)", DTypeName(t.Elem()), t.Len())
	case *arrow.ListType:
		return fmt.Sprintf("List(%s)", DTypeName(t.Elem()))
	case *arrow.LargeListType:
		return fmt.Sprintf("List(%s)", DTypeName(t.Elem()))
	case *arrow.StructType:
		return "Struct"
	case *arrow.DictionaryType:
		if IsString(t.ValueType) {
			return "Categorical"
		}
		return fmt.Sprintf("Dictionary(%s)", DTypeName(t.ValueType))
	}
	return t.String()
}

// ParseDType parses a Polars-style type name: the names DTypeName produces
// ("Int64", "Datetime(time_unit='ns', time_zone='UTC')",
// "Decimal(precision=10, scale=2)", ...) and the short spellings the Python
// package accepts ("Utf8", "Datetime(ns)", "Decimal(10, 2)"). Parameters may
// be given by position or by keyword; a time unit defaults to microseconds.
func ParseDType(s string) (arrow.DataType, error) {
	s = strings.TrimSpace(s)
	switch s {
	case "Null":
		return arrow.Null, nil
	case "Boolean":
		return arrow.FixedWidthTypes.Boolean, nil
	case "Int8":
		return arrow.PrimitiveTypes.Int8, nil
	case "Int16":
		return arrow.PrimitiveTypes.Int16, nil
	case "Int32":
		return arrow.PrimitiveTypes.Int32, nil
	case "Int64":
		return arrow.PrimitiveTypes.Int64, nil
	case "UInt8":
		return arrow.PrimitiveTypes.Uint8, nil
	case "UInt16":
		return arrow.PrimitiveTypes.Uint16, nil
	case "UInt32":
		return arrow.PrimitiveTypes.Uint32, nil
	case "UInt64":
		return arrow.PrimitiveTypes.Uint64, nil
	case "Float16":
		return arrow.FixedWidthTypes.Float16, nil
	case "Float32":
		return arrow.PrimitiveTypes.Float32, nil
	case "Float64":
		return arrow.PrimitiveTypes.Float64, nil
	case "String", "Utf8":
		return arrow.BinaryTypes.String, nil
	case "Binary":
		return arrow.BinaryTypes.Binary, nil
	case "Date":
		return arrow.FixedWidthTypes.Date32, nil
	case "Categorical":
		return Categorical, nil
	}
	unknown := Errorf(KindInvalidInput, "unknown data type %q", s)
	if inner, ok := cutCall(s, "Datetime"); ok {
		args, ok := callArgs(inner, "time_unit", "time_zone")
		unit, unitOK := parseUnit(args["time_unit"])
		if !ok || !unitOK {
			return nil, unknown
		}
		return &arrow.TimestampType{Unit: unit, TimeZone: args["time_zone"]}, nil
	}
	if inner, ok := cutCall(s, "Duration"); ok {
		args, ok := callArgs(inner, "time_unit")
		unit, unitOK := parseUnit(args["time_unit"])
		if !ok || !unitOK {
			return nil, unknown
		}
		return &arrow.DurationType{Unit: unit}, nil
	}
	if inner, ok := cutCall(s, "Decimal"); ok {
		args, ok := callArgs(inner, "precision", "scale")
		p, err1 := strconv.Atoi(args["precision"])
		sc, err2 := strconv.Atoi(args["scale"])
		if ok && err1 == nil && err2 == nil {
			return &arrow.Decimal128Type{Precision: int32(p), Scale: int32(sc)}, nil
		}
	}
	if inner, ok := cutCall(s, "Array"); ok {
		// Array(Float32, shape=384) or Array(Float32, 384): a fixed-size list,
		// the vector column type. Only one dimension is supported.
		if i := strings.LastIndex(inner, ","); i > 0 {
			elem, err := ParseDType(inner[:i])
			size := strings.TrimSpace(inner[i+1:])
			size = strings.TrimPrefix(strings.TrimPrefix(size, "shape="), "width=")
			size = strings.Trim(size, "()")
			size = strings.TrimSuffix(size, ",")
			n, err2 := strconv.Atoi(strings.TrimSpace(size))
			if err == nil && err2 == nil && n > 0 {
				return arrow.FixedSizeListOf(int32(n), elem), nil
			}
		}
	}
	return nil, unknown
}

func cutCall(s, name string) (string, bool) {
	if s == name {
		return "", true
	}
	if strings.HasPrefix(s, name+"(") && strings.HasSuffix(s, ")") {
		return s[len(name)+1 : len(s)-1], true
	}
	return "", false
}

// callArgs splits the arguments of a type's parameter list, given by position
// (in the order of names) or as name=value, into unquoted values by name. It
// reports false for more arguments than names or an unknown name.
func callArgs(inner string, names ...string) (map[string]string, bool) {
	args := map[string]string{}
	if strings.TrimSpace(inner) == "" {
		return args, true
	}
	parts := strings.Split(inner, ",")
	if len(parts) > len(names) {
		return nil, false
	}
	for i, part := range parts {
		name := names[i]
		if k, v, ok := strings.Cut(part, "="); ok {
			name = strings.TrimSpace(k)
			if !slices.Contains(names, name) {
				return nil, false
			}
			part = v
		}
		args[name] = strings.Trim(strings.TrimSpace(part), `'"`)
	}
	return args, true
}

// parseUnit reads a time unit; empty means microseconds, Polars' default.
func parseUnit(s string) (arrow.TimeUnit, bool) {
	switch s {
	case "ns":
		return arrow.Nanosecond, true
	case "us", "":
		return arrow.Microsecond, true
	case "ms":
		return arrow.Millisecond, true
	case "s":
		return arrow.Second, true
	}
	return 0, false
}

// Categorical is the type of a dictionary-encoded string column, Polars'
// Categorical: int32 codes into a dictionary of distinct UTF-8 values.
// Columns imported with other index widths or string layouts are converted
// to it once, on import. Batches of one column may still carry different
// dictionaries (frames concatenated, strings cast batch by batch): a code
// means something only beside its own dictionary, so every operator that
// compares values across batches goes through the values (see
// kernels.DictDecode), never through the codes of two dictionaries.
var Categorical arrow.DataType = &arrow.DictionaryType{
	IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}

// IsCategorical reports whether t is a dictionary of strings, whatever its
// index type (as imported) or ordering flag.
func IsCategorical(t arrow.DataType) bool {
	d, ok := t.(*arrow.DictionaryType)
	return ok && IsString(d.ValueType)
}

// IsInteger reports whether t is a signed or unsigned integer type.
func IsInteger(t arrow.DataType) bool { return IsSigned(t) || IsUnsigned(t) }

// IsSigned reports whether t is a signed integer type.
func IsSigned(t arrow.DataType) bool {
	switch t.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64:
		return true
	}
	return false
}

// IsUnsigned reports whether t is an unsigned integer type.
func IsUnsigned(t arrow.DataType) bool {
	switch t.ID() {
	case arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64:
		return true
	}
	return false
}

// IsFloat reports whether t is a floating point type.
func IsFloat(t arrow.DataType) bool {
	return t.ID() == arrow.FLOAT32 || t.ID() == arrow.FLOAT64
}

// IsNumeric reports whether t is an integer or floating point type.
func IsNumeric(t arrow.DataType) bool { return IsInteger(t) || IsFloat(t) }

// Comparable reports whether values of type t compare with < and > across
// batches by value: numbers, strings, booleans, dates, datetimes and
// durations.
func Comparable(t arrow.DataType) bool {
	return IsNumeric(t) || IsString(t) || t.ID() == arrow.BOOL ||
		t.ID() == arrow.DATE32 || t.ID() == arrow.TIMESTAMP || t.ID() == arrow.DURATION
}

// Sortable reports whether a column of type t can be sorted (or ranked):
// the comparable types, and categoricals, nulls, Date64, times and decimals.
func Sortable(t arrow.DataType) bool {
	return Comparable(t) || IsCategorical(t) || t.ID() == arrow.NULL || t.ID() == arrow.DATE64 ||
		t.ID() == arrow.TIME32 || t.ID() == arrow.TIME64 || t.ID() == arrow.DECIMAL128
}

// IsString reports whether t is one of Arrow's UTF-8 string layouts.
func IsString(t arrow.DataType) bool {
	switch t.ID() {
	case arrow.STRING, arrow.LARGE_STRING, arrow.STRING_VIEW:
		return true
	}
	return false
}

func bitWidth(t arrow.DataType) int {
	if fw, ok := t.(arrow.FixedWidthDataType); ok {
		return fw.BitWidth()
	}
	return 0
}

func signedOfWidth(bits int) arrow.DataType {
	switch {
	case bits <= 8:
		return arrow.PrimitiveTypes.Int8
	case bits <= 16:
		return arrow.PrimitiveTypes.Int16
	case bits <= 32:
		return arrow.PrimitiveTypes.Int32
	}
	return arrow.PrimitiveTypes.Int64
}

// Supertype returns the type both a and b are cast to before a binary
// operation, following Polars' rules, and false when there is none.
//
//   - equal types: that type (all string layouts are String);
//   - Categorical with Categorical (any index width): Categorical; with
//     String: String (they meet on the values);
//   - Null with anything: the other type;
//   - two signed or two unsigned integers: the wider;
//   - signed with unsigned: the next signed type wide enough for both
//     (Int64 with UInt64 gives Float64, as in Polars);
//   - an integer with a float: Float32 when the float is Float32 and the
//     integer has at most 16 bits, else Float64;
//   - Boolean with a number: the number's type.
func Supertype(a, b arrow.DataType) (arrow.DataType, bool) {
	if arrow.TypeEqual(a, b) {
		return a, true
	}
	if a.ID() == arrow.NULL {
		return b, true
	}
	if b.ID() == arrow.NULL {
		return a, true
	}
	if IsString(a) && IsString(b) {
		return arrow.BinaryTypes.String, true
	}
	switch {
	case IsCategorical(a) && IsCategorical(b):
		return Categorical, true
	case IsCategorical(a) && IsString(b), IsString(a) && IsCategorical(b):
		// Categorical beside String meets on the values (Polars compares a
		// categorical with a string by its values).
		return arrow.BinaryTypes.String, true
	}
	switch {
	case IsFloat(a) && IsFloat(b):
		return arrow.PrimitiveTypes.Float64, true
	case IsFloat(a) && IsInteger(b):
		return floatWithInt(a, b), true
	case IsInteger(a) && IsFloat(b):
		return floatWithInt(b, a), true
	case IsSigned(a) && IsSigned(b), IsUnsigned(a) && IsUnsigned(b):
		if bitWidth(a) >= bitWidth(b) {
			return a, true
		}
		return b, true
	case IsSigned(a) && IsUnsigned(b):
		return mixedSign(a, b), true
	case IsUnsigned(a) && IsSigned(b):
		return mixedSign(b, a), true
	case a.ID() == arrow.DATE32 && b.ID() == arrow.TIMESTAMP:
		return b, true
	case a.ID() == arrow.TIMESTAMP && b.ID() == arrow.DATE32:
		return a, true
	case a.ID() == arrow.TIMESTAMP && b.ID() == arrow.TIMESTAMP && a.(*arrow.TimestampType).TimeZone == b.(*arrow.TimestampType).TimeZone,
		a.ID() == arrow.DURATION && b.ID() == arrow.DURATION:
		// The finer unit; datetimes only within one time zone.
		ua, ub := unitOf(a), unitOf(b)
		if ua >= ub {
			return a, true
		}
		return b, true
	case a.ID() == arrow.BOOL && IsNumeric(b):
		return b, true
	case b.ID() == arrow.BOOL && IsNumeric(a):
		return a, true
	}
	return nil, false
}

func floatWithInt(f, i arrow.DataType) arrow.DataType {
	if f.ID() == arrow.FLOAT32 && bitWidth(i) <= 16 {
		return f
	}
	return arrow.PrimitiveTypes.Float64
}

func mixedSign(s, u arrow.DataType) arrow.DataType {
	need := max(bitWidth(s), 2*bitWidth(u))
	if need > 64 {
		return arrow.PrimitiveTypes.Float64
	}
	return signedOfWidth(need)
}

func unitOf(t arrow.DataType) arrow.TimeUnit {
	switch t := t.(type) {
	case *arrow.TimestampType:
		return t.Unit
	case *arrow.DurationType:
		return t.Unit
	}
	return arrow.Second
}
