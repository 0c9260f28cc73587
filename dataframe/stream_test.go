package dataframe_test

import (
	"context"
	"math/rand/v2"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/alopexdb/alopex/dataframe/parquet"
	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/lazy/exec"
)

// A scan → filter → aggregate over a Parquet file several times larger than
// the configured memory limit streams through it: the Go heap, where the
// executor's data lives, stays under the limit all along.
func TestScanFilterAggregateStaysWithinMemoryLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a ~100 MB file")
	}
	const (
		rowGroups = 32
		rows      = 200_000
		limit     = 80 << 20
	)
	path := filepath.Join(t.TempDir(), "big.parquet")
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "k", Type: arrow.PrimitiveTypes.Int64},
		{Name: "x", Type: arrow.PrimitiveTypes.Float64},
		{Name: "y", Type: arrow.PrimitiveTypes.Float64},
		{Name: "z", Type: arrow.PrimitiveTypes.Float64},
	}, nil)
	mem := memory.NewGoAllocator()
	rng := rand.New(rand.NewPCG(1, 2))
	var batches []arrow.RecordBatch
	wantRows := 0
	for range rowGroups {
		kb, xb := array.NewInt64Builder(mem), array.NewFloat64Builder(mem)
		yb, zb := array.NewFloat64Builder(mem), array.NewFloat64Builder(mem)
		for range rows {
			x := rng.Float64()
			kb.Append(rng.Int64N(1000))
			xb.Append(x)
			yb.Append(rng.Float64())
			zb.Append(rng.Float64())
			if x > 0.5 {
				wantRows++
			}
		}
		cols := []arrow.Array{kb.NewArray(), xb.NewArray(), yb.NewArray(), zb.NewArray()}
		batches = append(batches, array.NewRecordBatch(schema, cols, rows))
		for _, c := range cols {
			c.Release()
		}
	}
	if err := parquet.Write(path, schema, batches, parquet.WriteOptions{RowGroupRows: rows}); err != nil {
		t.Fatal(err)
	}
	for _, b := range batches {
		b.Release()
	}
	batches = nil
	decoded := int64(rowGroups * rows * 32)
	if decoded < 2*limit {
		t.Fatalf("the data (%d bytes) must be well above the limit (%d)", decoded, limit)
	}
	runtime.GC()

	src, err := parquet.OpenSource([]string{path})
	if err != nil {
		t.Fatal(err)
	}
	pred, err := lazy.NewFilter(lazy.NewScan(src), &lazy.Binary{Op: lazy.OpGt, Left: &lazy.Column{Name: "x"}, Right: &lazy.Literal{Value: 0.5, Dynamic: true}})
	if err != nil {
		t.Fatal(err)
	}
	plan, err := lazy.NewGroupBy(pred, []lazy.Expr{&lazy.Binary{Op: lazy.OpMod, Left: &lazy.Column{Name: "k"}, Right: &lazy.Literal{Value: int64(16), Dynamic: true}}},
		[]lazy.Expr{&lazy.Alias{Name: "s", X: &lazy.Agg{Func: lazy.AggSum, X: &lazy.Binary{Op: lazy.OpAdd,
			Left: &lazy.Column{Name: "y"}, Right: &lazy.Column{Name: "z"}}}},
			&lazy.Alias{Name: "n", X: &lazy.Agg{Func: lazy.AggLen}}})
	if err != nil {
		t.Fatal(err)
	}

	exec.SetMemoryLimit(limit)
	defer exec.SetMemoryLimit(0)
	var peak atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		// Live heap as of the last collection: what the query holds, not
		// garbage the collector has yet to reclaim.
		sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		for {
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-stop:
				return
			case <-time.After(time.Millisecond):
			}
		}
	}()
	tbl, err := exec.Run(context.Background(), memory.NewGoAllocator(), exec.Optimize(plan))
	close(stop)
	<-done
	if err != nil {
		t.Fatal(err)
	}
	defer tbl.Release()
	rb := tbl.Batches()[0]
	var gotSum float64
	var gotRows uint64
	for i := range int(rb.NumRows()) {
		gotSum += rb.Column(1).(*array.Float64).Value(i)
		gotRows += uint64(rb.Column(2).(*array.Uint32).Value(i))
	}
	if int(gotRows) != wantRows || gotSum <= 0 {
		t.Errorf("result %d rows, sum %v; want %d rows", gotRows, gotSum, wantRows)
	}
	t.Logf("file data %d MB decoded; peak live heap %.1f MB; limit %d MB", decoded>>20, float64(peak.Load())/(1<<20), limit>>20)
	runtime.KeepAlive(src)
	if p := peak.Load(); p > limit {
		t.Errorf("peak live heap %d bytes exceeds the %d-byte limit", p, limit)
	}
}
