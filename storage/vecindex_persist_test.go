package storage

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// A vector index saved at Close is loaded at the next Open (not rebuilt),
// applies commits made before its first search, and is rebuilt when its
// files are damaged or stale (a crash after they were written).
func TestVectorIndexPersistence(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "db")
	open := func() *DB {
		db, err := Open(dir, Options{NoSync: true})
		if err != nil {
			t.Fatal(err)
		}
		return db
	}
	db := open()
	run(t, db, func(tx *Txn) error {
		return tx.CreateTable(TableDef{Name: "docs", Columns: []ColumnDef{{Name: "id", Type: i64}, {Name: "v", Type: VectorType(2)}}, PrimaryKey: []string{"id"}})
	})
	var rows []string
	for i := range 20 {
		rows = append(rows, fmt.Sprintf(`{"id": %d, "v": [%d, 0]}`, i, i))
	}
	rows = append(rows, `{"id": 100, "v": null}`)
	run(t, db, func(tx *Txn) error {
		_, err := tx.Insert("docs", vecRows(t, rows...), ConflictError)
		return err
	})
	run(t, db, func(tx *Txn) error {
		return tx.CreateVectorIndex(VectorIndexDef{Name: "by_v", Table: "docs", Column: "v", Kind: "hnsw", Metric: "l2"})
	})
	q := []float32{3.2, 0}
	search := func(db *DB) []int64 {
		var ids []int64
		run(t, db, func(tx *Txn) error { ids, _ = searchIDs(t, tx, q, 3, nil); return nil })
		return ids
	}
	if ids := search(db); !slices.Equal(ids, []int64{3, 4, 2}) {
		t.Fatal(ids)
	}
	run(t, db, func(tx *Txn) error { // an update after the build
		_, err := tx.Update("docs", vecRows(t, `{"id": 3, "v": [1000, 0]}`))
		return err
	})
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, vecDir, "*"))
	if len(files) != 2 {
		t.Fatalf("saved files: %v", files)
	}

	db = open()
	run(t, db, func(tx *Txn) error { // a commit before the first search is queued
		_, err := tx.Insert("docs", vecRows(t, `{"id": 50, "v": [3.1, 0]}`), ConflictError)
		return err
	})
	if ids := search(db); !slices.Equal(ids, []int64{50, 4, 2}) {
		t.Fatalf("after reopening: %v", ids)
	}
	var info VectorIndexInfo
	run(t, db, func(tx *Txn) error {
		ti, err := tx.Describe()
		info = ti[0].VectorIndexes[0]
		return err
	})
	if !info.Built || !info.FromDisk || info.Vectors != 21 || info.Searches != 1 {
		t.Fatalf("the loaded index: %+v", info)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	// Damaged: a flipped byte in the index file; the index is rebuilt.
	files, _ = filepath.Glob(filepath.Join(dir, vecDir, "*.idx"))
	data, _ := os.ReadFile(files[0])
	data[len(data)/2] ^= 0xff
	if err := os.WriteFile(files[0], data, 0o644); err != nil {
		t.Fatal(err)
	}
	db = open()
	if ids := search(db); !slices.Equal(ids, []int64{50, 4, 2}) {
		t.Fatalf("after damage: %v", ids)
	}
	run(t, db, func(tx *Txn) error {
		ti, err := tx.Describe()
		if v := ti[0].VectorIndexes[0]; !v.Built || v.FromDisk {
			t.Fatalf("a damaged index must be rebuilt: %+v", v)
		}
		return err
	})

	// Stale: the process dies after a commit (no Close): the files are
	// from before it and have no token; the index is rebuilt.
	run(t, db, func(tx *Txn) error {
		_, err := tx.Delete("docs", vecRows(t, `{"id": 50, "v": null}`))
		return err
	})
	_ = db.pdb.Close() // as a crash: no Close of ours
	releaseDir(db.dir)
	db = open()
	defer db.Close()
	if ids := search(db); !slices.Equal(ids, []int64{4, 2, 5}) {
		t.Fatalf("after a crash: %v", ids)
	}
}

// encodeVecKeysV1 writes a keys file of format 1 (before front coding and
// zstd): magic, count, per label a flag, the key's length and the key, and
// a CRC-32C.
func encodeVecKeysV1(labels []vecLabel) []byte {
	b := append([]byte(nil), vecKeysMagic...)
	b = binary.AppendUvarint(b, uint64(len(labels)))
	for _, l := range labels {
		var flag byte
		if l.died == 0 {
			flag |= 1
		}
		if l.null {
			flag |= 2
		}
		b = append(b, flag)
		b = binary.AppendUvarint(b, uint64(len(l.key)))
		b = append(b, l.key...)
	}
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, castagnoli))
}

// TestVecKeysFormats: keys files round-trip in format 2 at about a byte a
// label for sequential row keys, and files of format 1 still read.
func TestVecKeysFormats(t *testing.T) {
	var labels []vecLabel
	for i := range 5000 {
		l := vecLabel{key: string(rowPrefix(9)) + string(binary.BigEndian.AppendUint64(nil, uint64(i)^1<<63))}
		switch i % 97 {
		case 3:
			l.null = true
		case 5:
			l.died = ^uint64(0)
		}
		labels = append(labels, l)
	}
	labels = append(labels, vecLabel{key: ""}, vecLabel{key: "zz"}, vecLabel{key: "z"})
	v2, v1 := encodeVecKeys(labels), encodeVecKeysV1(labels)
	if len(v2) > 2*len(labels) || len(v1) < 10*len(labels) {
		t.Errorf("keys file: %d bytes in format 2, %d in format 1, for %d labels", len(v2), len(v1), len(labels))
	}
	for _, data := range [][]byte{v2, v1} {
		got, err := decodeVecKeys(data)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(labels) {
			t.Fatalf("%d labels, want %d", len(got), len(labels))
		}
		for i := range got {
			if got[i] != labels[i] {
				t.Fatalf("label %d: %+v, want %+v", i, got[i], labels[i])
			}
		}
	}
}
