package storage

import "unsafe"

// pendingArenaChunk is the size of the arena's chunks: large enough that
// a chunk per write-set is one allocation among thousands of writes, small
// enough that a half-used last chunk wastes little.
const pendingArenaChunk = 1 << 20

// pendingArena holds the key and value bytes of a transaction's writes in
// memory in large chunks: one allocation per chunk instead of two per
// write (each rounded up to a size class), and chunks hold no pointers,
// so the garbage collector does not scan them. Bytes in the arena are
// never changed after they are copied in, so keys can be strings over
// them; chunks are never reused (a reset drops them), because values read
// earlier may still be in use.
type pendingArena struct {
	cur  []byte
	size int // bytes allocated for the arena: whole chunks, big values alone
}

// copy returns a copy of b in the arena.
func (a *pendingArena) copy(b []byte) []byte {
	if len(b) > pendingArenaChunk/16 {
		// A big value (a long text, a vector) gets its own allocation, so
		// it does not leave most of a chunk unused.
		a.size += len(b)
		return append(make([]byte, 0, len(b)), b...)
	}
	if cap(a.cur)-len(a.cur) < len(b) {
		a.cur = make([]byte, 0, pendingArenaChunk)
		a.size += pendingArenaChunk
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
