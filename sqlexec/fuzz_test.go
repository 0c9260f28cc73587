package sqlexec_test

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/lazy/exec"
	"github.com/alopexdb/alopex/sqlexec"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// fuzzTables are two small tables with the shapes of the data-driven
// files' t and u, holding nulls, NaN, infinities, extremes, empty and
// non-ASCII strings, so that executing a fuzzed query reaches the kernels'
// edge cases in a few rows.
func fuzzTables() map[string]lazy.Plan {
	mem := memory.DefaultAllocator
	i64, f64, str := arrow.PrimitiveTypes.Int64, arrow.PrimitiveTypes.Float64, arrow.BinaryTypes.String
	ts := arrow.NewSchema([]arrow.Field{{Name: "a", Type: i64}, {Name: "b", Type: str, Nullable: true},
		{Name: "c", Type: f64, Nullable: true}, {Name: "d", Type: arrow.FixedWidthTypes.Date32},
		{Name: "k", Type: i64, Nullable: true}}, nil)
	tb := array.NewRecordBuilder(mem, ts)
	tb.Field(0).(*array.Int64Builder).AppendValues([]int64{1, -2, 0, math.MaxInt64, math.MinInt64}, nil)
	tb.Field(1).(*array.StringBuilder).AppendValues([]string{"x", "", "héllo", "x", ""}, []bool{true, true, true, true, false})
	tb.Field(2).(*array.Float64Builder).AppendValues([]float64{1.5, math.NaN(), math.Inf(-1), -0.0, 0}, []bool{true, true, true, true, false})
	tb.Field(3).(*array.Date32Builder).AppendValues([]arrow.Date32{0, 19000, -1, 2932896, 19000}, nil)
	tb.Field(4).(*array.Int64Builder).AppendValues([]int64{1, 0, 1, 3, 0}, []bool{true, false, true, true, false})
	us := arrow.NewSchema([]arrow.Field{{Name: "a", Type: i64}, {Name: "c", Type: f64, Nullable: true},
		{Name: "k", Type: i64, Nullable: true}, {Name: "s", Type: str}}, nil)
	ub := array.NewRecordBuilder(mem, us)
	ub.Field(0).(*array.Int64Builder).AppendValues([]int64{1, 1, 3}, nil)
	ub.Field(1).(*array.Float64Builder).AppendValues([]float64{2.5, 0, math.Inf(1)}, []bool{true, false, true})
	ub.Field(2).(*array.Int64Builder).AppendValues([]int64{1, 0, 7}, []bool{true, false, true})
	ub.Field(3).(*array.StringBuilder).AppendValues([]string{"a", "b", "ü"}, nil)
	return map[string]lazy.Plan{
		"t": lazy.NewScan(core.NewTable(ts, []arrow.RecordBatch{tb.NewRecordBatch()})),
		"u": lazy.NewScan(core.NewTable(us, []arrow.RecordBatch{ub.NewRecordBatch()})),
	}
}

// FuzzSQLPlan feeds SQL text to the whole path a query takes: parse,
// translate, optimize, explain, execute (the first rows, within a memory
// limit and a time limit). Any step may fail with an error the user can
// act on; none may panic or report an InternalError. The seeds under
// testdata/fuzz/FuzzSQLPlan are the queries of testdata/*.txt. Explore with
//
//	go test ./sqlexec -run '^$' -fuzz '^FuzzSQLPlan$' -fuzztime 10m
func FuzzSQLPlan(f *testing.F) {
	f.Add("SELECT a, b FROM t WHERE a > 1 ORDER BY a")
	tables := fuzzTables()
	prev := exec.MemoryLimit()
	exec.SetMemoryLimit(256 << 20)
	f.Cleanup(func() { exec.SetMemoryLimit(prev) })
	f.Fuzz(func(t *testing.T, query string) {
		p, err := sqlexec.Compile(query, tables, nil, nil)
		if err != nil {
			if core.KindOf(err) == core.KindInternal {
				t.Fatalf("Compile(%q): %v", query, err)
			}
			return
		}
		want := namesAndTypes(p.Schema())
		_ = lazy.Explain(p)
		q := exec.Optimize(p)
		if got := namesAndTypes(q.Schema()); got != want {
			t.Fatalf("Optimize changed the schema of %q from %s to %s", query, want, got)
		}
		_ = lazy.Explain(q)
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		tbl, err := exec.Run(ctx, memory.DefaultAllocator, &lazy.Slice{Input: q, Length: 100})
		if err != nil {
			if k := core.KindOf(err); k == core.KindInternal {
				t.Fatalf("Run(%q): %v", query, err)
			}
			return
		}
		tbl.Release()
	})
}

// namesAndTypes is a schema without nullability, which the optimizer may
// sharpen (a filter proves a column not null).
func namesAndTypes(s *arrow.Schema) string {
	out := ""
	for _, f := range s.Fields() {
		out += f.Name + ": " + f.Type.String() + "; "
	}
	return out
}
