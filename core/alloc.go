package core

/*
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static void* alopex_map(size_t size) {
	void* p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) return NULL;
#ifdef MADV_HUGEPAGE
	madvise(p, size, MADV_HUGEPAGE);
#endif
	return p;
}

static int alopex_unmap(void* p, size_t size) { return munmap(p, size); }

static void* alopex_aligned(size_t size) {
	void* p = NULL;
	if (posix_memalign(&p, 64, size == 0 ? 64 : size) != 0) return NULL;
	return p;
}
*/
import "C"

import (
	"sync"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// largeAlloc is the size from which CAllocator maps memory itself and keeps
// freed blocks for reuse.
const largeAlloc = 1 << 20

const hugePage = 2 << 20

// CAllocator allocates Arrow buffers outside the Go heap, so that they can be
// handed to C and Python (no cgo pointer rule is broken), and released by
// whichever side drops the last reference.
//
// Small buffers come from posix_memalign. Large ones are mapped directly,
// with transparent huge pages requested, and freed blocks are kept (up to a
// budget) and handed out again: a fresh mapping costs a page fault per page
// on first touch, which for a large query result costs more than computing
// it. Memory from Allocate is zeroed; AllocateUninit skips that for callers
// that overwrite every byte.
type CAllocator struct {
	mu     sync.Mutex
	live   map[unsafe.Pointer]int   // base address -> mapped size of large blocks in use
	cached map[int][]unsafe.Pointer // mapped size -> free blocks
	order  []cachedBlock            // free blocks, oldest first
	budget int                      // bytes of free blocks kept at most
	held   int                      // bytes of free blocks kept now
}

type cachedBlock struct {
	addr unsafe.Pointer
	size int
}

// NewCAllocator returns an allocator keeping at most budget bytes of freed
// large blocks for reuse.
func NewCAllocator(budget int) *CAllocator {
	return &CAllocator{live: map[unsafe.Pointer]int{}, cached: map[int][]unsafe.Pointer{}, budget: budget}
}

var _ memory.Allocator = (*CAllocator)(nil)

func roundUp(n, to int) int { return (n + to - 1) / to * to }

// Allocate returns size zeroed bytes, 64-byte aligned.
func (a *CAllocator) Allocate(size int) []byte { return a.allocate(size, true) }

// AllocateUninit returns size bytes whose contents are undefined.
func (a *CAllocator) AllocateUninit(size int) []byte { return a.allocate(size, false) }

func (a *CAllocator) allocate(size int, zero bool) []byte {
	if size < 0 {
		panic("alopex: negative allocation size")
	}
	if size < largeAlloc {
		p := C.alopex_aligned(C.size_t(size))
		if p == nil {
			panic("alopex: out of memory")
		}
		if zero {
			C.memset(p, 0, C.size_t(max(size, 1)))
		}
		return unsafe.Slice((*byte)(p), size)
	}
	mapped := roundUp(size, hugePage)
	a.mu.Lock()
	var addr unsafe.Pointer
	if free := a.cached[mapped]; len(free) > 0 {
		addr = free[len(free)-1]
		a.cached[mapped] = free[:len(free)-1]
		a.held -= mapped
		for i, b := range a.order {
			if b.addr == addr {
				a.order = append(a.order[:i], a.order[i+1:]...)
				break
			}
		}
	}
	a.mu.Unlock()
	var p unsafe.Pointer
	if addr != nil {
		p = addr
		if zero {
			C.memset(p, 0, C.size_t(size))
		}
	} else {
		p = C.alopex_map(C.size_t(mapped))
		if p == nil {
			panic("alopex: out of memory")
		}
	}
	a.mu.Lock()
	a.live[p] = mapped
	a.mu.Unlock()
	return unsafe.Slice((*byte)(p), size)
}

// Free returns b to the allocator.
func (a *CAllocator) Free(b []byte) {
	if cap(b) == 0 {
		return
	}
	p := unsafe.Pointer(unsafe.SliceData(b))
	addr := p
	a.mu.Lock()
	mapped, large := a.live[addr]
	if !large {
		a.mu.Unlock()
		C.free(p)
		return
	}
	delete(a.live, addr)
	var evict []cachedBlock
	if mapped <= a.budget {
		a.cached[mapped] = append(a.cached[mapped], addr)
		a.order = append(a.order, cachedBlock{addr, mapped})
		a.held += mapped
		for a.held > a.budget && len(a.order) > 0 {
			old := a.order[0]
			a.order = a.order[1:]
			list := a.cached[old.size]
			for i, x := range list {
				if x == old.addr {
					a.cached[old.size] = append(list[:i], list[i+1:]...)
					break
				}
			}
			a.held -= old.size
			evict = append(evict, old)
		}
	} else {
		evict = append(evict, cachedBlock{addr, mapped})
	}
	a.mu.Unlock()
	for _, e := range evict {
		C.alopex_unmap(e.addr, C.size_t(e.size))
	}
}

// Reallocate resizes b, keeping its contents; new bytes are zeroed.
func (a *CAllocator) Reallocate(size int, b []byte) []byte {
	return Reallocate(size, b, a.Allocate, a.Free)
}

// Reallocate resizes b, keeping its contents, for an allocator whose
// allocate returns zeroed bytes: within b's capacity it reslices (zeroing
// what it adds); beyond, it allocates, copies and frees b.
func Reallocate(size int, b []byte, allocate func(int) []byte, free func([]byte)) []byte {
	if size <= cap(b) {
		old := len(b)
		b = b[:size]
		if size > old {
			clear(b[old:])
		}
		return b
	}
	nb := allocate(size)
	copy(nb, b)
	free(b)
	return nb
}

// AllocateUninit allocates size bytes from mem without zeroing them when mem
// supports it (CAllocator does); the caller must overwrite every byte.
func AllocateUninit(mem memory.Allocator, size int) *memory.Buffer {
	if u, ok := mem.(interface{ AllocateUninit(int) []byte }); ok {
		return memory.NewBufferWithAllocator(u.AllocateUninit(size), mem)
	}
	buf := memory.NewResizableBuffer(mem)
	buf.Resize(size)
	return buf
}

// AllocateWritten is AllocateUninit for a caller known to write every byte,
// null slots included (a kernel whose loops cover all rows): it skips the
// zeroing for arrow's memory.GoAllocator too, the executor's working
// allocator, whose buffers are Go heap memory like GoAllocator's and whose
// Free does nothing. (AllocateUninit keeps that allocator's zeroing because
// not every caller has been checked for slots it leaves unwritten.)
func AllocateWritten(mem memory.Allocator, size int) *memory.Buffer {
	if _, ok := mem.(*memory.GoAllocator); ok {
		return memory.NewBufferWithAllocator(goAllocate(size, false), mem)
	}
	return AllocateUninit(mem, size)
}
