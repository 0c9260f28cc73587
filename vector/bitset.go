package vector

import "math/bits"

// bitset is a set of internal ids, one bit each.
type bitset []uint64

func newBitset(n int) bitset { return make(bitset, (n+63)/64) }

func (b bitset) has(i uint32) bool { return b[i>>6]&(1<<(i&63)) != 0 }
func (b bitset) set(i uint32)      { b[i>>6] |= 1 << (i & 63) }
func (b bitset) unset(i uint32)    { b[i>>6] &^= 1 << (i & 63) }

func (b bitset) count() int {
	c := 0
	for _, w := range b {
		c += bits.OnesCount64(w)
	}
	return c
}

// grow returns b with room for n ids, keeping its bits.
func (b bitset) grow(n int) bitset {
	words := (n + 63) / 64
	if len(b) >= words {
		return b
	}
	return append(b, make([]uint64, words-len(b))...)
}

// each calls fn for every id in b below n, in increasing order.
func (b bitset) each(n int, fn func(i uint32)) {
	for wi, w := range b {
		for w != 0 {
			t := bits.TrailingZeros64(w)
			i := wi*64 + t
			if i >= n {
				return
			}
			fn(uint32(i))
			w &= w - 1
		}
	}
}
