package exec

import (
	"sync"
	"syscall"
	"unsafe"

	"github.com/alopexdb/alopex/core"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Hash tables of group-bys with many groups (intMap, groupIndex) take
// their slot arrays from slotMem rather than the Go heap. Profiles of
// TPC-H Q18 (1.5M groups) showed a fifth of its CPU time in the kernel,
// most of it page faults on first touch of those arrays: each doubling of
// a table makes a fresh one, the Go heap maps it in 4 KiB pages, and its
// scavenger returns what a query freed to the OS before the next query (or
// the next table of the same query) faults it in again. slotMem maps large
// blocks and keeps freed ones for reuse: a table that grows, the merge's
// tables after the workers', and later queries get blocks already faulted
// in. Tables free
// their blocks as soon as no more groups are looked up
// (groupTable.releaseSlots, dropIndex).

// slotMem is the pool of slot arrays, shared by all queries.
var slotMem memory.Allocator = newSlotPool(slotCache)

// slotCache bounds the freed slot arrays slotMem keeps for reuse: a
// group-by of a few million groups (workers' and merge's tables alike)
// finds its blocks there.
const slotCache = 256 << 20

// slotPool maps blocks with mmap and keeps freed ones (up to a budget)
// for reuse, zeroing them again when handed out. Unlike core.CAllocator it
// asks for no transparent huge pages: on a machine whose memory is mostly
// page cache, the kernel compacted memory on every first touch of a huge
// page, which cost the first many-group query of a process more (0.4 s of
// TPC-H Q18) than 4 KiB faults, paid once per block either way.
type slotPool struct {
	mu     sync.Mutex
	free   map[int][][]byte // mapped size -> freed blocks
	held   int              // bytes of freed blocks kept
	budget int
}

func newSlotPool(budget int) *slotPool {
	return &slotPool{free: map[int][][]byte{}, budget: budget}
}

// Allocate returns size zeroed bytes.
func (p *slotPool) Allocate(size int) []byte {
	mapped := (size + pageSize - 1) / pageSize * pageSize
	p.mu.Lock()
	if list := p.free[mapped]; len(list) > 0 {
		b := list[len(list)-1]
		p.free[mapped] = list[:len(list)-1]
		p.held -= mapped
		p.mu.Unlock()
		clear(b)
		return b[:size]
	}
	p.mu.Unlock()
	b, err := syscall.Mmap(-1, 0, max(mapped, pageSize), syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE|syscall.MAP_ANON)
	if err != nil {
		panic(core.Errorf(core.KindCompute, "out of memory for a group-by's hash table of %d bytes: %v", size, err))
	}
	return b[:size]
}

// Free keeps b for reuse, or unmaps it when the pool is full.
func (p *slotPool) Free(b []byte) {
	if cap(b) == 0 {
		return
	}
	b = b[:cap(b)]
	p.mu.Lock()
	if p.held+len(b) <= p.budget {
		p.free[len(b)] = append(p.free[len(b)], b)
		p.held += len(b)
		p.mu.Unlock()
		return
	}
	p.mu.Unlock()
	_ = syscall.Munmap(b)
}

// Reallocate resizes b, keeping its contents.
func (p *slotPool) Reallocate(size int, b []byte) []byte {
	return core.Reallocate(size, b, p.Allocate, p.Free)
}

var pageSize = syscall.Getpagesize()

// offHeapSlots is the size from which slot arrays come from the allocator:
// smaller tables (most group-bys) stay on the Go heap, where they cost no
// call into C and nothing to free.
const offHeapSlots = 1 << 20

// allocSlots returns n zeroed slots of a pointer-free type: from mem, with
// the buffer that frees them, when mem is set, they take offHeapSlots bytes
// or more and no memory limit applies (the limit bounds the Go heap, where
// they then stay to be counted); else from the Go heap with a nil buffer.
func allocSlots[T any](mem memory.Allocator, n int) ([]T, *memory.Buffer) {
	var zero T
	size := n * int(unsafe.Sizeof(zero))
	if mem == nil || size < offHeapSlots || MemoryLimit() > 0 {
		return make([]T, n), nil
	}
	buf := memory.NewBufferWithAllocator(mem.Allocate(size), mem)
	return unsafe.Slice((*T)(unsafe.Pointer(unsafe.SliceData(buf.Bytes()))), n), buf
}

// freeSlots frees a slot array allocSlots returned (its buffer; nil for
// one on the Go heap).
func freeSlots(buf *memory.Buffer) {
	if buf != nil {
		buf.Release()
	}
}
