package vector

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/alopexdb/alopex/core"
)

// TestSaveWithoutVectorsRoundTrip: an HNSW saved without its current rows'
// vectors (format version 3) loads back, with the vectors given by id, into
// an index that answers exactly as the original, removed rows included;
// the file is the graph (its links varint-coded), not the vectors; without
// a source it is refused
// with a clear error, and so is a source that fails.
func TestSaveWithoutVectorsRoundTrip(t *testing.T) {
	n, d := 2000, 24
	base := clustered(9, n, d, 8)
	qs := clustered(10, 30, d, 8)
	for _, metric := range []Metric{L2, Cosine} {
		h, err := NewHNSW(d, metric, HNSWOptions{M: 6})
		if err != nil {
			t.Fatal(err)
		}
		if err := h.Add(base, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := h.Remove([]int64{1, 2, 3, 700}); err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		full, graph := filepath.Join(dir, "full.idx"), filepath.Join(dir, "graph.idx")
		if err := h.Save(full); err != nil {
			t.Fatal(err)
		}
		if err := h.SaveWithoutVectors(graph); err != nil {
			t.Fatal(err)
		}
		fs, _ := os.Stat(full)
		gs, _ := os.Stat(graph)
		// Smaller by the current rows' vectors, and by part of the level-0
		// links (varint-coded instead of 1+2m uint32s a row).
		if saved := fs.Size() - gs.Size(); saved <= int64((n-4)*d*4) {
			t.Errorf("the file without vectors is %d bytes smaller; want more than the %d current rows' vectors", saved, n-4)
		}
		calls := 0
		back, err := LoadWith(graph, func(id int64, dst []float32) error {
			calls++
			copy(dst, base[id*int64(d):(id+1)*int64(d)])
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if calls != n-4 || back.Len() != h.Len() {
			t.Fatalf("%d vectors asked for, %d rows loaded; want %d", calls, back.Len(), n-4)
		}
		a1, b1 := search(t, h, qs, 10, 0, nil)
		a2, b2 := search(t, back, qs, 10, 0, nil)
		if !slices.Equal(a1, a2) || !slices.Equal(b1, b2) {
			t.Fatalf("%v: the loaded index answers differently", metric)
		}
		if _, err := Load(graph); err == nil || !strings.Contains(err.Error(), "no vectors") {
			t.Errorf("Load of a file without vectors: %v", err)
		}
		bad := errors.New("the row is gone")
		if _, err := LoadWith(graph, func(int64, []float32) error { return bad }); err == nil || !strings.Contains(err.Error(), "the row is gone") {
			t.Errorf("a failing source: %v", err)
		}
	}
}

// TestDamagedLinksAreRefused: every one-byte change of a version 3 file
// (checksums recomputed, so that the change reaches the decoder behind
// them) loads as a working index or is an InvalidInputError, never a
// panic.
func TestDamagedLinksAreRefused(t *testing.T) {
	seeds := fuzzSeeds(t)
	data := seeds[len(seeds)-1]
	dir := t.TempDir()
	for i := 16; i < len(data); i++ {
		b := append([]byte(nil), data...)
		b[i] ^= 0x5a
		idx, err := DecodeWith(reseal(b), "damaged", fuzzSource)
		if err != nil {
			if core.KindOf(err) != core.KindInvalidInput {
				t.Fatalf("byte %d: wrong kind: %v", i, err)
			}
			continue
		}
		exerciseLoaded(t, idx, dir)
	}
}

// TestSQ8SaveWithoutVectors: a quantized index keeps its codes (version 4:
// no source needed) with the links varint-coded, and answers as before.
func TestSQ8SaveWithoutVectors(t *testing.T) {
	n, d := 1500, 16
	base := clustered(12, n, d, 6)
	qs := clustered(13, 20, d, 6)
	h, err := NewHNSW(d, L2, HNSWOptions{M: 8, Quantization: QuantizationSQ8})
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Add(base, nil); err != nil {
		t.Fatal(err)
	}
	h.Remove([]int64{4, 5})
	dir := t.TempDir()
	full, small := filepath.Join(dir, "full.idx"), filepath.Join(dir, "small.idx")
	if err := h.Save(full); err != nil {
		t.Fatal(err)
	}
	if err := h.SaveWithoutVectors(small); err != nil {
		t.Fatal(err)
	}
	fs, _ := os.Stat(full)
	gs, _ := os.Stat(small)
	if gs.Size() >= fs.Size() {
		t.Errorf("varint links: %d bytes, fixed: %d", gs.Size(), fs.Size())
	}
	back, err := Load(small)
	if err != nil {
		t.Fatal(err)
	}
	a1, b1 := search(t, h, qs, 10, 0, nil)
	a2, b2 := search(t, back, qs, 10, 0, nil)
	if !slices.Equal(a1, a2) || !slices.Equal(b1, b2) {
		t.Fatal("the loaded sq8 index answers differently")
	}
}

// TestLoadWithBulk: a file without vectors loads from a source that writes
// them in place, in any order, into an index that answers as the original;
// a source that leaves a row out, or fails, is an error. The file is saved
// compressed, and the file inside (the layout written before) loads too.
func TestLoadWithBulk(t *testing.T) {
	n, d := 1200, 16
	base := clustered(21, n, d, 6)
	qs := clustered(22, 20, d, 6)
	h, err := NewHNSW(d, L2, HNSWOptions{M: 6})
	if err != nil {
		t.Fatal(err)
	}
	h.Reserve(n)
	if err := h.Add(base, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Remove([]int64{5, 900}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "graph.idx")
	if err := h.SaveWithoutVectors(p); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(p)
	raw, err := inflate(data, p)
	if err != nil || string(data[:8]) != fileMagicZ || len(raw) <= len(data) {
		t.Fatalf("saved %d bytes (%q), %d inside (%v)", len(data), data[:8], len(raw), err)
	}
	old := filepath.Join(dir, "old.idx")
	if err := os.WriteFile(old, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	all := func(skip int64) BulkVectorSource {
		return func(slot func(int64) []float32) error {
			for id := int64(n - 1); id >= 0; id-- { // backwards: any order
				if dst := slot(id); dst != nil && id != skip {
					copy(dst, base[id*int64(d):(id+1)*int64(d)])
				} else if dst != nil {
					return nil // stops early: the row is missing
				}
			}
			return nil
		}
	}
	a1, b1 := search(t, h, qs, 10, 0, nil)
	for _, path := range []string{p, old} {
		back, err := LoadWithBulk(path, all(-1))
		if err != nil {
			t.Fatal(err)
		}
		a2, b2 := search(t, back, qs, 10, 0, nil)
		if !slices.Equal(a1, a2) || !slices.Equal(b1, b2) {
			t.Fatalf("%s: the loaded index answers differently", path)
		}
	}
	if _, err := LoadWithBulk(p, all(7)); err == nil || !strings.Contains(err.Error(), "were supplied") {
		t.Errorf("a row left out: %v", err)
	}
	bad := errors.New("the table is gone")
	if _, err := LoadWithBulk(p, func(func(int64) []float32) error { return bad }); err == nil || !strings.Contains(err.Error(), "the table is gone") {
		t.Errorf("a failing source: %v", err)
	}
}
