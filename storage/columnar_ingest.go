package storage

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/cockroachdb/pebble/v2/objstorage/objstorageprovider"
	"github.com/cockroachdb/pebble/v2/sstable"
	"github.com/cockroachdb/pebble/v2/vfs"
)

// chunkFile is the sstable a bulk load into a new columnar table writes
// its column chunks to, ingested at commit with the transaction's other
// writes (as LoadNew does for a row table). Written through the pending
// writes instead, every chunk was copied into the transaction's arena,
// spilled to the spill store once it passed TxnMemory (an sstable, then
// that store's compactions), and written once more into the commit's
// sstable: each byte compressed and written about three times.
type chunkFile struct {
	db   *DB
	path string
	w    *sstable.Writer
}

// newChunkFile creates an empty chunk file in the temporary directory.
func (t *Txn) newChunkFile() (*chunkFile, error) {
	db := t.db
	dir := filepath.Join(db.dir, tmpDirName)
	if err := db.fs.MkdirAll(dir, 0o755); err != nil {
		return nil, storageError(err)
	}
	path := filepath.Join(dir, fmt.Sprintf("load-%d-%d.sst", os.Getpid(), spillSeq.Add(1)))
	f, err := db.fs.Create(path, vfs.WriteCategoryUnspecified)
	if err != nil {
		return nil, storageError(err)
	}
	wo := db.po.MakeWriterOptions(0, db.pdb.TableFormat())
	// Chunks are zstd already: pebble's block compression would spend CPU
	// on every byte and keep almost nothing.
	wo.Compression = sstable.NoCompression
	return &chunkFile{db: db, path: path, w: sstable.NewWriter(objstorageprovider.NewFileWritable(f), wo)}, nil
}

// add appends one chunk; keys must ascend.
func (f *chunkFile) add(key, val []byte) error {
	return storageError(f.w.Set(key, val))
}

// finish closes the file and returns its path; abort closes and deletes it.
func (f *chunkFile) finish() (string, error) {
	err := f.w.Close()
	f.w = nil
	if err != nil {
		_ = f.db.fs.Remove(f.path)
		return "", storageError(err)
	}
	return f.path, nil
}

func (f *chunkFile) abort() {
	if f.w != nil {
		_ = f.w.Close()
		f.w = nil
	}
	_ = f.db.fs.Remove(f.path)
}
