package exec

import (
	"context"
	"errors"
	"testing"

	"github.com/alopexdb/alopex/lazy"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// streamSource is a KeyedSource whose reader makes batches of k = 0, 1, …
// on demand, and counts what is outstanding.
type streamSource struct {
	schema   *arrow.Schema
	batches  int
	rows     int64
	failAt   int // the batch whose Next fails (-1: none)
	opened   int
	released int
	made     int
}

func (s *streamSource) Name() string            { return "stream" }
func (s *streamSource) Schema() *arrow.Schema   { return s.schema }
func (s *streamSource) NumRows() int64          { return int64(s.batches) * s.rows }
func (s *streamSource) Access(lazy.Expr) string { return "STREAM" }
func (s *streamSource) Read(_ context.Context, _ []string, _ lazy.Expr) (array.RecordReader, error) {
	s.opened++
	return &streamReader{src: s, refs: 1}, nil
}

type streamReader struct {
	src  *streamSource
	i    int
	cur  arrow.RecordBatch
	err  error
	refs int
}

func (r *streamReader) Schema() *arrow.Schema          { return r.src.schema }
func (r *streamReader) Record() arrow.RecordBatch      { return r.cur }
func (r *streamReader) RecordBatch() arrow.RecordBatch { return r.cur }
func (r *streamReader) Err() error                     { return r.err }
func (r *streamReader) Retain()                        { r.refs++ }
func (r *streamReader) Release() {
	if r.refs--; r.refs == 0 {
		if r.cur != nil {
			r.cur.Release()
		}
		r.src.released++
	}
}

func (r *streamReader) Next() bool {
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
	if r.i == r.src.failAt {
		r.err = errors.New("boom")
		return false
	}
	if r.i >= r.src.batches {
		return false
	}
	b := array.NewInt64Builder(workMem)
	defer b.Release()
	for j := int64(0); j < r.src.rows; j++ {
		b.Append(int64(r.i)*r.src.rows + j)
	}
	a := b.NewArray()
	defer a.Release()
	r.cur = array.NewRecordBatch(r.src.schema, []arrow.Array{a}, r.src.rows)
	r.i++
	r.src.made++
	return true
}

// A keyed scan opens its reader when the plan is built and pulls it batch
// by batch: rows come out in order through filters on all cores, a LIMIT
// stops reading early, a reader's error is the query's, and the reader is
// released in every case.
func TestKeyedScanStreams(t *testing.T) {
	setMorselRows(t, 100)
	checkLeaks(t)
	schema := arrow.NewSchema([]arrow.Field{{Name: "k", Type: arrow.PrimitiveTypes.Int64}}, nil)
	src := &streamSource{schema: schema, batches: 50, rows: 1000, failAt: -1}
	f, err := lazy.NewFilter(lazy.NewScan(src), &lazy.Binary{Op: lazy.OpNotEq, Left: &lazy.Column{Name: "k"}, Right: &lazy.Literal{Value: int64(7)}})
	if err != nil {
		t.Fatal(err)
	}
	tbl, err := Run(context.Background(), memory.DefaultAllocator, Optimize(f))
	if err != nil {
		t.Fatal(err)
	}
	k := tbl.Batches()[0].Column(0).(*array.Int64)
	if k.Len() != 50*1000-1 || k.Value(6) != 6 || k.Value(7) != 8 || k.Value(k.Len()-1) != 49_999 {
		t.Fatalf("got %d rows", k.Len())
	}
	for i := 1; i < k.Len(); i++ {
		if k.Value(i) <= k.Value(i-1) {
			t.Fatalf("row %d out of order", i)
		}
	}
	tbl.Release()
	if src.opened != 1 || src.released != 1 {
		t.Fatalf("opened %d, released %d", src.opened, src.released)
	}

	src = &streamSource{schema: schema, batches: 50, rows: 1000, failAt: -1}
	seen := 0
	err = Stream(context.Background(), Optimize(&lazy.Slice{Input: lazy.NewScan(src), Offset: 0, Length: 1500}), func(rb arrow.RecordBatch) error {
		seen += int(rb.NumRows())
		return nil
	})
	if err != nil || seen != 1500 || src.made > 20 || src.released != 1 {
		t.Fatalf("limit: err %v, %d rows, %d batches read, released %d", err, seen, src.made, src.released)
	}

	src = &streamSource{schema: schema, batches: 50, rows: 1000, failAt: 30}
	err = Stream(context.Background(), Optimize(lazy.NewScan(src)), func(arrow.RecordBatch) error { return nil })
	if err == nil || err.Error() != "boom" || src.released != 1 {
		t.Fatalf("error: %v, released %d", err, src.released)
	}
	src = &streamSource{schema: schema, batches: 50, rows: 1000, failAt: -1}
	stop := errors.New("stop")
	if err := Stream(context.Background(), Optimize(lazy.NewScan(src)), func(arrow.RecordBatch) error { return stop }); err != stop || src.released != 1 {
		t.Fatalf("sink error: %v, released %d", err, src.released)
	}
}
