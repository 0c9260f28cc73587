package core

import (
	"runtime"
	"slices"
	"sync"
	"testing"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// dirtyHeap fills and drops buffers of size bytes so that the heap holds
// freed, non-zero memory of that size for the next allocation to reuse.
func dirtyHeap(size int) {
	for range 8 {
		b := make([]byte, size)
		for i := range b {
			b[i] = 0xa5
		}
		runtime.KeepAlive(b)
	}
	runtime.GC()
}

func TestGoAllocatorAllocateZeroesRecycledMemory(t *testing.T) {
	var a GoAllocator
	for _, size := range []int{1, 100, 4 << 10, 40 << 10, 1 << 20} {
		for range 4 {
			dirtyHeap(size)
			b := a.Allocate(size)
			if len(b) != size || cap(b) != size {
				t.Fatalf("Allocate(%d): len %d cap %d", size, len(b), cap(b))
			}
			if uintptr(unsafe.Pointer(unsafe.SliceData(b)))%64 != 0 {
				t.Fatalf("Allocate(%d) is not 64-byte aligned", size)
			}
			for i, x := range b {
				if x != 0 {
					t.Fatalf("Allocate(%d): byte %d is %#x, not zero", size, i, x)
				}
			}
		}
	}
}

func TestGoAllocatorUninit(t *testing.T) {
	var a GoAllocator
	for _, size := range []int{0, 1, 63, 64, 65, 40 << 10, 3 << 20} {
		b := a.AllocateUninit(size)
		if len(b) != size || cap(b) != size {
			t.Fatalf("AllocateUninit(%d): len %d cap %d", size, len(b), cap(b))
		}
		if size > 0 && uintptr(unsafe.Pointer(unsafe.SliceData(b)))%64 != 0 {
			t.Fatalf("AllocateUninit(%d) is not 64-byte aligned", size)
		}
		for i := range b {
			b[i] = byte(i)
		}
	}
	// core.AllocateUninit must take the uninitialized path: a buffer of the
	// full size, writable, of the asked length.
	buf := AllocateUninit(a, 1000)
	if buf.Len() != 1000 {
		t.Fatalf("AllocateUninit gave %d bytes", buf.Len())
	}
	buf.Release()
}

func TestGoAllocatorReallocate(t *testing.T) {
	var a GoAllocator
	b := a.Allocate(10)
	for i := range b {
		b[i] = byte(i + 1)
	}
	dirtyHeap(1 << 16)
	b = a.Reallocate(1<<16, b)
	for i := range 10 {
		if b[i] != byte(i+1) {
			t.Fatalf("Reallocate lost byte %d", i)
		}
	}
	for i, x := range b[10:] {
		if x != 0 {
			t.Fatalf("Reallocate: new byte %d is %#x, not zero", 10+i, x)
		}
	}
	// A resizable buffer grows through Reallocate.
	rb := memory.NewResizableBuffer(a)
	rb.Resize(5)
	rb.Resize(200)
	for _, x := range rb.Bytes() {
		if x != 0 {
			t.Fatalf("a grown buffer holds %#x", x)
		}
	}
	rb.Release()
}

// TestGoAllocatorSkipsClearing checks that AllocateUninit asks the runtime
// not to clear the memory, and Allocate and Reallocate's new bytes to clear
// it. (Whether the runtime then hands back a freed dirty span is its own
// choice: a test that waited for old bytes to show failed now and then in
// CI, when other goroutines took the span first.)
func TestGoAllocatorSkipsClearing(t *testing.T) {
	var a GoAllocator
	const odd = 256<<10 + 13 // a size no other allocation has
	var mu sync.Mutex
	var zeroed []bool
	allocGo = func(size uintptr, typ unsafe.Pointer, needzero bool) unsafe.Pointer {
		if size == odd+goAlign {
			mu.Lock()
			zeroed = append(zeroed, needzero)
			mu.Unlock()
		}
		return mallocgc(size, typ, needzero)
	}
	defer func() { allocGo = mallocgc }()
	a.AllocateUninit(odd)
	a.Allocate(odd)
	if len(zeroed) != 2 || zeroed[0] || !zeroed[1] {
		t.Fatalf("needzero passed by AllocateUninit, Allocate: %v; want [false true]", zeroed)
	}
	// A dirty recycled buffer does come back with its bytes when the
	// runtime reuses it: seen here at least once in most runs, not required.
	for range 20 {
		dirtyHeap(256<<10 + goAlign)
		if b := a.AllocateUninit(256 << 10); slices.ContainsFunc(b, func(x byte) bool { return x != 0 }) {
			t.Logf("recycled bytes seen")
			return
		}
	}
}
