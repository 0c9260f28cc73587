package sqlexec

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/big"
	"testing"
)

// unmarshal reads the subset of Python's marshal format marshal.go writes,
// as Python's marshal.c reads it, into Go values (big.Int for every
// integer, []any for tuples and lists).
func unmarshal(b []byte) (any, []byte, error) {
	if len(b) == 0 {
		return nil, nil, fmt.Errorf("truncated")
	}
	code, b := b[0], b[1:]
	u32 := func() int { n := int(int32(binary.LittleEndian.Uint32(b))); b = b[4:]; return n }
	switch code {
	case 'N':
		return nil, b, nil
	case 'T', 'F':
		return code == 'T', b, nil
	case 'i':
		return big.NewInt(int64(u32())), b, nil
	case 'l':
		n := u32()
		neg := n < 0
		if neg {
			n = -n
		}
		v := new(big.Int)
		for i := n - 1; i >= 0; i-- {
			d := binary.LittleEndian.Uint16(b[2*i:])
			if i == n-1 && d == 0 {
				return nil, nil, fmt.Errorf("unnormalized long")
			}
			v.Lsh(v, 15).Or(v, big.NewInt(int64(d)))
		}
		b = b[2*n:]
		if neg {
			v.Neg(v)
		}
		return v, b, nil
	case 'g':
		f := math.Float64frombits(binary.LittleEndian.Uint64(b))
		return f, b[8:], nil
	case 'z':
		n := int(b[0])
		return string(b[1 : 1+n]), b[1+n:], nil
	case 'a', 'u':
		n := u32()
		return string(b[:n]), b[n:], nil
	case 's':
		n := u32()
		return append([]byte(nil), b[:n]...), b[n:], nil
	case ')', '(', '[':
		var n int
		if code == ')' {
			n, b = int(b[0]), b[1:]
		} else {
			n = u32()
		}
		out := make([]any, n)
		for i := range out {
			var err error
			if out[i], b, err = unmarshal(b); err != nil {
				return nil, nil, err
			}
		}
		return out, b, nil
	}
	return nil, nil, fmt.Errorf("unknown code %q", code)
}

func TestMarshalRoundTrip(t *testing.T) {
	ints := []int64{0, 1, -1, math.MaxInt32, math.MinInt32, math.MaxInt32 + 1, math.MinInt32 - 1, 1 << 45, -(1 << 45),
		math.MaxInt64, math.MinInt64}
	for _, v := range ints {
		got, rest, err := unmarshal(marshalInt(nil, v))
		if err != nil || len(rest) != 0 || got.(*big.Int).Cmp(big.NewInt(v)) != 0 {
			t.Fatalf("int %d: %v %v (%d left)", v, got, err, len(rest))
		}
	}
	for _, v := range []uint64{0, math.MaxInt32, math.MaxInt32 + 1, math.MaxUint64} {
		got, _, err := unmarshal(marshalUint(nil, v))
		if err != nil || got.(*big.Int).Cmp(new(big.Int).SetUint64(v)) != 0 {
			t.Fatalf("uint %d: %v %v", v, got, err)
		}
	}
	long := string(make([]byte, 300))
	for s, want := range map[string]string{"": "", "abc": "abc", "日本": "日本", long: long, "a\xffb": "a\uFFFDb",
		"\xed\xa0\x80": "\uFFFD\uFFFD\uFFFD"} {
		got, _, err := unmarshal(marshalString(nil, s))
		if err != nil || got != want {
			t.Fatalf("string %q: %q %v", s, got, err)
		}
	}
	got, _, err := unmarshal(marshalFloat(nil, math.Inf(-1)))
	if err != nil || got != math.Inf(-1) {
		t.Fatalf("float: %v %v", got, err)
	}
}

// marshalText shows compact-encoded bytes as text (for tests of other
// packages, through export_test.go).
func marshalText(b []byte) string {
	v, rest, err := unmarshal(b)
	if err != nil || len(rest) != 0 {
		return fmt.Sprintf("bad marshal data: %v (%d bytes left)", err, len(rest))
	}
	// A result's columns are marshal data inside a bytes value: shown
	// decoded. Its read generation (which differs between the point and
	// the general path, and from run to run) is left out: see
	// marshalGeneration.
	if parts, ok := v.([]any); ok && len(parts) == 5 {
		v = parts[:4]
		if cols, ok := parts[0].([]byte); ok {
			c, rest, err := unmarshal(cols)
			if err != nil || len(rest) != 0 {
				return fmt.Sprintf("bad columns data: %v (%d bytes left)", err, len(rest))
			}
			parts[0] = c
		}
	}
	return fmt.Sprintf("%v", v)
}

// marshalRowsText shows only the rows of a result's compact encoding.
func marshalRowsText(b []byte) string {
	v, rest, err := unmarshal(b)
	parts, ok := v.([]any)
	if err != nil || len(rest) != 0 || !ok || len(parts) != 5 {
		return fmt.Sprintf("bad marshal data: %v (%d bytes left)", err, len(rest))
	}
	return fmt.Sprintf("%v", parts[2]) // (columns, rows affected, rows, convert, generation)
}

// marshalGeneration returns the read generation of a result's compact
// encoding (-1: none).
func marshalGeneration(b []byte) int64 {
	v, _, err := unmarshal(b)
	parts, ok := v.([]any)
	if err != nil || !ok || len(parts) != 5 {
		return -2
	}
	if g, ok := parts[4].(*big.Int); ok {
		return g.Int64()
	}
	return -3
}
