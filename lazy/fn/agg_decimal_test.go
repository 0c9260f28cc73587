package fn

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// TestDecimalSumPartials: sums of Decimal batches into groups, some of
// int64 values (the carry-free partial sums, flushed when their bound
// nears an int64), some beyond an int64 or with nulls (the 128-bit adds),
// and a merge of two states, equal big.Int's sums.
func TestDecimalSumPartials(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rng := rand.New(rand.NewPCG(11, 12))
	typ := &arrow.Decimal128Type{Precision: 38, Scale: 2}
	const groups = 5
	want := make([]*big.Int, groups)
	for g := range want {
		want[g] = new(big.Int)
	}
	states := []*decSumState{newDecSumState(typ).(*decSumState), newDecSumState(typ).(*decSumState)}
	for batch := range 40 {
		n := 1 + rng.IntN(300)
		b := array.NewDecimal128Builder(mem, typ)
		gids := make([]int32, n)
		for i := range n {
			gids[i] = int32(rng.IntN(groups))
			var v decimal128.Num
			switch batch % 4 {
			case 0: // money
				v = decimal128.FromI64(rng.Int64N(2_000_000) - 1_000_000)
			case 1: // near the int64 ends: the bound forces flushes
				v = decimal128.FromI64(1<<61 - rng.Int64N(1000))
				if rng.IntN(2) == 0 {
					v = v.Negate()
				}
			case 2: // beyond an int64
				v = decimal128.FromI64(rng.Int64N(1 << 40)).Mul(decimal128.FromI64(1 << 40))
			case 3: // nulls
				if rng.IntN(3) == 0 {
					b.AppendNull()
					continue
				}
				v = decimal128.FromI64(rng.Int64N(1000))
			}
			b.Append(v)
			want[gids[i]].Add(want[gids[i]], v.BigInt())
		}
		arr := b.NewArray()
		b.Release()
		s := states[batch%2]
		s.Grow(groups)
		s.Update(gids, arr, 0)
		arr.Release()
	}
	ids := []int32{0, 1, 2, 3, 4}
	states[0].Merge(states[1], ids, ids)
	got, err := states[0].Finish(mem)
	if err != nil {
		t.Fatal(err)
	}
	defer got.Release()
	d := got.(*array.Decimal128)
	for g := range groups {
		if d.Value(g).BigInt().Cmp(want[g]) != 0 {
			t.Errorf("group %d: sum %s, want %s", g, d.Value(g).BigInt(), want[g])
		}
	}
}

// TestDecimalSumFlushes: batches of int64 values whose total passes an
// int64 many times over: the partial sums are flushed into the 128-bit
// sum before they could wrap.
func TestDecimalSumFlushes(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	typ := &arrow.Decimal128Type{Precision: 38, Scale: 0}
	s := newDecSumState(typ).(*decSumState)
	s.Grow(1)
	want := new(big.Int)
	const n, v = 400, int64(1) << 53
	gids := make([]int32, n)
	for range 30 {
		b := array.NewDecimal128Builder(mem, typ)
		for range n {
			b.Append(decimal128.FromI64(v))
		}
		arr := b.NewArray()
		b.Release()
		s.Update(gids, arr, 0)
		arr.Release()
		want.Add(want, new(big.Int).Mul(big.NewInt(n), big.NewInt(v)))
	}
	got, err := s.Finish(mem)
	if err != nil {
		t.Fatal(err)
	}
	defer got.Release()
	if g := got.(*array.Decimal128).Value(0).BigInt(); g.Cmp(want) != 0 {
		t.Errorf("sum %s, want %s", g, want)
	}
}

// TestDecimalSumMergeReadsSourceOnly: the partitions of a radix-partitioned
// aggregate merge their own groups of one worker's state at the same time,
// so merge must only read its source. A merge that flushed the source's
// int64 partial sums into it raced with the other partitions' merges and
// counted partial sums twice or lost them (TPC-H Q18 gave extra rows);
// run with -race to see the race itself.
func TestDecimalSumMergeReadsSourceOnly(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	typ := &arrow.Decimal128Type{Precision: 38, Scale: 2}
	const groups = 4096
	for round := range 20 {
		src := newDecSumState(typ).(*decSumState)
		src.Grow(groups)
		b := array.NewDecimal128Builder(mem, typ)
		gids := make([]int32, groups)
		for g := range groups {
			gids[g] = int32(g)
			b.Append(decimal128.FromI64(int64(g + 1)))
		}
		arr := b.NewArray()
		b.Release()
		src.Update(gids, arr, 0) // int64 values: partial sums, not yet flushed
		arr.Release()
		// Two partitions: even and odd groups, merged at once.
		parts := [2]*decSumState{newDecSumState(typ).(*decSumState), newDecSumState(typ).(*decSumState)}
		done := make(chan struct{})
		for p := range parts {
			go func() {
				defer func() { done <- struct{}{} }()
				var srcG, dstG []int32
				for g := p; g < groups; g += 2 {
					srcG, dstG = append(srcG, int32(g)), append(dstG, int32(len(dstG)))
				}
				parts[p].Grow(len(dstG))
				parts[p].Merge(src, srcG, dstG)
			}()
		}
		<-done
		<-done
		for p, s := range parts {
			out, err := s.Finish(mem)
			if err != nil {
				t.Fatal(err)
			}
			d := out.(*array.Decimal128)
			for i := range d.Len() {
				if want := int64(p + 2*i + 1); d.Value(i) != decimal128.FromI64(want) {
					t.Fatalf("round %d: partition %d group %d = %s, want %d", round, p, i, d.Value(i).BigInt(), want)
				}
			}
			out.Release()
		}
	}
}

// TestDecimalSumUndo: the int64 partial sums add a batch before bounding
// it, so a batch found too large afterwards (a value past an int64,
// math.MinInt64, or partial sums that could pass their limit) is
// subtracted back exactly before the 128-bit adds or a flush: in every
// position of the batch and over partial sums already near the limit, the
// sums equal big.Int's.
func TestDecimalSumUndo(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rng := rand.New(rand.NewPCG(31, 32))
	typ := &arrow.Decimal128Type{Precision: 38, Scale: 0}
	const groups = 3
	big64 := decimal128.FromI64(1 << 62).Mul(decimal128.FromI64(4)) // 2^64
	minInt := decimal128.FromI64(math.MinInt64)
	for round := range 300 {
		s := newDecSumState(typ).(*decSumState)
		s.Grow(groups)
		want := make([]*big.Int, groups)
		for g := range want {
			want[g] = new(big.Int)
		}
		for batch := range 6 {
			n := 1 + rng.IntN(50)
			b := array.NewDecimal128Builder(mem, typ)
			gids := make([]int32, n)
			odd := rng.IntN(n) // the position of the one value of the kind below
			kind := (round + batch) % 5
			for i := range n {
				gids[i] = int32(rng.IntN(groups))
				v := decimal128.FromI64(rng.Int64N(1<<20) - 1<<19)
				if i == odd {
					switch kind {
					case 0: // past an int64
						v = big64.Add(decimal128.FromI64(rng.Int64N(1000)))
						if rng.IntN(2) == 0 {
							v = v.Negate()
						}
					case 1:
						v = minInt
					case 2: // fits, but the batch may pass the partial sums' limit
						v = decimal128.FromI64(smallLimit/int64(n) - rng.Int64N(3))
					case 3: // the largest int64, as large as a batch may be alone
						v = decimal128.FromI64(math.MaxInt64)
					}
				}
				b.Append(v)
				want[gids[i]].Add(want[gids[i]], v.BigInt())
			}
			arr := b.NewArray()
			b.Release()
			s.Update(gids, arr, 0)
			arr.Release()
		}
		got, err := s.Finish(mem)
		if err != nil {
			t.Fatal(err)
		}
		d := got.(*array.Decimal128)
		for g := range groups {
			if d.Value(g).BigInt().Cmp(want[g]) != 0 {
				t.Fatalf("round %d group %d: sum %s, want %s", round, g, d.Value(g).BigInt(), want[g])
			}
		}
		got.Release()
	}
}

// TestDecimalMeanIsTheCastsMean: the mean of Decimal128 batches (the
// executor's input for a mean of a decimal cast to Float64) equals, bit
// for bit, the mean of the same batches cast to Float64: money values,
// values beyond an int64, nulls, no rows, all rows null, a batch longer
// than a conversion block, offsets (slices) and a merge of two states.
func TestDecimalMeanIsTheCastsMean(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rng := rand.New(rand.NewPCG(21, 22))
	typ := &arrow.Decimal128Type{Precision: 38, Scale: 3}
	f64 := arrow.PrimitiveTypes.Float64
	const groups = 6 // group 5 gets no row
	dec := [2]*meanState{newMeanState(typ, f64), newMeanState(typ, f64)}
	flt := [2]*meanState{newMeanState(f64, f64), newMeanState(f64, f64)}
	for batch := range 24 {
		n := rng.IntN(400)
		if batch == 1 { // nulls too
			n = 3*meanBlock + 17
		}
		b := array.NewDecimal128Builder(mem, typ)
		gids := make([]int32, n)
		for i := range n {
			gids[i] = int32(rng.IntN(groups - 1))
			switch {
			case batch%5 == 1 && rng.IntN(3) == 0, batch%5 == 4 && gids[i] == 4:
				b.AppendNull() // group 4: only nulls in some batches
			case batch%5 == 2:
				b.Append(decimal128.FromI64(rng.Int64N(1 << 50)).Mul(decimal128.FromI64(rng.Int64N(1<<40) - 1<<39)))
			default:
				b.Append(decimal128.FromI64(rng.Int64N(20_000_000) - 10_000_000))
			}
		}
		whole := b.NewArray()
		b.Release()
		// A slice: the words are read from the array's offset.
		off := min(n, 3)
		arr := array.NewSlice(whole, int64(off), int64(n))
		whole.Release()
		gids = gids[off:]
		floats, err := kernels.Cast(mem, arr, f64, true)
		if err != nil {
			t.Fatal(err)
		}
		k := batch % 2
		dec[k].Grow(groups)
		flt[k].Grow(groups)
		dec[k].Update(gids, arr, 0)
		flt[k].Update(gids, floats, 0)
		arr.Release()
		floats.Release()
	}
	all := []int32{0, 1, 2, 3, 4, 5}
	dec[0].Merge(dec[1], all, all)
	flt[0].Merge(flt[1], all, all)
	got, err := dec[0].Finish(mem)
	if err != nil {
		t.Fatal(err)
	}
	defer got.Release()
	want, err := flt[0].Finish(mem)
	if err != nil {
		t.Fatal(err)
	}
	defer want.Release()
	if !array.Equal(got, want) {
		t.Fatalf("mean of decimals\n%v\nwant (mean of their Float64 cast)\n%v", got, want)
	}
	if got.IsValid(5) || !got.IsValid(4) {
		t.Fatalf("validity %v: group 5 has no value, group 4 some", got)
	}
}
