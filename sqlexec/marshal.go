package sqlexec

import (
	"encoding/binary"
	"math"
	"unicode/utf8"
)

// Writers of Python's marshal format (Python/marshal.c), the values the
// compact encoding (compact.go) needs: None, booleans, integers of any
// size, floats, str, bytes, tuples and lists. These type codes have been
// read by every Python since 3.4 (the small tuple and short ASCII codes
// arrived with marshal version 4); no reference flag is ever set, so
// every value stands alone. python/tests/test_db_fastpath.py checks the
// bytes decode to what they should.

const (
	marshalCodeNone       = 'N'
	marshalCodeTrue       = 'T'
	marshalCodeFalse      = 'F'
	marshalCodeInt32      = 'i'
	marshalCodeLong       = 'l' // sign and size, then base 2**15 digits, least significant first
	marshalCodeFloat      = 'g' // little-endian IEEE 754 double
	marshalCodeUnicode    = 'u' // UTF-8
	marshalCodeASCII      = 'a'
	marshalCodeShortASCII = 'z' // length in one byte
	marshalCodeBytes      = 's'
	marshalCodeTuple      = '('
	marshalCodeSmallTuple = ')' // length in one byte
	marshalCodeList       = '['
)

func marshalNone(b []byte) []byte { return append(b, marshalCodeNone) }

func marshalBool(b []byte, v bool) []byte {
	if v {
		return append(b, marshalCodeTrue)
	}
	return append(b, marshalCodeFalse)
}

func marshalInt(b []byte, v int64) []byte {
	if v >= math.MinInt32 && v <= math.MaxInt32 {
		return binary.LittleEndian.AppendUint32(append(b, marshalCodeInt32), uint32(int32(v)))
	}
	if v < 0 {
		return marshalLong(b, uint64(-(v+1))+1, true) // -MinInt64 overflows int64, not uint64
	}
	return marshalLong(b, uint64(v), false)
}

func marshalUint(b []byte, v uint64) []byte {
	if v <= math.MaxInt32 {
		return marshalInt(b, int64(v))
	}
	return marshalLong(b, v, false)
}

// marshalLong writes magnitude m (non-zero) with its sign: the count of its
// 15-bit digits, negated for a negative number, then the digits.
func marshalLong(b []byte, m uint64, negative bool) []byte {
	n := int32(0)
	for x := m; x != 0; x >>= 15 {
		n++
	}
	size := n
	if negative {
		size = -n
	}
	b = binary.LittleEndian.AppendUint32(append(b, marshalCodeLong), uint32(size))
	for ; m != 0; m >>= 15 {
		b = binary.LittleEndian.AppendUint16(b, uint16(m&0x7fff))
	}
	return b
}

func marshalFloat(b []byte, f float64) []byte {
	return binary.LittleEndian.AppendUint64(append(b, marshalCodeFloat), math.Float64bits(f))
}

// marshalString writes s as a str. Bytes that are not UTF-8 each become
// U+FFFD, as encoding/json (the encoding before this one) made them.
func marshalString(b []byte, s string) []byte {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	switch {
	case ascii && len(s) < 256:
		b = append(b, marshalCodeShortASCII, byte(len(s)))
		return append(b, s...)
	case ascii:
		b = binary.LittleEndian.AppendUint32(append(b, marshalCodeASCII), uint32(len(s)))
		return append(b, s...)
	case !utf8.ValidString(s):
		s = validUTF8(s)
	}
	b = binary.LittleEndian.AppendUint32(append(b, marshalCodeUnicode), uint32(len(s)))
	return append(b, s...)
}

// validUTF8 replaces each byte of s that is not part of a UTF-8 sequence
// with U+FFFD.
func validUTF8(s string) string {
	out := make([]byte, 0, len(s)+8)
	for i := 0; i < len(s); {
		r, w := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && w == 1 {
			out = utf8.AppendRune(out, utf8.RuneError)
		} else {
			out = append(out, s[i:i+w]...)
		}
		i += w
	}
	return string(out)
}

func marshalBytes(b []byte, v []byte) []byte {
	b = binary.LittleEndian.AppendUint32(append(b, marshalCodeBytes), uint32(len(v)))
	return append(b, v...)
}

// marshalFloat32s writes a vector as the bytes of its little-endian
// float32s (Python reads them with numpy.frombuffer).
func marshalFloat32s(b []byte, v []float32) []byte {
	b = binary.LittleEndian.AppendUint32(append(b, marshalCodeBytes), uint32(4*len(v)))
	for _, f := range v {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(f))
	}
	return b
}

func marshalTupleHeader(b []byte, n int) []byte {
	if n < 256 {
		return append(b, marshalCodeSmallTuple, byte(n))
	}
	return binary.LittleEndian.AppendUint32(append(b, marshalCodeTuple), uint32(n))
}

func marshalListHeader(b []byte, n int) []byte {
	return binary.LittleEndian.AppendUint32(append(b, marshalCodeList), uint32(n))
}
