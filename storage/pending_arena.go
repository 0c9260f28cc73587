package storage

import "unsafe"

// The arena's chunks start small and double up to pendingArenaChunk: a
// small transaction allocates little, a big one one chunk per thousands of
// writes, and the unused end of the last chunk is at most half of what is
// used.
const (
	pendingArenaFirst = 4 << 10
	pendingArenaChunk = 1 << 20
)

// pendingArena holds the key and value bytes of a transaction's writes in
// memory in large chunks: one allocation per chunk instead of two per
// write (each rounded up to a size class), and chunks hold no pointers,
// so the garbage collector does not scan them. Bytes in the arena are
// never changed after they are copied in, so keys can be strings over
// them; chunks are never reused (a reset drops them), because values read
// earlier may still be in use.
type pendingArena struct {
	cur []byte
	// size is the bytes copied in: what the writes take (the unused end
	// of the current chunk is not counted, so a small spill threshold is
	// not reached by one chunk).
	size  int
	chunk int // the size of the next chunk
}

// copy returns a copy of b in the arena.
func (a *pendingArena) copy(b []byte) []byte {
	a.size += len(b)
	if len(b) > pendingArenaChunk/16 {
		// A big value (a long text, a vector) gets its own allocation, so
		// it does not leave most of a chunk unused.
		return append(make([]byte, 0, len(b)), b...)
	}
	if cap(a.cur)-len(a.cur) < len(b) {
		a.chunk = min(max(a.chunk*2, pendingArenaFirst), pendingArenaChunk)
		a.cur = make([]byte, 0, max(a.chunk, len(b)))
	}
	n := len(a.cur)
	a.cur = append(a.cur, b...)
	return a.cur[n:len(a.cur):len(a.cur)]
}

// str returns a copy of b in the arena as a string.
func (a *pendingArena) str(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	c := a.copy(b)
	return unsafe.String(unsafe.SliceData(c), len(c))
}
