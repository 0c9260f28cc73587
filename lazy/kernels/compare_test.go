package kernels_test

import (
	"cmp"
	"fmt"
	"math"
	"math/big"
	"strings"
	"testing"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

var cmpOps = []kernels.CmpOp{kernels.Eq, kernels.NotEq, kernels.Lt, kernels.LtEq, kernels.Gt, kernels.GtEq}

var cmpNames = map[kernels.CmpOp]string{
	kernels.Eq: "==", kernels.NotEq: "!=", kernels.Lt: "<", kernels.LtEq: "<=", kernels.Gt: ">", kernels.GtEq: ">=",
}

// cmpHolds reads the result of a three-way comparison for op.
func cmpHolds(op kernels.CmpOp, c int) bool {
	switch op {
	case kernels.Eq:
		return c == 0
	case kernels.NotEq:
		return c != 0
	case kernels.Lt:
		return c < 0
	case kernels.LtEq:
		return c <= 0
	case kernels.Gt:
		return c > 0
	}
	return c >= 0
}

// refCompare is the reference order: numbers by value, with NaN equal to
// NaN and above everything (Polars' total order, which Go's cmp.Compare
// also implements, only with NaN at the bottom), strings by bytes, false
// before true. Null on either side gives null.
func refCompare(op kernels.CmpOp, a, b any) any {
	if a == nil || b == nil {
		return nil
	}
	var c int
	switch x := a.(type) {
	case float64:
		y := b.(float64)
		switch {
		case math.IsNaN(x) && math.IsNaN(y):
			c = 0
		case math.IsNaN(x):
			c = 1
		case math.IsNaN(y):
			c = -1
		default:
			c = cmp.Compare(x, y)
		}
	case int64, uint64:
		c = bigOf(a).Cmp(bigOf(b))
	case string:
		c = strings.Compare(x, b.(string))
	case bool:
		c = cmp.Compare(b2i(x), b2i(b.(bool)))
	}
	return cmpHolds(op, c)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// compareAll checks Compare for every op on every pair of vals, as array
// with array, array with scalar and scalar with array, at every offset.
func compareAll(t *testing.T, dt arrow.DataType, vals []any) {
	t.Helper()
	var as, bs []any
	for _, x := range vals {
		for _, y := range vals {
			as, bs = append(as, x), append(bs, y)
		}
	}
	n := len(as)
	for _, op := range cmpOps {
		want := make([]any, n)
		for i := range as {
			want[i] = refCompare(op, as[i], bs[i])
		}
		for _, off := range offsets {
			t.Run(fmt.Sprintf("%s/%s/offset=%d", dt, cmpNames[op], off), func(t *testing.T) {
				mem := newMem()
				defer mem.AssertSize(t, 0)
				a := makeArray(t, mem, dt, as, off)
				defer a.Release()
				b := makeArray(t, mem, dt, bs, (off+5)%16)
				defer b.Release()
				got, err := kernels.Compare(mem, op, kernels.ArrayValue(a), kernels.ArrayValue(b), n)
				if err != nil {
					t.Fatal(err)
				}
				checkArray(t, got, boo, want, "array "+cmpNames[op]+" array")
				got.Release()

				for _, s := range vals {
					wantAS := make([]any, n)
					wantSA := make([]any, n)
					for i := range as {
						wantAS[i] = refCompare(op, as[i], s)
						wantSA[i] = refCompare(op, s, as[i])
					}
					got, err := kernels.Compare(mem, op, kernels.ArrayValue(a), kernels.ScalarValue(s, dt), n)
					if err != nil {
						t.Fatal(err)
					}
					checkArray(t, got, boo, wantAS, fmt.Sprintf("array %s scalar %v", cmpNames[op], s))
					got.Release()
					got, err = kernels.Compare(mem, op, kernels.ScalarValue(s, dt), kernels.ArrayValue(a), n)
					if err != nil {
						t.Fatal(err)
					}
					checkArray(t, got, boo, wantSA, fmt.Sprintf("scalar %v %s array", s, cmpNames[op]))
					got.Release()
				}
			})
		}
	}
}

func TestCompareIntegers(t *testing.T) {
	for _, dt := range intTypes {
		s := specOf(dt)
		vals := []any{s.value(big.NewInt(0)), s.value(big.NewInt(1)), s.value(s.max()), s.value(s.min()), nil}
		if s.signed {
			vals = append(vals, s.value(big.NewInt(-1)))
		}
		compareAll(t, dt, vals)
	}
}

func TestCompareFloats(t *testing.T) {
	for _, dt := range []arrow.DataType{f32, f64} {
		compareAll(t, dt, []any{nan, inf, -inf, 1.0, -1.5, 0.0, nil})
	}
}

// -0.0 and 0.0 are equal.
func TestCompareSignedZero(t *testing.T) {
	mem := newMem()
	defer mem.AssertSize(t, 0)
	a := makeArray(t, mem, f64, anys[any](negZero), 0)
	defer a.Release()
	for op, want := range map[kernels.CmpOp]bool{kernels.Eq: true, kernels.Lt: false, kernels.GtEq: true} {
		got, err := kernels.Compare(mem, op, kernels.ArrayValue(a), kernels.ScalarValue(0.0, f64), 1)
		if err != nil {
			t.Fatal(err)
		}
		checkArray(t, got, boo, anys[any](want), "-0.0 "+cmpNames[op]+" 0.0")
		got.Release()
	}
}

// Polars' answers for NaN, read off pl.DataFrame({"a": [...], "b": [...]})
// with every comparison.
func TestCompareNaNLikePolars(t *testing.T) {
	mem := newMem()
	defer mem.AssertSize(t, 0)
	a := makeArray(t, mem, f64, anys[any](nan, nan, nan, 1.0, inf, nil, -inf), 3)
	defer a.Release()
	b := makeArray(t, mem, f64, anys[any](nan, inf, 1.0, nan, nan, nan, -inf), 0)
	defer b.Release()
	want := map[kernels.CmpOp][]any{
		kernels.Eq:    anys[any](true, false, false, false, false, nil, true),
		kernels.NotEq: anys[any](false, true, true, true, true, nil, false),
		kernels.Lt:    anys[any](false, false, false, true, true, nil, false),
		kernels.LtEq:  anys[any](true, false, false, true, true, nil, true),
		kernels.Gt:    anys[any](false, true, true, false, false, nil, false),
		kernels.GtEq:  anys[any](true, true, true, false, false, nil, true),
	}
	for _, op := range cmpOps {
		got, err := kernels.Compare(mem, op, kernels.ArrayValue(a), kernels.ArrayValue(b), 7)
		if err != nil {
			t.Fatal(err)
		}
		checkArray(t, got, boo, want[op], "a "+cmpNames[op]+" b")
		got.Release()
	}
}

func TestCompareStrings(t *testing.T) {
	vals := []any{"", "a", "ab", "b", "B", "é", "a\x00", nil}
	compareAll(t, str, vals)
	compareAll(t, lstr, vals)
	compareAll(t, arrow.BinaryTypes.StringView, []any{"", "short", "a string longer than twelve bytes", "a string longer than twelve bytez", nil})
}

func TestCompareBooleans(t *testing.T) {
	compareAll(t, boo, []any{true, false, nil})
}

func TestCompareTemporal(t *testing.T) {
	for _, dt := range []arrow.DataType{
		arrow.FixedWidthTypes.Date32,
		&arrow.TimestampType{Unit: arrow.Microsecond},
		arrow.FixedWidthTypes.Duration_ns,
	} {
		mem := newMem()
		a := makeArray(t, mem, dt, anys[any](int64(-5), int64(0), int64(19000), nil), 9)
		got, err := kernels.Compare(mem, kernels.Lt, kernels.ArrayValue(a), kernels.ScalarValue(int64(0), dt), 4)
		if err != nil {
			t.Fatal(err)
		}
		checkArray(t, got, boo, anys[any](true, false, false, nil), dt.String()+" < 0")
		got.Release()
		got, err = kernels.Compare(mem, kernels.Eq, kernels.ArrayValue(a), kernels.ArrayValue(a), 4)
		if err != nil {
			t.Fatal(err)
		}
		checkArray(t, got, boo, anys[any](true, true, true, nil), dt.String()+" == itself")
		got.Release()
		a.Release()
		mem.AssertSize(t, 0)
	}
}

// A comparison with a null scalar is null for every row.
func TestCompareNullScalar(t *testing.T) {
	for _, dt := range []arrow.DataType{i64, f64, str, boo} {
		mem := newMem()
		a := makeArray(t, mem, dt, []any{junk(dt, 0), nil, junk(dt, 2)}, 1)
		for _, op := range cmpOps {
			got, err := kernels.Compare(mem, op, kernels.ArrayValue(a), kernels.ScalarValue(nil, dt), 3)
			if err != nil {
				t.Fatal(err)
			}
			checkArray(t, got, boo, []any{nil, nil, nil}, dt.String()+" "+cmpNames[op]+" null")
			got.Release()
		}
		a.Release()
		mem.AssertSize(t, 0)
	}
}

// Polars' pl.lit(None) == pl.lit(None) is a Boolean null, and so is any
// comparison of a column of type Null.
func TestCompareNullType(t *testing.T) {
	mem := newMem()
	defer mem.AssertSize(t, 0)
	a := array.NewNull(4)
	defer a.Release()
	for _, op := range cmpOps {
		got, err := kernels.Compare(mem, op, kernels.ArrayValue(a), kernels.ArrayValue(a), 4)
		if err != nil {
			t.Fatalf("Null %s Null: %v", cmpNames[op], err)
		}
		checkArray(t, got, boo, []any{nil, nil, nil, nil}, "Null "+cmpNames[op]+" Null")
		got.Release()
		got, err = kernels.Compare(mem, op, kernels.ScalarValue(nil, arrow.Null), kernels.ScalarValue(nil, arrow.Null), 2)
		if err != nil {
			t.Fatalf("null %s null: %v", cmpNames[op], err)
		}
		checkArray(t, got, boo, []any{nil, nil}, "null "+cmpNames[op]+" null")
		got.Release()
	}
}

func TestCompareUnsupported(t *testing.T) {
	mem := newMem()
	defer mem.AssertSize(t, 0)
	b := array.NewBinaryBuilder(mem, arrow.BinaryTypes.Binary)
	b.Append([]byte("x"))
	a := b.NewArray()
	b.Release()
	defer a.Release()
	_, err := kernels.Compare(mem, kernels.Eq, kernels.ArrayValue(a), kernels.ArrayValue(a), 1)
	wantKind(t, err, core.KindNotSupported)
}
