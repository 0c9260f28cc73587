package exec

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// hangTimeout bounds how long a test waits for something that must happen
// promptly; reaching it means a hang, not a slow machine.
const hangTimeout = 20 * time.Second

// idTable has one Int64 column "id" counting from 0, in batches of the given sizes.
func idTable(t *testing.T, mem memory.Allocator, sizes ...int) *core.Table {
	total := 0
	for _, s := range sizes {
		total += s
	}
	ids := make([]any, total)
	for i := range ids {
		ids[i] = int64(i)
	}
	return newTable(t, mem, []column{{"id", arrow.PrimitiveTypes.Int64, ids}}, sizes...)
}

// Rows come out in input order whatever the parallelism: thousands of
// morsels of 7 rows, over batches of uneven sizes, through filters,
// projections, slices and limits.
func TestRunPreservesOrderAcrossMorsels(t *testing.T) {
	mem := checkLeaks(t)
	setMorselRows(t, 7)
	tbl := idTable(t, mem, 3333, 1, 0, 6666, 7, 12000)
	defer tbl.Release()
	n := int(tbl.NumRows())
	scan := lazy.NewScan(tbl)
	keep := func(i int) bool { return i%3 != 0 && i%11 != 5 }
	pred := bin(lazy.OpAnd,
		bin(lazy.OpNotEq, bin(lazy.OpMod, col("id"), dyn(int64(3))), dyn(int64(0))),
		bin(lazy.OpNotEq, bin(lazy.OpMod, col("id"), dyn(int64(11))), dyn(int64(5))))
	var filtered []int
	for i := range n {
		if keep(i) {
			filtered = append(filtered, i)
		}
	}
	cases := []struct {
		name string
		plan lazy.Plan
		want []int
	}{
		{"scan", scan, seq(0, n)},
		{"filter", filter(t, scan, pred), filtered},
		{"project", sel(t, scan, alias(bin(lazy.OpAdd, col("id"), dyn(int64(0))), "id")), seq(0, n)},
		{"head across morsels", slice(scan, 0, 1000), seq(0, 1000)},
		{"slice across batches", slice(scan, 3330, 10), seq(3330, 3340)},
		{"slice from a morsel's middle", slice(scan, 5, 17), seq(5, 22)},
		{"slice of a filter", slice(filter(t, scan, pred), 2000, 3000), filtered[2000:5000]},
		{"tail", slice(scan, int64(n-3), -1), seq(n-3, n)},
		{"filter of a head", filter(t, slice(scan, 0, 50), pred), filtered[:countBelow(filtered, 50)]},
	}
	for _, c := range cases {
		for _, p := range []lazy.Plan{c.plan, Optimize(c.plan)} {
			r := run(t, mem, p)
			if !sameValues(r.cols["id"], ints(c.want...)) {
				got := r.cols["id"]
				t.Errorf("%s: %d rows, want %d; first difference at %d\n%s", c.name, len(got), len(c.want),
					firstDifference(got, ints(c.want...)), lazy.Explain(p))
			}
		}
	}
}

func countBelow(xs []int, limit int) int {
	n := 0
	for _, x := range xs {
		if x < limit {
			n++
		}
	}
	return n
}

func firstDifference(a, b []any) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// Random slices of random filters, checked against Go slicing, with
// morsels of random small sizes.
func TestRunRandomSlicesAndFilters(t *testing.T) {
	mem := checkLeaks(t)
	rng := rand.New(rand.NewPCG(9, 10))
	tbl := idTable(t, mem, 40, 1, 59, 100)
	defer tbl.Release()
	scan := lazy.NewScan(tbl)
	for iter := range 300 {
		setMorselRows(t, 1+rng.IntN(16))
		mod := int64(1 + rng.IntN(5))
		var p lazy.Plan = scan
		rows := seq(0, 200)
		for range 1 + rng.IntN(3) {
			if rng.IntN(2) == 0 {
				p = filter(t, p, bin(lazy.OpNotEq, bin(lazy.OpMod, col("id"), dyn(mod)), dyn(int64(1))))
				var next []int
				for _, r := range rows {
					if int64(r)%mod != 1 {
						next = append(next, r)
					}
				}
				rows = next
			}
			off, length := int64(rng.IntN(120)), int64(rng.IntN(120))-20
			if length < 0 {
				length = -1
			}
			p = slice(p, off, length)
			start := min(int(off), len(rows))
			end := len(rows)
			if length >= 0 {
				end = min(end, start+int(length))
			}
			rows = rows[start:end]
		}
		for _, q := range []lazy.Plan{p, Optimize(p)} {
			if got := run(t, mem, q).cols["id"]; !sameValues(got, ints(rows...)) {
				t.Fatalf("case %d (morsels of %d): got %v\nwant %v\n%s", iter, MorselRows, got, rows, lazy.Explain(q))
			}
		}
	}
}

// A cancelled context makes Run fail with the context's error, which
// core.KindOf reports as Cancelled.
func TestRunCancelledBeforeStart(t *testing.T) {
	mem := checkLeaks(t)
	setMorselRows(t, 7)
	tbl := idTable(t, mem, 1000)
	defer tbl.Release()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, p := range []lazy.Plan{
		lazy.NewScan(tbl),
		filter(t, lazy.NewScan(tbl), bin(lazy.OpGt, col("id"), dyn(int64(5)))),
		slice(lazy.NewScan(tbl), 10, 20),
	} {
		res, err := Run(ctx, mem, Optimize(p))
		if err == nil {
			res.Release()
			t.Fatalf("Run with a cancelled context succeeded:\n%s", lazy.Explain(p))
		}
		if !errors.Is(err, context.Canceled) || core.KindOf(err) != core.KindCancelled {
			t.Errorf("error %v (kind %s), want context.Canceled", err, core.KindOf(err))
		}
	}
	// Even a plan with nothing to scan notices.
	empty := core.NewTable(tbl.Schema(), nil)
	defer empty.Release()
	if _, err := Run(ctx, mem, lazy.NewScan(empty)); !errors.Is(err, context.Canceled) {
		t.Errorf("empty scan with a cancelled context: %v", err)
	}
}

// Cancelling while Run is busy returns promptly with the context's error
// (or, on a fast machine, the finished result), and leaks nothing.
func TestRunCancelledWhileRunning(t *testing.T) {
	mem := checkLeaks(t)
	setMorselRows(t, 3)
	tbl := idTable(t, mem, 300_000)
	defer tbl.Release()
	p := filter(t, lazy.NewScan(tbl), bin(lazy.OpNotEq, bin(lazy.OpMod, col("id"), dyn(int64(7))), dyn(int64(0))))
	for _, delay := range []time.Duration{0, time.Millisecond, 10 * time.Millisecond} {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() {
			res, err := Run(ctx, mem, p)
			if res != nil {
				res.Release()
			}
			done <- err
		}()
		time.Sleep(delay)
		cancel()
		select {
		case err := <-done:
			if err != nil && !errors.Is(err, context.Canceled) {
				t.Errorf("cancelled after %s: %v", delay, err)
			}
		case <-time.After(hangTimeout):
			t.Fatalf("Run did not return after being cancelled")
		}
	}
}

// blockingPipeline has n one-row morsels; its step passes morsel 0 at once
// and blocks the others until release is closed.
func blockingPipeline(t *testing.T, mem memory.Allocator, n int, release chan struct{}) *pipeline {
	schema := arrow.NewSchema([]arrow.Field{{Name: "x", Type: arrow.PrimitiveTypes.Int64}}, nil)
	morsels := make([]arrow.RecordBatch, n)
	for i := range morsels {
		b := array.NewInt64Builder(mem)
		b.Append(int64(i))
		a := b.NewArray()
		b.Release()
		morsels[i] = array.NewRecordBatch(schema, []arrow.Array{a}, 1)
		a.Release()
	}
	p := newPipeline(schema, morsels, -1)
	p.then(func(rb arrow.RecordBatch) (arrow.RecordBatch, error) {
		if rb.Column(0).(*array.Int64).Value(0) != 0 {
			<-release
		}
		return rb, nil
	}, schema)
	return p
}

// A consumer waiting for a morsel that workers are stuck on still returns
// as soon as its context is cancelled, and Close waits for the workers.
func TestPipelineNextReturnsOnCancel(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	release := make(chan struct{})
	p := blockingPipeline(t, mem, 50, release)
	ctx, cancel := context.WithCancel(context.Background())
	rb, err := p.Next(ctx)
	if err != nil || rb == nil {
		t.Fatalf("first morsel: %v, %v", rb, err)
	}
	rb.Release()
	done := make(chan error, 1)
	go func() {
		rb, err := p.Next(ctx)
		if rb != nil {
			rb.Release()
		}
		done <- err
	}()
	time.Sleep(5 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Next after cancel: %v, want context.Canceled", err)
		}
	case <-time.After(hangTimeout):
		t.Fatal("Next did not return after cancel")
	}
	close(release)
	closed := make(chan struct{})
	go func() { p.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(hangTimeout):
		t.Fatal("Close did not return")
	}
}

// Closing a pipeline that was never started, or stopped half way, releases
// every morsel and result it holds.
func TestPipelineCloseReleasesEverything(t *testing.T) {
	for _, consume := range []int{0, 1, 3, 50} {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		release := make(chan struct{})
		close(release)
		p := blockingPipeline(t, mem, 50, release)
		for range consume {
			rb, err := p.Next(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if rb != nil {
				rb.Release()
			}
		}
		p.Close()
		mem.AssertSize(t, 0)
	}
}

// A panic in a worker goroutine becomes an InternalError with the stack;
// it never crashes the process.
func TestDebugPanicInWorker(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	err := DebugPanicInWorker(context.Background(), mem)
	if err == nil {
		t.Fatal("no error")
	}
	if k := core.KindOf(err); k != core.KindInternal {
		t.Errorf("kind %s, want InternalError", k)
	}
	for _, want := range []string{"assignment to entry in nil map", "goroutine", "DebugPanicInWorker"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message does not contain %q:\n%s", want, err)
		}
	}
}

// Several queries at once over one table: the table is read-only and safe
// for concurrent scans.
func TestRunConcurrentQueries(t *testing.T) {
	mem := checkLeaks(t)
	setMorselRows(t, 11)
	tbl := idTable(t, mem, 500, 500)
	defer tbl.Release()
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for q := range 8 {
		p := Optimize(slice(filter(t, lazy.NewScan(tbl), bin(lazy.OpGtEq, col("id"), dyn(int64(q*100)))), 0, 50))
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := Run(context.Background(), mem, p)
			if err != nil {
				errs <- err.Error()
				return
			}
			defer res.Release()
			ids := res.Batches()[0].Column(0).(*array.Int64)
			if ids.Len() != 50 || ids.Value(0) != int64(q*100) || ids.Value(49) != int64(q*100+49) {
				errs <- fmt.Sprintf("query %d: wrong rows", q)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
