package fn

import (
	"math"
	"strings"
	"testing"

	"github.com/alopexdb/alopex/core"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/alopexdb/alopex/lazy/kernels"
)

// isInRows evaluates is_in(values) over x and returns each row as "T", "F"
// or "null".
func isInRows(t *testing.T, x arrow.Array, opts map[string]any) []string {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	c := &Invocation{Opts: opts, Type: boolean}
	out, err := evalIsIn(mem, c, []kernels.Value{kernels.ArrayValue(x)}, x.Len())
	if err != nil {
		t.Fatal(err)
	}
	defer out.Release()
	b := out.(*array.Boolean)
	rows := make([]string, b.Len())
	for i := range rows {
		switch {
		case b.IsNull(i):
			rows[i] = "null"
		case b.Value(i):
			rows[i] = "T"
		default:
			rows[i] = "F"
		}
	}
	return rows
}

func wantRows(t *testing.T, got []string, want ...string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("row %d: got %v, want %v", i, got, want)
		}
	}
}

// TestIsInExactInt64 pins is_in on Int64 values that float64 cannot tell
// apart: 2**53 and 2**53+1 were one key when the set was keyed by float64.
func TestIsInExactInt64(t *testing.T) {
	b := array.NewInt64Builder(memory.DefaultAllocator)
	b.AppendValues([]int64{1 << 53, 1<<53 + 1, math.MaxInt64, math.MaxInt64 - 1, math.MinInt64, 3, 2}, nil)
	b.AppendNull()
	x := b.NewArray()
	defer x.Release()
	got := isInRows(t, x, map[string]any{"values": []any{
		int64(1<<53 + 1), int64(math.MaxInt64), float64(math.MinInt64), 3.0, 2.5, uint64(math.MaxUint64), float64(1 << 63),
	}})
	wantRows(t, got, "F", "T", "T", "F", "T", "T", "F", "null")
}

func TestIsInExactUint64(t *testing.T) {
	b := array.NewUint64Builder(memory.DefaultAllocator)
	b.AppendValues([]uint64{math.MaxUint64, math.MaxUint64 - 1, 1 << 63, 1<<53 + 1, 1 << 53, 0}, nil)
	x := b.NewArray()
	defer x.Release()
	got := isInRows(t, x, map[string]any{"values": []any{
		uint64(math.MaxUint64), uint64(1 << 63), int64(1<<53 + 1), int64(-1), 0.0,
	}})
	wantRows(t, got, "T", "F", "T", "T", "F", "T")
}

// TestIsInFloatSpecials: -0.0 equals 0.0 and NaN is in a list holding NaN,
// as in Polars; integers compare as the float64 they convert to.
func TestIsInFloatSpecials(t *testing.T) {
	b := array.NewFloat64Builder(memory.DefaultAllocator)
	b.AppendValues([]float64{math.NaN(), math.Copysign(0, -1), 0, 1.5, math.Inf(1), math.Inf(-1), 1 << 53}, nil)
	b.AppendNull()
	x := b.NewArray()
	defer x.Release()
	got := isInRows(t, x, map[string]any{"values": []any{0.0, int64(1 << 53)}, "non_finite": []any{"nan", "inf"}})
	wantRows(t, got, "T", "T", "T", "F", "T", "F", "T", "null")
	got = isInRows(t, x, map[string]any{"values": []any{math.Copysign(0, -1), 1.5}})
	wantRows(t, got, "F", "T", "T", "T", "F", "F", "F", "null")
}

func TestIsInFloat32AndBool(t *testing.T) {
	fb := array.NewFloat32Builder(memory.DefaultAllocator)
	fb.AppendValues([]float32{float32(math.NaN()), 0.5, 2}, nil)
	f := fb.NewArray()
	defer f.Release()
	wantRows(t, isInRows(t, f, map[string]any{"values": []any{0.5, int64(2)}, "non_finite": []any{"nan"}}), "T", "T", "T")

	bb := array.NewBooleanBuilder(memory.DefaultAllocator)
	bb.AppendValues([]bool{true, false}, nil)
	bb.AppendNull()
	bl := bb.NewArray()
	defer bl.Release()
	wantRows(t, isInRows(t, bl, map[string]any{"values": []any{true}}), "T", "F", "null")
}

// typedArg is an argument of a known type, for type rules.
type typedArg struct{ t arrow.DataType }

func (a typedArg) DataType() arrow.DataType { return a.t }
func (a typedArg) Constant() (any, bool)    { return nil, false }
func (a typedArg) String() string           { return "col(\"x\")" }

func bindIsIn(t arrow.DataType, opts map[string]any) error {
	s, _ := Lookup("is_in")
	return s.Bind(&Binding{Name: s.Name, Args: []Arg{typedArg{t}}, Opts: opts})
}

// Typed temporal lists (Python dates, datetimes, durations) match a
// column of the same kind in its own unit, as in Polars; a value the
// column's unit cannot hold exactly never matches.
func TestIsInTypedTemporalLists(t *testing.T) {
	ts := func(u arrow.TimeUnit, vals ...int64) arrow.Array {
		b := array.NewTimestampBuilder(memory.DefaultAllocator, &arrow.TimestampType{Unit: u})
		for _, v := range vals {
			b.Append(arrow.Timestamp(v))
		}
		return b.NewArray()
	}
	us := map[string]any{"values": []any{int64(1_500_000), int64(2_000_001)}, "dtype": "Datetime(time_unit='us')"}
	for _, c := range []struct {
		col  arrow.Array
		want []string
	}{
		{ts(arrow.Nanosecond, 1_500_000_000, 2_000_001_000, 2_000_000_000), []string{"T", "T", "F"}},
		{ts(arrow.Millisecond, 1_500, 2_000), []string{"T", "F"}}, // 2,000,001 µs is no whole ms
		{ts(arrow.Second, 1, 2), []string{"F", "F"}},
	} {
		wantRows(t, isInRows(t, c.col, us), c.want...)
		c.col.Release()
	}
	// Past int64 nanoseconds: never matches, no overflow into a small value.
	far := map[string]any{"values": []any{int64(math.MaxInt64 / 100)}, "dtype": "Datetime(time_unit='us')"}
	big := int64(math.MaxInt64 / 100)
	col := ts(arrow.Nanosecond, big*1000) // what an unchecked multiplication wraps to
	wantRows(t, isInRows(t, col, far), "F")
	col.Release()

	db := array.NewDate32Builder(memory.DefaultAllocator)
	db.AppendValues([]arrow.Date32{18262, 18263}, nil)
	db.AppendNull()
	d := db.NewArray()
	defer d.Release()
	wantRows(t, isInRows(t, d, map[string]any{"values": []any{int64(18263)}, "dtype": "Date"}), "F", "T", "null")
	d64b := array.NewDate64Builder(memory.DefaultAllocator)
	d64b.AppendValues([]arrow.Date64{18262 * 86_400_000, 18263 * 86_400_000}, nil)
	d64 := d64b.NewArray()
	defer d64.Release()
	wantRows(t, isInRows(t, d64, map[string]any{"values": []any{int64(18263)}, "dtype": "Date"}), "F", "T")
}

func TestIsInTypeRule(t *testing.T) {
	date, _ := core.ParseDType("Date")
	datetime, _ := core.ParseDType("Datetime(time_unit='ns')")
	for _, c := range []struct {
		t    arrow.DataType
		opts map[string]any
		err  string // "" for none
	}{
		{arrow.PrimitiveTypes.Int64, map[string]any{"values": []any{int64(1), 2.5, nil}}, ""},
		{arrow.PrimitiveTypes.Int64, map[string]any{"values": []any{"1"}}, "is_in value 1 cannot be compared with Int64 values"},
		{arrow.PrimitiveTypes.Int64, map[string]any{"values": []any{true}}, "is_in value true cannot be compared with Int64 values"},
		{arrow.BinaryTypes.String, map[string]any{"values": []any{int64(1)}}, "cannot be compared with String values"},
		{arrow.FixedWidthTypes.Boolean, map[string]any{"values": []any{int64(1)}}, "cannot be compared with Boolean values"},
		{date, map[string]any{"values": []any{int64(18262)}}, ""},
		{date, map[string]any{"values": []any{18262.5}}, "cannot be compared with Date values"},
		{date, map[string]any{"values": []any{int64(0)}, "dtype": "Date"}, ""},
		{date, map[string]any{"values": []any{int64(0)}, "dtype": "Datetime(time_unit='us')"},
			"is_in cannot check Date values against a list of Datetime(time_unit='us') values"},
		{datetime, map[string]any{"values": []any{int64(0)}, "dtype": "Date"}, "against a list of Date values"},
		{arrow.PrimitiveTypes.Int64, map[string]any{"values": []any{int64(0)}, "dtype": "Date"}, "is_in cannot check Int64 values"},
		{arrow.BinaryTypes.Binary, map[string]any{"values": []any{}}, "is_in on Binary values is not supported"},
		{arrow.PrimitiveTypes.Int64, map[string]any{}, "is_in needs a list of values"},
	} {
		err := bindIsIn(c.t, c.opts)
		switch {
		case c.err == "" && err != nil:
			t.Errorf("%s %v: %v", c.t, c.opts, err)
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("%s %v: got %v, want %q", c.t, c.opts, err, c.err)
		}
	}
}
