package vector

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/alopexdb/alopex/core"
)

// rerankSearch is a quantized search re-ranked as its callers do: fetch
// RefineCandidates(k, ef) candidates, order them by ExactDistance to the
// full vectors (base, by id), keep k.
func rerankSearch(t *testing.T, h *HNSW, base []float32, qs []float32, k, ef int, f *Filter) []int64 {
	t.Helper()
	d := h.Dim()
	nq := len(qs) / d
	kc := RefineCandidates(k, ef)
	cand, _ := search(t, h, qs, kc, ef, f)
	out := make([]int64, 0, nq*k)
	for qi := range nq {
		q := qs[qi*d : (qi+1)*d]
		type hit struct {
			id int64
			d  float32
		}
		var hs []hit
		for _, id := range cand[qi*kc : (qi+1)*kc] {
			if id >= 0 {
				hs = append(hs, hit{id, ExactDistance(h.Metric(), q, base[int(id)*d:int(id+1)*d])})
			}
		}
		slices.SortFunc(hs, func(a, b hit) int { return cmpF(a.d, b.d) })
		for j := range k {
			if j < len(hs) {
				out = append(out, hs[j].id)
			} else {
				out = append(out, -1)
			}
		}
	}
	return out
}

// recallOf compares results (k per query) with brute force.
func recallOf(metric Metric, base []float32, d int, qs []float32, got []int64, k int, allowed func(int64) bool) float64 {
	hits, total := 0, 0
	for qi := range len(qs) / d {
		want := bruteForce(metric, base, seq(len(base)/d), d, qs[qi*d:(qi+1)*d], k, allowed)
		hits += recall(got[qi*k:(qi+1)*k], want)
		total += len(want)
	}
	return float64(hits) / float64(total)
}

func TestSQ8RecallAndMemoryAgainstFloat(t *testing.T) {
	n, d := 20000, 64
	if testing.Short() {
		n = 5000
	}
	base := clustered(21, n, d, 50)
	qs := clustered(22, 100, d, 50)
	f := mustHNSW(t, d, HNSWOptions{Seed: 1, EfConstruction: 48})
	q := mustHNSW(t, d, HNSWOptions{Seed: 1, EfConstruction: 48, Quantization: QuantizationSQ8})
	for _, h := range []*HNSW{f, q} {
		if err := h.Add(base, nil); err != nil {
			t.Fatal(err)
		}
	}
	k, ef := 10, 16
	rf := measureRecall(t, f, L2, base, seq(n), qs, k, ef, nil, nil)
	rq := recallOf(L2, base, d, qs, rerankSearch(t, q, base, qs, k, ef, nil), k, nil)
	bf, bq := float64(f.MemoryBytes())/float64(n), float64(q.MemoryBytes())/float64(n)
	t.Logf("%d×%d: float32 recall@10 %.3f, %.0f bytes/vector; sq8+re-rank recall@10 %.3f, %.0f bytes/vector", n, d, rf, bf, rq, bq)
	if rq < 0.95*rf {
		t.Fatalf("sq8 recall %.3f below 0.95 × float32's %.3f", rq, rf)
	}
	// The vectors shrink from 4d to d bytes plus a 4-byte norm (the fast
	// L2 distance's, sq8_fast.go); the graph is shared.
	if bf-bq < 3*float64(d)-5 {
		t.Fatalf("sq8 saves %.1f bytes/vector, want %d", bf-bq, 3*d-4)
	}
	if q.Quantization() != "sq8" || f.Quantization() != "" {
		t.Fatal("Quantization() wrong")
	}
}

func TestSQ8MetricsRemovesAndFilters(t *testing.T) {
	n, d := 3000, 32
	for _, metric := range []Metric{L2, InnerProduct, Cosine} {
		base := clustered(23, n, d, 20)
		if metric == InnerProduct {
			for o := 0; o < len(base); o += d {
				normalize(base[o : o+d])
			}
		}
		h, err := NewHNSW(d, metric, HNSWOptions{M: 12, EfConstruction: 64, Quantization: QuantizationSQ8})
		if err != nil {
			t.Fatal(err)
		}
		// Incremental adds: the first trains the ranges, later ones may widen them.
		for o := 0; o < n; o += 1000 {
			if err := h.Add(base[o*d:(o+1000)*d], seq(n)[o:o+1000]); err != nil {
				t.Fatal(err)
			}
		}
		removed := map[int64]bool{}
		var rm []int64
		for i := int64(0); i < int64(n); i += 7 {
			removed[i] = true
			rm = append(rm, i)
		}
		if got, _ := h.Remove(rm); got != len(rm) {
			t.Fatalf("removed %d of %d", got, len(rm))
		}
		qs := clustered(24, 50, d, 20)
		k := 10
		live := func(id int64) bool { return !removed[id] }
		got := rerankSearch(t, h, base, qs, k, 0, nil)
		for _, id := range got {
			if removed[id] {
				t.Fatalf("%v: removed id %d returned", metric, id)
			}
		}
		if r := recallOf(metric, base, d, qs, got, k, live); r < 0.9 {
			t.Fatalf("%v: sq8 recall@10 after removes %.3f < 0.9", metric, r)
		}
		// A filter allowing ids divisible by 3 (and not removed).
		mask := make([]bool, n)
		for i := range mask {
			mask[i] = i%3 == 0
		}
		allowed := func(id int64) bool { return id%3 == 0 && !removed[id] }
		got = rerankSearch(t, h, base, qs, k, 0, &Filter{Mask: mask})
		for _, id := range got {
			if id >= 0 && !allowed(id) {
				t.Fatalf("%v: id %d outside the filter returned", metric, id)
			}
		}
		if r := recallOf(metric, base, d, qs, got, k, allowed); r < 0.9 {
			t.Fatalf("%v: filtered sq8 recall@10 %.3f < 0.9", metric, r)
		}
		// Compact keeps it quantized and answering.
		if err := h.Compact(); err != nil {
			t.Fatal(err)
		}
		if h.Quantization() != "sq8" || h.Len() != n-len(rm) {
			t.Fatalf("after compact: %q, %d rows", h.Quantization(), h.Len())
		}
		if r := recallOf(metric, base, d, qs, rerankSearch(t, h, base, qs, k, 0, nil), k, live); r < 0.9 {
			t.Fatalf("%v: sq8 recall@10 after compact %.3f < 0.9", metric, r)
		}
	}
}

// TestSQ8WidensRange adds vectors far outside the first batch's range:
// they are encoded within half a step of the widened range, not clamped
// to the first one, so each is its own nearest neighbour.
func TestSQ8WidensRange(t *testing.T) {
	d := 8
	h := mustHNSW(t, d, HNSWOptions{M: 4, Quantization: QuantizationSQ8})
	first := clustered(25, 200, d, 4)
	if err := h.Add(first, nil); err != nil {
		t.Fatal(err)
	}
	far := slices.Clone(first[:20*d])
	for i := range far {
		far[i] = far[i]*10 + 100
	}
	if err := h.Add(far, nil); err != nil {
		t.Fatal(err)
	}
	ids, _ := search(t, h, far, 1, 0, nil)
	for i, id := range ids {
		if id != int64(200+i) {
			t.Fatalf("far vector %d found %d", 200+i, id)
		}
	}
	// Decoded rows stay within half a step of the originals.
	buf := make([]float32, d)
	for i := range 220 {
		want := first[i*d%len(first):][:d]
		if i >= 200 {
			want = far[(i-200)*d:][:d]
		}
		got := h.decoded(uint32(i), buf)
		for j := range d {
			if diff := got[j] - want[j]; diff > h.sq.step[j] || -diff > h.sq.step[j] {
				t.Fatalf("row %d dim %d: %v decodes to %v (step %v)", i, j, want[j], got[j], h.sq.step[j])
			}
		}
	}
}

func TestSQ8SaveLoad(t *testing.T) {
	n, d := 1500, 16
	base := clustered(26, n, d, 8)
	qs := clustered(27, 20, d, 8)
	dir := t.TempDir()
	h := mustHNSW(t, d, HNSWOptions{M: 6, Quantization: QuantizationSQ8})
	if err := h.Add(base, nil); err != nil {
		t.Fatal(err)
	}
	h.Remove([]int64{3, 4})
	path := filepath.Join(dir, "q.bin")
	if err := h.Save(path); err != nil {
		t.Fatal(err)
	}
	back, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	bh := back.(*HNSW)
	if bh.Quantization() != "sq8" || bh.Len() != n-2 || bh.MemoryBytes() != h.MemoryBytes() {
		t.Fatalf("loaded: %q, %d rows, %d bytes", bh.Quantization(), bh.Len(), bh.MemoryBytes())
	}
	a1, d1 := search(t, h, qs, 10, 0, nil)
	a2, d2 := search(t, back, qs, 10, 0, nil)
	if !slices.Equal(a1, a2) || !slices.Equal(d1, d2) {
		t.Fatal("loaded index answers differently")
	}
	if err := back.Add(base[:d], nil); err != nil {
		t.Fatal(err)
	}
	// An empty quantized index loads untrained: its first Add trains it.
	e := mustHNSW(t, d, HNSWOptions{Quantization: QuantizationSQ8})
	if err := e.Save(path); err != nil {
		t.Fatal(err)
	}
	eb, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := eb.Add(base, nil); err != nil {
		t.Fatal(err)
	}
	if r := recallOf(L2, base, d, qs, rerankSearch(t, eb.(*HNSW), base, qs, 10, 0, nil), 10, nil); r < 0.9 {
		t.Fatalf("recall after loading an empty sq8 index %.3f", r)
	}
	// A version-1 file claiming quantization, and a version-2 file
	// claiming none, are refused.
	data := savedBytes(t)
	bad := slices.Clone(data)
	bad[16+16+2] = 1 // META's quantization byte
	_, err = Decode(reseal(bad), "bad")
	wantInvalid(t, err, "quantization")
}

func TestSQ8RejectsUnknownQuantization(t *testing.T) {
	_, err := NewHNSW(4, L2, HNSWOptions{Quantization: "pq"})
	if core.KindOf(err) != core.KindInvalidInput {
		t.Fatalf("got %v", err)
	}
}
