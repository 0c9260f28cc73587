package storage

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/alopexdb/alopex/vector"
)

// vecFuzzDim is the dimension of the column the fuzzed files are loaded for.
const vecFuzzDim = 3

// savedVecFiles returns the bytes of a saved index and its keys file: four
// labels (a current vector, a replaced one, a NULL, a current vector) over
// an index of the kind given.
func savedVecFiles(t testing.TB, hnsw bool) (idx, keys []byte) {
	var x vector.Index
	var err error
	if hnsw {
		x, err = vector.NewHNSW(vecFuzzDim, vector.L2, vector.HNSWOptions{M: 4, EfConstruction: 8, Seed: 1})
	} else {
		x, err = vector.NewFlat(vecFuzzDim, vector.Cosine)
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := x.Add([]float32{1, 0, 0, 0, 1, 0, 0, 0, 1}, []int64{0, 1, 3}); err != nil {
		t.Fatal(err)
	}
	if _, err := x.Remove([]int64{1}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "x.idx")
	if err := x.Save(path); err != nil {
		t.Fatal(err)
	}
	if idx, err = os.ReadFile(path); err != nil {
		t.Fatal(err)
	}
	keys = encodeVecKeys([]vecLabel{{key: "r0"}, {key: "r1", died: ^uint64(0)}, {key: "r2", null: true}, {key: "r3"}})
	return idx, keys
}

// sealKeys gives a keys file the checksum of its bytes, so that fuzzed
// contents reach the decoder behind it.
func sealKeys(b []byte) []byte {
	if len(b) < 4 {
		return b
	}
	out := append([]byte(nil), b...)
	binary.LittleEndian.PutUint32(out[len(out)-4:], crc32.Checksum(out[:len(out)-4], castagnoli))
	return out
}

// sealIndex gives each section of an index file (a 16-byte file header,
// then sections of a tag, a length, a CRC-32C and the bytes; vector's
// format.go) its checksum.
func sealIndex(b []byte) []byte {
	out := append([]byte(nil), b...)
	for off := 16; off+16 <= len(out); {
		n := binary.LittleEndian.Uint64(out[off+4:])
		if n > uint64(len(out)-off-16) {
			break
		}
		binary.LittleEndian.PutUint32(out[off+12:], crc32.Checksum(out[off+16:off+16+int(n)], castagnoli))
		off += 16 + int(n)
	}
	return out
}

// FuzzVecIndexKeysLoad feeds arbitrary bytes as a saved vector index and
// its keys file to the loader a first search runs (loadSaved): it must
// never panic nor allocate more than a small multiple of the bytes, and an
// index it accepts must search, take changes, collect and save again
// without panicking or failing (a damaged pair must be refused, so that
// the index is rebuilt from the table).
func FuzzVecIndexKeysLoad(f *testing.F) {
	for _, hnsw := range []bool{false, true} {
		idx, keys := savedVecFiles(f, hnsw)
		f.Add(idx, keys, false)
		f.Add(idx[:len(idx)/2], keys, true)
		f.Add(idx, keys[:len(keys)-3], true)
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, idxData, keysData []byte, seal bool) {
		if seal {
			idxData, keysData = sealIndex(idxData), sealKeys(keysData)
		}
		idxPath, keysPath := filepath.Join(dir, "f.idx"), filepath.Join(dir, "f.keys")
		if err := os.WriteFile(idxPath, idxData, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(keysPath, keysData, 0o644); err != nil {
			t.Fatal(err)
		}
		lv := &liveVec{typ: colType{dim: vecFuzzDim}, idx: newVecIndex(nil, 0), loadFrom: [2]string{idxPath, keysPath}}
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		err := lv.loadSaved(nil)
		runtime.ReadMemStats(&after)
		if grew := after.TotalAlloc - before.TotalAlloc; grew > 64*uint64(len(idxData)+len(keysData))+1<<20 {
			t.Fatalf("loading %d + %d bytes allocated %d", len(idxData), len(keysData), grew)
		}
		if err != nil {
			return // damaged: the caller rebuilds the index
		}
		exerciseLoadedVec(t, lv.idx, filepath.Join(dir, "again"))
	})
}

// exerciseLoadedVec runs what a loaded index goes through: searches, a
// commit that replaces, adds and deletes rows, collection, saving.
func exerciseLoadedVec(t *testing.T, v *vecIndex, path string) {
	q := []float32{1, 2, 3}
	for _, k := range []int{1, 4, 100} {
		if _, _, err := v.search(q, k, 0, 1, nil); err != nil {
			t.Fatalf("search of a loaded index: %v", err)
		}
	}
	v.mu.RLock()
	var some string
	for k := range v.live {
		some = k
		break
	}
	v.mu.RUnlock()
	v.enqueue(vecChange{seq: 2, key: some, vec: []float32{0, 1, 1}})
	v.enqueue(vecChange{seq: 2, key: "new", vec: []float32{1, 1, 0}})
	v.enqueue(vecChange{seq: 3, key: "new"})
	if _, _, err := v.search(q, 3, 0, 3, nil); err != nil {
		t.Fatalf("search after changes to a loaded index: %v", err)
	}
	if err := v.gc(3); err != nil {
		t.Fatalf("gc of a loaded index: %v", err)
	}
	if err := v.save(path+".idx", path+".keys"); err != nil {
		t.Fatalf("save of a loaded index: %v", err)
	}
}

// TestVecFilesThatDisagreeAreRefused: a keys file and an index that each
// pass their checksums but do not belong together (a row with two current
// versions; a label the keys file calls replaced whose vector the index
// still holds) are refused, so the index is rebuilt rather than answering
// with ghost or missing rows.
func TestVecFilesThatDisagreeAreRefused(t *testing.T) {
	idx, _ := savedVecFiles(t, true)
	for name, labels := range map[string][]vecLabel{
		"two current versions": {{key: "r0"}, {key: "r1", died: ^uint64(0)}, {key: "r2", null: true}, {key: "r0"}},
		"a gone label indexed": {{key: "r0"}, {key: "r1"}, {key: "r2", null: true}, {key: "r3", died: ^uint64(0)}},
	} {
		dir := t.TempDir()
		idxPath, keysPath := filepath.Join(dir, "f.idx"), filepath.Join(dir, "f.keys")
		if err := os.WriteFile(idxPath, idx, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(keysPath, encodeVecKeys(labels), 0o644); err != nil {
			t.Fatal(err)
		}
		lv := &liveVec{typ: colType{dim: vecFuzzDim}, idx: newVecIndex(nil, 0), loadFrom: [2]string{idxPath, keysPath}}
		if err := lv.loadSaved(nil); err == nil {
			t.Errorf("%s: loaded", name)
		}
	}
}

// TestWriteVecFuzzCorpus writes the seed files of FuzzVecIndexKeysLoad
// under testdata/fuzz when ALOPEX_WRITE_CORPUS is set (kept in the
// repository).
func TestWriteVecFuzzCorpus(t *testing.T) {
	if os.Getenv("ALOPEX_WRITE_CORPUS") == "" {
		t.Skip("set ALOPEX_WRITE_CORPUS=1 to rewrite testdata/fuzz")
	}
	dir := filepath.Join("testdata", "fuzz", "FuzzVecIndexKeysLoad")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, hnsw := range []bool{false, true} {
		idx, keys := savedVecFiles(t, hnsw)
		kind := map[bool]string{false: "flat", true: "hnsw"}[hnsw]
		for name, args := range map[string][3]any{
			"valid":          {idx, keys, false},
			"truncated_idx":  {idx[:len(idx)/2], keys, true},
			"truncated_keys": {idx, keys[:len(keys)-3], true},
		} {
			body := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n[]byte(%q)\nbool(%v)\n", args[0], args[1], args[2])
			if err := os.WriteFile(filepath.Join(dir, kind+"_"+name), []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}
