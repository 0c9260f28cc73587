package storage

import (
	"encoding/binary"
	"fmt"
	"maps"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
)

// pendingWrites against a plain map: puts, deletions, statement rollbacks
// and ordered range reads in any interleaving.
func TestPendingWritesModel(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	p := newPendingWrites(0, "")
	model := map[string]pendingWrite{}
	saved := maps.Clone(model)
	p.savepoint()
	for step := 0; step < 5000; step++ {
		k := fmt.Sprintf("k%02d", r.IntN(60))
		switch op := r.IntN(10); {
		case op < 5:
			w := pendingWrite{val: []byte(fmt.Sprint(step))}
			p.put([]byte(k), w)
			model[k] = w
		case op < 7:
			p.put([]byte(k), pendingWrite{del: true})
			model[k] = pendingWrite{del: true}
		case op == 7:
			p.rollbackTo()
			model = maps.Clone(saved)
		case op == 8:
			p.release()
			saved = maps.Clone(model)
		default:
			lo, hi := fmt.Sprintf("k%02d", r.IntN(60)), fmt.Sprintf("k%02d", r.IntN(70))
			var want []string
			for _, mk := range slices.Sorted(maps.Keys(model)) {
				if mk >= lo && mk < hi {
					want = append(want, fmt.Sprintf("%s=%s/%v", mk, model[mk].val, model[mk].del))
				}
			}
			var got []string
			for _, kv := range p.between([]byte(lo), []byte(hi)) {
				got = append(got, fmt.Sprintf("%s=%s/%v", kv.key, kv.w.val, kv.w.del))
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("step %d: between(%s, %s)\n got %v\nwant %v", step, lo, hi, got, want)
			}
		}
		if p.len() != len(model) {
			t.Fatalf("step %d: %d writes, model has %d", step, p.len(), len(model))
		}
	}
}

// The memory the pending writes account for is the heap they really take
// (within a margin), so the spill threshold bounds memory: a row-shaped
// write set (short keys in order, ~30-byte values, one statement's undo
// log) is measured against the live heap it adds.
func TestPendingMemoryAccounting(t *testing.T) {
	const n = 200_000
	live := func() uint64 {
		var ms runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	before := live()
	p := newPendingWrites(0, "")
	p.savepoint()
	key := make([]byte, 17)
	val := []byte("0123456789abcdef0123456789abcd")
	for i := range n {
		binary.BigEndian.PutUint64(key[9:], uint64(i))
		p.put(key, pendingWrite{val: val})
	}
	real := float64(live() - before)
	accounted := float64(p.memory())
	runtime.KeepAlive(p)
	t.Logf("real %.1f MiB, accounted %.1f MiB (%.0f B/write real)", real/(1<<20), accounted/(1<<20), real/n)
	if accounted < 0.85*real || accounted > 1.5*real {
		t.Fatalf("accounted %.0f bytes for %.0f real: the spill threshold would not bound memory", accounted, real)
	}
}

// A small spill threshold spills after about that much memory of writes,
// not after every write (the arena's first chunk alone must not pass it).
func TestSmallSpillThreshold(t *testing.T) {
	p := newPendingWrites(64<<10, t.TempDir())
	defer p.close()
	key := make([]byte, 17)
	val := []byte("0123456789abcdef0123456789abcd")
	for i := range 2000 {
		binary.BigEndian.PutUint64(key[9:], uint64(i))
		p.put(key, pendingWrite{val: val})
	}
	if err := p.failed(); err != nil {
		t.Fatal(err)
	}
	// ~200 bytes a write: 2000 writes are ~400 KiB, six or so spills.
	if p.spill == nil || p.spill.nfile < 3 || p.spill.nfile > 20 {
		t.Fatalf("%d spills for 2000 writes at a 64 KiB threshold", p.spill.nfile)
	}
}
