package fn

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// TestUpdateSelEqualsGathered folds batches into groups through UpdateSel
// (the rows at a selection: none, sparse, dense, all) and through Update of
// the same rows gathered: the results must be equal, for decimal sums of
// money, of values near the int64 ends (the partial sums' bound and
// flushes), beyond an int64, with nulls, and past 38 digits (an error
// both ways), and for mean and count. The rows a selection leaves out are
// huge, so that a state reading them would overflow or differ.
func TestUpdateSelEqualsGathered(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rng := rand.New(rand.NewPCG(5, 6))
	typ := &arrow.Decimal128Type{Precision: 38, Scale: 2}
	huge := decimal128.FromI64(math.MaxInt64).Mul(decimal128.FromI64(1 << 62)).Mul(decimal128.FromI64(4))
	const groups = 4
	kinds := []string{"money", "int64 ends", "beyond int64", "nulls", "past 38 digits"}
	makers := map[string]func(AggCall) AggState{
		"sum":   func(AggCall) AggState { return newDecSumState(typ) },
		"mean":  func(AggCall) AggState { return newMeanState(typ, arrow.PrimitiveTypes.Float64) },
		"count": func(AggCall) AggState { return &countState{} },
	}
	for _, kind := range kinds {
		for name, make_ := range makers {
			viaSel, viaGather := make_(AggCall{}), make_(AggCall{})
			for batch := range 30 {
				n := 1 + rng.IntN(400)
				keep := []float64{0, 0.1, 0.9, 1}[batch%4]
				b := array.NewDecimal128Builder(mem, typ)
				var sel []int32
				for i := range n {
					if rng.Float64() >= keep {
						b.Append(huge) // left out
						continue
					}
					sel = append(sel, int32(i))
					switch kind {
					case "money":
						b.Append(decimal128.FromI64(rng.Int64N(2_000_000) - 1_000_000))
					case "int64 ends":
						v := decimal128.FromI64(math.MaxInt64 - rng.Int64N(1000))
						if rng.IntN(2) == 0 {
							v = decimal128.FromI64(math.MinInt64 + rng.Int64N(1000))
						}
						b.Append(v)
					case "beyond int64":
						b.Append(decimal128.FromI64(rng.Int64N(1 << 40)).Mul(decimal128.FromI64(1 << 40)))
					case "nulls":
						if rng.IntN(3) == 0 {
							b.AppendNull()
						} else {
							b.Append(decimal128.FromI64(rng.Int64N(1000)))
						}
					case "past 38 digits":
						b.Append(huge)
					}
				}
				arr := b.NewArray()
				b.Release()
				gids := make([]int32, len(sel))
				for k := range gids {
					gids[k] = int32(rng.IntN(groups))
				}
				g, err := kernels.Gather(mem, arr, sel)
				if err != nil {
					t.Fatal(err)
				}
				viaSel.Grow(groups)
				viaGather.Grow(groups)
				viaSel.(SelUpdater).UpdateSel(gids, arr, sel)
				viaGather.Update(gids, g, 0)
				arr.Release()
				g.Release()
			}
			got, gerr := viaSel.Finish(mem)
			want, werr := viaGather.Finish(mem)
			if (gerr == nil) != (werr == nil) {
				t.Fatalf("%s of %s: error %v, want %v", name, kind, gerr, werr)
			}
			if gerr != nil {
				continue
			}
			if kind == "past 38 digits" && name == "sum" {
				t.Fatalf("a sum past 38 digits gave %v", got)
			}
			if !array.Equal(got, want) {
				t.Errorf("%s of %s:\n got %v\nwant %v", name, kind, got, want)
			}
			got.Release()
			want.Release()
		}
	}
}
