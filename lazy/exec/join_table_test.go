package exec

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// checkIntIndex builds an index of vals and checks it against a Go map:
// every key's chain lists exactly its rows, in input order, skipped rows
// are in no chain, and probes of absent or skipped keys find nothing.
func checkIntIndex(t *testing.T, vals []int64, skip []bool, wantDirect bool) {
	t.Helper()
	next := make([]int32, len(vals))
	ix := buildIntIndex(vals, skip, next)
	if _, direct := ix.(*directIndex); direct != wantDirect {
		t.Fatalf("direct index %v, want %v", direct, wantDirect)
	}
	want := map[int64][]int32{}
	for i, v := range vals {
		if skip == nil || !skip[i] {
			want[v] = append(want[v], int32(i))
		}
	}
	probe := make([]int64, 0, len(want)+3)
	for k := range want {
		probe = append(probe, k)
	}
	absent := []int64{math.MinInt64, math.MaxInt64, -7}
	for _, k := range absent {
		if _, ok := want[k]; !ok {
			probe = append(probe, k)
		}
	}
	out := make([]int32, len(probe))
	ix.heads(probe, nil, out)
	for i, k := range probe {
		var got []int32
		for b := out[i]; b >= 0; b = next[b] {
			got = append(got, b)
			if len(got) > len(vals) {
				t.Fatalf("key %d: chain loops", k)
			}
		}
		w := want[k]
		if len(got) != len(w) {
			t.Fatalf("key %d: chain %v, want %v", k, got, w)
		}
		for r := range w {
			if got[r] != w[r] {
				t.Fatalf("key %d: chain %v, want %v", k, got, w)
			}
		}
	}
	// A skipped probe row finds nothing even when its key is in the table.
	if len(probe) > 0 {
		ix.heads(probe[:1], []bool{true}, out[:1])
		if out[0] != -1 {
			t.Fatalf("skipped probe row found %d", out[0])
		}
	}
}

func TestIntIndexDirect(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	vals := make([]int64, 5000)
	skip := make([]bool, len(vals))
	for i := range vals {
		vals[i] = 1_000_000 + int64(rng.IntN(3000)) // duplicates, dense range
		skip[i] = rng.IntN(10) == 0
	}
	checkIntIndex(t, vals, skip, true)
	checkIntIndex(t, vals, nil, true)
	checkIntIndex(t, []int64{-5}, nil, true)
	checkIntIndex(t, nil, nil, false)
}

func TestIntIndexHashLarge(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	// Many rows, keys sparse (no direct index),
	// with duplicates and both extremes of int64.
	vals := make([]int64, 80_017)
	skip := make([]bool, len(vals))
	for i := range vals {
		vals[i] = int64(rng.IntN(len(vals)/2)) * 1_000_003
		skip[i] = rng.IntN(20) == 0
	}
	vals[3], vals[4] = math.MinInt64, math.MaxInt64
	checkIntIndex(t, vals, skip, false)
	checkIntIndex(t, vals, nil, false)
}

func TestIntIndexHashSmall(t *testing.T) {
	checkIntIndex(t, []int64{math.MinInt64, 0, math.MaxInt64, 0, math.MinInt64}, nil, false)
	checkIntIndex(t, []int64{1, 2}, []bool{true, true}, false)
}

// A probe batch of one key repeated (a sorted probe side) takes the run
// shortcut and must still skip null rows inside the run.
func TestIntIndexHashRuns(t *testing.T) {
	vals := []int64{10, 1 << 40, 10}
	next := make([]int32, len(vals))
	ix := buildIntIndex(vals, nil, next)
	out := make([]int32, 4)
	ix.heads([]int64{10, 10, 10, 1 << 40}, []bool{false, true, false, false}, out)
	if out[0] != 0 || out[1] != -1 || out[2] != 0 || out[3] != 1 || next[0] != 2 {
		t.Fatalf("heads %v next %v", out, next)
	}
}

func TestShortStringKeys(t *testing.T) {
	b := array.NewStringBuilder(memory.NewGoAllocator())
	defer b.Release()
	strs := []string{"", "\x00", "a", "a\x00", "é", "abcdefg", "abcdefgh"}
	b.AppendValues(strs, nil)
	b.AppendNull()
	a := b.NewArray()
	defer a.Release()
	if _, _, ok := shortStringKeys(a, true); ok {
		t.Fatal("a build side with an 8-byte string packed")
	}
	vals, skip, ok := shortStringKeys(a, false)
	if !ok || len(vals) != len(strs)+1 {
		t.Fatalf("probe side: ok %v, %d keys", ok, len(vals))
	}
	seen := map[int64]string{}
	for i, s := range strs[:6] {
		if skip[i] {
			t.Fatalf("%q skipped", s)
		}
		if o, dup := seen[vals[i]]; dup {
			t.Fatalf("%q and %q pack alike", o, s)
		}
		seen[vals[i]] = s
	}
	if !skip[6] || !skip[7] {
		t.Fatalf("long string or null not skipped: %v", skip)
	}
}

// benchIndexKeys is TPC-H Q3's join of lineitem with filtered orders in
// small: 700K build keys of stride 8 (half the orders, a quarter of the
// key range used) and 1M probe keys over the whole range.
func benchIndexKeys() (build, probe []int64) {
	rng := rand.New(rand.NewPCG(5, 6))
	build = make([]int64, 700_000)
	for i := range build {
		build[i] = int64(i) * 8
	}
	rng.Shuffle(len(build), func(i, j int) { build[i], build[j] = build[j], build[i] })
	probe = make([]int64, 1_000_000)
	for i := range probe {
		probe[i] = int64(rng.IntN(len(build) * 16))
	}
	return build, probe
}

func benchIndex(b *testing.B, build func(vals []int64, next []int32) intIndex) {
	keys, probe := benchIndexKeys()
	next := make([]int32, len(keys))
	out := make([]int32, 64<<10)
	b.ResetTimer()
	for range b.N {
		ix := build(keys, next)
		for lo := 0; lo < len(probe); lo += len(out) {
			hi := min(lo+len(out), len(probe))
			ix.heads(probe[lo:hi], nil, out[:hi-lo])
		}
	}
}

func BenchmarkIntIndexDirect(b *testing.B) {
	benchIndex(b, func(v []int64, next []int32) intIndex { return buildDirectIndex(v, nil, next, 0, 8*len(v)) })
}

func BenchmarkIntIndexHash(b *testing.B) {
	benchIndex(b, func(v []int64, next []int32) intIndex { return buildHashIndex(v, nil, next) })
}
