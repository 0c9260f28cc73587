package exec

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// peakAllocator is a checked allocator that remembers its peak.
type peakAllocator struct {
	*memory.CheckedAllocator
	mu   sync.Mutex
	peak int
}

func (a *peakAllocator) Allocate(n int) []byte {
	b := a.CheckedAllocator.Allocate(n)
	a.mu.Lock()
	a.peak = max(a.peak, a.CurrentAlloc())
	a.mu.Unlock()
	return b
}

// useSlotMem swaps slotMem for a checked allocator for the rest of the
// test, which must be empty at its end: every slot array freed.
func useSlotMem(t *testing.T) *peakAllocator {
	old := slotMem
	a := &peakAllocator{CheckedAllocator: memory.NewCheckedAllocator(memory.NewGoAllocator())}
	slotMem = a
	t.Cleanup(func() {
		slotMem = old
		a.AssertSize(t, 0)
	})
	return a
}

// A group-by of many groups keeps its hash tables' slots (and partitioned
// keys) in slotMem, not the Go heap, and frees them all: after a result,
// after an error in a morsel and when cancelled.
func TestGroupBySlotsOutsideGoHeap(t *testing.T) {
	mem := checkLeaks(t)
	const n = 120_000
	ids := make([]any, n)
	names := make([]any, n)
	vals := make([]any, n)
	for i := range n {
		// Sparse ids: dense ones would find their groups in a direct array,
		// whose 120k int32 slots stay on the Go heap (under offHeapSlots).
		ids[i] = int64(i) * 7919
		names[i] = fmt.Sprintf("name%d", i%7)
		vals[i] = int64(i % 100)
	}
	vals[n-5] = int64(1000) // fails a strict cast to Int8
	sizes := make([]int, 12)
	for i := range sizes {
		sizes[i] = n / len(sizes)
	}
	tbl := newTable(t, mem, []column{
		{"id", arrow.PrimitiveTypes.Int64, ids},
		{"name", arrow.BinaryTypes.String, names},
		{"v", arrow.PrimitiveTypes.Int64, vals},
	}, sizes...)
	defer tbl.Release()
	sum := alias(&lazy.Agg{Func: lazy.AggSum, X: col("v")}, "s")
	for _, keys := range [][]string{{"id"}, {"name", "id"}} {
		slots := useSlotMem(t)
		p := groupBy(t, lazy.NewScan(tbl), colExprs(keys), []lazy.Expr{sum})
		res, err := Run(context.Background(), mem, p)
		if err != nil {
			t.Fatal(err)
		}
		if res.NumRows() != n {
			t.Errorf("keys %v: %d groups, want %d", keys, res.NumRows(), n)
		}
		res.Release()
		if slots.peak < offHeapSlots {
			t.Errorf("keys %v: %d bytes of slots outside the Go heap at most, want a table's (%d or more)", keys, slots.peak, offHeapSlots)
		}
		if got := slots.CurrentAlloc(); got != 0 {
			t.Errorf("keys %v: %d bytes of slots left after the result", keys, got)
		}

		bad := groupBy(t, lazy.NewScan(tbl), colExprs(keys), []lazy.Expr{
			alias(&lazy.Agg{Func: lazy.AggSum, X: &lazy.Cast{X: col("v"), To: arrow.PrimitiveTypes.Int8, Strict: true}}, "s"),
		})
		if res, err := Run(context.Background(), mem, bad); err == nil {
			res.Release()
			t.Fatalf("keys %v: no error from a failing strict cast", keys)
		} else if core.KindOf(err) != core.KindCompute {
			t.Errorf("keys %v: error %v, want a compute error", keys, err)
		}
		if got := slots.CurrentAlloc(); got != 0 {
			t.Errorf("keys %v: %d bytes of slots left after an error", keys, got)
		}
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if res, err := Run(ctx, mem, p); err == nil {
			res.Release()
			t.Errorf("keys %v: a cancelled group-by returned a result", keys)
		}
	}
}

// With a memory limit, slots stay on the Go heap, which the limit bounds.
func TestGroupBySlotsUnderMemoryLimit(t *testing.T) {
	slots := useSlotMem(t)
	SetMemoryLimit(8 << 30)
	defer SetMemoryLimit(0)
	if s, buf := allocSlots[intSlot](slotMem, 1<<20); buf != nil || len(s) != 1<<20 {
		t.Errorf("under a memory limit: buffer %v, %d slots", buf, len(s))
	}
	if slots.peak != 0 {
		t.Errorf("under a memory limit, %d bytes came from slotMem", slots.peak)
	}
}
