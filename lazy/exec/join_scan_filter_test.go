package exec

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/lazy/kernels"
)

// rowSource is a pieceSource that also reads chosen rows of a piece (as
// parquet.Source does), counting the values it hands out per column.
type rowSource struct {
	*pieceSource
	mu   sync.Mutex
	vals map[string]int
}

func (s *rowSource) count(columns []string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range columns {
		s.vals[c] += n
	}
}

func (s *rowSource) ReadPiece(ctx context.Context, mem memory.Allocator, i int, columns []string) (arrow.RecordBatch, error) {
	s.count(columns, int(s.PieceRows(i)))
	return s.pieceSource.ReadPiece(ctx, mem, i, columns)
}

func (s *rowSource) ReadPieceRows(ctx context.Context, mem memory.Allocator, i int, columns []string, rows []int32) (arrow.RecordBatch, error) {
	for j, r := range rows {
		if r < 0 || int64(r) >= s.PieceRows(i) || (j > 0 && r <= rows[j-1]) {
			return nil, fmt.Errorf("rows not strictly increasing in piece %d: %v", i, rows)
		}
	}
	s.count(columns, len(rows))
	rb, err := s.pieceSource.ReadPiece(ctx, mem, i, columns)
	if err != nil {
		return nil, err
	}
	defer rb.Release()
	cols := make([]arrow.Array, len(columns))
	for k := range cols {
		if cols[k], err = kernels.Gather(mem, rb.Column(k), rows); err != nil {
			releaseArrays(cols)
			return nil, err
		}
	}
	defer releaseArrays(cols)
	return array.NewRecordBatch(rb.Schema(), cols, int64(len(rows))), nil
}

// slowSource is a pieceSource whose pieces are read only after a delay: a
// join built from it finishes after the probe side's scan has started.
type slowSource struct {
	*pieceSource
	delay time.Duration
}

func (s *slowSource) ReadPiece(ctx context.Context, mem memory.Allocator, i int, columns []string) (arrow.RecordBatch, error) {
	time.Sleep(s.delay)
	return s.pieceSource.ReadPiece(ctx, mem, i, columns)
}

// Runtime filters applied inside the scan (join_scan_filter.go) give the
// rows the joins give without runtime filters, and the scan reads the
// probe's other columns only at the rows the filters keep: for keys with
// nulls on both sides, filters keeping no row or every row, a scan
// predicate run before the filters, two joins' filters on one scan, string and
// two-column keys, and a build side that finishes after the probe scan
// started; the probe is read in several pieces.
func TestRuntimeFilterInScan(t *testing.T) {
	mem := checkLeaks(t)
	setMorselRows(t, 64)
	r := rand.New(rand.NewPCG(27, 1))
	const probeRows = 3000
	var pk, pk2, ps, pv []any
	for i := range probeRows {
		// Shuffled even keys: every piece spans the whole key range, so no
		// piece is skipped by its statistics and the filters do the work.
		k := any(int64(2 * r.IntN(500)))
		if r.IntN(10) == 0 {
			k = nil
		}
		pk = append(pk, k)
		pk2 = append(pk2, int64(r.IntN(3)))
		ps = append(ps, fmt.Sprintf("s%d", r.IntN(300)))
		pv = append(pv, int64(i))
	}
	ptab := newTable(t, mem, []column{{"pk", arrow.PrimitiveTypes.Int64, pk}, {"pk2", arrow.PrimitiveTypes.Int32, pk2},
		{"ps", arrow.BinaryTypes.String, ps}, {"pv", arrow.PrimitiveTypes.Int64, pv}}, 700, 700, 700, 900)
	defer ptab.Release()

	type build struct {
		keys func(i int) (any, any, any) // bk, bk2, bs
		rows int
		on   [][2]string
	}
	evens := func(i int) (any, any, any) {
		return int64(2 * r.IntN(500)), int64(r.IntN(3)), fmt.Sprintf("s%d", r.IntN(300))
	}
	for _, tc := range []struct {
		name   string
		builds []build // the first joins the probe, the next joins that join
		pred   lazy.Expr
		delay  time.Duration
		none   bool // no row passes: pv is never read
		all    bool // every non-null key passes: pv is read at those rows
	}{
		{name: "nulls on both sides", builds: []build{{keys: func(i int) (any, any, any) {
			if i%4 == 0 {
				return nil, nil, nil
			}
			return int64(r.IntN(1000)), nil, nil
		}, rows: 60, on: [][2]string{{"pk", "bk"}}}}},
		{name: "none kept", builds: []build{{keys: func(i int) (any, any, any) { return int64(2*i + 1), nil, nil }, rows: 500,
			on: [][2]string{{"pk", "bk"}}}}, none: true},
		// 0..999 in the build: only the null keys fail.
		{name: "all kept", builds: []build{{keys: func(i int) (any, any, any) { return int64(i), nil, nil }, rows: 1000,
			on: [][2]string{{"pk", "bk"}}}}, all: true},
		{name: "scan predicate", builds: []build{{keys: evens, rows: 100, on: [][2]string{{"pk", "bk"}}}},
			pred: bin(lazy.OpGt, col("pk2"), lit(int64(0)))},
		{name: "two joins", builds: []build{{keys: evens, rows: 200, on: [][2]string{{"pk", "bk"}}},
			{keys: evens, rows: 50, on: [][2]string{{"ps", "bs"}}}}},
		{name: "string key", builds: []build{{keys: evens, rows: 30, on: [][2]string{{"ps", "bs"}}}}},
		{name: "two-column key", builds: []build{{keys: evens, rows: 80, on: [][2]string{{"pk", "bk"}, {"pk2", "bk2"}}}}},
		{name: "build finishes after the scan started", builds: []build{{keys: evens, rows: 40, on: [][2]string{{"pk", "bk"}}}},
			delay: 30 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := &rowSource{pieceSource: &pieceSource{tbl: ptab, name: "p"}, vals: map[string]int{}}
			var plan lazy.Plan = lazy.NewScan(src)
			if tc.pred != nil {
				f, err := lazy.NewFilter(plan, tc.pred)
				if err != nil {
					t.Fatal(err)
				}
				plan = f
			}
			for n, b := range tc.builds {
				var bk, bk2, bs []any
				for i := range b.rows {
					k, k2, s := b.keys(i)
					bk, bk2, bs = append(bk, k), append(bk2, k2), append(bs, s)
				}
				sfx := fmt.Sprint(n)
				btab := newTable(t, mem, []column{{"bk" + sfx, arrow.PrimitiveTypes.Int64, bk}, {"bk2" + sfx, arrow.PrimitiveTypes.Int64, bk2},
					{"bs" + sfx, arrow.BinaryTypes.String, bs}}, b.rows)
				defer btab.Release()
				var bsrc lazy.Source = &pieceSource{tbl: btab, name: "b" + sfx}
				if tc.delay > 0 {
					bsrc = &slowSource{pieceSource: bsrc.(*pieceSource), delay: tc.delay}
				}
				var lk, rk []lazy.Expr
				for _, pair := range b.on {
					lk, rk = append(lk, col(pair[0])), append(rk, col(pair[1]+sfx))
				}
				j, err := lazy.NewJoin(plan, lazy.NewScan(bsrc), lazy.JoinInner, lk, rk, "_r")
				if err != nil {
					t.Fatal(err)
				}
				plan = j
			}
			want, _ := runOptimized(t, mem, plan, false)
			clear(src.vals)
			got, explain := runOptimized(t, mem, plan, true)
			for n := range tc.builds {
				if !strings.Contains(explain, fmt.Sprintf("RUNTIME FILTER #%d [", n+1)) {
					t.Fatalf("no runtime filter #%d in\n%s", n+1, explain)
				}
			}
			if !slices.Equal(got, want) {
				t.Fatalf("with runtime filters %d rows %v,\nwithout %d rows %v\nplan:\n%s", len(got), got, len(want), want, explain)
			}
			// What the scan read of pv, a column no filter reads: only the
			// rows the filters kept.
			nonNull := 0
			for _, k := range pk {
				if k != nil {
					nonNull++
				}
			}
			switch pvRead := src.vals["pv"]; {
			case tc.none && pvRead != 0:
				t.Errorf("read pv at %d rows; no row passes", pvRead)
			case tc.all && pvRead != nonNull:
				t.Errorf("read pv at %d rows; the %d rows with a key pass", pvRead, nonNull)
			case !tc.none && !tc.all && (pvRead == 0 || pvRead > probeRows/2):
				t.Errorf("read pv at %d rows of %d; the filters keep fewer than half", pvRead, probeRows)
			}
		})
	}
}
