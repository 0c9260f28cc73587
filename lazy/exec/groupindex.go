package exec

import (
	"math/bits"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// groupIndex finds the group of a row-encoded (multi-column) key. Its slots
// are 8 bytes, the upper 32 bits of the key's hash beside the group id + 1,
// and the key itself is compared with the group's copy, which the group
// table keeps anyway (groupTable.strKeys, in a keyArena): a bytesMap slot
// holds the hash, the length, a place in its arena and the first bytes of
// the key (32 bytes, two to four per group at its load), which made the
// slots most of a many-group table's bytes. Row-encoded keys are mostly
// longer than the 16 bytes a bytesMap slot could hold inline, so comparing
// with the group's copy costs about what the bytesMap's arena compare did.
type groupIndex struct {
	slots []uint64 // hash>>32 << 32 | group id + 1; 0: empty
	shift uint
	count int
	// mem, when set, holds large slot arrays outside the Go heap
	// (allocSlots); buf is the current array's buffer, nil on the heap.
	mem memory.Allocator
	buf *memory.Buffer
}

// newGroupIndex makes an index for capacity groups, its large slot arrays
// from mem (nil: the Go heap); it must be released.
func newGroupIndex(mem memory.Allocator, capacity int) *groupIndex {
	x := &groupIndex{mem: mem}
	x.alloc(max(16, 2*capacity))
	return x
}

// release frees the slots (when they came from mem).
func (x *groupIndex) release() {
	freeSlots(x.buf)
	x.slots, x.buf, x.count = nil, nil, 0
}

func (x *groupIndex) alloc(n int) {
	size := 1 << bits.Len(uint(n-1))
	x.slots, x.buf = allocSlots[uint64](x.mem, size)
	x.shift = uint(64 - bits.Len(uint(size-1)))
	x.count = 0
}

func (x *groupIndex) home(h uint64) int { return int((h * 0x9E3779B97F4A7C15) >> x.shift) }

// find returns the group of key k of hash h (keys[g] being group g's key),
// or -1 and the empty slot where it goes. The index must have room (see
// reserve).
func (x *groupIndex) find(k []byte, h uint64, keys []string) (g int32, slot int) {
	mask := len(x.slots) - 1
	tag := h >> 32
	ks := unsafe.String(unsafe.SliceData(k), len(k))
	for i := x.home(h); ; i = (i + 1) & mask {
		s := x.slots[i]
		if s == 0 {
			return -1, i
		}
		if s>>32 == tag {
			if g := int32(uint32(s)) - 1; keys[g] == ks {
				return g, i
			}
		}
	}
}

// insert puts group g of hash h in an empty slot find returned.
func (x *groupIndex) insert(slot int, h uint64, g int32) {
	x.slots[slot] = h>>32<<32 | uint64(uint32(g+1))
	x.count++
}

// reserve makes room for one more group, rehashing the groups (of the
// given hashes) into a table twice as large when the index is half full.
func (x *groupIndex) reserve(hashes []uint64) {
	if 2*(x.count+1) > len(x.slots) {
		x.grow(hashes)
	}
}

func (x *groupIndex) grow(hashes []uint64) {
	old, oldBuf := x.slots, x.buf
	defer freeSlots(oldBuf)
	x.alloc(2 * len(old))
	mask := len(x.slots) - 1
	for _, s := range old {
		if s == 0 {
			continue
		}
		i := x.home(hashes[uint32(s)-1])
		for x.slots[i] != 0 {
			i = (i + 1) & mask
		}
		x.slots[i] = s
		x.count++
	}
}

// keyArena keeps copies of keys end to end in large chunks that never move
// (no header or allocation per key, nothing for the garbage collector to
// scan); a key's string points into its chunk.
type keyArena struct {
	chunks [][]byte
}

// store copies k into the arena and returns the copy.
func (a *keyArena) store(k []byte) string {
	if len(k) == 0 {
		return ""
	}
	last := len(a.chunks) - 1
	if last < 0 || len(a.chunks[last])+len(k) > cap(a.chunks[last]) {
		a.chunks = append(a.chunks, make([]byte, 0, max(arenaChunk, len(k))))
		last++
	}
	c := a.chunks[last]
	off := len(c)
	c = append(c, k...)
	a.chunks[last] = c
	return unsafe.String(&c[off], len(k))
}
