package vector

import (
	"encoding/binary"
	"errors"
	"math"
	"math/bits"
	"slices"
)

// Packed vectors: a lossless encoding of float32 vectors for storage,
// ~84% of the raw bytes for embedding-like data (docs/storage-format.md,
// "Packed vectors"). The mantissa bits of measured data are noise and do
// not compress; the sign and exponent byte does, since a vector's values
// share a scale. A payload is:
//
//	ref:1  low:3×dim  codes
//
// low holds each value's sign and 23 mantissa bits (bit 23 the sign),
// 3 bytes little endian; codes is a bit stream (least significant bit
// first, zero-padded to a byte) of each value's exponent e as t = ref − e:
//
//	00 → t = 0    10 → t = 1    01 → t = −1
//	11, n ones (n < 6), 0 → t = 2 + n
//	11 111111, 8 bits → e itself (far below ref, zero, subnormal)
//
// The encoder sets ref one below the largest exponent: the largest values
// then take t = −1 and the others t ≥ 0, whose frequency halves with each
// octave below the vector's scale (a continuous density is about flat
// near zero), hence the unary tail. Gaussian-like coordinates spend ~2.9
// bits on the exponent instead of 8, 27 bits a value instead of 32.
const (
	packEscapeOnes = 6 // ones after "11" that mark an escaped exponent
)

// ErrBadPacked reports a packed vector that does not decode.
var ErrBadPacked = errors.New("vector: corrupt packed vector")

// PackedLen returns the size of v's packed encoding (v: little-endian
// float32s).
func PackedLen(v []byte) int {
	ref := packRef(v)
	bits := 0
	for i := 0; i+4 <= len(v); i += 4 {
		_, k := packCode(ref, int(v[i+3]&0x7f)<<1|int(v[i+2]>>7))
		bits += k
	}
	return 1 + 3*(len(v)/4) + (bits+7)/8
}

// AppendPacked appends the packed encoding of v (little-endian float32s,
// a multiple of 4 bytes) to dst.
//
// Every stored row's vector is encoded so (a 200,000 × 128 load: most of
// its encoding time): dst grows once to the largest size, the low bytes
// are stored by index, and the codes, at most 16 bits each, gather in a
// 64-bit accumulator flushed 4 bytes at a time.
func AppendPacked(dst, v []byte) []byte {
	nv := len(v) / 4
	ref := packRef(v)
	start := len(dst)
	dst = slices.Grow(dst, 1+3*nv+2*nv+4)
	dst = dst[:start+1+3*nv]
	dst[start] = byte(ref)
	low := dst[start+1:]
	for i := range nv {
		w := v[4*i : 4*i+4 : 4*i+4]
		l := low[3*i : 3*i+3 : 3*i+3]
		l[0], l[1], l[2] = w[0], w[1], w[2]&0x7f|w[3]&0x80
	}
	var acc uint64 // pending bits, the first in the lowest
	n := 0
	for i := 0; i+4 <= len(v); i += 4 {
		x, k := packCode(ref, int(v[i+3]&0x7f)<<1|int(v[i+2]>>7))
		acc |= x << n
		if n += k; n >= 32 { // n stays below 32+16
			dst = binary.LittleEndian.AppendUint32(dst, uint32(acc))
			acc >>= 32
			n -= 32
		}
	}
	for ; n > 0; n -= 8 {
		dst = append(dst, byte(acc))
		acc >>= 8
	}
	return dst
}

// packCodes are the codes (bits, first in the lowest, and their number)
// of t = ref − e for t from −1 to 1+packEscapeOnes.
var packCodes = func() (c [packEscapeOnes + 3]struct {
	x uint64
	k int
}) {
	c[0].x, c[0].k = 0b10, 2 // t = −1
	c[1].x, c[1].k = 0b00, 2 // t = 0
	c[2].x, c[2].k = 0b01, 2 // t = 1, read back as the bits 1, 0
	for t := 2; t < 2+packEscapeOnes; t++ {
		// 11, then t-2 ones, then a zero
		c[t+1].x, c[t+1].k = 1<<t-1, 2+(t-2)+1
	}
	return c
}()

// packCode is the code of exponent e against ref: one of packCodes, or
// the escape (2+packEscapeOnes ones) followed by e in 8 bits.
func packCode(ref, e int) (uint64, int) {
	if t := ref - e; uint(t+1) < uint(len(packCodes)) {
		c := packCodes[t+1]
		return c.x, c.k
	}
	return 1<<(2+packEscapeOnes) - 1 | uint64(e)<<(2+packEscapeOnes), 2 + packEscapeOnes + 8
}

// UnpackTo decodes the packed vector p into dst (little-endian float32s,
// 4 bytes a value): dst's length says how many values p must hold.
//
// A reopen decodes every row's vector so (200,000 × 128: most of its
// time): the bit reader refills 8 bytes at a time, the three 2-bit codes
// decode without a branch, and the unary tail is counted in one
// instruction.
func UnpackTo(dst, p []byte) error {
	dim := len(dst) / 4
	if len(p) < 1+3*dim {
		return ErrBadPacked
	}
	ref := int(p[0])
	low := p[1 : 1+3*dim]
	codes := p[1+3*dim:]
	dst = dst[:4*dim]
	// acc holds the next bits of codes, the first lowest; n of them are
	// read in. Bits above n, when set, are the stream's next ones (a
	// refill ORs the same bits in again).
	var acc uint64
	n, at := 0, 0
	for len(low) >= 3 && len(dst) >= 4 {
		if n < 2+packEscapeOnes+8 { // the longest code
			if at+8 <= len(codes) {
				acc |= binary.LittleEndian.Uint64(codes[at:]) << n
				k := (63 - n) >> 3
				at += k
				n += 8 * k
			} else {
				for n <= 56 && at < len(codes) {
					acc |= uint64(codes[at]) << n
					at++
					n += 8
				}
			}
		}
		if n < 2 {
			return ErrBadPacked
		}
		var e int
		if c := int(acc & 3); c != 3 {
			// 00 → ref, 01 → ref−1, 10 → ref+1
			e, acc, n = ref+c>>1-c&1, acc>>2, n-2
		} else {
			acc, n = acc>>2, n-2
			ones := min(bits.TrailingZeros64(^acc), n, packEscapeOnes)
			switch {
			case ones == packEscapeOnes:
				if n < packEscapeOnes+8 {
					return ErrBadPacked
				}
				e, acc, n = int(acc>>packEscapeOnes&0xff), acc>>(packEscapeOnes+8), n-packEscapeOnes-8
			case ones == n: // the terminating zero is missing
				return ErrBadPacked
			default:
				e, acc, n = ref-2-ones, acc>>(ones+1), n-ones-1
			}
		}
		if e < 0 || e > 0xff {
			return ErrBadPacked
		}
		l := low[:3]
		w := uint32(l[0]) | uint32(l[1])<<8 | uint32(l[2]&0x7f)<<16
		w |= uint32(l[2]&0x80)<<24 | uint32(e)<<23
		binary.LittleEndian.PutUint32(dst[:4], w)
		low, dst = low[3:], dst[4:]
	}
	// Only the zero padding of the last byte may be left.
	if at != len(codes) || n >= 8 || acc&(1<<n-1) != 0 {
		return ErrBadPacked
	}
	return nil
}

// UnpackFloats decodes the packed vector p into dst (its length says how
// many values p must hold).
func UnpackFloats(dst []float32, p []byte) error {
	if littleEndian {
		return UnpackTo(asBytes(dst), p)
	}
	b := make([]byte, 4*len(dst))
	if err := UnpackTo(b, p); err != nil {
		return err
	}
	for i := range dst {
		dst[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return nil
}

// packRef is the reference exponent of v: one below its largest.
func packRef(v []byte) int {
	top := 0
	for i := 0; i+4 <= len(v); i += 4 {
		top = max(top, int(v[i+3]&0x7f)<<1|int(v[i+2]>>7))
	}
	return max(top-1, 0)
}
