package exec

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/cockroachdb/datadriven"
)

// optimizerSources are tables with the schemas of the sources the plans of
// lazy/testdata use (lazy's testSources): t (a Int64, b Float64, c String,
// d Boolean, e Int8) and u (x UInt8, y Float32, z Int32), with values that
// make the filters there keep some rows and drop others, and nulls.
func optimizerSources(t *testing.T, mem memory.Allocator) []*core.Table {
	rng := rand.New(rand.NewPCG(11, 12))
	maybeNull := func(v any) any {
		if rng.IntN(8) == 0 {
			return nil
		}
		return v
	}
	const n = 60
	var a, b, c, d, e, x, y, z []any
	for range n {
		a = append(a, maybeNull(int64(rng.IntN(30)-5)))
		b = append(b, maybeNull(float64(rng.IntN(40)-10)/4))
		c = append(c, maybeNull(fmt.Sprintf("%c", 'u'+rune(rng.IntN(5)))))
		d = append(d, maybeNull(rng.IntN(2) == 0))
		e = append(e, maybeNull(int64(rng.IntN(11)-5)))
		x = append(x, maybeNull(uint64(rng.IntN(8))))
		y = append(y, maybeNull(float64(rng.IntN(8))/4))
		z = append(z, maybeNull(int64(rng.IntN(7)-3)))
	}
	// A fact table f (80 rows) with keys into dimensions g (10 rows) and h
	// (8 rows), some keys missing or null, for join ordering.
	var fk, fh, amount, gk, gname, hk, hname []any
	for i := range 80 {
		fk = append(fk, maybeNull(int64(rng.IntN(12))))
		fh = append(fh, maybeNull(int64(rng.IntN(9))))
		amount = append(amount, int64(i))
	}
	for i := range 10 {
		gk = append(gk, int64(i))
		gname = append(gname, fmt.Sprintf("g%d", i%4))
	}
	for i := range 8 {
		hk = append(hk, maybeNull(int64(i)))
		hname = append(hname, fmt.Sprintf("h%d", i%3))
	}
	return []*core.Table{
		newTable(t, mem, []column{
			{"a", arrow.PrimitiveTypes.Int64, a}, {"b", arrow.PrimitiveTypes.Float64, b},
			{"c", arrow.BinaryTypes.String, c}, {"d", arrow.FixedWidthTypes.Boolean, d},
			{"e", arrow.PrimitiveTypes.Int8, e},
		}, 25, 35),
		newTable(t, mem, []column{
			{"x", arrow.PrimitiveTypes.Uint8, x}, {"y", arrow.PrimitiveTypes.Float32, y},
			{"z", arrow.PrimitiveTypes.Int32, z},
		}, 60),
		newTable(t, mem, []column{
			{"fk", arrow.PrimitiveTypes.Int64, fk}, {"fh", arrow.PrimitiveTypes.Int32, fh},
			{"amount", arrow.PrimitiveTypes.Int64, amount},
		}, 40, 40),
		newTable(t, mem, []column{{"gk", arrow.PrimitiveTypes.Int64, gk}, {"gname", arrow.BinaryTypes.String, gname}}, 10),
		newTable(t, mem, []column{{"hk", arrow.PrimitiveTypes.Int64, hk}, {"hname", arrow.BinaryTypes.String, hname}}, 8),
	}
}

// TestOptimizerKeepsResults runs every plan of lazy/testdata (the
// optimizer's and explain's data-driven cases) on real tables, as built,
// after each rule alone and after Optimize: the rows must not change. The
// files' expected outputs are left as they are.
// statTable serves a table as a partitioned source, one piece per batch,
// with integer min/max statistics (as a Parquet file gives), so that the
// rules that need statistics (join ordering) act on the test plans.
type statTable struct{ *core.Table }

func (s statTable) NumPieces() int { return len(s.Batches()) }
func (s statTable) PieceRows(i int) int64 {
	return s.Batches()[i].NumRows()
}

func (s statTable) ReadPiece(_ context.Context, _ memory.Allocator, i int, columns []string) (arrow.RecordBatch, error) {
	rb := s.Batches()[i]
	cols := make([]arrow.Array, len(columns))
	fields := make([]arrow.Field, len(columns))
	for k, c := range columns {
		j := rb.Schema().FieldIndices(c)[0]
		cols[k], fields[k] = rb.Column(j), rb.Schema().Field(j)
	}
	return array.NewRecordBatch(arrow.NewSchema(fields, nil), cols, rb.NumRows()), nil
}

func (s statTable) PieceStats(i int, c string) (any, any, int64, bool) {
	rb := s.Batches()[i]
	idx := rb.Schema().FieldIndices(c)
	if len(idx) == 0 || !core.IsInteger(rb.Schema().Field(idx[0]).Type) {
		return nil, nil, 0, false
	}
	a := rb.Column(idx[0])
	lo, hi, seen := int64(0), int64(0), false
	for r := range a.Len() {
		if a.IsNull(r) {
			continue
		}
		v := intAt(a, r)
		if !seen || v < lo {
			lo = v
		}
		if !seen || v > hi {
			hi = v
		}
		seen = true
	}
	if !seen {
		return nil, nil, int64(a.NullN()), false
	}
	return lo, hi, int64(a.NullN()), true
}

func TestOptimizerKeepsResults(t *testing.T) {
	mem := checkLeaks(t)
	setMorselRows(t, 7)
	tables := optimizerSources(t, mem)
	defer func() {
		for _, tbl := range tables {
			tbl.Release()
		}
	}()
	sources := make([]lazy.Source, len(tables))
	for i, tbl := range tables {
		sources[i] = tbl
		if i >= 2 {
			sources[i] = statTable{tbl} // f, g, h have statistics, as in lazy's tests
		}
	}
	files, err := filepath.Glob("../testdata/optimizer/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no optimizer test files: %v", err)
	}
	files = append(files, "../testdata/explain.txt")
	cases := 0
	for _, file := range files {
		datadriven.RunTest(t, file, func(t *testing.T, d *datadriven.TestData) string {
			p, err := lazy.Decode([]byte(`{"version": 1, "plan": `+d.Input+`}`), sources, lazy.Env{})
			if err != nil {
				return d.Expected
			}
			cases++
			want, err := runResult(t, mem, p)
			if err != nil {
				t.Logf("the plan fails to run as built (%v); skipped:\n%s", err, lazy.Explain(p))
				return d.Expected
			}
			rewrites := map[string]lazy.Plan{"Optimize": Optimize(p)}
			for _, r := range Rules() {
				rewrites[r.Name()] = r.Apply(p)
			}
			// Reordered inner joins keep the rows, not their order.
			reordered := lazy.Explain(rewrites["join_order"]) != lazy.Explain(p)
			for name, q := range rewrites {
				got, err := runResult(t, mem, q)
				if err != nil {
					t.Errorf("after %s the plan fails: %v\nbefore:\n%safter:\n%s", name, err, lazy.Explain(p), lazy.Explain(q))
					continue
				}
				if reordered && (name == "join_order" || name == "Optimize") {
					got, want := got.sortedRows(), want.sortedRows()
					if !slices.Equal(got, want) {
						t.Errorf("after %s: rows %v, want %v\nbefore:\n%safter:\n%s", name, got, want, lazy.Explain(p), lazy.Explain(q))
					}
					continue
				}
				if diff := got.diff(want); diff != "" {
					t.Errorf("after %s: %s\nbefore:\n%safter:\n%s", name, diff, lazy.Explain(p), lazy.Explain(q))
				}
			}
			return d.Expected
		})
	}
	if cases < 20 {
		t.Errorf("only %d plans ran", cases)
	}
}

func runResult(t *testing.T, mem memory.Allocator, p lazy.Plan) (result, error) {
	tbl, err := Run(context.Background(), mem, p)
	if err != nil {
		return result{}, err
	}
	defer tbl.Release()
	r := result{schema: schemaString(tbl.Schema()), cols: map[string][]any{}, rows: int(tbl.NumRows())}
	for i, f := range tbl.Schema().Fields() {
		r.cols[f.Name] = readArray(t, tbl.Batches()[0].Column(i))
	}
	return r, nil
}

// sortedRows renders each row (columns in schema order) and sorts them.
func (r result) sortedRows() []string {
	names := strings.Split(r.schema, ", ")
	out := make([]string, r.rows)
	for i := range out {
		var b strings.Builder
		for _, n := range names {
			name, _, _ := strings.Cut(n, ": ")
			fmt.Fprintf(&b, "%v|", r.cols[name][i])
		}
		out[i] = b.String()
	}
	slices.Sort(out)
	return out
}

func (r result) diff(want result) string {
	if r.schema != want.schema {
		return fmt.Sprintf("schema %s, want %s", r.schema, want.schema)
	}
	if r.rows != want.rows {
		return fmt.Sprintf("%d rows, want %d", r.rows, want.rows)
	}
	for name, w := range want.cols {
		if g := r.cols[name]; !sameValues(g, w) {
			return fmt.Sprintf("column %s = %v, want %v", name, g, w)
		}
	}
	return ""
}
