package exec

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// intMap agrees with a Go map under random inserts, overwrites and lookups,
// across growth, with keys at the edges of int64 and runs of multiples of
// large powers of two (which defeat weak hashes).
func TestIntMapMatchesMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	m := newIntMap(0)
	ref := map[int64]int32{}
	keys := []int64{0, -1, 1, math.MinInt64, math.MaxInt64}
	for i := range 2000 {
		keys = append(keys, int64(i)<<40, rng.Int64N(5000)-2500, rng.Int64())
	}
	for step := range 60000 {
		k := keys[rng.IntN(len(keys))]
		v := int32(step)
		switch rng.IntN(3) {
		case 0:
			got, found := m.getOrPut(k, v)
			want, ok := ref[k]
			if !ok {
				ref[k] = v
				want = v
			}
			if got != want || found != ok {
				t.Fatalf("getOrPut(%d) = %d, %v; want %d, %v", k, got, found, want, ok)
			}
		case 1:
			old := m.swap(k, v)
			want, ok := ref[k]
			if !ok {
				want = -1
			}
			ref[k] = v
			if old != want {
				t.Fatalf("swap(%d) = %d, want %d", k, old, want)
			}
		case 2:
			got, found := m.get(k)
			want, ok := ref[k]
			if !ok {
				want = -1
			}
			if got != want || found != ok {
				t.Fatalf("get(%d) = %d, %v; want %d, %v", k, got, found, want, ok)
			}
		}
	}
	if m.len() != len(ref) {
		t.Fatalf("len = %d, want %d", m.len(), len(ref))
	}
}

func BenchmarkIntMapGetOrPut(b *testing.B) {
	keys := make([]int64, 1<<20)
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range keys {
		keys[i] = rng.Int64N(1 << 18)
	}
	b.Run("intMap", func(b *testing.B) {
		for b.Loop() {
			m := newIntMap(0)
			for i, k := range keys {
				m.getOrPut(k, int32(i))
			}
		}
	})
	b.Run("map", func(b *testing.B) {
		for b.Loop() {
			m := map[int64]int32{}
			for i, k := range keys {
				if _, ok := m[k]; !ok {
					m[k] = int32(i)
				}
			}
		}
	})
}

// bytesMap agrees with a Go map, across growth and arena chunks, for empty,
// long and binary keys (keys of 0 to 39 bytes of 0 to 3 each: held in the
// slot up to 16 bytes, zero-padded, in the arena beyond).
func TestBytesMapMatchesMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	m := newBytesMap(0)
	ref := map[string]int32{}
	keys := []string{"", "a", "\x00", "\x00\x00", string(make([]byte, arenaChunk+5))}
	for i := range 3000 {
		b := make([]byte, rng.IntN(40))
		for j := range b {
			b[j] = byte(rng.IntN(4))
		}
		keys = append(keys, string(b), fmt.Sprint(i))
	}
	for step := range 50000 {
		k := keys[rng.IntN(len(keys))]
		v := int32(step)
		switch rng.IntN(3) {
		case 0:
			got, found, stored := m.getOrPut([]byte(k), v)
			want, ok := ref[k]
			if !ok {
				ref[k], want = v, v
			}
			if got != want || found != ok || (!found && stored != k) {
				t.Fatalf("getOrPut(%q) = %d, %v, %q; want %d, %v", k, got, found, stored, want, ok)
			}
		case 1:
			old := m.swap([]byte(k), v)
			want, ok := ref[k]
			if !ok {
				want = -1
			}
			ref[k] = v
			if old != want {
				t.Fatalf("swap(%q) = %d, want %d", k, old, want)
			}
		case 2:
			got, found := m.get([]byte(k))
			want, ok := ref[k]
			if !ok {
				want = -1
			}
			if got != want || found != ok {
				t.Fatalf("get(%q) = %d, %v; want %d, %v", k, got, found, want, ok)
			}
		}
	}
}

// Keys whose hashes collide are told apart by their bytes alone: held in
// the slot (up to 16 bytes, zero-padded, so that "a" and "a\x00" differ by
// length only) or compared with the arena's copy beyond.
func TestBytesMapCollidingHashes(t *testing.T) {
	m := newBytesMap(0)
	var keys []string
	for n := range 34 {
		for _, fill := range []byte{0, 'a'} {
			b := make([]byte, n)
			for i := range b {
				b[i] = fill
			}
			keys = append(keys, string(b))
			if n > 0 {
				b[n-1] = 'z' // differs from the fill in the last byte only
				keys = append(keys, string(b))
				b[n-1], b[0] = fill, 'z' // and in the first byte only
				keys = append(keys, string(b))
			}
		}
	}
	seen := map[string]int32{}
	for round := range 2 {
		for i, k := range keys {
			got, found, _ := m.getOrPutHash([]byte(k), 1, int32(i))
			want, ok := seen[k]
			if !ok {
				seen[k], want = int32(i), int32(i)
			}
			if got != want || found != ok {
				t.Fatalf("round %d: key %q = %d, %v; want %d, %v", round, k, got, found, want, ok)
			}
		}
	}
}
