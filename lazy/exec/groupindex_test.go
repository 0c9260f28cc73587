package exec

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// A row-encoded group table finds every key it was given, across the
// index's growth, under keys that are prefixes of each other, empty and
// long, and copies keys it is lent only when they are not referenced.
func TestGroupIndexMatchesMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	tbl := newGroupTable(keysBytes)
	ref := map[string]int32{}
	var keys []string
	for i := range 3000 {
		keys = append(keys, fmt.Sprint(i), fmt.Sprintf("%0*d", rng.IntN(40), i), string(make([]byte, i%5)))
	}
	for step := range 40000 {
		k := []byte(keys[rng.IntN(len(keys))])
		var g int32
		if step%2 == 0 {
			g = tbl.internBytes(k, int64(step))
		} else {
			lent := append([]byte(nil), k...)
			g = tbl.internBytesRef(lent, hashBytes(lent), int64(step))
		}
		want, ok := ref[string(k)]
		if !ok {
			want = int32(len(ref))
			ref[string(k)] = want
		}
		if g != want {
			t.Fatalf("step %d: key %q in group %d, want %d", step, k, g, want)
		}
		if len(k) > 0 {
			k[0]++ // the table must not keep the caller's buffer of a copied key
		}
	}
	if tbl.size() != len(ref) {
		t.Fatalf("%d groups, want %d", tbl.size(), len(ref))
	}
	for k, g := range ref {
		if tbl.strKeys[g] != k {
			t.Fatalf("group %d holds %q, want %q", g, tbl.strKeys[g], k)
		}
		if got, _ := tbl.index.find([]byte(k), hashBytes([]byte(k)), tbl.strKeys); got != g {
			t.Fatalf("find(%q) = %d, want %d", k, got, g)
		}
	}
	if got, _ := tbl.index.find([]byte("absent"), hashBytes([]byte("absent")), tbl.strKeys); got != -1 {
		t.Fatalf("find of an absent key = %d", got)
	}
}

// Key columns decoded column by column through an output order equal the
// encoded columns taken in that order, for every type a key may have:
// integers of each width, floats (NaN; Float32 widened in the key), Booleans,
// dates, times and decimals (whose builders the row-by-row decoder lacked),
// strings (empty, unicode), binary, Null, all with nulls.
func TestDecodeKeysThroughOrder(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	const n = 300
	rng := rand.New(rand.NewPCG(3, 4))
	null := func(i int) bool { return i%7 == 3 }
	var cols []arrow.Array
	add := func(b array.Builder, appendValue func(i int)) {
		for i := range n {
			if null(i + len(cols)) {
				b.AppendNull()
			} else {
				appendValue(i)
			}
		}
		cols = append(cols, b.NewArray())
		b.Release()
	}
	i8 := array.NewInt8Builder(mem)
	add(i8, func(i int) { i8.Append(int8(i - 128)) })
	u16 := array.NewUint16Builder(mem)
	add(u16, func(i int) { u16.Append(uint16(i * 200)) })
	i64 := array.NewInt64Builder(mem)
	add(i64, func(i int) { i64.Append(rng.Int64() - math.MaxInt64/2) })
	u64 := array.NewUint64Builder(mem)
	add(u64, func(i int) { u64.Append(math.MaxUint64 - uint64(i)) })
	f32 := array.NewFloat32Builder(mem)
	add(f32, func(i int) { f32.Append([]float32{1.5, float32(math.NaN()), -3.25e-20, float32(math.Inf(-1))}[i%4]) })
	f64 := array.NewFloat64Builder(mem)
	add(f64, func(i int) { f64.Append([]float64{math.NaN(), 1e300, -2.5, float64(i)}[i%4]) })
	bl := array.NewBooleanBuilder(mem)
	add(bl, func(i int) { bl.Append(i%3 == 0) })
	d32 := array.NewDate32Builder(mem)
	add(d32, func(i int) { d32.Append(arrow.Date32(i - 100)) })
	tm := array.NewTime32Builder(mem, &arrow.Time32Type{Unit: arrow.Millisecond})
	add(tm, func(i int) { tm.Append(arrow.Time32(i * 1000)) })
	t64 := array.NewTime64Builder(mem, &arrow.Time64Type{Unit: arrow.Microsecond})
	add(t64, func(i int) { t64.Append(arrow.Time64(i * 7)) })
	dec := array.NewDecimal128Builder(mem, &arrow.Decimal128Type{Precision: 38, Scale: 2})
	add(dec, func(i int) { dec.Append(decimal128.New(int64(i%5)-2, uint64(i)*12345)) })
	str := array.NewStringBuilder(mem)
	add(str, func(i int) { str.Append([]string{"", "é日本", "a\x00b", fmt.Sprint(i)}[i%4]) })
	bin := array.NewBinaryBuilder(mem, arrow.BinaryTypes.Binary)
	add(bin, func(i int) { bin.Append([]byte{byte(i), 0, byte(i >> 8)}) })
	cols = append(cols, array.NewNull(n))
	defer releaseArrays(cols)

	enc, err := newRowEncoder(cols)
	if err != nil {
		t.Fatal(err)
	}
	keys := make([]string, n)
	for i := range n {
		keys[i] = string(enc.encode(nil, i))
	}
	types := make([]arrow.DataType, len(cols))
	for i, c := range cols {
		types[i] = c.DataType()
	}
	shuffled := make([]int32, n/2) // rows in any order, some twice
	for i := range shuffled {
		shuffled[i] = int32(rng.IntN(n))
	}
	for _, order := range [][]int32{nil, shuffled} {
		got, err := decodeKeys(mem, types, keys, order)
		if err != nil {
			t.Fatal(err)
		}
		for c, col := range cols {
			want := col
			if order != nil {
				if want, err = kernels.Gather(mem, col, order); err != nil {
					t.Fatal(err)
				}
			}
			if !array.ApproxEqual(got[c], want, array.WithNaNsEqual(true)) {
				t.Errorf("column %d (%s): got %v, want %v", c, types[c], got[c], want)
			}
			if order != nil {
				want.Release()
			}
		}
		releaseArrays(got)
	}
}
