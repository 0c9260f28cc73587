package exec

import (
	"math/bits"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// intMap maps int64 keys to non-negative int32 values (group ids, row
// numbers) with open addressing and linear probing over one array of
// key/value pairs: one probe usually touches one cache line, where Go's
// map goes through control words and groups. It is the table behind
// single-integer group-by keys and join keys, the hottest loops of most
// queries. Slots hold value+1, so that a zeroed slot (fresh from make) is
// empty.
type intMap struct {
	slots []intSlot
	shift uint // 64 - log2(len(slots))
	count int
	// mem, when set, holds large slot arrays outside the Go heap
	// (allocSlots); buf is the current array's buffer, nil on the heap.
	mem memory.Allocator
	buf *memory.Buffer
}

type intSlot struct {
	key int64
	val int32 // value + 1; 0: empty
}

func newIntMap(capacity int) *intMap { return newIntMapIn(nil, capacity) }

// newIntMapIn is newIntMap with large slot arrays from mem (allocSlots):
// the map must then be released.
func newIntMapIn(mem memory.Allocator, capacity int) *intMap {
	m := &intMap{mem: mem}
	m.alloc(hashSlots(capacity))
	return m
}

// release frees the slots (when they came from mem); the map is then empty
// and unusable. Releasing no map (nil) does nothing.
func (m *intMap) release() {
	if m == nil {
		return
	}
	freeSlots(m.buf)
	m.slots, m.buf, m.count = nil, nil, 0
}

// hashSlots is the number of slots newIntMap makes for capacity keys.
func hashSlots(capacity int) int {
	return 1 << bits.Len(uint(max(16, capacity*2)-1))
}

// alloc makes an empty table of at least n slots (a power of two).
func (m *intMap) alloc(n int) {
	size := 1 << bits.Len(uint(n-1))
	m.slots, m.buf = allocSlots[intSlot](m.mem, size)
	m.shift = uint(64 - bits.Len(uint(size-1)))
	m.count = 0
}

// home is the first slot to probe for k: Fibonacci hashing, the top bits of
// k times 2^64/φ, spreads runs of consecutive keys and multiples of powers
// of two alike.
func (m *intMap) home(k int64) int {
	return int((uint64(k) * 0x9E3779B97F4A7C15) >> m.shift)
}

// slot finds k's slot: the one holding it (found) or the empty one where it
// goes. The table must have room (callers that insert grow first).
func (m *intMap) slot(k int64) (s *intSlot, found bool) {
	mask := len(m.slots) - 1
	for i := m.home(k); ; i = (i + 1) & mask {
		s := &m.slots[i]
		if s.val == 0 {
			return s, false
		}
		if s.key == k {
			return s, true
		}
	}
}

// get returns the value of k.
func (m *intMap) get(k int64) (int32, bool) {
	if s, ok := m.slot(k); ok {
		return s.val - 1, true
	}
	return -1, false
}

// getOrPut returns the value of k, or stores v for it and returns v, false.
func (m *intMap) getOrPut(k int64, v int32) (int32, bool) {
	if 2*(m.count+1) > len(m.slots) {
		m.grow()
	}
	s, ok := m.slot(k)
	if ok {
		return s.val - 1, true
	}
	s.key, s.val = k, v+1
	m.count++
	return v, false
}

// swap stores v for k and returns the value it replaces (-1 for none).
func (m *intMap) swap(k int64, v int32) int32 {
	if 2*(m.count+1) > len(m.slots) {
		m.grow()
	}
	s, ok := m.slot(k)
	old := s.val - 1 // -1 when empty
	if !ok {
		s.key = k
		m.count++
	}
	s.val = v + 1
	return old
}

func (m *intMap) grow() {
	old, oldBuf := m.slots, m.buf
	defer freeSlots(oldBuf)
	m.alloc(2 * len(old))
	mask := len(m.slots) - 1
	for _, s := range old {
		if s.val == 0 {
			continue
		}
		i := m.home(s.key)
		for m.slots[i].val != 0 {
			i = (i + 1) & mask
		}
		m.slots[i] = s
		m.count++
	}
}

func (m *intMap) len() int { return m.count }
