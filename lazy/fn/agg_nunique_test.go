package fn

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/alopexdb/alopex/internal/testkit"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// stringEncoder encodes a string array's rows for n_unique's byte path:
// a null byte for null, else 1 and the bytes.
type stringEncoder struct{ a *array.String }

func (e stringEncoder) Encode(dst []byte, i int) []byte {
	if e.a.IsNull(i) {
		return append(dst, 0)
	}
	return append(append(dst, 1), e.a.Value(i)...)
}

var nUniqueTestEnv = &AggEnv{
	RowEncoder: func(arr arrow.Array) (RowEncoder, error) {
		return stringEncoder{arr.(*array.String)}, nil
	},
	ParallelRanges: func(n, _ int, f func(lo, hi int)) {
		// Two halves, as the executor's cores would take them.
		f(0, n/2)
		f(n/2, n)
	},
}

// n_unique counts the same distinct values per key when the keys' rows
// are spread over several workers' states and merged into partitions in
// the way the hash aggregate merges them (each worker's groups split by
// key, merged worker after worker, and rows given to a partition's own
// state after its merges), nulls counted as one value: against a map of
// sets, for integers, booleans and strings, few groups and many.
func TestNUniqueMergesPartitions(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	types := []arrow.DataType{arrow.PrimitiveTypes.Int64, arrow.PrimitiveTypes.Int32, arrow.FixedWidthTypes.Boolean, arrow.BinaryTypes.String}
	for _, dt := range types {
		for _, keys := range []int{1, 7, 20000} {
			t.Run(fmt.Sprintf("%s/%d keys", dt, keys), func(t *testing.T) {
				checkNUniqueMerge(t, mem, dt, keys)
			})
		}
	}
}

func checkNUniqueMerge(t *testing.T, mem memory.Allocator, dt arrow.DataType, keys int) {
	rng := rand.New(rand.NewPCG(uint64(keys), 7))
	value := func() any {
		if rng.IntN(10) == 0 {
			return nil
		}
		v := rng.IntN(6)
		switch dt.ID() {
		case arrow.BOOL:
			return v%2 == 0
		case arrow.STRING:
			return fmt.Sprint("s", v)
		}
		return int64(v - 3)
	}
	want := make([]map[any]bool, keys)
	for k := range want {
		want[k] = map[any]bool{}
	}
	// update gives rows of keys from pick to s, whose group for key k is
	// groupOf(k).
	update := func(s AggState, pick func() int, groupOf func(key int) int32, groups int) {
		n := 1 + rng.IntN(3*keys)
		gids := make([]int32, n)
		vals := make([]any, n)
		for i := range gids {
			k := pick()
			gids[i] = groupOf(k)
			vals[i] = value()
			want[k][vals[i]] = true
		}
		arr := testkit.Array(t, mem, dt, vals)
		defer arr.Release()
		s.Grow(groups)
		s.Update(gids, arr, 0)
	}
	// Three workers: worker w's group g is key (g+w)%keys, so that the
	// workers' group ids differ, and the third sees no rows at all.
	var workers []AggState
	for w := range 3 {
		s := &nUniqueState{env: nUniqueTestEnv}
		if w < 2 {
			for range 3 {
				update(s, func() int { return rng.IntN(keys) }, func(k int) int32 { return int32((k - w + keys) % keys) }, keys)
			}
		}
		s.Grow(keys)
		workers = append(workers, s)
	}
	// Three partitions: key k goes to partition k%3 as its group k/3.
	const parts = 3
	srcG, dstG := make([]int32, 0, keys), make([]int32, 0, keys)
	got := make([]any, keys)
	for p := range parts {
		dst := &nUniqueState{env: nUniqueTestEnv}
		groups := (keys - p + parts - 1) / parts
		for w, src := range workers {
			srcG, dstG = srcG[:0], dstG[:0]
			for g := range keys {
				if k := (g + w) % keys; k%parts == p {
					srcG = append(srcG, int32(g))
					dstG = append(dstG, int32(k/parts))
				}
			}
			dst.Grow(groups)
			dst.Merge(src, srcG, dstG)
			// The caller may reuse its slices after Merge.
			for i := range srcG {
				srcG[i], dstG[i] = 0, 0
			}
		}
		if groups > 0 {
			pick := func() int { return p + parts*rng.IntN(groups) } // p's keys only
			update(dst, pick, func(k int) int32 { return int32(k / parts) }, groups)
		}
		out, err := dst.Finish(mem)
		if err != nil {
			t.Fatal(err)
		}
		for g, v := range testkit.Values(t, out) {
			got[g*parts+p] = v
		}
		out.Release()
	}
	for k := range keys {
		if g, w := fmt.Sprint(got[k]), fmt.Sprint(len(want[k])); g != w {
			t.Fatalf("key %d: n_unique %s, want %s", k, g, w)
		}
	}
}
