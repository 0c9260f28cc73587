package vector

import "unsafe"

// Slabs: the two arrays of an index that grow with its rows and hold no
// pointers (the vectors, the level-0 links) live outside the Go heap once
// they are large (slab_unix.go maps them from the kernel). In the heap
// they would count twice: Go's collector lets the heap grow to about
// twice what is live before it collects, so 130 MiB of vectors and links
// (200,000 × 128) let every query, commit and save leave another 130 MiB
// of garbage behind before a collection (a stored table's peak RSS: ~900
// MiB where LanceDB takes 750). Mapped memory also costs nothing until it
// is written, so the room a loaded index keeps for new rows is free.
//
// A slab's memory is returned when the array is replaced by a larger one
// (growHuge, under the index's write lock: no search can hold the old
// one) or when its owner, held by the index beside the array, becomes
// unreachable (a dropped or compacted index).

// slabMin is the size from which an array is a slab: below it the
// collector's headroom is small, and a mapping per array would cost more.
const slabMin = 8 << 20

// makeSlab returns a zeroed []T of length n and capacity c, and the owner
// of its memory (nil: an ordinary slice, small or where mapping failed).
func makeSlab[T float32 | uint32](n, c int) ([]T, *slab) {
	var zero T
	if size := c * int(unsafe.Sizeof(zero)); size >= slabMin {
		if mem := mapSlab(size); mem != nil {
			return unsafe.Slice((*T)(unsafe.Pointer(unsafe.SliceData(mem.mem))), c)[:n], mem
		}
	}
	return make([]T, n, c), nil
}

// slabFrom is makeSlab with the first elements copied from p (bytes of T).
func slabFrom[T float32 | uint32](p []byte, n, c int) ([]T, *slab) {
	s, mem := makeSlab[T](n, c)
	copy(asBytes(s), p)
	return s, mem
}
