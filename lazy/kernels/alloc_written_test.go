package kernels

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// poisonAlloc hands out memory full of junk from AllocateUninit, as a
// recycled Go heap span or C block may be: a kernel that allocates with
// allocWritten (core.AllocateWritten) and leaves a byte unwritten shows it.
type poisonAlloc struct{ *memory.CheckedAllocator }

func (p poisonAlloc) AllocateUninit(size int) []byte {
	b := p.Allocate(size)
	for i := range b {
		b[i] = 0xA5
	}
	return b
}

// sameBuffers reports whether two arrays' buffers hold the same bytes (the
// values under null slots included).
func sameBuffers(t *testing.T, what string, a, b arrow.Array) {
	t.Helper()
	ba, bb := a.Data().Buffers(), b.Data().Buffers()
	if len(ba) != len(bb) {
		t.Fatalf("%s: %d buffers vs %d", what, len(ba), len(bb))
	}
	for i := range ba {
		if (ba[i] == nil) != (bb[i] == nil) {
			t.Fatalf("%s: buffer %d present in one result only", what, i)
		}
		if ba[i] != nil && !bytes.Equal(ba[i].Bytes(), bb[i].Bytes()) {
			t.Fatalf("%s: buffer %d differs over junk memory:\n%x\n%x", what, i, ba[i].Bytes(), bb[i].Bytes())
		}
	}
}

// TestWrittenKernelsFillEveryByte: the kernels that skip clearing their
// output (gathers, decimal arithmetic, decimal to float) write every byte
// of it, null slots included: over memory full of junk they give the same
// bytes as over zeroed memory.
func TestWrittenKernelsFillEveryByte(t *testing.T) {
	checked := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer checked.AssertSize(t, 0)
	poison := poisonAlloc{checked}
	rng := rand.New(rand.NewPCG(21, 22))
	const n = 2*decBlock + 33
	dt := &arrow.Decimal128Type{Precision: 15, Scale: 2}
	db := array.NewDecimal128Builder(checked, dt)
	ib := array.NewInt64Builder(checked)
	sb := array.NewStringBuilder(checked)
	for i := range n {
		if rng.IntN(7) == 0 {
			db.AppendNull()
			ib.AppendNull()
			sb.AppendNull()
			continue
		}
		db.Append(decimal128.FromI64(rng.Int64N(2_000_000) - 1_000_000))
		ib.Append(rng.Int64())
		sb.Append(string(rune('A' + i%26)))
	}
	dec, ints, strs := db.NewArray(), ib.NewArray(), sb.NewArray()
	db.Release()
	ib.Release()
	sb.Release()
	defer dec.Release()
	defer ints.Release()
	defer strs.Release()
	var dense, sparse []int32
	for i := range n {
		if rng.IntN(20) != 0 {
			dense = append(dense, int32(i))
		}
		if rng.IntN(5) == 0 {
			sparse = append(sparse, int32(i))
		}
	}
	run := func(what string, f func(mem memory.Allocator) (arrow.Array, error)) {
		want, err := f(checked) // no AllocateUninit: zeroed
		if err != nil {
			t.Fatal(err)
		}
		got, err := f(poison)
		if err != nil {
			t.Fatal(err)
		}
		sameBuffers(t, what, got, want)
		got.Release()
		want.Release()
	}
	for _, idx := range [][]int32{dense, sparse} {
		for _, a := range []arrow.Array{dec, ints, strs} {
			run("gather "+a.DataType().String(), func(mem memory.Allocator) (arrow.Array, error) {
				return Gather(mem, a, idx)
			})
		}
	}
	one := ScalarValue(decimal128.FromI64(100), dt)
	out := &arrow.Decimal128Type{Precision: 38, Scale: 2}
	for _, op := range []ArithOp{Add, Sub, Mul} {
		run("decimal arithmetic", func(mem memory.Allocator) (arrow.Array, error) {
			return DecimalArith(mem, op, ArrayValue(dec), ArrayValue(dec), n, out, DecimalOptions{})
		})
		run("decimal arithmetic with a scalar", func(mem memory.Allocator) (arrow.Array, error) {
			return DecimalArith(mem, op, one, ArrayValue(dec), n, out, DecimalOptions{})
		})
	}
	run("decimal to float", func(mem memory.Allocator) (arrow.Array, error) {
		return Cast(mem, dec, arrow.PrimitiveTypes.Float64, true)
	})
}
