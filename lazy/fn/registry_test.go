package fn

import (
	"fmt"
	"strings"
	"testing"

	"github.com/alopexdb/alopex/core"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Every entry is complete: a name, a type rule, an evaluator, a sane
// arity, and a Python method unless only the engine or SQL builds it.
func TestEntriesComplete(t *testing.T) {
	for _, s := range All() {
		if s.Type == nil || s.Eval == nil {
			t.Errorf("%s: no type rule or evaluator", s.Name)
		}
		if s.MinArgs < 0 || (s.MaxArgs >= 0 && s.MaxArgs < s.MinArgs) {
			t.Errorf("%s: arity %d..%d", s.Name, s.MinArgs, s.MaxArgs)
		}
		if len(s.Python) == 0 && !strings.HasPrefix(s.Name, "sql.") && !s.Internal {
			t.Errorf("%s: no Python method", s.Name)
		}
		for _, m := range s.Python {
			if !strings.HasPrefix(m, "Expr.") && !strings.HasPrefix(m, "ax.") {
				t.Errorf("%s: Python name %q is neither an Expr method nor a function of the package", s.Name, m)
			}
		}
		for _, alias := range s.SQL {
			if got, ok := LookupSQL(alias); !ok || got != s {
				t.Errorf("%s: SQL name %q does not find it", s.Name, alias)
			}
		}
		if got, ok := Lookup(s.Name); !ok || got != s {
			t.Errorf("%s: Lookup does not find it", s.Name)
		}
	}
}

// Every window function is complete too, and no name is both a scalar and
// a window function.
func TestWindowEntriesComplete(t *testing.T) {
	if len(AllWindows()) == 0 {
		t.Fatal("no window functions")
	}
	for _, w := range AllWindows() {
		if w.Type == nil || w.Eval == nil {
			t.Errorf("%s: no type rule or evaluator", w.Name)
		}
		if len(w.Python) == 0 && !w.Internal {
			t.Errorf("%s: no Python method", w.Name)
		}
		if _, clash := Lookup(w.Name); clash {
			t.Errorf("%s: both a scalar and a window function", w.Name)
		}
	}
}

// The arity is checked before the rule, with the function's name.
func TestBindChecksArity(t *testing.T) {
	s, _ := Lookup("str.to_uppercase")
	err := s.Bind(&Binding{Name: s.Name, Args: nil})
	if err == nil || !strings.Contains(err.Error(), "str.to_uppercase takes 1 to 1 arguments, got 0") {
		t.Fatalf("got %v", err)
	}
}

func TestNullRules(t *testing.T) {
	yes := func(int) bool { return true }
	contains, _ := Lookup("str.contains")
	if !contains.NeverNull(nil, 2, yes) || contains.NeverNull(map[string]any{"strict": false}, 2, yes) {
		t.Error("str.contains: null only from its arguments when strict, not otherwise")
	}
	if contains.NeverNull(nil, 2, func(i int) bool { return i == 0 }) {
		t.Error("str.contains of a nullable pattern can be null")
	}
	find, _ := Lookup("str.find")
	if find.NeverNull(nil, 2, yes) {
		t.Error("str.find is null where nothing matches")
	}
	coalesce, _ := Lookup("coalesce")
	if !coalesce.NeverNull(nil, 3, func(i int) bool { return i == 2 }) || coalesce.NeverNull(nil, 2, func(int) bool { return false }) {
		t.Error("coalesce is never null when one of its arguments is never null, only then")
	}
	dec, _ := Lookup(SQLDecimalArith)
	if !dec.NeverNull(map[string]any{"op": "mul"}, 2, yes) || dec.NeverNull(map[string]any{"op": "div"}, 2, yes) {
		t.Error("SQL decimal arithmetic is null only from its operands, except a division (by zero)")
	}
	when, _ := Lookup("when")
	values := func(i int) bool { return i != 0 && i != 2 } // conditions nullable, values not
	if !when.NeverNull(nil, 5, values) || when.NeverNull(nil, 5, func(i int) bool { return i != 3 }) {
		t.Error("when is never null when its values are never null, whatever its conditions")
	}
}

// Every aggregate is complete: a type rule, a sane arity, Python methods
// of the Expr, package or GroupBy, SQL names that find it and no name
// shared with a scalar or window function.
func TestAggregateEntriesComplete(t *testing.T) {
	if len(AllAggregates()) == 0 {
		t.Fatal("no aggregates")
	}
	for _, a := range AllAggregates() {
		if a.Type == nil || a.State == nil {
			t.Errorf("%s: no type rule or state", a.Name)
		}
		if a.MinArgs < 0 || a.MaxArgs < a.MinArgs || a.MaxArgs > 2 {
			t.Errorf("%s: arity %d..%d", a.Name, a.MinArgs, a.MaxArgs)
		}
		if len(a.Python) == 0 {
			t.Errorf("%s: no Python method", a.Name)
		}
		for _, m := range a.Python {
			if !strings.HasPrefix(m, "Expr.") && !strings.HasPrefix(m, "ax.") && !strings.HasPrefix(m, "GroupBy.") {
				t.Errorf("%s: Python name %q is not an Expr, package or GroupBy method", a.Name, m)
			}
		}
		for _, s := range a.SQL {
			if got, param, ok := LookupSQLAggregate(s.Name); !ok || got != a || param != s.Param {
				t.Errorf("%s: SQL name %q does not find it with its parameter", a.Name, s.Name)
			}
			if s.Name != strings.ToLower(s.Name) {
				t.Errorf("%s: SQL name %q is not in lower case", a.Name, s.Name)
			}
		}
		if got, ok := LookupAggregate(a.Name); !ok || got != a {
			t.Errorf("%s: LookupAggregate does not find it", a.Name)
		}
		if _, clash := Lookup(a.Name); clash {
			t.Errorf("%s: both a scalar function and an aggregate", a.Name)
		}
		if _, clash := LookupWindow(a.Name); clash {
			t.Errorf("%s: both a window function and an aggregate", a.Name)
		}
	}
	if _, ok := LookupAggregate("mode"); ok {
		t.Error("mode is no aggregate")
	}
}

// The type rules are Polars': the result type of each aggregate over an
// input type, or an error.
func TestAggregateTypeRules(t *testing.T) {
	i8, i64, f32, f64 := arrow.PrimitiveTypes.Int8, arrow.PrimitiveTypes.Int64, arrow.PrimitiveTypes.Float32, arrow.PrimitiveTypes.Float64
	u32, boolean, str := arrow.PrimitiveTypes.Uint32, arrow.FixedWidthTypes.Boolean, arrow.BinaryTypes.String
	dec := &arrow.Decimal128Type{Precision: 12, Scale: 2}
	list := arrow.ListOf(i64)
	for _, c := range []struct {
		name   string
		x, y   arrow.DataType
		param  float64
		want   arrow.DataType // nil: an error
		castX  arrow.DataType
		errHas string
	}{
		{name: AggSum, x: i8, want: i64},
		{name: AggSum, x: boolean, want: u32},
		{name: AggSum, x: f32, want: f32},
		{name: AggSum, x: dec, want: &arrow.Decimal128Type{Precision: MaxDecimalPrecision, Scale: 2}},
		{name: AggSum, x: str, errHas: "cannot compute sum of String values"},
		{name: AggSum, x: list, errHas: "not supported yet"},
		{name: AggMean, x: f32, want: f32},
		{name: AggMean, x: i8, want: f64},
		{name: AggMean, x: dec, want: f64, castX: f64},
		{name: AggStd, x: boolean, want: f64},
		{name: AggMedian, x: str, errHas: "cannot compute median of String values"},
		{name: AggMin, x: str, want: str},
		{name: AggMin, x: core.Categorical, want: str, castX: str},
		{name: AggMax, x: list, errHas: "not supported yet"},
		{name: AggCount, x: list, want: u32},
		{name: AggLen, want: u32},
		{name: AggNUnique, x: core.Categorical, want: u32},
		{name: AggNUnique, x: list, errHas: "not supported yet"},
		{name: AggAny, x: boolean, want: boolean},
		{name: AggAll, x: i64, errHas: "cannot compute all of Int64 values"},
		{name: AggSum, x: core.Categorical, errHas: "sum of Categorical values is not supported"},
		{name: AggQuantile, x: i64, param: 0.5, want: f64},
		{name: AggQuantile, x: i64, param: 1.5, errHas: "quantile must be between 0 and 1"},
		{name: AggCorr, x: i64, y: dec, want: f64},
		{name: AggCorr, x: i64, errHas: "corr needs two inputs"},
		{name: AggCov, x: i64, y: str, param: 1, errHas: "cannot compute cov of String values"},
		{name: AggCov, x: i64, y: i64, param: 0.5, errHas: "ddof of cov must be a non-negative integer"},
		{name: AggTopK, x: str, param: 3, want: arrow.ListOf(str)},
		{name: AggTopK, x: dec, param: 3, errHas: "not supported yet"},
		{name: AggBottomK, x: i64, param: -1, errHas: "k of bottom_k must be a non-negative integer"},
		{name: AggMean, errHas: "aggregate mean needs an input expression"},
		{name: AggMin, x: i64, y: i64, errHas: "aggregate min takes 1 input(s), got 2"},
	} {
		a := MustAggregate(c.name)
		b := &AggBinding{Name: a.Name, X: c.x, Y: c.y, Param: c.param, Expr: "e", XExpr: "x", YExpr: "y"}
		err := a.Bind(b)
		switch {
		case c.errHas != "":
			if err == nil || !strings.Contains(err.Error(), c.errHas) {
				t.Errorf("%s(%v, %v): error %v, want one with %q", c.name, c.x, c.y, err, c.errHas)
			}
		case err != nil:
			t.Errorf("%s(%v, %v): %v", c.name, c.x, c.y, err)
		case !arrow.TypeEqual(b.Out, c.want):
			t.Errorf("%s(%v, %v) = %v, want %v", c.name, c.x, c.y, b.Out, c.want)
		case (c.castX == nil) != (b.CastX == nil) || (c.castX != nil && !arrow.TypeEqual(b.CastX, c.castX)):
			t.Errorf("%s(%v): cast %v, want %v", c.name, c.x, b.CastX, c.castX)
		}
	}
}

func TestAggregateNullRules(t *testing.T) {
	for _, name := range []string{AggSum, AggCount, AggLen, AggNUnique} {
		if !MustAggregate(name).NeverNull(false, false) {
			t.Errorf("%s is never null", name)
		}
	}
	for _, name := range []string{AggMin, AggMax, AggFirst, AggLast, AggMean} {
		a := MustAggregate(name)
		if !a.NeverNull(true, true) || a.NeverNull(false, true) || a.NeverNull(true, false) {
			t.Errorf("%s has a value only in a non-empty group over values without nulls", name)
		}
	}
	for _, name := range []string{AggStd, AggVar, AggCorr, AggMedian} {
		if MustAggregate(name).NeverNull(true, true) {
			t.Errorf("%s can be null", name)
		}
	}
}

// Each entry's state, driven through AggState as the executor drives it:
// two workers' states over halves of the rows, merged, then finished.
func TestAggregateStatesThroughInterface(t *testing.T) {
	mem := memory.NewGoAllocator()
	i64 := arrow.PrimitiveTypes.Int64
	serial := &AggEnv{ParallelRanges: func(n, _ int, f func(lo, hi int)) { f(0, n) }}
	halves := [][]int64{{1, 2, 3}, {4, 4, 6}} // rows of groups 0, 1, 0 and 1, 1, 0
	gids := [][]int32{{0, 1, 0}, {1, 1, 0}}
	for _, c := range []struct {
		name string
		want string
	}{
		{AggSum, "[10 10]"}, {AggCount, "[3 3]"}, {AggLen, "[3 3]"}, {AggMin, "[1 2]"}, {AggMax, "[6 4]"},
		{AggFirst, "[1 2]"}, {AggLast, "[6 4]"}, {AggMean, "[3.3333333333333335 3.3333333333333335]"},
		{AggNUnique, "[3 2]"}, {AggMedian, "[3 4]"},
	} {
		a := MustAggregate(c.name)
		b := &AggBinding{Name: a.Name, X: i64}
		if err := a.Bind(b); err != nil {
			t.Fatal(err)
		}
		var states [2]AggState
		for w := range states {
			s, err := a.NewState(&AggCall{In: i64, Out: b.Out, Env: serial})
			if err != nil {
				t.Fatal(err)
			}
			bld := array.NewInt64Builder(mem)
			bld.AppendValues(halves[w], nil)
			arr := bld.NewArray()
			s.Grow(2)
			s.Update(gids[w], arr, int64(3*w))
			arr.Release()
			states[w] = s
		}
		states[0].Merge(states[1], []int32{0, 1}, []int32{0, 1})
		got, err := states[0].Finish(mem)
		if err != nil {
			t.Fatal(err)
		}
		if s := fmt.Sprint(got); s != c.want {
			t.Errorf("%s = %s, want %s", c.name, s, c.want)
		}
		got.Release()
	}
}
