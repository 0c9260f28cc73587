package exec

import (
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
// blocks with transparent huge pages (a fault per 2 MiB) and keeps freed
// blocks for reuse: a table that grows, the merge's tables after the
// workers', and later queries get blocks already faulted in. Tables free
// their blocks as soon as no more groups are looked up
// (groupTable.releaseSlots, dropIndex).

// slotMem is the pool of slot arrays, shared by all queries.
var slotMem memory.Allocator = core.NewCAllocator(slotCache)

// slotCache bounds the freed slot arrays slotMem keeps for reuse: a
// group-by of a few million groups (workers' and merge's tables alike)
// finds its blocks there.
const slotCache = 256 << 20

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
