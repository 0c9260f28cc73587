package storage

import (
	"bytes"
	"cmp"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
)

// keyTypes are the key-able column types, with a generator of random values
// (edge cases included) and the value order.
var keyTypes = []struct {
	typ  arrow.DataType
	gen  func(r *rand.Rand) datum
	less func(a, b datum) int
}{
	{arrow.PrimitiveTypes.Int8, func(r *rand.Rand) datum { return datum{i: int64(int8(r.Uint32()))} }, cmpI},
	{arrow.PrimitiveTypes.Int64, func(r *rand.Rand) datum {
		return datum{i: pick(r, int64(r.Uint64()), math.MinInt64, math.MaxInt64, 0, -1, 1)}
	}, cmpI},
	{arrow.PrimitiveTypes.Uint64, func(r *rand.Rand) datum { return datum{u: pick(r, r.Uint64(), 0, math.MaxUint64, 1<<63)} }, func(a, b datum) int { return cmp.Compare(a.u, b.u) }},
	{arrow.PrimitiveTypes.Float64, func(r *rand.Rand) datum {
		return datum{f: pick(r, r.NormFloat64()*1e6, math.Inf(1), math.Inf(-1), math.NaN(), 0, math.Copysign(0, -1), math.SmallestNonzeroFloat64, -math.MaxFloat64)}
	}, cmpF},
	{arrow.PrimitiveTypes.Float32, func(r *rand.Rand) datum {
		return datum{f: float64(pick(r, float32(r.NormFloat64()), float32(math.Inf(-1)), float32(math.NaN()), 0))}
	}, cmpF},
	{&arrow.Decimal128Type{Precision: 38, Scale: 4}, func(r *rand.Rand) datum {
		return datum{d: pick(r, decimal128.New(int64(r.Uint64()), r.Uint64()), decimal128.New(0, 0), decimal128.New(-1, math.MaxUint64), decimal128.MaxDecimal128)}
	}, func(a, b datum) int { return a.d.Cmp(b.d) }},
	{arrow.BinaryTypes.String, func(r *rand.Rand) datum { return datum{b: randBytes(r)} }, cmpB},
	{arrow.BinaryTypes.Binary, func(r *rand.Rand) datum { return datum{b: randBytes(r)} }, cmpB},
	{arrow.FixedWidthTypes.Boolean, func(r *rand.Rand) datum { return datum{i: int64(r.IntN(2))} }, cmpI},
	{arrow.FixedWidthTypes.Date32, func(r *rand.Rand) datum { return datum{i: int64(int32(r.Uint32()))} }, cmpI},
	{&arrow.TimestampType{Unit: arrow.Microsecond}, func(r *rand.Rand) datum { return datum{i: int64(r.Uint64())} }, cmpI},
}

func pick[T any](r *rand.Rand, random T, edges ...T) T {
	if r.IntN(4) == 0 {
		return edges[r.IntN(len(edges))]
	}
	return random
}

func randBytes(r *rand.Rand) []byte {
	b := make([]byte, r.IntN(12))
	for i := range b {
		b[i] = pick(r, byte(r.Uint32()), 0, 1, 0xff, 'a')
	}
	return b
}

func cmpI(a, b datum) int { return cmp.Compare(a.i, b.i) }
func cmpB(a, b datum) int { return bytes.Compare(a.b, b.b) }

// cmpF is Polars' float order: -0.0 equals 0.0, NaN is greater than all.
func cmpF(a, b datum) int {
	an, bn := math.IsNaN(a.f), math.IsNaN(b.f)
	switch {
	case an && bn:
		return 0
	case an:
		return 1
	case bn:
		return -1
	}
	return cmp.Compare(a.f, b.f)
}

// withNull orders NULL first.
func withNull(less func(a, b datum) int) func(a, b datum) int {
	return func(a, b datum) int {
		switch {
		case a.null && b.null:
			return 0
		case a.null:
			return -1
		case b.null:
			return 1
		}
		return less(a, b)
	}
}

// The property the key space rests on: bytewise order of encodings is the
// order of values, for every key type, and decoding gives the value back.
func TestKeyOrderIsValueOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, kt := range keyTypes {
		ct, err := resolveType(kt.typ)
		if err != nil {
			t.Fatal(err)
		}
		order := withNull(kt.less)
		for range 3000 {
			a, b := kt.gen(r), kt.gen(r)
			if r.IntN(20) == 0 {
				a = nullDatum
			}
			ka, kb := appendKey(nil, &ct, a), appendKey(nil, &ct, b)
			if got, want := bytes.Compare(ka, kb), order(a, b); got != want {
				t.Fatalf("%s: %+v vs %+v: key order %d, value order %d", kt.typ, a, b, got, want)
			}
			// Composite keys: a prefix never decides wrongly.
			ka2 := appendKey(slices.Clone(ka), &ct, b)
			back, rest, err := decodeKey(ka2, &ct)
			if err != nil || order(back, a) != 0 {
				t.Fatalf("%s: decode(%x) = %+v, %v; want %+v", kt.typ, ka2, back, err, a)
			}
			if back2, rest2, err := decodeKey(rest, &ct); err != nil || order(back2, b) != 0 || len(rest2) != 0 {
				t.Fatalf("%s: second value decoded as %+v, %v", kt.typ, back2, err)
			}
		}
	}
}

func TestFloatKeyCanonical(t *testing.T) {
	ct, _ := resolveType(arrow.PrimitiveTypes.Float64)
	negZero := appendKey(nil, &ct, datum{f: math.Copysign(0, -1)})
	if !bytes.Equal(negZero, appendKey(nil, &ct, datum{f: 0})) {
		t.Error("-0.0 and 0.0 must encode alike (they are one key)")
	}
	nan1 := appendKey(nil, &ct, datum{f: math.NaN()})
	nan2 := appendKey(nil, &ct, datum{f: math.Float64frombits(0xfff8000000000001)})
	if !bytes.Equal(nan1, nan2) {
		t.Error("every NaN must encode alike")
	}
}

func TestPrefixEnd(t *testing.T) {
	for _, c := range []struct{ in, want []byte }{
		{[]byte{1, 2}, []byte{1, 3}}, {[]byte{1, 0xff}, []byte{2}}, {[]byte{0xff}, nil},
	} {
		if got := prefixEnd(c.in); !bytes.Equal(got, c.want) {
			t.Errorf("prefixEnd(%x) = %x, want %x", c.in, got, c.want)
		}
	}
}

// FuzzKeyDecode: decoding arbitrary bytes as a key of any type never
// panics, and what decodes re-encodes to the bytes it came from.
func FuzzKeyDecode(f *testing.F) {
	f.Add(uint8(0), []byte{tagValue, 0x80, 0, 0, 0, 0, 0, 0, 1})
	f.Add(uint8(6), []byte{tagValue, 'a', 0, 0xff, 0, 1})
	f.Add(uint8(5), []byte{tagNull})
	f.Fuzz(func(t *testing.T, which uint8, b []byte) {
		kt := keyTypes[int(which)%len(keyTypes)]
		ct, _ := resolveType(kt.typ)
		v, rest, err := decodeKey(b, &ct)
		if err != nil {
			return
		}
		enc := appendKey(nil, &ct, v)
		if ct.kind == kFloat32 || ct.kind == kFloat64 || ct.kind == kBool {
			return // several encodings decode to one canonical value
		}
		if !bytes.Equal(append(enc, rest...), b) {
			t.Fatalf("%s: %x decoded to %+v, which encodes as %x", kt.typ, b, v, enc)
		}
	})
}

// TestWriteSeedCorpus writes the fuzz seed files under testdata/fuzz when
// ALOPEX_WRITE_CORPUS is set (kept in the repository).
func TestWriteSeedCorpus(t *testing.T) {
	if os.Getenv("ALOPEX_WRITE_CORPUS") == "" {
		t.Skip("set ALOPEX_WRITE_CORPUS=1 to rewrite testdata/fuzz")
	}
	write := func(target, name string, args ...string) {
		dir := filepath.Join("testdata", "fuzz", target)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		body := "go test fuzz v1\n"
		for _, a := range args {
			body += a + "\n"
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("FuzzKeyDecode", "string_escaped", "uint8(6)", `[]byte("\x02a\x00\xff\x00\x01")`)
	write("FuzzKeyDecode", "truncated_int", "uint8(1)", `[]byte("\x02\x80\x00")`)
	write("FuzzKeyDecode", "decimal", "uint8(5)", `[]byte("\x02\x80\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x07")`)
	write("FuzzRowDecode", "two_fields", `[]byte("\x01\x01\x09\x04\x15\x02hi")`)
	write("FuzzRowDecode", "bad_length", `[]byte("\x01\x01\x15\xff\xff\xff\xff\x0f")`)
	write("FuzzRowDecode", "null_and_float", `[]byte("\x01\x03\x08\x1b\x00\x00\x00\x00\x00\x00\xf0\x3f")`)
}

func TestPrefixLengths(t *testing.T) {
	if len(rowPrefix(1)) != rowPrefixLen || len(indexPrefix(1, 2)) != indexPrefixLen || !bytes.Equal(appendRowPrefix(nil, 5), rowPrefix(5)) {
		t.Fatal("key prefix lengths disagree with the encoders")
	}
}
