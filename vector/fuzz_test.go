package vector

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/alopexdb/alopex/core"
)

// fuzzSeeds saves small real indexes, one of each shape the loader knows:
// flat and HNSW, every metric, empty, with removed rows and upper levels.
func fuzzSeeds(tb testing.TB) [][]byte {
	dir := tb.TempDir()
	var out [][]byte
	save := func(idx Index) {
		p := filepath.Join(dir, "seed.bin")
		if err := idx.Save(p); err != nil {
			tb.Fatal(err)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, b)
	}
	out = append(out, savedBytes(tb)) // HNSW l2, 60 rows, one removed
	for _, m := range []Metric{L2, InnerProduct, Cosine} {
		f, _ := NewFlat(3, m)
		f.Add([]float32{1, 2, 3, 4, 5, 6, -1, 0, 0.5}, []int64{0, 7, 3})
		save(f)
		h, _ := NewHNSW(2, m, HNSWOptions{M: 2, EfConstruction: 4, Seed: 3})
		h.Add(clustered(5, 40, 2, 2), nil)
		save(h)
	}
	empty, _ := NewFlat(2, L2)
	save(empty)
	emptyH, _ := NewHNSW(2, Cosine, HNSWOptions{M: 2})
	save(emptyH)
	// Quantized (format version 2): with a removed row, and empty.
	q, _ := NewHNSW(3, L2, HNSWOptions{M: 2, EfConstruction: 4, Seed: 5, Quantization: QuantizationSQ8})
	q.Add(clustered(6, 40, 3, 2), nil)
	q.Remove([]int64{4})
	save(q)
	emptyQ, _ := NewHNSW(2, Cosine, HNSWOptions{M: 2, Quantization: QuantizationSQ8})
	save(emptyQ)
	// Without the current rows' vectors (format version 3), a row removed.
	g, _ := NewHNSW(2, L2, HNSWOptions{M: 3, EfConstruction: 6, Seed: 7})
	g.Add(clustered(8, 50, 2, 3), nil)
	g.Remove([]int64{9})
	p := filepath.Join(dir, "graph.bin")
	if err := g.SaveWithoutVectors(p); err != nil {
		tb.Fatal(err)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		tb.Fatal(err)
	}
	// Quantized with varint links (format version 4).
	gq, _ := NewHNSW(3, L2, HNSWOptions{M: 2, EfConstruction: 4, Seed: 9, Quantization: QuantizationSQ8})
	gq.Add(clustered(7, 30, 3, 2), nil)
	gq.Remove([]int64{2})
	pq := filepath.Join(dir, "graphq.bin")
	if err := gq.SaveWithoutVectors(pq); err != nil {
		tb.Fatal(err)
	}
	bq, err := os.ReadFile(pq)
	if err != nil {
		tb.Fatal(err)
	}
	// Compressed as saved, then the files inside (the damage tests reach
	// the decoder behind the checksums of those).
	out = append(out, bq, b)
	rq, err := inflate(bq, pq)
	if err != nil {
		tb.Fatal(err)
	}
	rb, err := inflate(b, p)
	if err != nil {
		tb.Fatal(err)
	}
	return append(out, rq, rb)
}

// fuzzSource hands a version 3 file vectors made from their ids.
func fuzzSource(id int64, dst []float32) error {
	for i := range dst {
		dst[i] = float32(id%97) + float32(i)
	}
	return nil
}

// TestWriteFuzzSeeds rewrites testdata/fuzz/FuzzIndexLoad from fuzzSeeds
// when ALOPEX_WRITE_FUZZ_SEEDS is set (after a change of the file format).
func TestWriteFuzzSeeds(t *testing.T) {
	if os.Getenv("ALOPEX_WRITE_FUZZ_SEEDS") == "" {
		t.Skip("set ALOPEX_WRITE_FUZZ_SEEDS=1 to rewrite the seed corpus")
	}
	dir := filepath.Join("testdata", "fuzz", "FuzzIndexLoad")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for i, b := range fuzzSeeds(t) {
		body := "go test fuzz v1\n[]byte(" + strconv.Quote(string(b)) + ")\n"
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("seed-%02d", i)), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// reseal recomputes every section checksum of a file (as far as its
// section headers can be followed), so that a mutated file reaches the
// loader's checks behind the checksums instead of failing at the first.
func reseal(data []byte) []byte {
	out := append([]byte(nil), data...)
	off := 16
	for off+16 <= len(out) {
		n := binary.LittleEndian.Uint64(out[off+4:])
		if n > uint64(len(out)-off-16) {
			break
		}
		p := out[off+16 : off+16+int(n)]
		binary.LittleEndian.PutUint32(out[off+12:], crc32.Checksum(p, castagnoli))
		off += 16 + int(n)
	}
	return out
}

// FuzzIndexLoad feeds arbitrary bytes to the index loader: it must never
// panic nor allocate beyond what the bytes describe, must report bad input
// as InvalidInputError, and whatever it accepts must search, add, remove
// and save without panicking.
func FuzzIndexLoad(f *testing.F) {
	for _, b := range fuzzSeeds(f) {
		f.Add(b)
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, b := range [][]byte{data, reseal(data)} {
			idx, err := DecodeWith(b, "fuzz", fuzzSource)
			if err != nil {
				if core.KindOf(err) != core.KindInvalidInput {
					t.Fatalf("wrong kind: %v", err)
				}
				continue
			}
			exerciseLoaded(t, idx, dir)
		}
	})
}

// exerciseLoaded runs every operation on an index Decode accepted; errors
// are fine, panics (which fail the fuzz run) are not.
func exerciseLoaded(t *testing.T, idx Index, dir string) {
	d := idx.Dim()
	n := idx.Len()
	q := make([]float32, 2*d)
	for i := range q {
		q[i] = float32(i%5) - 2
	}
	for _, k := range []int{1, 3, n + 2} {
		ids, dists := make([]int64, 2*k), make([]float32, 2*k)
		if err := idx.Search(q, k, 0, nil, ids, dists); err != nil {
			t.Fatalf("search of a loaded index: %v", err)
		}
		idx.Search(q, k, 1, &Filter{Mask: []bool{true, false, true}}, ids, dists)
		idx.Search(q, k, 0, &Filter{IDs: []int64{0, 1, 2, 5, 9}}, ids, dists)
	}
	idx.Remove([]int64{0, 1})
	if err := idx.Add(q, nil); err != nil && core.KindOf(err) != core.KindInvalidInput {
		t.Fatalf("add to a loaded index: %v", err)
	}
	ids, dists := make([]int64, 4), make([]float32, 4)
	idx.Search(q[:d], 4, 0, nil, ids, dists)
	if h, ok := idx.(*HNSW); ok {
		h.Compact()
	}
	if err := idx.Save(filepath.Join(dir, "again.bin")); err != nil {
		t.Fatalf("save of a loaded index: %v", err)
	}
}
