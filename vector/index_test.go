package vector

import (
	"bytes"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"testing"

	"github.com/alopexdb/alopex/core"
)

// clustered returns n vectors of dimension d around c random centres. Like
// real embeddings they have a low intrinsic dimension: the spread around a
// centre lies mostly in a random 8-dimensional subspace (plus a little
// isotropic noise), the same subspace for every call with the same d.
func clustered(seed uint64, n, d, c int) []float32 {
	return clusteredWith(seed, n, d, c, 8, 0.1)
}

// clusteredWith is clustered with the subspace's dimension and the
// isotropic noise given (bench/vector_bench.py's set: 16 and 0.05).
func clusteredWith(seed uint64, n, d, c, intrinsic int, noise float64) []float32 {
	basis := rand.New(rand.NewPCG(uint64(d), 7))
	proj := make([]float32, intrinsic*d)
	for i := range proj {
		proj[i] = float32(basis.NormFloat64() / math.Sqrt(float64(intrinsic)))
	}
	centres := make([]float32, c*d)
	for i := range centres {
		centres[i] = float32(basis.NormFloat64() * 3)
	}
	r := rand.New(rand.NewPCG(seed, 9))
	out := make([]float32, n*d)
	z := make([]float32, intrinsic)
	for i := 0; i < n; i++ {
		k := r.IntN(c)
		for j := range z {
			z[j] = float32(r.NormFloat64())
		}
		for j := 0; j < d; j++ {
			v := centres[k*d+j] + float32(noise)*float32(r.NormFloat64())
			for a := range z {
				v += z[a] * proj[a*d+j]
			}
			out[i*d+j] = v
		}
	}
	return out
}

// bruteForce is the reference: every distance in float64, sorted.
func bruteForce(metric Metric, base []float32, ids []int64, d int, q []float32, k int, allowed func(id int64) bool) []int64 {
	type pair struct {
		d  float64
		id int64
	}
	var all []pair
	for i := 0; i < len(base)/d; i++ {
		if allowed != nil && !allowed(ids[i]) {
			continue
		}
		b := base[i*d : (i+1)*d]
		var v float64
		switch metric {
		case L2:
			v = refDist(KernelSquaredL2, q, b)
		case InnerProduct:
			v = 1 - refDist(KernelDot, q, b)
		case Cosine:
			v = refDist(KernelCosine, q, b)
		}
		all = append(all, pair{v, ids[i]})
	}
	sort.Slice(all, func(a, b int) bool { return all[a].d < all[b].d || (all[a].d == all[b].d && all[a].id < all[b].id) })
	var out []int64
	for i := 0; i < k && i < len(all); i++ {
		out = append(out, all[i].id)
	}
	return out
}

func seq(n int) []int64 {
	ids := make([]int64, n)
	for i := range ids {
		ids[i] = int64(i)
	}
	return ids
}

func recall(got []int64, want []int64) (hit int) {
	set := map[int64]bool{}
	for _, w := range want {
		set[w] = true
	}
	for _, g := range got {
		if set[g] {
			hit++
		}
	}
	return hit
}

func search(t *testing.T, idx Index, q []float32, k, ef int, f *Filter) ([]int64, []float32) {
	t.Helper()
	nq := len(q) / idx.Dim()
	ids, dists := make([]int64, nq*k), make([]float32, nq*k)
	if err := idx.Search(q, k, ef, f, ids, dists); err != nil {
		t.Fatal(err)
	}
	return ids, dists
}

func TestFlatIsExact(t *testing.T) {
	for _, metric := range []Metric{L2, InnerProduct, Cosine} {
		for _, d := range []int{1, 3, 8, 127, 130} {
			n, k := 500, 7
			base := clustered(1, n, d, 5)
			f, err := NewFlat(d, metric)
			if err != nil {
				t.Fatal(err)
			}
			if err := f.Add(base, nil); err != nil {
				t.Fatal(err)
			}
			qs := clustered(2, 20, d, 5)
			ids, dists := search(t, f, qs, k, 0, nil)
			for qi := 0; qi < 20; qi++ {
				want := bruteForce(metric, base, seq(n), d, qs[qi*d:(qi+1)*d], k, nil)
				got := ids[qi*k : (qi+1)*k]
				// Near-ties may order differently in float32; compare distances.
				for j := range want {
					wd := refMetric(metric, qs[qi*d:(qi+1)*d], base[int(want[j])*d:(int(want[j])+1)*d])
					if math.Abs(float64(dists[qi*k+j])-wd) > 1e-3*(1+math.Abs(wd)) {
						t.Fatalf("%v d=%d q=%d rank %d: got id %d dist %v, want id %d dist %v", metric, d, qi, j, got[j], dists[qi*k+j], want[j], wd)
					}
				}
				if !slices.IsSortedFunc(dists[qi*k:(qi+1)*k], func(a, b float32) int { return cmpF(a, b) }) {
					t.Fatalf("distances not sorted: %v", dists[qi*k:(qi+1)*k])
				}
			}
		}
	}
}

func cmpF(a, b float32) int {
	if a < b {
		return -1
	}
	if a > b {
		return 1
	}
	return 0
}

func refMetric(m Metric, a, b []float32) float64 {
	switch m {
	case L2:
		return refDist(KernelSquaredL2, a, b)
	case InnerProduct:
		return 1 - refDist(KernelDot, a, b)
	}
	return refDist(KernelCosine, a, b)
}

func TestFlatTiesBreakByRow(t *testing.T) {
	f, _ := NewFlat(2, L2)
	f.Add([]float32{1, 0, 0, 1, -1, 0, 0, -1}, []int64{10, 11, 12, 13})
	ids, _ := search(t, f, []float32{0, 0}, 4, 0, nil)
	if !slices.Equal(ids, []int64{10, 11, 12, 13}) {
		t.Fatalf("got %v", ids)
	}
}

func TestFlatPadsAndRemoves(t *testing.T) {
	f, _ := NewFlat(2, L2)
	f.Add([]float32{0, 0, 1, 1, 2, 2}, []int64{5, 6, 7})
	if n, _ := f.Remove([]int64{6, 99}); n != 1 {
		t.Fatalf("removed %d", n)
	}
	ids, dists := search(t, f, []float32{1, 1}, 4, 0, nil)
	if !slices.Equal(ids, []int64{5, 7, -1, -1}) || !math.IsInf(float64(dists[3]), 1) {
		t.Fatalf("got %v %v", ids, dists)
	}
	if f.Len() != 2 {
		t.Fatal(f.Len())
	}
}

func TestAddRejectsBadInput(t *testing.T) {
	for _, idx := range []Index{mustFlat(t, 3), mustHNSW(t, 3, HNSWOptions{})} {
		if err := idx.Add([]float32{1, 2}, nil); err == nil {
			t.Fatal("ragged vectors accepted")
		}
		err := idx.Add([]float32{1, 2, 3, 4, float32(math.NaN()), 6}, nil)
		var ce *core.Error
		if !errors.As(err, &ce) || ce.Kind != core.KindInvalidInput || ce.Details["row"] != 1 || ce.Details["dim"] != 1 {
			t.Fatalf("NaN: %v", err)
		}
		if err := idx.Add(nil, nil); err == nil {
			t.Fatal("empty add accepted")
		}
		if err := idx.Add([]float32{1, 2, 3, 4, 5, 6}, []int64{1, 1}); err == nil {
			t.Fatal("duplicate ids accepted")
		}
		if err := idx.Add([]float32{1, 2, 3}, []int64{4}); err != nil {
			t.Fatal(err)
		}
		if err := idx.Add([]float32{1, 2, 3}, []int64{4}); err == nil {
			t.Fatal("existing id accepted")
		}
		if err := idx.Add([]float32{1, 2, 3}, nil); err != nil { // gets id 5
			t.Fatal(err)
		}
		ids, _ := search(t, idx, []float32{1, 2, 3}, 2, 0, nil)
		slices.Sort(ids)
		if !slices.Equal(ids, []int64{4, 5}) {
			t.Fatalf("got %v", ids)
		}
		if err := idx.Search([]float32{1, 2}, 1, 0, nil, make([]int64, 1), make([]float32, 1)); err == nil {
			t.Fatal("wrong query dim accepted")
		}
	}
}

func mustFlat(t testing.TB, d int) *Flat {
	f, err := NewFlat(d, L2)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func mustHNSW(t testing.TB, d int, o HNSWOptions) *HNSW {
	h, err := NewHNSW(d, L2, o)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func measureRecall(t *testing.T, idx Index, metric Metric, base []float32, ids []int64, qs []float32, k, ef int, f *Filter, allowed func(int64) bool) float64 {
	t.Helper()
	d := idx.Dim()
	nq := len(qs) / d
	got, _ := search(t, idx, qs, k, ef, f)
	hits, total := 0, 0
	for qi := 0; qi < nq; qi++ {
		want := bruteForce(metric, base, ids, d, qs[qi*d:(qi+1)*d], k, allowed)
		row := got[qi*k : (qi+1)*k]
		for j, g := range row {
			if j < len(want) && g == -1 {
				t.Fatalf("query %d: only %d results while %d qualify", qi, j, len(want))
			}
			if g != -1 && allowed != nil && !allowed(g) {
				t.Fatalf("query %d returned id %d, which the filter rejects", qi, g)
			}
		}
		hits += recall(row, want)
		total += len(want)
	}
	if total == 0 {
		return 1
	}
	return float64(hits) / float64(total)
}

func TestHNSWRecallOnClusteredData(t *testing.T) {
	n, d := 5000, 32
	if testing.Short() {
		n = 2000
	}
	for _, metric := range []Metric{L2, InnerProduct, Cosine} {
		base := clustered(3, n, d, 20)
		if metric == InnerProduct {
			for o := 0; o < len(base); o += d {
				normalize(base[o : o+d]) // ip on unit vectors, as it is used
			}
		}
		h, err := NewHNSW(d, metric, HNSWOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if err := h.Add(base, nil); err != nil {
			t.Fatal(err)
		}
		qs := clustered(4, 100, d, 20)
		r := measureRecall(t, h, metric, base, seq(n), qs, 10, 0, nil, nil)
		t.Logf("%v recall@10 = %.3f", metric, r)
		if r < 0.95 {
			t.Fatalf("%v recall@10 = %.3f < 0.95", metric, r)
		}
	}
}

func TestHNSWIncrementalAddAndRemove(t *testing.T) {
	n, d := 3000, 16
	base := clustered(5, n, d, 10)
	h := mustHNSW(t, d, HNSWOptions{M: 8})
	for o := 0; o < n; o += 500 { // incremental batches, including single rows
		if err := h.Add(base[o*d:(o+1)*d], nil); err != nil {
			t.Fatal(err)
		}
		if err := h.Add(base[(o+1)*d:(o+500)*d], nil); err != nil {
			t.Fatal(err)
		}
	}
	removed := map[int64]bool{}
	var rm []int64
	for i := 0; i < n; i += 3 {
		rm = append(rm, int64(i))
		removed[int64(i)] = true
	}
	if got, _ := h.Remove(rm); got != len(rm) {
		t.Fatalf("removed %d", got)
	}
	if h.Len() != n-len(rm) {
		t.Fatalf("len %d", h.Len())
	}
	qs := clustered(6, 50, d, 10)
	live := func(id int64) bool { return !removed[id] }
	r := measureRecall(t, h, L2, base, seq(n), qs, 10, 0, nil, live)
	if r < 0.95 {
		t.Fatalf("recall after remove %.3f", r)
	}
	if err := h.Compact(); err != nil {
		t.Fatal(err)
	}
	if h.rows() != n-len(rm) || h.nDead != 0 {
		t.Fatalf("compact left %d rows, %d dead", h.rows(), h.nDead)
	}
	r = measureRecall(t, h, L2, base, seq(n), qs, 10, 0, nil, live)
	if r < 0.95 {
		t.Fatalf("recall after compact %.3f", r)
	}
	// A removed id can be added again.
	if err := h.Add(base[:d], []int64{0}); err != nil {
		t.Fatal(err)
	}
}

func TestHNSWFilteredSearch(t *testing.T) {
	n, d := 20000, 16
	if testing.Short() {
		n = 5000
	}
	base := clustered(7, n, d, 30)
	h := mustHNSW(t, d, HNSWOptions{})
	if err := h.Add(base, nil); err != nil {
		t.Fatal(err)
	}
	qs := clustered(8, 50, d, 30)
	r := rand.New(rand.NewPCG(1, 1))
	for _, frac := range []float64{0.5, 0.1, 0.01, 0.001} {
		mask := make([]bool, n)
		for i := range mask {
			mask[i] = r.Float64() < frac
		}
		allowed := func(id int64) bool { return mask[id] }
		rc := measureRecall(t, h, L2, base, seq(n), qs, 10, 0, &Filter{Mask: mask}, allowed)
		t.Logf("filter %.1f%%: recall@10 %.3f", frac*100, rc)
		if rc < 0.95 {
			t.Fatalf("filter %.1f%%: recall %.3f", frac*100, rc)
		}
		var list []int64
		for i, ok := range mask {
			if ok {
				list = append(list, int64(i))
			}
		}
		rc = measureRecall(t, h, L2, base, seq(n), qs, 10, 0, &Filter{IDs: list}, allowed)
		if rc < 0.95 {
			t.Fatalf("id-list filter %.1f%%: recall %.3f", frac*100, rc)
		}
	}
	// Fewer allowed than k: exactly those come back, then padding.
	ids, _ := search(t, h, qs[:d], 5, 0, &Filter{IDs: []int64{3, 7}})
	slices.Sort(ids[:2])
	if !slices.Equal(ids, []int64{3, 7, -1, -1, -1}) {
		t.Fatalf("got %v", ids)
	}
	ids, _ = search(t, h, qs[:d], 3, 0, &Filter{Mask: []bool{}})
	if !slices.Equal(ids, []int64{-1, -1, -1}) {
		t.Fatalf("empty filter gave %v", ids)
	}
}

func TestSaveLoadRoundTrip(t *testing.T) {
	n, d := 2000, 12
	base := clustered(9, n, d, 8)
	dir := t.TempDir()
	qs := clustered(10, 30, d, 8)
	for _, mk := range []func() Index{
		func() Index { f, _ := NewFlat(d, Cosine); return f },
		func() Index { h, _ := NewHNSW(d, L2, HNSWOptions{M: 6}); return h },
	} {
		idx := mk()
		if err := idx.Add(base, nil); err != nil {
			t.Fatal(err)
		}
		idx.Remove([]int64{1, 2, 3})
		path := filepath.Join(dir, "idx.bin")
		if err := idx.Save(path); err != nil {
			t.Fatal(err)
		}
		back, err := Load(path)
		if err != nil {
			t.Fatal(err)
		}
		if back.Len() != idx.Len() || back.Metric() != idx.Metric() || back.Dim() != d {
			t.Fatalf("len %d/%d", back.Len(), idx.Len())
		}
		a1, b1 := search(t, idx, qs, 10, 0, nil)
		a2, b2 := search(t, back, qs, 10, 0, nil)
		if !slices.Equal(a1, a2) || !slices.Equal(b1, b2) {
			t.Fatal("loaded index answers differently")
		}
		// Still usable for adds.
		if err := back.Add(base[:d], nil); err != nil {
			t.Fatal(err)
		}
	}
}

func savedBytes(t testing.TB) []byte {
	d := 4
	h, _ := NewHNSW(d, L2, HNSWOptions{M: 4, EfConstruction: 20})
	h.Add(clustered(11, 60, d, 3), nil)
	h.Remove([]int64{5})
	path := filepath.Join(t.TempDir(), "small.bin")
	if err := h.Save(path); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func wantInvalid(t *testing.T, err error, what string) {
	t.Helper()
	var ce *core.Error
	if !errors.As(err, &ce) || ce.Kind != core.KindInvalidInput {
		t.Fatalf("%s: want InvalidInputError, got %v", what, err)
	}
	if _, ok := ce.Details["offset"]; !ok {
		t.Fatalf("%s: no offset in %v", what, err)
	}
}

func TestLoadRejectsTruncatedAndCorruptFiles(t *testing.T) {
	good := savedBytes(t)
	if _, err := Decode(good, "x"); err != nil {
		t.Fatal(err)
	}
	for n := 0; n < len(good); n++ {
		_, err := Decode(good[:n], "x")
		wantInvalid(t, err, "truncated")
	}
	for i := 0; i < len(good); i++ {
		bad := bytes.Clone(good)
		bad[i] ^= 0x5a
		_, err := Decode(bad, "x")
		if err == nil {
			t.Fatalf("flipping byte %d went unnoticed", i)
		}
		wantInvalid(t, err, "corrupt")
	}
	_, err := Load(filepath.Join(t.TempDir(), "missing.bin"))
	if core.KindOf(err) != core.KindFileNotFound {
		t.Fatalf("missing file: %v", err)
	}
}
