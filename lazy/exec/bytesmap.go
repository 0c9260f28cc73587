package exec

import (
	"hash/maphash"
	"math/bits"
	"unsafe"
)

// bytesMap maps byte-string keys (string group keys, row-encoded
// multi-column keys) to non-negative int32 values with open addressing. Keys
// are copied once into an arena of large chunks that never move, and the
// slots hold the key's hash, its place in the arena and the value: no
// pointers, so the garbage collector never scans millions of keys, which
// profiles of Go's map[string] showed costing as much as the lookups.
type bytesMap struct {
	slots  []bytesSlot
	shift  uint
	count  int
	chunks [][]byte
}

type bytesSlot struct {
	hash  uint64 // 0: empty (stored hashes are never 0)
	chunk uint32
	off   uint32
	n     uint32
	val   int32
}

const arenaChunk = 1 << 20

var bytesSeed = maphash.MakeSeed()

func newBytesMap(capacity int) *bytesMap {
	m := &bytesMap{}
	m.alloc(max(16, capacity*2))
	return m
}

func (m *bytesMap) alloc(n int) {
	size := 1 << bits.Len(uint(n-1))
	m.slots = make([]bytesSlot, size)
	m.shift = uint(64 - bits.Len(uint(size-1)))
	m.count = 0
}

func hashBytes(k []byte) uint64 { return maphash.Bytes(bytesSeed, k) | 1 }

func (m *bytesMap) home(h uint64) int { return int((h * 0x9E3779B97F4A7C15) >> m.shift) }

func (m *bytesMap) keyOf(s *bytesSlot) []byte {
	return m.chunks[s.chunk][s.off : s.off+s.n]
}

// slot finds k's slot: the one holding it (found) or the empty one where it
// goes. The table must have room (callers that insert grow first).
func (m *bytesMap) slot(k []byte, h uint64) (s *bytesSlot, found bool) {
	mask := len(m.slots) - 1
	for i := m.home(h); ; i = (i + 1) & mask {
		s := &m.slots[i]
		if s.hash == 0 {
			return s, false
		}
		if s.hash == h && string(m.keyOf(s)) == string(k) {
			return s, true
		}
	}
}

// get returns the value of k.
func (m *bytesMap) get(k []byte) (int32, bool) {
	if s, ok := m.slot(k, hashBytes(k)); ok {
		return s.val, true
	}
	return -1, false
}

// put fills an empty slot with a copy of k.
func (m *bytesMap) put(s *bytesSlot, k []byte, h uint64, v int32) {
	chunk, off := m.store(k)
	*s = bytesSlot{hash: h, chunk: chunk, off: off, n: uint32(len(k)), val: v}
	m.count++
}

// getOrPut returns the value of k, or stores v for a copy of k and returns
// v, false. key is the stored copy of k as a string (valid as long as the
// map is reachable; it points into the arena).
func (m *bytesMap) getOrPut(k []byte, v int32) (val int32, found bool, key string) {
	return m.getOrPutHash(k, hashBytes(k), v)
}

// getOrPutHash is getOrPut of a key whose hashBytes the caller has already
// computed (and kept: a group's hash picks its merge partition too).
func (m *bytesMap) getOrPutHash(k []byte, h uint64, v int32) (val int32, found bool, key string) {
	if 2*(m.count+1) > len(m.slots) {
		m.grow()
	}
	s, ok := m.slot(k, h)
	if !ok {
		m.put(s, k, h, v)
	}
	return s.val, ok, m.stringOf(s)
}

func (m *bytesMap) stringOf(s *bytesSlot) string {
	if s.n == 0 {
		return ""
	}
	b := m.keyOf(s)
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// adopt makes buf, which must never change, one of the arena's chunks
// without copying it, and returns its number: keys that already sit in
// such a buffer are then put in place (putAt).
func (m *bytesMap) adopt(buf []byte) uint32 {
	m.chunks = append(m.chunks, buf[:len(buf):len(buf)]) // full: store never appends to it
	return uint32(len(m.chunks) - 1)
}

// getOrPutAt is getOrPutHash of the key at chunk[off:off+n] of an adopted
// chunk, which a new slot references instead of copying the key.
func (m *bytesMap) getOrPutAt(chunk, off, n uint32, h uint64, v int32) (val int32, found bool, key string) {
	if 2*(m.count+1) > len(m.slots) {
		m.grow()
	}
	k := m.chunks[chunk][off : off+n]
	s, ok := m.slot(k, h)
	if !ok {
		*s = bytesSlot{hash: h, chunk: chunk, off: off, n: n, val: v}
		m.count++
	}
	return s.val, ok, m.stringOf(s)
}

// store copies k into the arena.
func (m *bytesMap) store(k []byte) (chunk, off uint32) {
	last := len(m.chunks) - 1
	if last < 0 || len(m.chunks[last])+len(k) > cap(m.chunks[last]) {
		m.chunks = append(m.chunks, make([]byte, 0, max(arenaChunk, len(k))))
		last++
	}
	c := m.chunks[last]
	off = uint32(len(c))
	m.chunks[last] = append(c, k...)
	return uint32(last), off
}

func (m *bytesMap) grow() {
	old := m.slots
	m.alloc(2 * len(old))
	mask := len(m.slots) - 1
	for _, s := range old {
		if s.hash == 0 {
			continue
		}
		i := m.home(s.hash)
		for m.slots[i].hash != 0 {
			i = (i + 1) & mask
		}
		m.slots[i] = s
		m.count++
	}
}

// swap stores v for k (copying k when new) and returns the value it
// replaces (-1 for none).
func (m *bytesMap) swap(k []byte, v int32) int32 {
	if 2*(m.count+1) > len(m.slots) {
		m.grow()
	}
	h := hashBytes(k)
	s, ok := m.slot(k, h)
	if !ok {
		m.put(s, k, h, v)
		return -1
	}
	old := s.val
	s.val = v
	return old
}
