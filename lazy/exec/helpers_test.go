package exec

import (
	"context"
	"fmt"
	"github.com/alopexdb/alopex/internal/testkit"
	"math"
	"testing"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// setMorselRows makes scans cut morsels of n rows for the rest of the test:
// small morsels put many boundaries, and non-zero array offsets that are not
// multiples of 8, into small tables.
func setMorselRows(t *testing.T, n int) {
	old := MorselRows
	MorselRows = n
	t.Cleanup(func() { MorselRows = old })
}

// checkLeaks swaps the executor's working allocator for a checked one for
// the rest of the test and returns a checked allocator for inputs and
// results. At the end of the test both must be empty: every intermediate
// batch, the result and the input tables released.
func checkLeaks(t *testing.T) *memory.CheckedAllocator {
	old := workMem
	work := memory.NewCheckedAllocator(memory.NewGoAllocator())
	workMem = work
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	t.Cleanup(func() {
		workMem = old
		work.AssertSize(t, 0)
		mem.AssertSize(t, 0)
	})
	return mem
}

// column is a named column of a test table: values as Go values (nil is
// null; int64 or uint64 for integers, float64, bool, string).
type column struct {
	name string
	typ  arrow.DataType
	vals []any
}

// newTable builds a table whose batches hold the given numbers of rows of
// the columns (all rows in one batch when sizes is empty). Each batch is
// built on its own, so batches share no buffers.
func newTable(t *testing.T, mem memory.Allocator, cols []column, sizes ...int) *core.Table {
	t.Helper()
	fields := make([]arrow.Field, len(cols))
	for i, c := range cols {
		fields[i] = arrow.Field{Name: c.name, Type: c.typ, Nullable: true}
	}
	schema := arrow.NewSchema(fields, nil)
	n := 0
	if len(cols) > 0 {
		n = len(cols[0].vals)
	}
	if len(sizes) == 0 {
		sizes = []int{n}
	}
	var batches []arrow.RecordBatch
	start := 0
	for _, size := range sizes {
		arrs := make([]arrow.Array, len(cols))
		for i, c := range cols {
			arrs[i] = buildArray(t, mem, c.typ, c.vals[start:start+size])
		}
		batches = append(batches, array.NewRecordBatch(schema, arrs, int64(size)))
		for _, a := range arrs {
			a.Release()
		}
		start += size
	}
	if start != n {
		t.Fatalf("batch sizes %v cover %d of %d rows", sizes, start, n)
	}
	return core.NewTable(schema, batches)
}

// The shared test helpers (internal/testkit) under this package's names.
var (
	buildArray = testkit.Array
	readArray  = testkit.Values
)

// result is a query result read back as Go values.
type result struct {
	schema string // "name: Type, ..."
	cols   map[string][]any
	rows   int
}

func schemaString(s *arrow.Schema) string {
	out := ""
	for i, f := range s.Fields() {
		if i > 0 {
			out += ", "
		}
		out += f.Name + ": " + core.DTypeName(f.Type)
	}
	return out
}

// readTable reads a result table; it must be one contiguous batch.
func readTable(t *testing.T, tbl *core.Table) result {
	t.Helper()
	if len(tbl.Batches()) != 1 {
		t.Fatalf("result has %d batches, want 1", len(tbl.Batches()))
	}
	rb := tbl.Batches()[0]
	if err := array.ValidateRecordFull(rb); err != nil {
		t.Fatalf("invalid result batch: %v", err)
	}
	if rb.NumRows() != tbl.NumRows() {
		t.Fatalf("batch has %d rows, table says %d", rb.NumRows(), tbl.NumRows())
	}
	r := result{schema: schemaString(tbl.Schema()), cols: map[string][]any{}, rows: int(rb.NumRows())}
	for i, f := range rb.Schema().Fields() {
		r.cols[f.Name] = readArray(t, rb.Column(i))
	}
	return r
}

func sameValues(a, b []any) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		fa, aok := a[i].(float64)
		fb, bok := b[i].(float64)
		if aok && bok && math.IsNaN(fa) && math.IsNaN(fb) {
			continue
		}
		// Float aggregates merged from parallel workers may differ in the
		// last bits depending on how morsels were split.
		if aok && bok && math.Abs(fa-fb) <= 1e-12*math.Max(math.Abs(fa), math.Abs(fb)) {
			continue
		}
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// run executes p (as given: not optimized) and reads the result.
func run(t *testing.T, mem memory.Allocator, p lazy.Plan) result {
	t.Helper()
	tbl, err := Run(context.Background(), mem, p)
	if err != nil {
		t.Fatalf("Run:\n%s: %v", lazy.Explain(p), err)
	}
	defer tbl.Release()
	return readTable(t, tbl)
}

// want checks a result's schema and columns.
func (r result) want(t *testing.T, schema string, cols map[string][]any) {
	t.Helper()
	if r.schema != schema {
		t.Errorf("schema %s, want %s", r.schema, schema)
	}
	for name, want := range cols {
		if got := r.cols[name]; !sameValues(got, want) {
			t.Errorf("column %s = %v, want %v", name, got, want)
		}
	}
}

// Plan builders that fail the test on error.

func col(name string) lazy.Expr { return &lazy.Column{Name: name} }

func dyn(v any) lazy.Expr { return &lazy.Literal{Value: v, Dynamic: true} }

func lit(v any) lazy.Expr { return &lazy.Literal{Value: v} }

func bin(op lazy.BinaryOp, l, r lazy.Expr) lazy.Expr { return &lazy.Binary{Op: op, Left: l, Right: r} }

func alias(x lazy.Expr, name string) lazy.Expr { return &lazy.Alias{X: x, Name: name} }

func filter(t *testing.T, in lazy.Plan, pred lazy.Expr) lazy.Plan {
	t.Helper()
	f, err := lazy.NewFilter(in, pred)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func sel(t *testing.T, in lazy.Plan, exprs ...lazy.Expr) lazy.Plan {
	t.Helper()
	p, err := lazy.NewProject(in, exprs)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func withColumns(t *testing.T, in lazy.Plan, exprs ...lazy.Expr) lazy.Plan {
	t.Helper()
	p, err := lazy.NewWithColumns(in, exprs)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func slice(in lazy.Plan, offset, length int64) lazy.Plan {
	return &lazy.Slice{Input: in, Offset: offset, Length: length}
}

func ints(xs ...int) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = int64(x)
	}
	return out
}

func seq(from, to int) []int {
	var out []int
	for i := from; i < to; i++ {
		out = append(out, i)
	}
	return out
}

func describe(v []any) string { return fmt.Sprint(v) }
