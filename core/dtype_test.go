package core_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/alopexdb/alopex/core"
	"github.com/apache/arrow-go/v18/arrow"
)

// The types of the supertype matrix, in the order of its rows and columns.
var matrixTypes = []arrow.DataType{
	arrow.Null,
	arrow.FixedWidthTypes.Boolean,
	arrow.PrimitiveTypes.Int8,
	arrow.PrimitiveTypes.Int16,
	arrow.PrimitiveTypes.Int32,
	arrow.PrimitiveTypes.Int64,
	arrow.PrimitiveTypes.Uint8,
	arrow.PrimitiveTypes.Uint16,
	arrow.PrimitiveTypes.Uint32,
	arrow.PrimitiveTypes.Uint64,
	arrow.PrimitiveTypes.Float32,
	arrow.PrimitiveTypes.Float64,
	arrow.BinaryTypes.String,
}

// supertypeMatrix is Polars' supertype table (polars 2.1, read off
// pl.concat(how="vertical_relaxed") for every pair), with the two deliberate
// differences documented on core.Supertype:
//   - UInt64 with a signed integer gives Float64 (Polars 2.1 gives Int128,
//     which alopex does not have);
//   - String has no supertype with a non-string type ("-"), because alopex
//     uses Supertype for arithmetic and comparison, where Polars refuses
//     String with a number too.
var supertypeMatrix = `
         Null     Boolean  Int8     Int16    Int32    Int64    UInt8    UInt16   UInt32   UInt64   Float32  Float64  String
Null     Null     Boolean  Int8     Int16    Int32    Int64    UInt8    UInt16   UInt32   UInt64   Float32  Float64  String
Boolean  Boolean  Boolean  Int8     Int16    Int32    Int64    UInt8    UInt16   UInt32   UInt64   Float32  Float64  -
Int8     Int8     Int8     Int8     Int16    Int32    Int64    Int16    Int32    Int64    Float64  Float32  Float64  -
Int16    Int16    Int16    Int16    Int16    Int32    Int64    Int16    Int32    Int64    Float64  Float32  Float64  -
Int32    Int32    Int32    Int32    Int32    Int32    Int64    Int32    Int32    Int64    Float64  Float64  Float64  -
Int64    Int64    Int64    Int64    Int64    Int64    Int64    Int64    Int64    Int64    Float64  Float64  Float64  -
UInt8    UInt8    UInt8    Int16    Int16    Int32    Int64    UInt8    UInt16   UInt32   UInt64   Float32  Float64  -
UInt16   UInt16   UInt16   Int32    Int32    Int32    Int64    UInt16   UInt16   UInt32   UInt64   Float32  Float64  -
UInt32   UInt32   UInt32   Int64    Int64    Int64    Int64    UInt32   UInt32   UInt32   UInt64   Float64  Float64  -
UInt64   UInt64   UInt64   Float64  Float64  Float64  Float64  UInt64   UInt64   UInt64   UInt64   Float64  Float64  -
Float32  Float32  Float32  Float32  Float32  Float64  Float64  Float32  Float32  Float64  Float64  Float32  Float64  -
Float64  Float64  Float64  Float64  Float64  Float64  Float64  Float64  Float64  Float64  Float64  Float64  Float64  -
String   String   -        -        -        -        -        -        -        -        -        -        -        String
`

func TestSupertypeMatrix(t *testing.T) {
	lines := strings.Split(strings.TrimSpace(supertypeMatrix), "\n")
	header := strings.Fields(lines[0])
	if len(header) != len(matrixTypes) || len(lines)-1 != len(matrixTypes) {
		t.Fatalf("matrix is %d×%d, want %d×%d", len(lines)-1, len(header), len(matrixTypes), len(matrixTypes))
	}
	for i, line := range lines[1:] {
		cells := strings.Fields(line)
		a := matrixTypes[i]
		if cells[0] != core.DTypeName(a) {
			t.Fatalf("row %d is %s, want %s", i, cells[0], core.DTypeName(a))
		}
		for j, want := range cells[1:] {
			b := matrixTypes[j]
			got, ok := core.Supertype(a, b)
			gotName := "-"
			if ok {
				gotName = core.DTypeName(got)
			}
			if gotName != want {
				t.Errorf("Supertype(%s, %s) = %s, want %s", core.DTypeName(a), core.DTypeName(b), gotName, want)
			}
		}
	}
}

func TestSupertypeIsSymmetric(t *testing.T) {
	all := append([]arrow.DataType{
		arrow.BinaryTypes.LargeString,
		arrow.BinaryTypes.StringView,
		arrow.FixedWidthTypes.Date32,
		arrow.FixedWidthTypes.Timestamp_us,
		arrow.BinaryTypes.Binary,
	}, matrixTypes...)
	for _, a := range all {
		for _, b := range all {
			ab, okAB := core.Supertype(a, b)
			ba, okBA := core.Supertype(b, a)
			if okAB != okBA || (okAB && !arrow.TypeEqual(ab, ba)) {
				t.Errorf("Supertype(%s, %s) = %v,%v but Supertype(%s, %s) = %v,%v", a, b, ab, okAB, b, a, ba, okBA)
			}
		}
	}
}

func TestSupertypeOtherTypes(t *testing.T) {
	str := arrow.BinaryTypes.String
	cases := []struct {
		a, b arrow.DataType
		want arrow.DataType // nil: none
	}{
		// Every string layout is String.
		{arrow.BinaryTypes.LargeString, arrow.BinaryTypes.StringView, str},
		{arrow.BinaryTypes.String, arrow.BinaryTypes.LargeString, str},
		{arrow.BinaryTypes.LargeString, arrow.BinaryTypes.LargeString, arrow.BinaryTypes.LargeString},
		// Equal types are their own supertype, whatever they are.
		{arrow.FixedWidthTypes.Date32, arrow.FixedWidthTypes.Date32, arrow.FixedWidthTypes.Date32},
		{arrow.FixedWidthTypes.Timestamp_us, arrow.FixedWidthTypes.Timestamp_us, arrow.FixedWidthTypes.Timestamp_us},
		// Null gives way to anything.
		{arrow.Null, arrow.FixedWidthTypes.Date32, arrow.FixedWidthTypes.Date32},
		{arrow.FixedWidthTypes.Timestamp_ms, arrow.Null, arrow.FixedWidthTypes.Timestamp_ms},
		// Nothing joins temporal types with numbers; datetimes meet in the
		// finer unit, dates and datetimes as datetimes.
		{arrow.FixedWidthTypes.Date32, arrow.PrimitiveTypes.Int32, nil},
		{arrow.FixedWidthTypes.Timestamp_ms, arrow.FixedWidthTypes.Timestamp_us, arrow.FixedWidthTypes.Timestamp_us},
		{arrow.FixedWidthTypes.Date32, arrow.FixedWidthTypes.Timestamp_us, arrow.FixedWidthTypes.Timestamp_us},
		{arrow.BinaryTypes.Binary, arrow.BinaryTypes.String, nil},
		// Categoricals meet Categoricals as Categorical (whatever the
		// imported index width), Strings on the values.
		{core.Categorical, core.Categorical, core.Categorical},
		{&arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int8, ValueType: arrow.BinaryTypes.LargeString}, core.Categorical, core.Categorical},
		{core.Categorical, arrow.BinaryTypes.LargeString, str},
		{arrow.BinaryTypes.String, core.Categorical, str},
		{core.Categorical, arrow.PrimitiveTypes.Int64, nil},
	}
	for _, c := range cases {
		got, ok := core.Supertype(c.a, c.b)
		switch {
		case c.want == nil && ok:
			t.Errorf("Supertype(%s, %s) = %s, want none", c.a, c.b, got)
		case c.want != nil && (!ok || !arrow.TypeEqual(got, c.want)):
			t.Errorf("Supertype(%s, %s) = %v (%v), want %s", c.a, c.b, got, ok, c.want)
		}
	}
}

// Every type the engine names must parse back to itself.
func TestDTypeNameParseRoundTrip(t *testing.T) {
	types := []arrow.DataType{
		arrow.Null,
		arrow.FixedWidthTypes.Boolean,
		arrow.PrimitiveTypes.Int8, arrow.PrimitiveTypes.Int16, arrow.PrimitiveTypes.Int32, arrow.PrimitiveTypes.Int64,
		arrow.PrimitiveTypes.Uint8, arrow.PrimitiveTypes.Uint16, arrow.PrimitiveTypes.Uint32, arrow.PrimitiveTypes.Uint64,
		arrow.FixedWidthTypes.Float16, arrow.PrimitiveTypes.Float32, arrow.PrimitiveTypes.Float64,
		arrow.BinaryTypes.String, arrow.BinaryTypes.Binary,
		arrow.FixedWidthTypes.Date32,
		&arrow.TimestampType{Unit: arrow.Second},
		&arrow.TimestampType{Unit: arrow.Millisecond},
		&arrow.TimestampType{Unit: arrow.Microsecond},
		&arrow.TimestampType{Unit: arrow.Nanosecond},
		&arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "UTC"},
		&arrow.TimestampType{Unit: arrow.Millisecond, TimeZone: "Europe/Amsterdam"},
		&arrow.DurationType{Unit: arrow.Second},
		&arrow.DurationType{Unit: arrow.Millisecond},
		&arrow.DurationType{Unit: arrow.Microsecond},
		&arrow.DurationType{Unit: arrow.Nanosecond},
		&arrow.Decimal128Type{Precision: 10, Scale: 2},
		&arrow.Decimal128Type{Precision: 38, Scale: 0},
		core.Categorical,
	}
	for _, typ := range types {
		name := core.DTypeName(typ)
		got, err := core.ParseDType(name)
		if err != nil {
			t.Errorf("ParseDType(%q) (from %s): %v", name, typ, err)
			continue
		}
		if !arrow.TypeEqual(got, typ) {
			t.Errorf("ParseDType(DTypeName(%s)) = ParseDType(%q) = %s", typ, name, got)
		}
		if again := core.DTypeName(got); again != name {
			t.Errorf("DTypeName(ParseDType(%q)) = %q", name, again)
		}
	}
}

func TestDTypeName(t *testing.T) {
	cases := []struct {
		typ  arrow.DataType
		want string
	}{
		{arrow.BinaryTypes.LargeString, "String"},
		{arrow.BinaryTypes.StringView, "String"},
		{arrow.BinaryTypes.LargeBinary, "Binary"},
		{arrow.FixedWidthTypes.Date64, "Date"},
		{&arrow.TimestampType{Unit: arrow.Microsecond}, "Datetime(time_unit='us')"},
		{&arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "UTC"}, "Datetime(time_unit='ns', time_zone='UTC')"},
		{arrow.FixedWidthTypes.Duration_ms, "Duration(time_unit='ms')"},
		{&arrow.Decimal128Type{Precision: 5, Scale: 1}, "Decimal(precision=5, scale=1)"},
		{arrow.ListOf(arrow.PrimitiveTypes.Int64), "List(Int64)"},
		{arrow.LargeListOf(arrow.BinaryTypes.String), "List(String)"},
		{arrow.FixedSizeListOf(3, arrow.PrimitiveTypes.Float32), "Array(Float32, shape=3)"},
		{arrow.StructOf(arrow.Field{Name: "x", Type: arrow.PrimitiveTypes.Int8}), "Struct"},
	}
	for _, c := range cases {
		if got := core.DTypeName(c.typ); got != c.want {
			t.Errorf("DTypeName(%s) = %q, want %q", c.typ, got, c.want)
		}
	}
}

func TestParseDTypeSpellings(t *testing.T) {
	cases := []struct {
		in   string
		want arrow.DataType
	}{
		{"Utf8", arrow.BinaryTypes.String},
		{"  Int64 ", arrow.PrimitiveTypes.Int64},
		{"Datetime", &arrow.TimestampType{Unit: arrow.Microsecond}},
		{"Datetime(ns)", &arrow.TimestampType{Unit: arrow.Nanosecond}},
		{"Datetime('ms')", &arrow.TimestampType{Unit: arrow.Millisecond}},
		{`Datetime("s")`, &arrow.TimestampType{Unit: arrow.Second}},
		{"Datetime(time_unit='ns')", &arrow.TimestampType{Unit: arrow.Nanosecond}},
		{"Datetime('ms', 'UTC')", &arrow.TimestampType{Unit: arrow.Millisecond, TimeZone: "UTC"}},
		{"Datetime(time_zone='UTC')", &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}},
		{"Duration", &arrow.DurationType{Unit: arrow.Microsecond}},
		{"Duration(ns)", &arrow.DurationType{Unit: arrow.Nanosecond}},
		{"Decimal(10, 2)", &arrow.Decimal128Type{Precision: 10, Scale: 2}},
		{"Decimal(precision=12, scale=3)", &arrow.Decimal128Type{Precision: 12, Scale: 3}},
	}
	for _, c := range cases {
		got, err := core.ParseDType(c.in)
		if err != nil {
			t.Errorf("ParseDType(%q): %v", c.in, err)
			continue
		}
		if !arrow.TypeEqual(got, c.want) {
			t.Errorf("ParseDType(%q) = %s, want %s", c.in, got, c.want)
		}
	}
}

func TestParseDTypeErrors(t *testing.T) {
	for _, in := range []string{
		"", "int64", "Int", "Int128", "Float", "Datetime(", "Datetime(xs)", "Datetime(time_unit='fortnight')",
		"Datetime(ns, UTC, extra)", "Datetime(unit='ns')", "Duration(ns, 'UTC')", "Decimal", "Decimal(10)",
		"Decimal(a, b)", "Decimal(precision=10)", "Decimal(10, 2, 3)", "List(Int64)", "Struct", "Int64)",
	} {
		got, err := core.ParseDType(in)
		if err == nil {
			t.Errorf("ParseDType(%q) = %s, want an error", in, got)
			continue
		}
		if k := core.KindOf(err); k != core.KindInvalidInput {
			t.Errorf("ParseDType(%q): error kind %s, want InvalidInputError (%v)", in, k, err)
		}
		if !strings.Contains(err.Error(), fmt.Sprintf("%q", strings.TrimSpace(in))) {
			t.Errorf("ParseDType(%q): message %q does not show the input", in, err)
		}
	}
}

func TestTypePredicates(t *testing.T) {
	type preds struct{ integer, signed, unsigned, float, numeric, str bool }
	cases := []struct {
		typ  arrow.DataType
		want preds
	}{
		{arrow.PrimitiveTypes.Int8, preds{integer: true, signed: true, numeric: true}},
		{arrow.PrimitiveTypes.Int64, preds{integer: true, signed: true, numeric: true}},
		{arrow.PrimitiveTypes.Uint8, preds{integer: true, unsigned: true, numeric: true}},
		{arrow.PrimitiveTypes.Uint64, preds{integer: true, unsigned: true, numeric: true}},
		{arrow.PrimitiveTypes.Float32, preds{float: true, numeric: true}},
		{arrow.PrimitiveTypes.Float64, preds{float: true, numeric: true}},
		{arrow.FixedWidthTypes.Float16, preds{}},
		{arrow.FixedWidthTypes.Boolean, preds{}},
		{arrow.Null, preds{}},
		{arrow.FixedWidthTypes.Date32, preds{}},
		{arrow.BinaryTypes.String, preds{str: true}},
		{arrow.BinaryTypes.LargeString, preds{str: true}},
		{arrow.BinaryTypes.StringView, preds{str: true}},
		{arrow.BinaryTypes.Binary, preds{}},
	}
	for _, c := range cases {
		got := preds{core.IsInteger(c.typ), core.IsSigned(c.typ), core.IsUnsigned(c.typ), core.IsFloat(c.typ), core.IsNumeric(c.typ), core.IsString(c.typ)}
		if got != c.want {
			t.Errorf("%s: predicates %+v, want %+v", c.typ, got, c.want)
		}
	}
}
