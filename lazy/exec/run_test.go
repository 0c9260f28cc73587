package exec

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// sample20 is a 20-row table: id 0…19; v = id/2, null when id%7 == 3;
// s = "s<id>", null when id%5 == 4; b = id is even, null when id%6 == 5;
// small = id%5 - 2 (Int8).
func sample20(t *testing.T, mem memory.Allocator, sizes ...int) *core.Table {
	var id, v, s, b, small []any
	for i := range 20 {
		id = append(id, int64(i))
		var vv, sv, bv any = float64(i) / 2, fmt.Sprintf("s%d", i), i%2 == 0
		if i%7 == 3 {
			vv = nil
		}
		if i%5 == 4 {
			sv = nil
		}
		if i%6 == 5 {
			bv = nil
		}
		v, s, b = append(v, vv), append(s, sv), append(b, bv)
		small = append(small, int64(i%5-2))
	}
	return newTable(t, mem, []column{
		{"id", arrow.PrimitiveTypes.Int64, id},
		{"v", arrow.PrimitiveTypes.Float64, v},
		{"s", arrow.BinaryTypes.String, s},
		{"b", arrow.FixedWidthTypes.Boolean, b},
		{"small", arrow.PrimitiveTypes.Int8, small},
	}, sizes...)
}

const sample20Schema = "id: Int64, v: Float64, s: String, b: Boolean, small: Int8"

// layouts are the ways every end-to-end case is run: morsel sizes that do
// and do not split the table, and source batches of uneven sizes.
var layouts = []struct {
	name   string
	morsel int
	sizes  []int
}{
	{"one batch, one morsel", 64 * 1024, nil},
	{"one batch, morsels of 7", 7, nil},
	{"three batches, morsels of 3", 3, []int{6, 1, 13}},
	{"three batches, morsels of 1", 1, []int{13, 0, 7}},
}

// forLayouts runs check on sample20 in every layout, on the plan as built
// and as optimized, and checks for leaks.
func forLayouts(t *testing.T, build func(t *testing.T, scan lazy.Plan) lazy.Plan, check func(t *testing.T, r result)) {
	t.Helper()
	for _, l := range layouts {
		t.Run(l.name, func(t *testing.T) {
			mem := checkLeaks(t)
			setMorselRows(t, l.morsel)
			tbl := sample20(t, mem, l.sizes...)
			defer tbl.Release()
			p := build(t, lazy.NewScan(tbl))
			check(t, run(t, mem, p))
			t.Run("optimized", func(t *testing.T) { check(t, run(t, mem, Optimize(p))) })
		})
	}
}

func TestRunScan(t *testing.T) {
	forLayouts(t, func(t *testing.T, scan lazy.Plan) lazy.Plan { return scan }, func(t *testing.T, r result) {
		if r.rows != 20 {
			t.Fatalf("%d rows", r.rows)
		}
		r.want(t, sample20Schema, map[string][]any{"id": ints(seq(0, 20)...)})
		if r.cols["v"][3] != nil || r.cols["v"][4] != 2.0 || r.cols["s"][9] != nil || r.cols["s"][10] != "s10" ||
			r.cols["b"][5] != nil || r.cols["b"][6] != true || r.cols["small"][0] != int64(-2) {
			t.Errorf("values changed: %v", r.cols)
		}
	})
}

func TestRunFilter(t *testing.T) {
	cases := []struct {
		name string
		pred lazy.Expr
		ids  []int
	}{
		{"v > 4", bin(lazy.OpGt, col("v"), dyn(4.0)), []int{9, 11, 12, 13, 14, 15, 16, 18, 19}},
		{"b (null is false)", col("b"), []int{0, 2, 4, 6, 8, 10, 12, 14, 16, 18}},
		{"~b", &lazy.Unary{Op: lazy.OpNot, X: col("b")}, []int{1, 3, 7, 9, 13, 15, 19}},
		{"s is null", &lazy.Unary{Op: lazy.OpIsNull, X: col("s")}, []int{4, 9, 14, 19}},
		{"s == 's12'", bin(lazy.OpEq, col("s"), lit("s12")), []int{12}},
		{"s > 's5' (bytes order)", bin(lazy.OpGt, col("s"), lit("s5")), []int{6, 7, 8}},
		{"b | v is null (Kleene)", bin(lazy.OpOr, col("b"), &lazy.Unary{Op: lazy.OpIsNull, X: col("v")}),
			[]int{0, 2, 3, 4, 6, 8, 10, 12, 14, 16, 17, 18}},
		// 100 fits Int8, so the product is Int8 and 2*100 wraps to -56, as in Polars.
		{"small * 100 > 100 (Int8 wraps)", bin(lazy.OpGt, bin(lazy.OpMul, col("small"), dyn(int64(100))), dyn(int64(100))), nil},
		{"small * 100 < -50", bin(lazy.OpLt, bin(lazy.OpMul, col("small"), dyn(int64(100))), dyn(int64(-50))),
			[]int{1, 4, 6, 9, 11, 14, 16, 19}},
		{"small * 200 >= 400 (Int16)", bin(lazy.OpGtEq, bin(lazy.OpMul, col("small"), dyn(int64(200))), dyn(int64(400))),
			[]int{4, 9, 14, 19}},
		{"id % 4 == 1 & v > 2", bin(lazy.OpAnd, bin(lazy.OpEq, bin(lazy.OpMod, col("id"), dyn(int64(4))), dyn(int64(1))),
			bin(lazy.OpGt, col("v"), dyn(int64(2)))), []int{5, 9, 13}},
		{"true", lit(true), seq(0, 20)},
		{"false", lit(false), nil},
		{"v == null", bin(lazy.OpEq, col("v"), lit(nil)), nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			forLayouts(t, func(t *testing.T, scan lazy.Plan) lazy.Plan { return filter(t, scan, c.pred) },
				func(t *testing.T, r result) {
					r.want(t, sample20Schema, map[string][]any{"id": ints(c.ids...)})
					// The other columns travel with their rows.
					for i, id := range r.cols["id"] {
						if want := fmt.Sprintf("s%d", id); id.(int64)%5 != 4 && r.cols["s"][i] != want {
							t.Errorf("row %d: s = %v, want %s", i, r.cols["s"][i], want)
						}
					}
				})
		})
	}
}

func floorDiv(a, b int) any {
	if b == 0 {
		return nil
	}
	return int64(math.Floor(float64(a) / float64(b)))
}

func floorMod(a, b int) any {
	if b == 0 {
		return nil
	}
	return int64(a) - int64(b)*int64(math.Floor(float64(a)/float64(b)))
}

func TestRunProject(t *testing.T) {
	forLayouts(t, func(t *testing.T, scan lazy.Plan) lazy.Plan {
		shifted := bin(lazy.OpSub, col("id"), dyn(int64(10)))
		return sel(t, scan,
			col("id"),
			alias(bin(lazy.OpFloorDiv, col("id"), dyn(int64(-3))), "q"),
			alias(bin(lazy.OpMod, col("id"), dyn(int64(-3))), "r"),
			alias(bin(lazy.OpFloorDiv, shifted, dyn(int64(4))), "q2"),
			alias(bin(lazy.OpMod, shifted, dyn(int64(4))), "r2"),
			alias(bin(lazy.OpFloorDiv, col("id"), bin(lazy.OpSub, col("id"), col("id"))), "by_zero"),
			alias(bin(lazy.OpTrueDiv, col("small"), dyn(int64(2))), "half"),
			alias(bin(lazy.OpAdd, col("s"), lit("!")), "shout"),
			alias(bin(lazy.OpMul, col("small"), dyn(int64(200))), "big"),
			alias(&lazy.Cast{X: col("s"), To: arrow.PrimitiveTypes.Int64, Strict: false}, "parsed"),
			alias(&lazy.Unary{Op: lazy.OpNeg, X: col("v")}, "neg"),
			alias(lit(int64(7)), "seven"),
		)
	}, func(t *testing.T, r result) {
		var q, rr, q2, r2, byZero, half, shout, big, parsed, neg, seven []any
		for i := range 20 {
			q, rr = append(q, floorDiv(i, -3)), append(rr, floorMod(i, -3))
			q2, r2 = append(q2, floorDiv(i-10, 4)), append(r2, floorMod(i-10, 4))
			byZero = append(byZero, nil)
			half = append(half, float64(i%5-2)/2)
			if i%5 == 4 {
				shout = append(shout, nil)
			} else {
				shout = append(shout, fmt.Sprintf("s%d!", i))
			}
			big = append(big, int64(i%5-2)*200)
			parsed = append(parsed, nil)
			if i%7 == 3 {
				neg = append(neg, nil)
			} else {
				neg = append(neg, -float64(i)/2)
			}
			seven = append(seven, int64(7))
		}
		r.want(t, "id: Int64, q: Int64, r: Int64, q2: Int64, r2: Int64, by_zero: Int64, half: Float64, shout: String, "+
			"big: Int16, parsed: Int64, neg: Float64, seven: Int64", map[string][]any{
			"q": q, "r": rr, "q2": q2, "r2": r2, "by_zero": byZero, "half": half, "shout": shout,
			"big": big, "parsed": parsed, "neg": neg, "seven": seven,
		})
	})
}

func TestRunWithColumns(t *testing.T) {
	forLayouts(t, func(t *testing.T, scan lazy.Plan) lazy.Plan {
		wc := withColumns(t, scan,
			alias(bin(lazy.OpMul, col("id"), col("v")), "iv"),
			bin(lazy.OpAdd, col("small"), dyn(int64(1))), // replaces small in place
			alias(lit(nil), "n"),
		)
		// A column of type Null compares to null in every row (as in Polars).
		return withColumns(t, wc, alias(bin(lazy.OpEq, col("n"), col("n")), "nn"))
	}, func(t *testing.T, r result) {
		var iv, small []any
		for i := range 20 {
			if i%7 == 3 {
				iv = append(iv, nil)
			} else {
				iv = append(iv, float64(i)*float64(i)/2)
			}
			small = append(small, int64(i%5-1))
		}
		r.want(t, "id: Int64, v: Float64, s: String, b: Boolean, small: Int8, iv: Float64, n: Null, nn: Boolean",
			map[string][]any{"iv": iv, "small": small, "n": make([]any, 20), "nn": make([]any, 20)})
	})
}

func TestRunSlice(t *testing.T) {
	cases := []struct {
		name           string
		offset, length int64
		ids            []int
	}{
		{"head 5", 0, 5, seq(0, 5)},
		{"3..8", 3, 5, seq(3, 8)},
		{"across the end", 18, 10, []int{18, 19}},
		{"to the end", 12, -1, seq(12, 20)},
		{"past the end", 25, -1, nil},
		{"empty", 4, 0, nil},
		{"all", 0, 100, seq(0, 20)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			forLayouts(t, func(t *testing.T, scan lazy.Plan) lazy.Plan { return slice(scan, c.offset, c.length) },
				func(t *testing.T, r result) { r.want(t, sample20Schema, map[string][]any{"id": ints(c.ids...)}) })
		})
	}
}

// Filters, projections and slices in every order the optimizer treats apart.
func TestRunCombined(t *testing.T) {
	odd := bin(lazy.OpEq, bin(lazy.OpMod, col("id"), dyn(int64(2))), dyn(int64(1)))
	cases := []struct {
		name  string
		build func(t *testing.T, scan lazy.Plan) lazy.Plan
		ids   []int
	}{
		{"slice of a filter", func(t *testing.T, s lazy.Plan) lazy.Plan { return slice(filter(t, s, odd), 2, 3) }, []int{5, 7, 9}},
		{"filter of a slice", func(t *testing.T, s lazy.Plan) lazy.Plan { return filter(t, slice(s, 2, 5), odd) }, []int{3, 5}},
		{"slice of a slice", func(t *testing.T, s lazy.Plan) lazy.Plan { return slice(slice(s, 5, 10), 3, 4) }, []int{8, 9, 10, 11}},
		{"slice of a projection of a filter", func(t *testing.T, s lazy.Plan) lazy.Plan {
			return slice(sel(t, filter(t, s, odd), col("id"), alias(bin(lazy.OpMul, col("id"), dyn(int64(2))), "x")), 1, 2)
		}, []int{3, 5}},
		{"filter on a renamed column", func(t *testing.T, s lazy.Plan) lazy.Plan {
			p := sel(t, s, alias(col("small"), "k"), col("id"))
			return filter(t, p, bin(lazy.OpEq, col("k"), dyn(int64(2))))
		}, []int{4, 9, 14, 19}},
		{"filter on a computed column", func(t *testing.T, s lazy.Plan) lazy.Plan {
			p := withColumns(t, s, alias(bin(lazy.OpMul, col("small"), col("small")), "sq"))
			return filter(t, p, bin(lazy.OpAnd, bin(lazy.OpEq, col("sq"), dyn(int64(4))), odd))
		}, []int{5, 9, 15, 19}},
		{"filter, select, filter, head", func(t *testing.T, s lazy.Plan) lazy.Plan {
			p := filter(t, s, &lazy.Unary{Op: lazy.OpIsNotNull, X: col("v")})
			p = sel(t, p, col("id"), col("s"))
			p = filter(t, p, &lazy.Unary{Op: lazy.OpIsNotNull, X: col("s")})
			return slice(p, 0, 6)
		}, []int{0, 1, 2, 5, 6, 7}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			forLayouts(t, c.build, func(t *testing.T, r result) {
				if got := r.cols["id"]; !sameValues(got, ints(c.ids...)) {
					t.Errorf("ids %v, want %v", got, c.ids)
				}
			})
		})
	}
}

// A select of one column after a filter on another: the optimized scan
// filters on a column it does not output.
func TestRunPredicateOnUnselectedColumn(t *testing.T) {
	forLayouts(t, func(t *testing.T, scan lazy.Plan) lazy.Plan {
		return sel(t, filter(t, scan, bin(lazy.OpLt, col("small"), dyn(int64(0)))), col("s"))
	}, func(t *testing.T, r result) {
		r.want(t, "s: String", map[string][]any{"s": {"s0", "s1", "s5", "s6", "s10", "s11", "s15", "s16"}})
	})
}

func TestRunErrors(t *testing.T) {
	cases := []struct {
		name string
		expr lazy.Expr
		kind core.Kind
		msg  string
	}{
		{"strict cast", &lazy.Cast{X: col("s"), To: arrow.PrimitiveTypes.Int64, Strict: true}, core.KindCompute,
			`strict cast from String to Int64 failed for value "s0"`},
		{"strict narrowing", &lazy.Cast{X: bin(lazy.OpMul, col("id"), dyn(int64(100))), To: arrow.PrimitiveTypes.Int8, Strict: true},
			core.KindCompute, "failed for value 200"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, l := range layouts {
				mem := checkLeaks(t)
				setMorselRows(t, l.morsel)
				tbl := sample20(t, mem, l.sizes...)
				p := sel(t, lazy.NewScan(tbl), alias(c.expr, "x"))
				res, err := Run(context.Background(), mem, p)
				if err == nil {
					res.Release()
					t.Fatalf("%s: no error", l.name)
				}
				var ce *core.Error
				if !errors.As(err, &ce) || ce.Kind != c.kind {
					t.Fatalf("%s: error %v, want kind %s", l.name, err, c.kind)
				}
				if !strings.Contains(ce.Message, c.msg) || !strings.Contains(ce.Message, "(in expression ") {
					t.Errorf("%s: message %q", l.name, ce.Message)
				}
				if ce.Details["expression"] == nil {
					t.Errorf("%s: no expression detail", l.name)
				}
				tbl.Release()
			}
		})
	}
}

func TestRunEmptyInputs(t *testing.T) {
	mem := checkLeaks(t)
	setMorselRows(t, 7)
	cols := []column{{"a", arrow.PrimitiveTypes.Int64, nil}, {"s", arrow.BinaryTypes.String, nil}}
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "a", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true},
	}, nil)
	for name, tbl := range map[string]*core.Table{
		"no batches":     core.NewTable(schema, nil),
		"an empty batch": newTable(t, mem, cols, 0),
		"empty batches":  newTable(t, mem, cols, 0, 0, 0),
	} {
		scan := lazy.NewScan(tbl)
		plans := map[string]lazy.Plan{
			"scan":   scan,
			"filter": filter(t, scan, bin(lazy.OpGt, col("a"), dyn(int64(1)))),
			"select": sel(t, scan, alias(bin(lazy.OpAdd, col("s"), lit("x")), "t"), col("a")),
			"slice":  slice(scan, 2, 3),
		}
		for pname, p := range plans {
			for _, q := range []lazy.Plan{p, Optimize(p)} {
				r := run(t, mem, q)
				if r.rows != 0 {
					t.Errorf("%s, %s: %d rows", name, pname, r.rows)
				}
				if r.schema != schemaString(p.Schema()) {
					t.Errorf("%s, %s: schema %s, want %s", name, pname, r.schema, schemaString(p.Schema()))
				}
			}
		}
		tbl.Release()
	}
}

// Filters that drop every row of some morsels, or of all of them.
func TestRunFilterDropsWholeMorsels(t *testing.T) {
	mem := checkLeaks(t)
	setMorselRows(t, 7)
	tbl := sample20(t, mem)
	defer tbl.Release()
	scan := lazy.NewScan(tbl)
	for pred, ids := range map[lazy.Expr][]int{
		bin(lazy.OpGt, col("id"), dyn(int64(100))):                                                          nil,
		bin(lazy.OpGtEq, col("id"), dyn(int64(14))):                                                         seq(14, 20),
		bin(lazy.OpOr, bin(lazy.OpLt, col("id"), dyn(int64(2))), bin(lazy.OpEq, col("id"), dyn(int64(19)))): {0, 1, 19},
	} {
		for _, p := range []lazy.Plan{filter(t, scan, pred), Optimize(filter(t, scan, pred))} {
			r := run(t, mem, p)
			if !sameValues(r.cols["id"], ints(ids...)) {
				t.Errorf("filter %s: ids %v, want %v", pred, r.cols["id"], ids)
			}
		}
	}
}

// A query that only reads source columns hands them out without a copy;
// a computed column lives in the caller's allocator.
func TestRunResultMemory(t *testing.T) {
	mem := checkLeaks(t)
	setMorselRows(t, 7)
	tbl := sample20(t, mem)
	defer tbl.Release()
	res, err := Run(context.Background(), mem, sel(t, lazy.NewScan(tbl), col("s"), col("id")))
	if err != nil {
		t.Fatal(err)
	}
	got := res.Batches()[0].Column(1).Data().Buffers()[1].Bytes()
	src := tbl.Batches()[0].Column(0).Data().Buffers()[1].Bytes()
	if &got[0] != &src[0] {
		t.Errorf("a column read unchanged from the source was copied")
	}
	res.Release()

	before := mem.CurrentAlloc()
	res, err = Run(context.Background(), mem, sel(t, lazy.NewScan(tbl), alias(bin(lazy.OpMul, col("id"), dyn(int64(3))), "x")))
	if err != nil {
		t.Fatal(err)
	}
	if mem.CurrentAlloc() <= before {
		t.Errorf("a computed result column was not allocated from the caller's allocator")
	}
	if r := readTable(t, res); !sameValues(r.cols["x"], ints(0, 3, 6, 9, 12, 15, 18, 21, 24, 27, 30, 33, 36, 39, 42, 45, 48, 51, 54, 57)) {
		t.Errorf("x = %v", r.cols["x"])
	}
	res.Release()
}

// The result outlives the source table: it holds its own references.
func TestRunResultOutlivesSource(t *testing.T) {
	mem := checkLeaks(t)
	setMorselRows(t, 7)
	tbl := sample20(t, mem, 6, 14)
	p := filter(t, lazy.NewScan(tbl), bin(lazy.OpLt, col("id"), dyn(int64(10))))
	res, err := Run(context.Background(), mem, Optimize(p))
	if err != nil {
		t.Fatal(err)
	}
	tbl.Release()
	r := readTable(t, res)
	if !sameValues(r.cols["id"], ints(seq(0, 10)...)) || r.cols["s"][8] != "s8" {
		t.Errorf("result after releasing the source: %v", r.cols)
	}
	res.Release()
}

func TestRunUnsupportedSource(t *testing.T) {
	src := schemaOnlySource{arrow.NewSchema([]arrow.Field{{Name: "a", Type: arrow.PrimitiveTypes.Int64}}, nil)}
	_, err := Run(context.Background(), memory.NewGoAllocator(), lazy.NewScan(src))
	if k := core.KindOf(err); k != core.KindNotSupported {
		t.Errorf("scanning a non-memory source: %v (kind %s)", err, k)
	}
}

type schemaOnlySource struct{ schema *arrow.Schema }

func (s schemaOnlySource) Name() string          { return "remote" }
func (s schemaOnlySource) Schema() *arrow.Schema { return s.schema }
func (s schemaOnlySource) NumRows() int64        { return 0 }
