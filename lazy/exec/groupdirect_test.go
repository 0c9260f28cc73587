package exec

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/alopexdb/alopex/lazy"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// denseKeyCases are integer key sequences (nil: a null key) for the direct
// group arrays, with whether the table should still index them directly
// at the end.
func denseKeyCases() []struct {
	name   string
	keys   []any
	direct bool
} {
	r := rand.New(rand.NewPCG(3, 9))
	var clustered, descending, random, top, bottom, outlier, nulls, many []any
	for i := range 5000 {
		// Order keys: ascending, four rows a key, keys a quarter of their range.
		clustered = append(clustered, int64(i/4*4+1))
		descending = append(descending, int64(10000-i/3))
		random = append(random, int64(r.IntN(3000)-1500))
		top = append(top, int64(math.MaxInt64-int64(r.IntN(2000))))
		bottom = append(bottom, int64(math.MinInt64+int64(r.IntN(2000))))
		if i == 4000 {
			outlier = append(outlier, int64(1)<<50) // too far: the table moves to hashing
		} else {
			outlier = append(outlier, int64(i%700))
		}
		if i%13 == 0 {
			nulls = append(nulls, nil)
		} else {
			nulls = append(nulls, int64(i%900))
		}
	}
	// More groups than a merge takes in one partition, every other key of
	// their range, shuffled, with nulls: merged by key range.
	for _, i := range r.Perm(12000) {
		if i%101 == 0 {
			many = append(many, nil)
		} else {
			many = append(many, int64(2*i-7000))
		}
	}
	return []struct {
		name   string
		keys   []any
		direct bool
	}{
		{"clustered ascending", clustered, true},
		{"descending", descending, true},
		{"random with negatives", random, true},
		{"near MaxInt64", top, true},
		{"near MinInt64", bottom, true},
		{"outlier after dense", outlier, false},
		{"nulls", nulls, true},
		{"many groups", many, true},
		{"only nulls", []any{nil, nil, nil}, false},
		{"extremes", []any{int64(math.MinInt64), int64(math.MaxInt64), int64(0)}, false},
	}
}

// TestDirectGroupsMatchHash assigns groups morsel by morsel as a worker
// does and checks them against groups numbered by first appearance, and
// that dense keys stay in a direct array.
func TestDirectGroupsMatchHash(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	op := &hashAggOp{node: &lazy.Aggregate{Keys: []lazy.Expr{col("k")}}}
	for _, c := range denseKeyCases() {
		for _, pool := range []memory.Allocator{nil, slotMem} {
			tbl := newGroupTableIn(keysInt, pool)
			w := &aggWorker{table: tbl}
			want := map[any]int32{}
			for start := 0; start < len(c.keys); start += 97 {
				vals := c.keys[start:min(start+97, len(c.keys))]
				a := buildArray(t, mem, arrow.PrimitiveTypes.Int64, vals)
				if err := op.assignGroups(w, []arrow.Array{a}, len(vals), int64(start)); err != nil {
					t.Fatal(err)
				}
				a.Release()
				for i, v := range vals {
					g, ok := want[v]
					if !ok {
						g = int32(len(want))
						want[v] = g
					}
					if w.gids[i] != g {
						t.Fatalf("%s: row %d (key %v) in group %d, want %d", c.name, start+i, v, w.gids[i], g)
					}
				}
			}
			if tbl.size() != len(want) {
				t.Errorf("%s: %d groups, want %d", c.name, tbl.size(), len(want))
			}
			if (tbl.dir != nil) != c.direct {
				t.Errorf("%s: direct array %v, want %v", c.name, tbl.dir != nil, c.direct)
			}
			tbl.dropIndex()
		}
	}
	mem.AssertSize(t, 0)
}

// TestDirectGroupsWidenWithinLimit checks that a direct array widens by
// at least its width, to a power of two of slots, on the side keys arrive
// (above or below it), and that keys spread past the limit of the groups
// move the table to hashing.
func TestDirectGroupsWidenWithinLimit(t *testing.T) {
	tbl := newGroupTable(keysInt)
	tbl.reserveInts(0, 99, 100)
	if tbl.dir == nil || len(tbl.dir.slots) != 128 || tbl.dir.lo != 0 {
		t.Fatalf("first array: %+v", tbl.dir)
	}
	for k := range int64(100) {
		tbl.internInt(k, k)
	}
	tbl.reserveInts(200, 200, 1)
	if d := tbl.dir; len(d.slots) != 512 || d.lo != 0 {
		t.Fatalf("widened up to %d slots from %d, want 512 from 0", len(d.slots), d.lo)
	}
	tbl.reserveInts(-1, -1, 1)
	if d := tbl.dir; len(d.slots) != 2048 || d.lo != -1536 {
		t.Fatalf("widened down to %d slots from %d, want 2048 from -1536", len(d.slots), d.lo)
	}
	for k := range int64(100) {
		if g := tbl.internInt(k, 0); g != int32(k) {
			t.Fatalf("key %d moved to group %d", k, g)
		}
	}
	// Far beyond the limit of its groups: the table moves to hashing and
	// keeps its groups.
	tbl.reserveInts(int64(directLimit(200)), int64(directLimit(200)), 1)
	if tbl.dir != nil || tbl.ints == nil {
		t.Fatal("a table spread past the limit still indexes directly")
	}
	for k := range int64(100) {
		if g := tbl.internInt(k, 0); g != int32(k) {
			t.Fatalf("after hashing, key %d in group %d", k, g)
		}
	}
}

// TestAggregateDenseIntKeys runs group-bys on dense integer keys (direct
// arrays in the workers, merged by key range) and on keys that leave the
// dense range part way, against the reference, on every layout.
func TestAggregateDenseIntKeys(t *testing.T) {
	specs := []aggSpec{
		{name: "n", fn: lazy.AggLen},
		{name: "sum", fn: lazy.AggSum, in: "v"},
		{name: "first", fn: lazy.AggFirst, in: "v"},
		{name: "nu", fn: lazy.AggNUnique, in: "v"},
	}
	layouts := []aggLayout{
		{"one worker", 1000, nil, 1},
		{"2 workers, morsels of 300", 300, nil, 2},
		{"8 workers, morsels of 97", 97, nil, 8},
		{"3 workers, uneven batches", 250, func(n int) []int { return []int{5, n - 2005, 2000} }, 3},
	}
	for _, c := range denseKeyCases() {
		r := rand.New(rand.NewPCG(1, 2))
		v := make([]any, len(c.keys))
		for i := range v {
			v[i] = pickNull(r, 0.05, int64(r.IntN(5)))
		}
		cols := []column{{"k", arrow.PrimitiveTypes.Int64, c.keys}, {"v", arrow.PrimitiveTypes.Int64, v}}
		for _, l := range layouts {
			t.Run(fmt.Sprintf("%s/%s", c.name, l.name), func(t *testing.T) {
				if l.sizes != nil && len(c.keys) < 3000 {
					t.Skip("too few rows for these batches")
				}
				mem := checkLeaks(t)
				setMorselRows(t, l.morsel)
				setProcs(t, l.procs)
				var sizes []int
				if l.sizes != nil {
					sizes = l.sizes(len(c.keys))
				}
				tbl := newTable(t, mem, cols, sizes...)
				defer tbl.Release()
				p := groupBy(t, lazy.NewScan(tbl), colExprs([]string{"k"}), specExprs(specs))
				checkAgg(t, mem, p, cols, []string{"k"}, specs)
			})
		}
	}
}
