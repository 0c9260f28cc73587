package storage

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/cockroachdb/pebble/v2/objstorage/objstorageprovider"
	"github.com/cockroachdb/pebble/v2/sstable"
	"github.com/cockroachdb/pebble/v2/vfs"
)

// commitIngest commits a transaction whose writes were spilled: they are
// written, in key order, as one sstable (deletions as point tombstones)
// outside the commit lock, and ingested into the database inside it.
//
// Atomicity: pebble links the file in and applies it with one manifest
// edit, synced before Ingest returns, so after a crash either the whole
// transaction is there or none of it (a leftover file in the temporary
// directory is deleted by the next Open). Ingestion gives the writes a new
// sequence number above every earlier write, so open snapshots do not see
// them, and it flushes an overlapping memtable first, so they shadow older
// values of the same keys.
func (t *Txn) commitIngest(guards []string) error {
	db := t.db
	dir := filepath.Join(db.dir, tmpDirName)
	if err := db.fs.MkdirAll(dir, 0o755); err != nil {
		return storageError(err)
	}
	path := filepath.Join(dir, fmt.Sprintf("commit-%d-%d.sst", os.Getpid(), spillSeq.Add(1)))
	n, err := t.writeSSTable(path)
	defer func() { _ = db.fs.Remove(path) }()
	if err != nil {
		return err
	}
	has := func(k string) bool {
		if _, ok := t.pend.get(k); ok {
			return true
		}
		for _, g := range guards {
			if g == k {
				return true
			}
		}
		return false
	}
	db.txns.mu.Lock()
	defer db.txns.mu.Unlock()
	if k, bad := db.txns.conflictWith(t.start, has); bad {
		return conflictError(k)
	}
	if err := t.pend.failed(); err != nil {
		return err
	}
	if n > 0 {
		if err := db.pdb.Ingest(context.Background(), []string{path}); err != nil {
			return storageError(err)
		}
	}
	var keys []string
	if db.txns.othersOpen() {
		// Later commits of open transactions must see these keys as written:
		// list them (only while such transactions exist).
		if keys, err = t.pend.keysIn(nil, nil); err != nil {
			return err
		}
	}
	db.txns.committed(t.start, keys)
	if t.ddl {
		db.catalogChanged(db.txns.seq)
	}
	return nil
}

// writeSSTable writes the transaction's pending writes to path and returns
// how many it wrote.
func (t *Txn) writeSSTable(path string) (int, error) {
	db := t.db
	f, err := db.fs.Create(path, vfs.WriteCategoryUnspecified)
	if err != nil {
		return 0, storageError(err)
	}
	w := sstable.NewWriter(objstorageprovider.NewFileWritable(f), db.po.MakeWriterOptions(0, db.pdb.TableFormat()))
	n := 0
	it := t.pend.iter(nil, nil)
	for ; it.valid && err == nil; it.next() {
		if it.w.del {
			err = w.Delete([]byte(it.key))
		} else {
			err = w.Set([]byte(it.key), it.w.val)
		}
		n++
	}
	if cerr := it.close(); err == nil {
		err = cerr
	}
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = t.pend.failed()
	}
	return n, storageError(err)
}
