package exec

import (
	"encoding/binary"
	"hash/maphash"
	"math/bits"
	"unsafe"
)

// bytesMap maps byte-string keys (string group keys, row-encoded
// multi-column keys) to non-negative int32 values with open addressing. Keys
// are copied once into an arena of large chunks that never move, and the
// slots hold the key's hash, its length, the value and either the key itself
// (keys of up to 16 bytes: most ids, codes and names) or its place in the
// arena and its first 8 bytes. No pointers, so the garbage collector never
// scans millions of keys, which profiles of Go's map[string] showed costing
// as much as the lookups; and a probe for a short key never leaves the slot
// array, where comparing with the arena's copy was a cache miss per row.
type bytesMap struct {
	slots  []bytesSlot
	shift  uint
	count  int
	chunks [][]byte
}

type bytesSlot struct {
	hash uint64 // 0: empty (stored hashes are never 0)
	n    uint32
	val  int32
	// n <= inlineKey: the key's bytes, zero-padded (a, then b). Longer
	// keys: a is chunk<<32 | offset in the arena, b the first 8 bytes.
	a, b uint64
}

// inlineKey is the length up to which a key is held in its slot.
const inlineKey = 16

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

// words are a key's a and b as a slot holds them: its bytes zero-padded when
// it is short, else its first 8 bytes in b.
func words(k []byte) (a, b uint64) {
	if len(k) > inlineKey {
		return 0, binary.LittleEndian.Uint64(k)
	}
	if len(k) == inlineKey {
		return binary.LittleEndian.Uint64(k), binary.LittleEndian.Uint64(k[8:])
	}
	var pad [inlineKey]byte
	copy(pad[:], k)
	return binary.LittleEndian.Uint64(pad[:]), binary.LittleEndian.Uint64(pad[8:])
}

// keyOf is the arena's copy of a long key.
func (m *bytesMap) keyOf(s *bytesSlot) []byte {
	off := uint32(s.a)
	return m.chunks[s.a>>32][off : off+s.n]
}

// slot finds k's slot: the one holding it (found) or the empty one where it
// goes. The table must have room (callers that insert grow first).
func (m *bytesMap) slot(k []byte, h uint64) (s *bytesSlot, found bool) {
	mask := len(m.slots) - 1
	n := uint32(len(k))
	a, b := words(k)
	long := n > inlineKey
	for i := m.home(h); ; i = (i + 1) & mask {
		s := &m.slots[i]
		if s.hash == 0 {
			return s, false
		}
		if s.hash != h || s.n != n || s.b != b {
			continue
		}
		if long {
			if string(m.keyOf(s)) == string(k) {
				return s, true
			}
		} else if s.a == a {
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

// put fills an empty slot with k; a long key is copied into the arena, and
// a short one too when keep is set (its caller wants a lasting copy), at
// chunk and off.
func (m *bytesMap) put(s *bytesSlot, k []byte, h uint64, v int32, keep bool) (chunk, off uint32) {
	a, b := words(k)
	if len(k) > inlineKey || keep {
		chunk, off = m.store(k)
		if len(k) > inlineKey {
			a = uint64(chunk)<<32 | uint64(off)
		}
	}
	*s = bytesSlot{hash: h, n: uint32(len(k)), val: v, a: a, b: b}
	m.count++
	return chunk, off
}

// getOrPut returns the value of k, or stores v for a copy of k and returns
// v, false, and the copy as a string (valid as long as the map is
// reachable; it points into the arena; "" when k was found).
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
	if ok {
		return s.val, true, ""
	}
	chunk, off := m.put(s, k, h, v, true)
	return v, false, m.stringAt(chunk, off, uint32(len(k)))
}

func (m *bytesMap) stringAt(chunk, off, n uint32) string {
	if n == 0 {
		return ""
	}
	b := m.chunks[chunk][off : off+n]
	return unsafe.String(unsafe.SliceData(b), len(b))
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
		m.put(s, k, h, v, false)
		return -1
	}
	old := s.val
	s.val = v
	return old
}
