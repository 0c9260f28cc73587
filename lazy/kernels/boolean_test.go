package kernels_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
)

var logicNames = map[kernels.LogicOp]string{kernels.And: "&", kernels.Or: "|", kernels.Xor: "^"}

// refLogic is Kleene logic for & and |, as in Polars and SQL, and a null
// whenever either side of ^ is null. Read off Polars:
// pl.DataFrame({"x": [...], "y": [...]}).with_columns(x & y, x | y, x ^ y).
func refLogic(op kernels.LogicOp, a, b any) any {
	switch op {
	case kernels.And:
		if a == false || b == false {
			return false
		}
		if a == nil || b == nil {
			return nil
		}
		return true
	case kernels.Or:
		if a == true || b == true {
			return true
		}
		if a == nil || b == nil {
			return nil
		}
		return false
	}
	if a == nil || b == nil {
		return nil
	}
	return a != b
}

func TestLogicTruthTables(t *testing.T) {
	tri := []any{true, false, nil}
	var xs, ys []any
	for _, x := range tri {
		for _, y := range tri {
			xs, ys = append(xs, x), append(ys, y)
		}
	}
	// The truth tables spelled out, as Polars prints them.
	spelled := map[kernels.LogicOp][]any{
		kernels.And: {true, false, nil, false, false, false, nil, false, nil},
		kernels.Or:  {true, true, true, true, false, nil, true, nil, nil},
		kernels.Xor: {false, true, nil, true, false, nil, nil, nil, nil},
	}
	for op, want := range spelled {
		for i := range xs {
			if got := refLogic(op, xs[i], ys[i]); got != want[i] {
				t.Fatalf("reference %v %s %v = %v, want %v", xs[i], logicNames[op], ys[i], got, want[i])
			}
		}
	}
	for _, op := range []kernels.LogicOp{kernels.And, kernels.Or, kernels.Xor} {
		for _, off := range offsets {
			t.Run(fmt.Sprintf("%s/offset=%d", logicNames[op], off), func(t *testing.T) {
				mem := newMem()
				defer mem.AssertSize(t, 0)
				a := makeArray(t, mem, boo, xs, off)
				defer a.Release()
				b := makeArray(t, mem, boo, ys, 8-off%8)
				defer b.Release()
				got, err := kernels.Logic(mem, op, kernels.ArrayValue(a), kernels.ArrayValue(b), len(xs))
				if err != nil {
					t.Fatal(err)
				}
				checkArray(t, got, boo, spelled[op], "array "+logicNames[op]+" array")
				got.Release()
				// With either side a scalar (true, false or null).
				for _, s := range tri {
					wantAS := make([]any, len(xs))
					wantSA := make([]any, len(xs))
					for i := range xs {
						wantAS[i] = refLogic(op, xs[i], s)
						wantSA[i] = refLogic(op, s, xs[i])
					}
					got, err := kernels.Logic(mem, op, kernels.ArrayValue(a), kernels.ScalarValue(s, boo), len(xs))
					if err != nil {
						t.Fatal(err)
					}
					checkArray(t, got, boo, wantAS, fmt.Sprintf("array %s %v", logicNames[op], s))
					got.Release()
					got, err = kernels.Logic(mem, op, kernels.ScalarValue(s, boo), kernels.ArrayValue(a), len(xs))
					if err != nil {
						t.Fatal(err)
					}
					checkArray(t, got, boo, wantSA, fmt.Sprintf("%v %s array", s, logicNames[op]))
					got.Release()
				}
			})
		}
	}
}

// Long random operands cross many bytes of the bitmaps, with offsets that
// start inside a byte.
func TestLogicRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{1, 7, 8, 9, 63, 64, 65, 1000} {
		xs, ys := randomBools(rng, n), randomBools(rng, n)
		for _, op := range []kernels.LogicOp{kernels.And, kernels.Or, kernels.Xor} {
			mem := newMem()
			a := makeArray(t, mem, boo, xs, rng.IntN(20))
			b := makeArray(t, mem, boo, ys, rng.IntN(20))
			want := make([]any, n)
			for i := range want {
				want[i] = refLogic(op, xs[i], ys[i])
			}
			got, err := kernels.Logic(mem, op, kernels.ArrayValue(a), kernels.ArrayValue(b), n)
			if err != nil {
				t.Fatal(err)
			}
			checkArray(t, got, boo, want, fmt.Sprintf("n=%d %s", n, logicNames[op]))
			got.Release()
			a.Release()
			b.Release()
			mem.AssertSize(t, 0)
		}
	}
}

func randomBools(rng *rand.Rand, n int) []any {
	out := make([]any, n)
	for i := range out {
		switch rng.IntN(3) {
		case 0:
			out[i] = true
		case 1:
			out[i] = false
		}
	}
	return out
}

// An operand of type Null is null in every row.
func TestLogicNullTypedOperand(t *testing.T) {
	mem := newMem()
	defer mem.AssertSize(t, 0)
	a := makeArray(t, mem, boo, anys[any](true, false, nil), 2)
	defer a.Release()
	nulls := array.NewNull(3)
	defer nulls.Release()
	for op, want := range map[kernels.LogicOp][]any{
		kernels.And: {nil, false, nil},
		kernels.Or:  {true, nil, nil},
		kernels.Xor: {nil, nil, nil},
	} {
		got, err := kernels.Logic(mem, op, kernels.ArrayValue(a), kernels.ArrayValue(nulls), 3)
		if err != nil {
			t.Fatal(err)
		}
		checkArray(t, got, boo, want, "x "+logicNames[op]+" Null")
		got.Release()
	}
}

func TestNot(t *testing.T) {
	for _, off := range offsets {
		mem := newMem()
		vals := anys[any](true, false, nil, true, true, false, nil, false, true, false, true)
		a := makeArray(t, mem, boo, vals, off)
		got, err := kernels.Not(mem, a)
		if err != nil {
			t.Fatal(err)
		}
		want := make([]any, len(vals))
		for i, v := range vals {
			if v != nil {
				want[i] = !v.(bool)
			}
		}
		checkArray(t, got, boo, want, fmt.Sprintf("~x at offset %d", off))
		got.Release()
		a.Release()
		mem.AssertSize(t, 0)
	}
	mem := newMem()
	defer mem.AssertSize(t, 0)
	n := array.NewNull(5)
	defer n.Release()
	got, err := kernels.Not(mem, n)
	if err != nil {
		t.Fatal(err)
	}
	checkArray(t, got, boo, make([]any, 5), "~Null")
	got.Release()
}

func TestIsNull(t *testing.T) {
	for _, dt := range []arrow.DataType{i8, u64, f32, str, boo, arrow.FixedWidthTypes.Date32} {
		for _, off := range offsets {
			mem := newMem()
			vals := []any{junk(dt, 0), nil, junk(dt, 2), nil, nil, junk(dt, 5), junk(dt, 6), junk(dt, 7), nil}
			a := makeArray(t, mem, dt, vals, off)
			for _, negate := range []bool{false, true} {
				want := make([]any, len(vals))
				for i, v := range vals {
					want[i] = (v == nil) != negate
				}
				got := kernels.IsNull(mem, a, negate)
				checkArray(t, got, boo, want, fmt.Sprintf("%s is_null (negate=%v) at offset %d", dt, negate, off))
				got.Release()
			}
			a.Release()
			// Without any null.
			a = makeArray(t, mem, dt, []any{junk(dt, 0), junk(dt, 1)}, off)
			got := kernels.IsNull(mem, a, false)
			checkArray(t, got, boo, anys[any](false, false), "is_null without nulls")
			got.Release()
			got = kernels.IsNull(mem, a, true)
			checkArray(t, got, boo, anys[any](true, true), "is_not_null without nulls")
			got.Release()
			a.Release()
			mem.AssertSize(t, 0)
		}
	}
	mem := newMem()
	defer mem.AssertSize(t, 0)
	n := array.NewNull(3)
	defer n.Release()
	got := kernels.IsNull(mem, n, false)
	checkArray(t, got, boo, anys[any](true, true, true), "Null is_null")
	got.Release()
	got = kernels.IsNull(mem, n, true)
	checkArray(t, got, boo, anys[any](false, false, false), "Null is_not_null")
	got.Release()
}

func TestSelectionMask(t *testing.T) {
	for _, off := range offsets {
		mem := newMem()
		vals := anys[any](true, false, nil, true, nil, true, false, true, true, nil)
		a := makeArray(t, mem, boo, vals, off)
		mask, kept := kernels.SelectionMask(mem, kernels.ArrayValue(a), len(vals))
		if kept != 5 {
			t.Errorf("offset %d: kept %d, want 5", off, kept)
		}
		for i, v := range vals {
			if got := bitutil.BitIsSet(mask.Bytes(), i); got != (v == true) {
				t.Errorf("offset %d: row %d (%v) selected=%v", off, i, v, got)
			}
		}
		mask.Release()
		a.Release()
		mem.AssertSize(t, 0)
	}
	mem := newMem()
	defer mem.AssertSize(t, 0)
	for s, want := range map[any]int{true: 11, false: 0, nil: 0} {
		mask, kept := kernels.SelectionMask(mem, kernels.ScalarValue(s, boo), 11)
		if kept != want {
			t.Errorf("scalar %v keeps %d rows, want %d", s, kept, want)
		}
		mask.Release()
	}
}

// Empty Boolean arrays may come without a value buffer (the builders make
// them so); every Boolean kernel must take them. A source batch of zero rows
// reaches the kernels as such a morsel.
func TestBooleanKernelsOnEmptyArrays(t *testing.T) {
	mem := newMem()
	defer mem.AssertSize(t, 0)
	e := makeArray(t, mem, boo, nil, 0)
	defer e.Release()
	for _, op := range []kernels.LogicOp{kernels.And, kernels.Or, kernels.Xor} {
		for _, other := range []kernels.Value{kernels.ArrayValue(e), kernels.ScalarValue(true, boo), kernels.ScalarValue(nil, boo)} {
			got, err := kernels.Logic(mem, op, kernels.ArrayValue(e), other, 0)
			if err != nil {
				t.Fatal(err)
			}
			checkArray(t, got, boo, nil, "empty "+logicNames[op])
			got.Release()
		}
	}
	got, err := kernels.Not(mem, e)
	if err != nil {
		t.Fatal(err)
	}
	checkArray(t, got, boo, nil, "~empty")
	got.Release()
	got = kernels.IsNull(mem, e, false)
	checkArray(t, got, boo, nil, "empty.is_null()")
	got.Release()
	for _, op := range cmpOps {
		got, err := kernels.Compare(mem, op, kernels.ArrayValue(e), kernels.ArrayValue(e), 0)
		if err != nil {
			t.Fatal(err)
		}
		checkArray(t, got, boo, nil, "empty "+cmpNames[op]+" empty")
		got.Release()
		got, err = kernels.Compare(mem, op, kernels.ArrayValue(e), kernels.ScalarValue(true, boo), 0)
		if err != nil {
			t.Fatal(err)
		}
		got.Release()
	}
	mask, kept := kernels.SelectionMask(mem, kernels.ArrayValue(e), 0)
	if kept != 0 {
		t.Errorf("kept %d of nothing", kept)
	}
	mask.Release()
	got, err = kernels.Cast(mem, e, i32, true)
	if err != nil {
		t.Fatal(err)
	}
	checkArray(t, got, i32, nil, "empty cast")
	got.Release()
}
