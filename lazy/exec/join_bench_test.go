package exec

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// joinSide is bench/join_bench.py's data in small: n rows of an int64 key
// k drawn from [0, keys) (a permutation when unique; times a large odd
// number in ks, sparse keys that take the hash index), its string form s,
// and a value v.
func joinSide(n, keys int, unique bool, seed uint64) *core.Table {
	mem := memory.NewGoAllocator()
	rng := rand.New(rand.NewPCG(seed, 13))
	kb, sb, vb := array.NewInt64Builder(mem), array.NewStringBuilder(mem), array.NewInt64Builder(mem)
	xb := array.NewInt64Builder(mem)
	perm := []int(nil)
	if unique {
		perm = rng.Perm(n)
	}
	for i := range n {
		k := rng.IntN(keys)
		if unique {
			k = perm[i]
		}
		kb.Append(int64(k))
		xb.Append(int64(k) * 1_000_003)
		sb.Append(fmt.Sprintf("id%d", k))
		vb.Append(int64(rng.IntN(1000)))
	}
	schema := arrow.NewSchema([]arrow.Field{{Name: "k", Type: arrow.PrimitiveTypes.Int64},
		{Name: "s", Type: arrow.BinaryTypes.String}, {Name: "v", Type: arrow.PrimitiveTypes.Int64},
		{Name: "ks", Type: arrow.PrimitiveTypes.Int64}}, nil)
	cols := []arrow.Array{kb.NewArray(), sb.NewArray(), vb.NewArray(), xb.NewArray()}
	return core.NewTable(schema, []arrow.RecordBatch{array.NewRecordBatch(schema, cols, int64(n))})
}

// benchJoin times an aggregated join (count and sum of the right value) of
// a 2M-row left side with a right side of m unique keys.
func benchJoin(b *testing.B, m int, how lazy.JoinType, key string) {
	const n = 2_000_000
	left := joinSide(n, m+m/4, false, 1)
	right := joinSide(m, m, true, 2)
	mem := core.NewCAllocator(1 << 30)
	on := []lazy.Expr{&lazy.Column{Name: key}}
	j, err := lazy.NewJoin(lazy.NewScan(left), lazy.NewScan(right), how, on, on, "_right")
	if err != nil {
		b.Fatal(err)
	}
	p, err := lazy.NewGroupBy(j, nil, []lazy.Expr{sumOf("v_right")})
	if err != nil {
		b.Fatal(err)
	}
	p = Optimize(p)
	b.ResetTimer()
	for range b.N {
		res, err := Run(context.Background(), mem, p)
		if err != nil {
			b.Fatal(err)
		}
		res.Release()
	}
}

func BenchmarkJoinInner100(b *testing.B)        { benchJoin(b, 100, lazy.JoinInner, "k") }
func BenchmarkJoinLeft100(b *testing.B)         { benchJoin(b, 100, lazy.JoinLeft, "k") }
func BenchmarkJoinInner100K(b *testing.B)       { benchJoin(b, 100_000, lazy.JoinInner, "k") }
func BenchmarkJoinInner2M(b *testing.B)         { benchJoin(b, 2_000_000, lazy.JoinInner, "k") }
func BenchmarkJoinLeft2M(b *testing.B)          { benchJoin(b, 2_000_000, lazy.JoinLeft, "k") }
func BenchmarkJoinInnerString100K(b *testing.B) { benchJoin(b, 100_000, lazy.JoinInner, "s") }
func BenchmarkJoinInnerSparse100K(b *testing.B) { benchJoin(b, 100_000, lazy.JoinInner, "ks") }
func BenchmarkJoinInnerSparse2M(b *testing.B)   { benchJoin(b, 2_000_000, lazy.JoinInner, "ks") }
