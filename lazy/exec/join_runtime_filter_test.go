package exec

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// pieceSource serves a table's batches as the pieces of a partitioned
// source, with min/max statistics of its integer columns, and counts the
// pieces read.
type pieceSource struct {
	tbl   *core.Table
	name  string
	reads atomic.Int64
}

func (s *pieceSource) Name() string          { return s.name }
func (s *pieceSource) Schema() *arrow.Schema { return s.tbl.Schema() }
func (s *pieceSource) NumRows() int64        { return s.tbl.NumRows() }
func (s *pieceSource) NumPieces() int        { return len(s.tbl.Batches()) }
func (s *pieceSource) PieceRows(i int) int64 { return s.tbl.Batches()[i].NumRows() }

func (s *pieceSource) ReadPiece(_ context.Context, _ memory.Allocator, i int, columns []string) (arrow.RecordBatch, error) {
	s.reads.Add(1)
	rb := s.tbl.Batches()[i]
	cols := make([]arrow.Array, len(columns))
	fields := make([]arrow.Field, len(columns))
	for k, name := range columns {
		idx := rb.Schema().FieldIndices(name)[0]
		cols[k], fields[k] = rb.Column(idx), rb.Schema().Field(idx)
	}
	return array.NewRecordBatch(arrow.NewSchema(fields, nil), cols, rb.NumRows()), nil
}

func (s *pieceSource) PieceStats(i int, column string) (any, any, int64, bool) {
	rb := s.tbl.Batches()[i]
	a := rb.Column(rb.Schema().FieldIndices(column)[0])
	if !intKeyable(a.DataType()) {
		return nil, nil, 0, false
	}
	r := intRange(a)
	if !r.ok {
		return nil, nil, int64(a.NullN()), true
	}
	return r.lo, r.hi, int64(a.NullN()), true
}

// runOptimized optimizes p with runtime filters on or off and runs it; the
// rows come back as sorted strings.
func runOptimized(t *testing.T, mem memory.Allocator, p lazy.Plan, filters bool) ([]string, string) {
	t.Helper()
	defer func(was bool) { lazy.RuntimeFilters = was }(lazy.RuntimeFilters)
	lazy.RuntimeFilters = filters
	q := Optimize(p)
	res := run(t, mem, q)
	names := strings.Split(res.schema, ", ")
	rows := make([]string, res.rows)
	for i := range rows {
		var b strings.Builder
		for _, n := range names {
			fmt.Fprint(&b, res.cols[strings.SplitN(n, ":", 2)[0]][i], "|")
		}
		rows[i] = b.String()
	}
	slices.Sort(rows)
	return rows, lazy.Explain(q)
}

// Joins with runtime filters give the rows the same joins give without
// them, on random data with null and duplicate keys, an empty build side,
// a build side no probe row matches, several keys of different integer
// types, string keys, semi joins and left joins probing their right input;
// the probe side is read in pieces, sorted by key, so that whole pieces
// are skipped by their statistics.
func TestRuntimeFilterSameRows(t *testing.T) {
	mem := checkLeaks(t)
	setMorselRows(t, 16)
	r := rand.New(rand.NewPCG(13, 5))
	const probeRows = 2000
	var pk, pk2, ps, pv []any
	for i := range probeRows {
		k := any(int64(i / 4)) // sorted: the pieces hold key ranges
		if r.IntN(20) == 0 {
			k = nil
		}
		pk = append(pk, k)
		pk2 = append(pk2, int64(r.IntN(3)))
		ps = append(ps, fmt.Sprintf("s%d", r.IntN(300)))
		pv = append(pv, int64(i))
	}
	pieces := make([]int, probeRows/100)
	for i := range pieces {
		pieces[i] = 100
	}
	ptab := newTable(t, mem, []column{{"pk", arrow.PrimitiveTypes.Int64, pk}, {"pk2", arrow.PrimitiveTypes.Int32, pk2},
		{"ps", arrow.BinaryTypes.String, ps}, {"pv", arrow.PrimitiveTypes.Int64, pv}}, pieces...)
	defer ptab.Release()

	for _, tc := range []struct {
		name      string
		keys      func(i int) (any, any, any) // build key, second key, string key
		rows      int
		how       lazy.JoinType
		on        [][2]string
		buildLeft bool
		pruned    bool // some pieces must be skipped
	}{
		{name: "inner", keys: func(i int) (any, any, any) { return int64(100 + r.IntN(20)), nil, nil }, rows: 30,
			how: lazy.JoinInner, on: [][2]string{{"pk", "bk"}}, pruned: true},
		{name: "inner with nulls", keys: func(i int) (any, any, any) {
			if i%3 == 0 {
				return nil, nil, nil
			}
			return int64(r.IntN(600)), nil, nil
		}, rows: 40, how: lazy.JoinInner, on: [][2]string{{"pk", "bk"}}},
		{name: "empty build", keys: nil, rows: 0, how: lazy.JoinInner, on: [][2]string{{"pk", "bk"}}, pruned: true},
		{name: "no match", keys: func(i int) (any, any, any) { return int64(10000 + i), nil, nil }, rows: 10,
			how: lazy.JoinInner, on: [][2]string{{"pk", "bk"}}, pruned: true},
		{name: "multi key", keys: func(i int) (any, any, any) { return int64(200 + r.IntN(50)), int64(r.IntN(3)), nil }, rows: 40,
			how: lazy.JoinInner, on: [][2]string{{"pk", "bk"}, {"pk2", "bk2"}}, pruned: true},
		{name: "string key", keys: func(i int) (any, any, any) { return int64(i), nil, fmt.Sprintf("s%d", r.IntN(40)) }, rows: 20,
			how: lazy.JoinInner, on: [][2]string{{"ps", "bs"}}},
		{name: "string and int keys", keys: func(i int) (any, any, any) { return int64(r.IntN(500)), nil, fmt.Sprintf("s%d", r.IntN(300)) }, rows: 200,
			how: lazy.JoinInner, on: [][2]string{{"pk", "bk"}, {"ps", "bs"}}},
		{name: "semi", keys: func(i int) (any, any, any) { return int64(50 + r.IntN(30)), nil, nil }, rows: 25,
			how: lazy.JoinSemi, on: [][2]string{{"pk", "bk"}}, pruned: true},
		{name: "left hashing left", keys: func(i int) (any, any, any) { return int64(300 + r.IntN(30)), nil, nil }, rows: 25,
			how: lazy.JoinLeft, on: [][2]string{{"pk", "bk"}}, buildLeft: true, pruned: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var bk, bk2, bs, bv []any
			for i := range tc.rows {
				k, k2, s := tc.keys(i)
				bk, bk2, bs, bv = append(bk, k), append(bk2, k2), append(bs, s), append(bv, int64(i))
			}
			btab := newTable(t, mem, []column{{"bk", arrow.PrimitiveTypes.Int64, bk}, {"bk2", arrow.PrimitiveTypes.Int64, bk2},
				{"bs", arrow.BinaryTypes.String, bs}, {"bv", arrow.PrimitiveTypes.Int64, bv}}, tc.rows)
			defer btab.Release()
			src := &pieceSource{tbl: ptab, name: "p"}
			probe, build := lazy.Plan(lazy.NewScan(src)), lazy.Plan(lazy.NewScan(&pieceSource{tbl: btab, name: "b"}))
			var lk, rk []lazy.Expr
			for _, pair := range tc.on {
				lk, rk = append(lk, col(pair[0])), append(rk, col(pair[1]))
			}
			left, right := probe, build
			if tc.buildLeft {
				left, right, lk, rk = build, probe, rk, lk
			}
			j, err := lazy.NewJoin(left, right, tc.how, lk, rk, "_r")
			if err != nil {
				t.Fatal(err)
			}
			want, _ := runOptimized(t, mem, j, false)
			src.reads.Store(0)
			got, plan := runOptimized(t, mem, j, true)
			if !strings.Contains(plan, "RUNTIME FILTER #1 [") {
				t.Fatalf("no runtime filter in\n%s", plan)
			}
			if !slices.Equal(got, want) {
				t.Fatalf("with runtime filters %d rows %v,\nwithout %d rows %v\nplan:\n%s", len(got), got, len(want), want, plan)
			}
			if reads := src.reads.Load(); tc.pruned && reads >= int64(len(pieces)) {
				t.Errorf("read %d pieces of %d; the key ranges rule some out", reads, len(pieces))
			}
		})
	}
}

// The filter keeps every row whose keys are in the build, drops null keys
// and keys outside the range, and lets few others through its Bloom filter.
func TestJoinFilterKeep(t *testing.T) {
	mem := memory.NewGoAllocator()
	var build, probe []any
	for i := range 1000 {
		build = append(build, int64(i*7))
	}
	for i := range 7000 {
		probe = append(probe, int64(i))
	}
	probe = append(probe, nil, int64(-1), int64(1<<40))
	b := buildArray(t, mem, arrow.PrimitiveTypes.Int64, build)
	defer b.Release()
	p := buildArray(t, mem, arrow.PrimitiveTypes.Int64, probe)
	defer p.Release()
	table := &joinTable{mode: keysInt}
	f, err := newJoinFilter(table, []arrow.Array{b})
	if err != nil {
		t.Fatal(err)
	}
	kept, err := f.keep([]arrow.Array{p}, p.Len())
	if err != nil {
		t.Fatal(err)
	}
	in := map[int32]bool{}
	for _, i := range kept {
		in[i] = true
	}
	for i := range 1000 {
		if !in[int32(i*7)] {
			t.Fatalf("build key %d dropped", i*7)
		}
	}
	for i := 7000; i < 7003; i++ {
		if in[int32(i)] {
			t.Errorf("probe row %d (%v) kept", i, probe[i])
		}
	}
	if false_ := len(kept) - 1000; false_ > 300 {
		t.Errorf("%d of 6000 non-matching keys passed the Bloom filter", false_)
	}
}
