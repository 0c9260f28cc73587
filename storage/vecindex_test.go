package storage

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"

	"github.com/alopexdb/alopex/vector"
)

// vecModel is what every snapshot should see: the rows' vectors as of
// each commit sequence.
type vecModel struct {
	states []map[string][]float32 // states[s]: the rows after commit s
}

func (m *vecModel) at(s uint64) map[string][]float32 { return m.states[s] }

// exactTop is the brute-force answer: the k visible keys nearest to q
// (squared L2), ties by key.
func exactTop(rows map[string][]float32, q []float32, k int, allow func(string) bool) []string {
	type kd struct {
		k string
		d float32
	}
	var all []kd
	for key, v := range rows {
		if allow != nil && !allow(key) {
			continue
		}
		d, _ := vector.SquaredL2(q, v)
		all = append(all, kd{key, d})
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].d != all[j].d {
			return all[i].d < all[j].d
		}
		return all[i].k < all[j].k
	})
	var out []string
	for i := 0; i < len(all) && i < k; i++ {
		out = append(out, all[i].k)
	}
	return out
}

// near compares distances computed two ways (directly, or from norms and
// dot products as the index kernels do).
func near(a, b float32) bool {
	return math.Abs(float64(a)-float64(b)) <= 1e-4*math.Max(1, math.Abs(float64(a)))
}

func randVec(r *rand.Rand, dim int) []float32 {
	v := make([]float32, dim)
	for i := range v {
		v[i] = r.Float32()
	}
	return v
}

// Every snapshot's search returns exactly the nearest versions it can see
// (a flat index is exact), through inserts, updates, deletes, NULLs and
// garbage collection.
func TestVecIndexSnapshots(t *testing.T) {
	const dim = 4
	r := rand.New(rand.NewPCG(1, 2))
	flat, err := vector.NewFlat(dim, vector.L2)
	if err != nil {
		t.Fatal(err)
	}
	// The index is built at snapshot 3 from 50 rows.
	m := &vecModel{}
	base := map[string][]float32{}
	for i := range 50 {
		base[fmt.Sprintf("k%03d", i)] = randVec(r, dim)
	}
	for range 4 {
		m.states = append(m.states, base)
	}
	v := newVecIndex(flat, 3)
	var keys []string
	var vecs []float32
	for k, vec := range base {
		keys = append(keys, k)
		vecs = append(vecs, vec...)
	}
	if err := v.load(keys, vecs, nil); err != nil {
		t.Fatal(err)
	}
	cur := base
	for seq := uint64(4); seq <= 60; seq++ {
		next := make(map[string][]float32, len(cur)+4)
		for k, vec := range cur {
			next[k] = vec
		}
		for range 1 + r.IntN(4) { // a commit of a few changes
			key := fmt.Sprintf("k%03d", r.IntN(70))
			var vec []float32
			if r.IntN(4) > 0 {
				vec = randVec(r, dim)
				next[key] = vec
			} else {
				delete(next, key)
			}
			v.enqueue(vecChange{seq: seq, key: key, vec: vec})
		}
		m.states = append(m.states, next)
		cur = next
		if seq%10 == 0 {
			if err := v.gc(seq - 5); err != nil {
				t.Fatal(err)
			}
		}
	}
	oldest := uint64(55) // gc'd up to 55: snapshots from 55 on are exact
	if err := v.gc(oldest); err != nil {
		t.Fatal(err)
	}
	even := func(k string) bool { return (k[len(k)-1]-'0')%2 == 0 }
	for snap := oldest; snap <= 60; snap++ {
		want := m.at(snap)
		got, err := v.visibleKeys(snap)
		if err != nil {
			t.Fatal(err)
		}
		wantKeys := make([]string, 0, len(want))
		for k := range want {
			wantKeys = append(wantKeys, k)
		}
		slices.Sort(wantKeys)
		if !slices.Equal(got, wantKeys) {
			t.Fatalf("snapshot %d sees %v, want %v", snap, got, wantKeys)
		}
		for _, allow := range []func(string) bool{nil, even} {
			q := randVec(r, dim)
			res, ok, err := v.search(q, 7, 0, snap, allow)
			if err != nil || !ok {
				t.Fatal(ok, err)
			}
			var gotKeys []string
			for _, h := range res.Hits {
				gotKeys = append(gotKeys, h.Key)
				if d, _ := vector.SquaredL2(q, want[h.Key]); !near(d, h.Dist) {
					t.Fatalf("snapshot %d: %s at distance %v, its visible vector is at %v", snap, h.Key, h.Dist, d)
				}
			}
			if w := exactTop(want, q, 7, allow); !slices.Equal(gotKeys, w) {
				t.Fatalf("snapshot %d: search = %v, want %v", snap, gotKeys, w)
			}
		}
	}
	if _, ok, _ := v.search(randVec(r, dim), 3, 0, 2, nil); ok {
		t.Fatal("a snapshot older than the index must not use it")
	}
	// Everything dead before the newest snapshot is gone from the index.
	if err := v.gc(60); err != nil {
		t.Fatal(err)
	}
	if flat.Len() != len(m.at(60)) {
		t.Fatalf("after gc the index holds %d vectors, %d rows are live", flat.Len(), len(m.at(60)))
	}
}

// An HNSW-backed index returns only visible, allowed versions, and finds
// most of the true nearest ones.
func TestVecIndexHNSWRecall(t *testing.T) {
	const dim, n = 16, 3000
	r := rand.New(rand.NewPCG(3, 4))
	h, err := vector.NewHNSW(dim, vector.L2, vector.HNSWOptions{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	v := newVecIndex(h, 1)
	rows := map[string][]float32{}
	var keys []string
	var vecs []float32
	for i := range n {
		k := fmt.Sprintf("r%05d", i)
		rows[k] = randVec(r, dim)
		keys = append(keys, k)
		vecs = append(vecs, rows[k]...)
	}
	if err := v.load(keys, vecs, nil); err != nil {
		t.Fatal(err)
	}
	// Commit 2 replaces a fifth of the vectors and deletes a tenth.
	after := map[string][]float32{}
	for k, vec := range rows {
		after[k] = vec
	}
	for i := 0; i < n; i += 5 {
		k := keys[i]
		after[k] = randVec(r, dim)
		v.enqueue(vecChange{seq: 2, key: k, vec: after[k]})
	}
	for i := 1; i < n; i += 10 {
		delete(after, keys[i])
		v.enqueue(vecChange{seq: 2, key: keys[i]})
	}
	for _, c := range []struct {
		snap uint64
		rows map[string][]float32
	}{{1, rows}, {2, after}} {
		found, total := 0, 0
		for range 50 {
			q := randVec(r, dim)
			res, ok, err := v.search(q, 10, 100, c.snap, nil)
			if err != nil {
				t.Fatal(err)
			}
			want := exactTop(c.rows, q, 10, nil)
			if !ok && len(res.Hits) == 10 {
				t.Fatal("ok=false with k hits")
			}
			for _, hit := range res.Hits {
				vec, visible := c.rows[hit.Key]
				if !visible {
					t.Fatalf("snapshot %d got %s, which it cannot see", c.snap, hit.Key)
				}
				if d, _ := vector.SquaredL2(q, vec); !near(d, hit.Dist) {
					t.Fatalf("snapshot %d got a version of %s it cannot see", c.snap, hit.Key)
				}
				if slices.Contains(want, hit.Key) {
					found++
				}
			}
			total += len(want)
		}
		if recall := float64(found) / float64(total); recall < 0.9 {
			t.Fatalf("snapshot %d: recall@10 %.3f", c.snap, recall)
		}
	}
}
