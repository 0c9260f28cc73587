package vector

import (
	"bytes"
	"encoding/binary"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func leBytes(xs ...uint32) []byte {
	b := make([]byte, 0, 4*len(xs))
	for _, x := range xs {
		b = binary.LittleEndian.AppendUint32(b, x)
	}
	return b
}

func roundTrip(t *testing.T, v []byte) []byte {
	t.Helper()
	p := AppendPacked(nil, v)
	if len(p) != PackedLen(v) {
		t.Fatalf("PackedLen %d, AppendPacked wrote %d", PackedLen(v), len(p))
	}
	got := make([]byte, len(v))
	if err := UnpackTo(got, p); err != nil {
		t.Fatalf("UnpackTo: %v (vector %x)", err, v)
	}
	if !bytes.Equal(got, v) {
		t.Fatalf("not bit-identical:\n got %x\nwant %x", got, v)
	}
	return p
}

func TestPackedBitIdentical(t *testing.T) {
	inf, nan := math.Float32bits(float32(math.Inf(1))), math.Float32bits(float32(math.NaN()))
	cases := [][]byte{
		leBytes(),
		leBytes(0),
		leBytes(0x80000000),                   // -0
		leBytes(0, 0, 0, 0),                   // all zero: ref 0
		leBytes(1, 0x807fffff, 0x00400000, 3), // subnormals
		leBytes(inf, inf|0x80000000, nan, 0x7fc01234, 0xffbfffff),
		leBytes(math.Float32bits(math.MaxFloat32), math.Float32bits(math.SmallestNonzeroFloat32), 0x3f800000),
		leBytes(0x3f800000, 0x3f000000, 0x3e800000, 0x3e000000, 0x3d800000, 0x3d000000, 0x3c800000,
			0x3c000000, 0x3b800000, 0x3b000000, 0x3a800000), // 1, 1/2, … every code length, then the escape
	}
	for _, v := range cases {
		roundTrip(t, v)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 500 { // random bit patterns: every exponent, sign and mantissa
		v := make([]byte, 4*(1+rng.IntN(40)))
		for i := range v {
			v[i] = byte(rng.Uint32())
		}
		roundTrip(t, v)
	}
}

func TestPackedSizeOfGaussianVectors(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	raw, packed := 0, 0
	for range 200 {
		centre := rng.NormFloat64() * 3
		v := make([]byte, 0, 4*128)
		for range 128 {
			v = binary.LittleEndian.AppendUint32(v, math.Float32bits(float32(centre+rng.NormFloat64())))
		}
		raw += len(v)
		packed += len(roundTrip(t, v))
	}
	// 27-28 bits a value instead of 32: the sign and the 23 mantissa bits
	// stay, the exponent takes ~3 bits.
	if packed*100 > raw*88 {
		t.Fatalf("packed %d of %d bytes (%.1f%%), want at most 88%%", packed, raw, 100*float64(packed)/float64(raw))
	}
}

func TestPackedCorruptIsAnError(t *testing.T) {
	v := make([]byte, 0, 4*64)
	rng := rand.New(rand.NewPCG(5, 6))
	for range 64 {
		v = binary.LittleEndian.AppendUint32(v, math.Float32bits(float32(rng.NormFloat64())))
	}
	v = binary.LittleEndian.AppendUint32(v, 0) // an escaped exponent
	p := AppendPacked(nil, v)
	dst := make([]byte, len(v))
	bad := [][]byte{
		nil,
		p[:1],
		p[:len(p)-1],                  // truncated codes
		append(bytes.Clone(p), 0),     // a byte too many
		append(bytes.Clone(p), 0, 0),  // two
		p[:1+3*len(v)/4],              // no codes at all
		append([]byte{0}, p[1:]...),   // ref 0: exponents below zero
		append([]byte{255}, p[1:]...), // ref 255: above 255
	}
	for i, b := range bad {
		if err := UnpackTo(dst, b); err == nil {
			t.Errorf("case %d: corrupt payload decoded", i)
		}
	}
	// Random damage never panics.
	for range 2000 {
		b := bytes.Clone(p)
		b[rng.IntN(len(b))] ^= byte(1 << rng.IntN(8))
		_ = UnpackTo(dst, b[:rng.IntN(len(b)+1)])
	}
	// Nonzero padding is not the canonical encoding.
	q := AppendPacked(nil, leBytes(0x3f800000))
	q[len(q)-1] |= 0x80
	if UnpackTo(make([]byte, 4), q) == nil {
		t.Error("nonzero padding decoded")
	}
}

// BenchmarkUnpack decodes Gaussian-like 128-dimensional vectors (a reopen
// decodes every row's vector so).
func BenchmarkUnpack(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	const dim, n = 128, 256
	var packed [][]byte
	for range n {
		v := make([]byte, 0, 4*dim)
		for range dim {
			v = binary.LittleEndian.AppendUint32(v, math.Float32bits(float32(rng.NormFloat64())))
		}
		packed = append(packed, AppendPacked(nil, v))
	}
	dst := make([]byte, 4*dim)
	b.SetBytes(4 * dim)
	for i := 0; b.Loop(); i++ {
		if err := UnpackTo(dst, packed[i%n]); err != nil {
			b.Fatal(err)
		}
	}
}

// appendPackedRef is the first, plain encoder, which AppendPacked must
// match byte for byte.
func appendPackedRef(dst, v []byte) []byte {
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

// AppendPacked writes the bytes of the plain encoder, for every code
// length, escapes, and vector lengths around the accumulator's flushes.
func TestPackedMatchesPlainEncoder(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for i := range 2000 {
		v := make([]byte, 0, 4*(i%70))
		for range i % 70 {
			var x uint32
			switch rng.IntN(3) {
			case 0:
				x = math.Float32bits(float32(rng.NormFloat64()))
			case 1:
				x = math.Float32bits(float32(rng.NormFloat64() * math.Pow(2, float64(-rng.IntN(12)))))
			default:
				x = rng.Uint32()
			}
			v = binary.LittleEndian.AppendUint32(v, x)
		}
		prefix := []byte{1, 2, 3}[:i%4%3]
		want := appendPackedRef(slices.Clone(prefix), v)
		if got := AppendPacked(slices.Clone(prefix), v); !bytes.Equal(got, want) {
			t.Fatalf("vector %x:\n got %x\nwant %x", v, got, want)
		}
		if PackedLen(v) != len(want)-len(prefix) {
			t.Fatalf("PackedLen %d, want %d", PackedLen(v), len(want)-len(prefix))
		}
	}
}

// BenchmarkPack encodes Gaussian-like 128-dimensional vectors (every
// stored row's vector is encoded so).
func BenchmarkPack(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	const dim = 128
	v := make([]byte, 0, 4*dim)
	for range dim {
		v = binary.LittleEndian.AppendUint32(v, math.Float32bits(float32(rng.NormFloat64())))
	}
	dst := make([]byte, 0, 4*dim)
	b.SetBytes(4 * dim)
	for b.Loop() {
		dst = AppendPacked(dst[:0], v)
		_ = PackedLen(v)
	}
}
