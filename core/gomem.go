package core

import (
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// mallocgc is the Go runtime's allocator. With no type (memory holding no
// pointers) and needzero false it returns memory the collector does not
// clear: a recycled span keeps its old bytes. The runtime keeps this
// signature for the packages that link to it (go.dev/issue/67401; pebble
// does the same in its rawalloc package).
//
//go:linkname mallocgc runtime.mallocgc
func mallocgc(size uintptr, typ unsafe.Pointer, needzero bool) unsafe.Pointer

// goAlign is the alignment of GoAllocator's buffers, Arrow's.
const goAlign = 64

// GoAllocator allocates Arrow buffers in the Go heap, 64-byte aligned, like
// arrow's memory.GoAllocator: Free does nothing and the collector reclaims
// a buffer once nothing points into it, so views of a released buffer stay
// valid (no buffer is ever handed out twice while reachable).
//
// It adds AllocateUninit, which skips clearing the memory. Clearing a fresh
// buffer costs as much as writing it once more: for the executor's
// intermediate columns, which decoders and kernels overwrite whole, it was
// an eighth of a Parquet scan's time.
type GoAllocator struct{}

var _ memory.Allocator = GoAllocator{}

// NewGoAllocator returns the Go heap allocator.
func NewGoAllocator() GoAllocator { return GoAllocator{} }

// Allocate returns size zeroed bytes.
func (GoAllocator) Allocate(size int) []byte { return goAllocate(size, true) }

// AllocateUninit returns size bytes whose contents are undefined: the
// caller must write every byte before reading it.
func (GoAllocator) AllocateUninit(size int) []byte { return goAllocate(size, false) }

// Reallocate resizes b, keeping its contents; new bytes are zeroed.
func (GoAllocator) Reallocate(size int, b []byte) []byte {
	if size <= cap(b) {
		old := len(b)
		b = b[:size]
		if size > old {
			clear(b[old:])
		}
		return b
	}
	nb := goAllocate(size, false)
	n := copy(nb, b)
	clear(nb[n:])
	return nb
}

// Free does nothing: the collector reclaims the buffer.
func (GoAllocator) Free([]byte) {}

// allocGo is mallocgc; a variable so a test can see the needzero flag
// each method passes (whether the runtime then reuses dirty memory is its
// own choice, which a test can only observe by chance).
var allocGo = mallocgc

func goAllocate(size int, zero bool) []byte {
	if size < 0 {
		panic("alopex: negative allocation size")
	}
	if size == 0 {
		return []byte{}
	}
	p := allocGo(uintptr(size+goAlign), nil, zero)
	shift := (goAlign - int(uintptr(p)%goAlign)) % goAlign
	return unsafe.Slice((*byte)(unsafe.Add(p, shift)), size)
}
