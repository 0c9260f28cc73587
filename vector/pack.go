package vector

import (
	"encoding/binary"
	"errors"
	"math"
	"math/bits"
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
		bits += codeLen(ref, int(v[i+3]&0x7f)<<1|int(v[i+2]>>7))
	}
	return 1 + 3*(len(v)/4) + (bits+7)/8
}

// AppendPacked appends the packed encoding of v (little-endian float32s,
// a multiple of 4 bytes) to dst.
func AppendPacked(dst, v []byte) []byte {
	ref := packRef(v)
	dst = append(dst, byte(ref))
	for i := 0; i+4 <= len(v); i += 4 {
		dst = append(dst, v[i], v[i+1], v[i+2]&0x7f|v[i+3]&0x80)
	}
	var acc uint64 // pending bits, the first in the lowest
	n := 0
	put := func(x uint64, k int) {
		acc |= x << n
		n += k
		for n >= 8 {
			dst = append(dst, byte(acc))
			acc >>= 8
			n -= 8
		}
	}
	for i := 0; i+4 <= len(v); i += 4 {
		e := int(v[i+3]&0x7f)<<1 | int(v[i+2]>>7)
		switch t := ref - e; {
		case t == 0:
			put(0b00, 2)
		case t == 1:
			put(0b01, 2) // read back as the bits 1, 0
		case t == -1:
			put(0b10, 2)
		case t >= 2 && t-2 < packEscapeOnes:
			// 11, then t-2 ones, then a zero
			put(1<<(t)-1, 2+(t-2)+1)
		default:
			put(1<<(2+packEscapeOnes)-1, 2+packEscapeOnes)
			put(uint64(e), 8)
		}
	}
	if n > 0 {
		dst = append(dst, byte(acc))
	}
	return dst
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

// codeLen is the number of bits of exponent e's code against ref.
func codeLen(ref, e int) int {
	switch t := ref - e; {
	case t >= -1 && t <= 1:
		return 2
	case t >= 2 && t-2 < packEscapeOnes:
		return 2 + (t - 2) + 1
	default:
		return 2 + packEscapeOnes + 8
	}
}
