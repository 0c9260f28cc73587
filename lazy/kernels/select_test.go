package kernels_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
)

// filterTypes are the types Filter supports.
var filterTypes = []arrow.DataType{
	i8, i16, i32, i64, u8, u16, u32, u64,
	arrow.FixedWidthTypes.Float16, f32, f64,
	boo, str, lstr,
	arrow.FixedWidthTypes.Date32,
	&arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "UTC"},
	arrow.FixedWidthTypes.Duration_ms,
}

// randomValue returns a value of dt for makeArray, or nil (a null) about
// once in five.
func randomValue(rng *rand.Rand, dt arrow.DataType) any {
	if rng.IntN(5) == 0 {
		return nil
	}
	switch {
	case dt.ID() == arrow.BOOL:
		return rng.IntN(2) == 0
	case core.IsString(dt):
		return fmt.Sprintf("s%d%s", rng.IntN(1000), "xyz"[:rng.IntN(4)])
	case dt.ID() == arrow.FLOAT16:
		return float64(rng.IntN(2000)-1000) / 4
	case core.IsFloat(dt):
		return rng.NormFloat64() * 1e6
	case core.IsUnsigned(dt):
		return rng.Uint64() >> (64 - dt.(arrow.FixedWidthDataType).BitWidth())
	}
	v := int64(rng.Uint64()) >> (64 - dt.(arrow.FixedWidthDataType).BitWidth())
	return v
}

// randomMask returns a mask of n bits of the given kind and the rows it keeps.
func randomMask(rng *rand.Rand, n int, kind string) ([]byte, []int) {
	mask := make([]byte, bitutil.BytesForBits(int64(n)))
	for i := range n {
		var set bool
		switch kind {
		case "all":
			set = true
		case "none":
		case "sparse":
			set = rng.IntN(10) == 0
		case "dense":
			set = rng.IntN(10) != 0
		case "runs": // whole bytes on and off, to take the 8-at-a-time path
			set = (i/8)%2 == 0 || i%5 == 0
		default:
			set = rng.IntN(2) == 0
		}
		if set {
			bitutil.SetBit(mask, i)
		}
	}
	var rows []int
	for i := range n {
		if bitutil.BitIsSet(mask, i) {
			rows = append(rows, i)
		}
	}
	// Bits past n are garbage the kernel must not read.
	if n%8 != 0 {
		mask[len(mask)-1] |= ^byte(0) << (n % 8)
	}
	return mask, rows
}

func TestFilterAllTypes(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, dt := range filterTypes {
		for _, n := range []int{1, 7, 8, 9, 31, 64, 100, 1000} {
			for _, kind := range []string{"all", "none", "sparse", "dense", "runs", "random"} {
				for _, off := range offsets {
					t.Run(fmt.Sprintf("%s/n=%d/%s/offset=%d", dt, n, kind, off), func(t *testing.T) {
						mem := newMem()
						defer mem.AssertSize(t, 0)
						vals := make([]any, n)
						for i := range vals {
							vals[i] = randomValue(rng, dt)
						}
						a := makeArray(t, mem, dt, vals, off)
						mask, rows := randomMask(rng, n, kind)
						// The expected values are read back through Arrow, so
						// that Float16 rounding is the array's own.
						want := make([]any, len(rows))
						all := valuesOf(t, a)
						for j, i := range rows {
							want[j] = all[i]
						}
						got, err := kernels.Filter(mem, a, mask, len(rows))
						if err != nil {
							t.Fatal(err)
						}
						// The result must not depend on the input's memory
						// (unless it is the input itself, when all rows stay).
						a.Release()
						checkArray(t, got, dt, want, "filter")
						got.Release()
					})
				}
			}
		}
	}
}

// When every row stays, Filter returns its input with one more reference.
func TestFilterKeepAllReturnsInput(t *testing.T) {
	mem := newMem()
	defer mem.AssertSize(t, 0)
	a := makeArray(t, mem, str, anys[any]("a", nil, "c"), 5)
	got, err := kernels.Filter(mem, a, []byte{0b111}, 3)
	if err != nil {
		t.Fatal(err)
	}
	if got != a {
		t.Errorf("Filter copied an array it keeps whole")
	}
	got.Release()
	checkArray(t, a, str, anys[any]("a", nil, "c"), "input after Filter")
	a.Release()
}

func TestFilterNullType(t *testing.T) {
	mem := newMem()
	defer mem.AssertSize(t, 0)
	a := array.NewNull(10)
	defer a.Release()
	got, err := kernels.Filter(mem, a, []byte{0b0000_0101, 0b10}, 3)
	if err != nil {
		t.Fatal(err)
	}
	defer got.Release()
	if got.DataType().ID() != arrow.NULL || got.Len() != 3 || got.NullN() != 3 {
		t.Errorf("got %s of %d rows, %d null", got.DataType(), got.Len(), got.NullN())
	}
}

// Strings whose offsets do not start at zero in the data buffer (a slice
// of a larger array) keep their bytes.
func TestFilterStringsFromSlices(t *testing.T) {
	for _, dt := range []arrow.DataType{str, lstr} {
		mem := newMem()
		a := makeArray(t, mem, dt, anys[any]("", "héllo", nil, "wörld", "", "!", "long enough string"), 11)
		// Keep rows 1, 3, 4 and 6.
		got, err := kernels.Filter(mem, a, []byte{0b0101_1010}, 4)
		if err != nil {
			t.Fatal(err)
		}
		a.Release()
		checkArray(t, got, dt, anys[any]("héllo", "wörld", "", "long enough string"), "strings")
		got.Release()
		mem.AssertSize(t, 0)
	}
}

// Types without a dedicated kernel (binary, decimals, views, nested) are
// filtered by cutting runs of kept rows: row i of the input must equal the
// i-th kept row of the output, nulls included, at any offset.
func TestFilterOtherTypes(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	types := []arrow.DataType{
		arrow.BinaryTypes.Binary,
		arrow.BinaryTypes.LargeBinary,
		&arrow.Decimal128Type{Precision: 10, Scale: 2},
		arrow.ListOf(arrow.PrimitiveTypes.Int64),
		arrow.BinaryTypes.StringView,
		arrow.FixedWidthTypes.Boolean, // has a kernel: a check of the check
	}
	for _, dt := range types {
		for _, n := range []int{1, 9, 64} {
			for _, kind := range []string{"all", "none", "sparse", "runs", "random"} {
				for _, off := range offsets {
					mem := newMem()
					b := array.NewBuilder(mem, dt)
					for i := range off + n {
						appendRandom(rng, b, i)
					}
					full := b.NewArray()
					b.Release()
					a := array.NewSlice(full, int64(off), int64(off+n))
					full.Release()
					mask, rows := randomMask(rng, n, kind)
					got, err := kernels.Filter(mem, a, mask, len(rows))
					if err != nil {
						t.Fatalf("%s: %v", dt, err)
					}
					what := fmt.Sprintf("%s n=%d %s offset=%d", dt, n, kind, off)
					if got.Len() != len(rows) || !arrow.TypeEqual(got.DataType(), dt) {
						t.Fatalf("%s: %d rows of %s, want %d", what, got.Len(), got.DataType(), len(rows))
					}
					if err := array.ValidateFull(got); err != nil {
						t.Errorf("%s: invalid result: %v", what, err)
					}
					for j, i := range rows {
						if !array.SliceEqual(a, int64(i), int64(i+1), got, int64(j), int64(j+1)) {
							t.Errorf("%s: output row %d differs from input row %d", what, j, i)
						}
					}
					got.Release()
					a.Release()
					mem.AssertSize(t, 0)
				}
			}
		}
	}
}

// appendRandom appends a random value, or a null about once in five, to b.
func appendRandom(rng *rand.Rand, b array.Builder, i int) {
	if rng.IntN(5) == 0 {
		b.AppendNull()
		return
	}
	switch b := b.(type) {
	case *array.BinaryBuilder:
		b.Append([]byte(fmt.Sprintf("b%d", rng.IntN(1000))))
	case *array.Decimal128Builder:
		b.Append(decimal128.FromI64(rng.Int64N(1_000_000) - 500_000))
	case *array.ListBuilder:
		b.Append(true)
		vb := b.ValueBuilder().(*array.Int64Builder)
		for k := range rng.IntN(4) {
			vb.Append(int64(i*10 + k))
		}
	case *array.StringViewBuilder:
		b.Append(fmt.Sprintf("view %d %s", rng.IntN(1000), "long enough to leave the header"[:rng.IntN(31)]))
	case *array.BooleanBuilder:
		b.Append(rng.IntN(2) == 0)
	default:
		panic(fmt.Sprintf("appendRandom: no case for %T", b))
	}
}

// Filtering all rows out gives an empty array of the same type.
func TestFilterNone(t *testing.T) {
	for _, dt := range filterTypes {
		mem := newMem()
		a := makeArray(t, mem, dt, []any{junk(dt, 0), nil}, 3)
		got, err := kernels.Filter(mem, a, []byte{0}, 0)
		if err != nil {
			t.Fatal(err)
		}
		checkArray(t, got, dt, []any{}, fmt.Sprintf("%s filtered to nothing", dt))
		got.Release()
		a.Release()
		mem.AssertSize(t, 0)
	}
}

// A mask from SelectionMask over a predicate evaluated on the same sliced
// batch: the path the executor takes for every morsel.
func TestFilterWithSelectionMask(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, off := range offsets {
		mem := newMem()
		n := 50
		vals, preds := make([]any, n), make([]any, n)
		for i := range vals {
			vals[i] = randomValue(rng, i64)
			preds[i] = randomValue(rng, boo)
		}
		a := makeArray(t, mem, i64, vals, off)
		p := makeArray(t, mem, boo, preds, off+1)
		mask, kept := kernels.SelectionMask(mem, kernels.ArrayValue(p), n)
		got, err := kernels.Filter(mem, a, mask.Bytes(), kept)
		if err != nil {
			t.Fatal(err)
		}
		var want []any
		for i := range vals {
			if preds[i] == true {
				want = append(want, vals[i])
			}
		}
		checkArray(t, got, i64, want, fmt.Sprintf("offset %d", off))
		if kept != len(want) {
			t.Errorf("kept %d, want %d", kept, len(want))
		}
		got.Release()
		mask.Release()
		a.Release()
		p.Release()
		mem.AssertSize(t, 0)
	}
}

// Broadcast builds n copies of a scalar, or n nulls, of any supported type.
func TestBroadcast(t *testing.T) {
	cases := []struct {
		v   any
		dt  arrow.DataType
		out any // as valuesOf reads it
	}{
		{int64(-3), i8, int64(-3)}, {int64(300), i16, int64(300)}, {int64(-70000), i32, int64(-70000)},
		{int64(1) << 40, i64, int64(1) << 40}, {uint64(255), u8, uint64(255)}, {uint64(65535), u16, uint64(65535)},
		{uint64(1) << 31, u32, uint64(1) << 31}, {uint64(1) << 63, u64, uint64(1) << 63},
		{0.1, f32, float64(float32(0.1))}, {nan, f64, nan}, {true, boo, true}, {false, boo, false},
		{"héllo", str, "héllo"},
	}
	for _, c := range cases {
		for _, n := range []int{0, 1, 9, 100} {
			mem := newMem()
			a, err := kernels.Broadcast(mem, c.v, c.dt, n)
			if err != nil {
				t.Fatal(err)
			}
			want := make([]any, n)
			for i := range want {
				want[i] = c.out
			}
			checkArray(t, a, c.dt, want, fmt.Sprintf("Broadcast(%v, %s, %d)", c.v, c.dt, n))
			a.Release()
			// And n nulls of the type.
			a, err = kernels.Broadcast(mem, nil, c.dt, n)
			if err != nil {
				t.Fatal(err)
			}
			checkArray(t, a, c.dt, make([]any, n), fmt.Sprintf("Broadcast(nil, %s, %d)", c.dt, n))
			a.Release()
			mem.AssertSize(t, 0)
		}
	}
	mem := newMem()
	defer mem.AssertSize(t, 0)
	a, err := kernels.Broadcast(mem, nil, arrow.Null, 4)
	if err != nil {
		t.Fatal(err)
	}
	if a.DataType().ID() != arrow.NULL || a.Len() != 4 || a.NullN() != 4 {
		t.Errorf("Broadcast(nil, Null, 4) = %s of %d rows", a.DataType(), a.Len())
	}
	a.Release()
	d, err := kernels.Broadcast(mem, int64(3), arrow.FixedWidthTypes.Date32, 2)
	if err != nil || d.Len() != 2 || d.(*array.Date32).Value(1) != 3 {
		t.Errorf("Broadcast of a date: %v", err)
	}
	if d != nil {
		d.Release()
	}
	_, err = kernels.Broadcast(mem, "x", arrow.BinaryTypes.Binary, 2)
	wantKind(t, err, core.KindNotSupported)
}

func TestValueMaterialize(t *testing.T) {
	mem := newMem()
	defer mem.AssertSize(t, 0)
	a := makeArray(t, mem, i32, anys[any](int64(1), int64(2)), 0)
	v := kernels.ArrayValue(a)
	if v.IsScalar() || !arrow.TypeEqual(v.Type, i32) {
		t.Errorf("ArrayValue: %+v", v)
	}
	m, err := v.Materialize(mem, 2)
	if err != nil {
		t.Fatal(err)
	}
	if m != a {
		t.Errorf("Materialize of an array value copied it")
	}
	m.Release()
	v.Release()

	s := kernels.ScalarValue(int64(7), i32)
	if !s.IsScalar() {
		t.Error("ScalarValue is not scalar")
	}
	m, err = s.Materialize(mem, 3)
	if err != nil {
		t.Fatal(err)
	}
	checkArray(t, m, i32, anys[any](int64(7), int64(7), int64(7)), "materialized scalar")
	m.Release()
	s.Release() // a no-op for scalars
}

// Take with a Selection (what the executor's filter uses) keeps the same
// rows as Filter with the mask the selection was made from, for every type,
// at every offset.
func TestTakeMatchesFilter(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	types := append([]arrow.DataType{arrow.BinaryTypes.StringView}, filterTypes...)
	for _, dt := range types {
		for _, n := range []int{1, 8, 9, 100} {
			for _, kind := range []string{"all", "none", "sparse", "runs", "random"} {
				for _, off := range offsets {
					mem := newMem()
					vals := make([]any, n)
					for i := range vals {
						vals[i] = randomValue(rng, dt)
					}
					a := makeArray(t, mem, dt, vals, off)
					mask, rows := randomMask(rng, n, kind)
					sel := kernels.NewSelection(mask, n)
					if len(sel.Idx) != len(rows) || sel.N != n || sel.All() != (len(rows) == n) {
						t.Fatalf("%s n=%d %s: selection %v of %d, want rows %v", dt, n, kind, sel.Idx, sel.N, rows)
					}
					for j, i := range rows {
						if int(sel.Idx[j]) != i {
							t.Fatalf("%s n=%d %s: selection %v, want rows %v", dt, n, kind, sel.Idx, rows)
						}
					}
					all := valuesOf(t, a)
					want := make([]any, len(rows))
					for j, i := range rows {
						want[j] = all[i]
					}
					got, err := kernels.Take(mem, a, sel)
					sel.Release()
					if err != nil {
						t.Fatal(err)
					}
					a.Release()
					checkArray(t, got, dt, want, fmt.Sprintf("Take %s n=%d %s offset=%d", dt, n, kind, off))
					got.Release()
					mem.AssertSize(t, 0)
				}
			}
		}
	}
}
