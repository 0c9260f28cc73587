//go:build unix

package vector

import (
	"math/rand/v2"
	"path/filepath"
	"runtime"
	"testing"
	"unsafe"
)

// liveHeap is the Go heap in use after a collection.
func liveHeap() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// Large vector arrays are slabs outside the Go heap: the collector's
// headroom (twice the live heap) must not grow with them.
func TestSlabsLiveOutsideTheHeap(t *testing.T) {
	const dim, rows = 64, 1 << 16 // 16 MiB of vectors
	h, err := NewHNSW(dim, L2, HNSWOptions{M: 8, EfConstruction: 16})
	if err != nil {
		t.Fatal(err)
	}
	before := liveHeap()
	h.Reserve(rows)
	if grew := liveHeap() - min(before, liveHeap()); grew > 8<<20 {
		t.Fatalf("reserving %d rows of %d floats grew the live heap by %d MiB", rows, dim, grew>>20)
	}
	if h.vecsMem == nil {
		t.Fatal("the reserved vectors are not a slab")
	}

	f, _ := NewFlat(dim, L2)
	r := rand.New(rand.NewPCG(1, 2))
	vecs := make([]float32, rows*dim)
	for i := range vecs {
		vecs[i] = r.Float32()
	}
	if err := f.Add(vecs, nil); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "flat.idx")
	if err := f.Save(path); err != nil {
		t.Fatal(err)
	}
	f, vecs = nil, nil
	before = liveHeap()
	idx, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if grew := liveHeap() - min(before, liveHeap()); grew > 8<<20 {
		t.Fatalf("loading %d rows of %d floats grew the live heap by %d MiB", rows, dim, grew>>20)
	}
	// The loaded index has room for new rows: the first Add does not copy
	// the slab (which held the old and the new slab at once).
	g := idx.(*Flat)
	first := unsafe.SliceData(g.vecs)
	if err := idx.Add(make([]float32, 100*dim), nil); err != nil {
		t.Fatal(err)
	}
	if unsafe.SliceData(g.vecs) != first {
		t.Fatal("adding 100 rows to a loaded index of 65,536 copied its vectors")
	}
	runtime.KeepAlive(idx)
}
