// Package testkit holds the helpers the packages' tests share: Arrow arrays
// built from and read back as Go values, and checks of error kinds. Only
// tests import it.
package testkit

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alopexdb/alopex/core"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/float16"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Array builds an array of type dt from vals: nil is null; integers are
// given as int64, uint64 or int, floats as float64, and bool, string
// (strings for binary too); dates, datetimes and durations as their int64
// ticks. Values reads arrays back the same way.
func Array(t testing.TB, mem memory.Allocator, dt arrow.DataType, vals []any) arrow.Array {
	t.Helper()
	return ArrayAt(t, mem, dt, vals, 0)
}

// ArrayAt builds an array of type dt from vals (nil is null) whose data
// starts at offset off: it builds off junk rows (some null) first and slices
// them away. Values are given as int64 or uint64 (integers), float64, bool
// or string, and converted to dt.
func ArrayAt(t testing.TB, mem memory.Allocator, dt arrow.DataType, vals []any, off int) arrow.Array {
	t.Helper()
	b := array.NewBuilder(mem, dt)
	defer b.Release()
	for i := range off {
		if i%3 == 1 {
			b.AppendNull()
		} else {
			AppendValue(t, b, Junk(dt, i))
		}
	}
	for _, v := range vals {
		if v == nil {
			b.AppendNull()
		} else {
			AppendValue(t, b, v)
		}
	}
	full := b.NewArray()
	if off == 0 {
		return full
	}
	defer full.Release()
	out := array.NewSlice(full, int64(off), int64(off+len(vals)))
	if out.Data().Offset() != off {
		t.Fatalf("slice has offset %d, want %d", out.Data().Offset(), off)
	}
	return out
}

// Junk is a value of dt, as filler: ArrayAt's padding rows sliced away.
func Junk(dt arrow.DataType, i int) any {
	switch {
	case dt.ID() == arrow.BOOL:
		return i%2 == 0
	case dt.ID() == arrow.STRING || dt.ID() == arrow.LARGE_STRING || dt.ID() == arrow.STRING_VIEW:
		return fmt.Sprintf("junk%d", i)
	case dt.ID() == arrow.FLOAT32 || dt.ID() == arrow.FLOAT64 || dt.ID() == arrow.FLOAT16:
		return 99.5
	case core.IsUnsigned(dt):
		return uint64(99)
	}
	return int64(99)
}

func asInt64(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case uint64:
		return int64(x)
	case int:
		return int64(x)
	}
	panic(fmt.Sprintf("not an integer: %#v", v))
}

func asUint64(v any) uint64 {
	switch x := v.(type) {
	case int64:
		return uint64(x)
	case uint64:
		return x
	case int:
		return uint64(x)
	}
	panic(fmt.Sprintf("not an integer: %#v", v))
}

func asFloat(v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case int64:
		return float64(x)
	case uint64:
		return float64(x)
	}
	panic(fmt.Sprintf("not a number: %#v", v))
}

// AppendValue appends v (as Array takes values) to b.
func AppendValue(t testing.TB, b array.Builder, v any) {
	t.Helper()
	switch b := b.(type) {
	case *array.Int8Builder:
		b.Append(int8(asInt64(v)))
	case *array.Int16Builder:
		b.Append(int16(asInt64(v)))
	case *array.Int32Builder:
		b.Append(int32(asInt64(v)))
	case *array.Int64Builder:
		b.Append(asInt64(v))
	case *array.Uint8Builder:
		b.Append(uint8(asUint64(v)))
	case *array.Uint16Builder:
		b.Append(uint16(asUint64(v)))
	case *array.Uint32Builder:
		b.Append(uint32(asUint64(v)))
	case *array.Uint64Builder:
		b.Append(asUint64(v))
	case *array.Float16Builder:
		b.Append(float16.New(float32(asFloat(v))))
	case *array.Float32Builder:
		b.Append(float32(asFloat(v)))
	case *array.Float64Builder:
		b.Append(asFloat(v))
	case *array.BooleanBuilder:
		b.Append(v.(bool))
	case *array.StringBuilder:
		b.Append(v.(string))
	case *array.LargeStringBuilder:
		b.Append(v.(string))
	case *array.StringViewBuilder:
		b.Append(v.(string))
	case *array.BinaryBuilder:
		b.Append([]byte(v.(string)))
	case *array.Date32Builder:
		b.Append(arrow.Date32(asInt64(v)))
	case *array.Date64Builder:
		b.Append(arrow.Date64(asInt64(v)))
	case *array.TimestampBuilder:
		b.Append(arrow.Timestamp(asInt64(v)))
	case *array.DurationBuilder:
		b.Append(arrow.Duration(asInt64(v)))
	case *array.NullBuilder:
		b.AppendNull()
	default:
		t.Fatalf("AppendValue: no case for %T", b)
	}
}

// Values reads an array back as Go values: nil for nulls, int64 for
// signed integers and temporal types, uint64 for unsigned, float64 for
// floats, bool and string.
func Values(t testing.TB, a arrow.Array) []any {
	t.Helper()
	out := make([]any, a.Len())
	for i := range out {
		if a.IsNull(i) {
			continue
		}
		switch a := a.(type) {
		case *array.Int8:
			out[i] = int64(a.Value(i))
		case *array.Int16:
			out[i] = int64(a.Value(i))
		case *array.Int32:
			out[i] = int64(a.Value(i))
		case *array.Int64:
			out[i] = a.Value(i)
		case *array.Uint8:
			out[i] = uint64(a.Value(i))
		case *array.Uint16:
			out[i] = uint64(a.Value(i))
		case *array.Uint32:
			out[i] = uint64(a.Value(i))
		case *array.Uint64:
			out[i] = a.Value(i)
		case *array.Float16:
			out[i] = float64(a.Value(i).Float32())
		case *array.Float32:
			out[i] = float64(a.Value(i))
		case *array.Float64:
			out[i] = a.Value(i)
		case *array.Boolean:
			out[i] = a.Value(i)
		case *array.String:
			out[i] = a.Value(i)
		case *array.LargeString:
			out[i] = a.Value(i)
		case *array.StringView:
			out[i] = a.Value(i)
		case *array.Binary:
			out[i] = string(a.Value(i))
		case *array.Date32:
			out[i] = int64(a.Value(i))
		case *array.Date64:
			out[i] = int64(a.Value(i))
		case *array.Timestamp:
			out[i] = int64(a.Value(i))
		case *array.Duration:
			out[i] = int64(a.Value(i))
		case *array.Dictionary:
			out[i] = Values(t, a.Dictionary())[a.GetValueIndex(i)]
		case *array.Null:
		default:
			t.Fatalf("Values: no case for %T", a)
		}
	}
	return out
}

// SameValue compares two values as Values returns them; NaN equals NaN
// and the sign of zero counts.
func SameValue(a, b any) bool {
	fa, aok := a.(float64)
	fb, bok := b.(float64)
	if aok && bok {
		if math.IsNaN(fa) || math.IsNaN(fb) {
			return math.IsNaN(fa) && math.IsNaN(fb)
		}
		return fa == fb && math.Signbit(fa) == math.Signbit(fb)
	}
	return a == b
}

// WantKind fails the test unless err is a *core.Error of kind want, and
// returns it.
func WantKind(t testing.TB, err error, want core.Kind) *core.Error {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %s", want)
	}
	var ce *core.Error
	if !errors.As(err, &ce) {
		t.Fatalf("error %v (%T) is not a *core.Error of kind %s", err, err, want)
	}
	if ce.Kind != want {
		t.Fatalf("error kind %s, want %s: %v", ce.Kind, want, err)
	}
	return ce
}

// UserErrorKind reports whether a reader error is one that bad input may
// cause (invalid input, not supported, schema, compute) — the kinds a fuzz
// target accepts; any other kind from a reader is a bug.
func UserErrorKind(err error) bool {
	switch core.KindOf(err) {
	case core.KindInvalidInput, core.KindNotSupported, core.KindSchema, core.KindCompute:
		return true
	}
	return false
}

// TempFile writes data to a file called name in the test's temporary
// directory and returns its path.
func TempFile(t testing.TB, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// ValidateBatch checks every array of a batch against Arrow's layout rules
// (lengths, offsets inside the data, valid UTF-8 in strings), releasing the
// batch before it fails the test.
func ValidateBatch(t testing.TB, rb arrow.RecordBatch) {
	t.Helper()
	for i, col := range rb.Columns() {
		if col.Len() != int(rb.NumRows()) {
			rb.Release()
			t.Fatalf("column %d has %d values, the batch %d rows", i, col.Len(), rb.NumRows())
		}
		if v, ok := col.(interface{ ValidateFull() error }); ok {
			if err := v.ValidateFull(); err != nil {
				rb.Release()
				t.Fatalf("column %d: %v", i, err)
			}
		}
	}
}

// ReleaseAll releases every batch.
func ReleaseAll(batches []arrow.RecordBatch) {
	for _, b := range batches {
		b.Release()
	}
}

// Pieces is a source read piece by piece (lazy.PartitionedSource's reading
// half, named here so that testkit imports nothing above core).
type Pieces interface {
	Schema() *arrow.Schema
	NumPieces() int
	ReadPiece(ctx context.Context, mem memory.Allocator, i int, columns []string) (arrow.RecordBatch, error)
}

// PieceRows reads every piece of src in order (the named columns, or all)
// with a checked allocator that must end empty, and returns the rows as
// text (BatchRows).
func PieceRows(t testing.TB, src Pieces, columns ...string) []string {
	t.Helper()
	if columns == nil {
		for _, f := range src.Schema().Fields() {
			columns = append(columns, f.Name)
		}
	}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	var rows []string
	for i := range src.NumPieces() {
		rb, err := src.ReadPiece(context.Background(), mem, i, columns)
		if err != nil {
			t.Fatalf("piece %d: %v", i, err)
		}
		rows = append(rows, BatchRows(rb)...)
		rb.Release()
	}
	return rows
}

// BatchRows renders a batch's rows as text: one string per row, values
// separated by "|", nulls as "∅".
func BatchRows(rb arrow.RecordBatch) []string {
	var rows []string
	for r := range int(rb.NumRows()) {
		vals := make([]string, rb.NumCols())
		for c, col := range rb.Columns() {
			if col.IsNull(r) {
				vals[c] = "∅"
			} else {
				vals[c] = col.ValueStr(r)
			}
		}
		rows = append(rows, strings.Join(vals, "|"))
	}
	return rows
}
