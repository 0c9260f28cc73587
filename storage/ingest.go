package storage

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/cockroachdb/pebble/v2/objstorage/objstorageprovider"
	"github.com/cockroachdb/pebble/v2/sstable"
	"github.com/cockroachdb/pebble/v2/vfs"

	"github.com/alopexdb/alopex/core"
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
	paths, err := t.writeSSTables(dir)
	defer func() {
		for _, p := range paths {
			_ = db.fs.Remove(p)
		}
	}()
	if err != nil {
		return err
	}
	for _, b := range t.bulk {
		paths = append(paths, b.path)
	}
	has := func(k string) bool {
		if _, ok := t.pend.get(k); ok {
			return true
		}
		return slices.Contains(guards, k) || t.guardedByPrefix(k) || t.bulkHas(k)
	}
	db.txns.mu.Lock()
	defer db.txns.mu.Unlock()
	if k, bad := db.txns.conflictWith(t.start, has); bad {
		return conflictError(k)
	}
	if err := t.pend.failed(); err != nil {
		return err
	}
	if len(paths) > 0 {
		if err := db.pdb.Ingest(context.Background(), paths); err != nil {
			return storageError(err)
		}
	}
	var keys []string
	if db.txns.othersOpen() {
		// Later commits of open transactions must see these keys as written:
		// list them (only while such transactions exist). Keys loaded into
		// a table created here need not be: no other transaction sees it.
		if keys, err = t.pend.keysIn(nil, nil); err != nil {
			return err
		}
		for _, b := range t.bulk {
			for i := range b.keys.len() {
				keys = append(keys, string(b.keys.at(i)))
			}
		}
	}
	db.txns.committed(t.start, keys)
	db.vecOnCommit(db.txns.seq, t)
	if t.ddl {
		db.catalogChanged(db.txns.seq)
	}
	return nil
}

// writeSSTables writes the transaction's pending writes, in key order, to
// new sstables in dir: one per stretch of keys between the bulk-loaded
// key ranges, since the files of one ingestion must not overlap.
func (t *Txn) writeSSTables(dir string) (paths []string, err error) {
	db := t.db
	var w *sstable.Writer
	seg := -1
	closeW := func() {
		if w != nil {
			if cerr := w.Close(); err == nil {
				err = storageError(cerr)
			}
			w = nil
		}
	}
	if t.pend.spilled() {
		// The writes still in memory go to the spill store first: the
		// merged iterator would copy their list (pendIter.mem), memory on
		// top of theirs at the very end of the biggest transactions.
		if err = t.pend.spillNow(); err != nil {
			return nil, err
		}
	}
	it := t.pend.iter(nil, nil)
	for ; it.valid && err == nil; it.next() {
		s := 0
		for _, b := range t.bulk {
			if it.key >= string(b.lo) {
				s++
			}
			if it.key >= string(b.lo) && it.key < string(b.hi) {
				err = core.Errorf(core.KindInternal, "a pending write inside a bulk-loaded key range")
			}
		}
		if err != nil {
			break
		}
		if w == nil || s != seg {
			closeW()
			if err != nil {
				break
			}
			path := filepath.Join(dir, fmt.Sprintf("commit-%d-%d.sst", os.Getpid(), spillSeq.Add(1)))
			f, cerr := db.fs.Create(path, vfs.WriteCategoryUnspecified)
			if cerr != nil {
				err = storageError(cerr)
				break
			}
			paths = append(paths, path)
			w = sstable.NewWriter(objstorageprovider.NewFileWritable(f), db.po.MakeWriterOptions(0, db.pdb.TableFormat()))
			seg = s
		}
		if it.w.del {
			err = w.Delete([]byte(it.key))
		} else {
			err = w.Set([]byte(it.key), it.w.val)
		}
		err = storageError(err)
	}
	if cerr := it.close(); err == nil {
		err = cerr
	}
	closeW()
	if err == nil {
		err = t.pend.failed()
	}
	return paths, err
}

// bulkHas reports whether k is a key LoadAppend loaded.
func (t *Txn) bulkHas(k string) bool {
	for _, b := range t.bulk {
		if b.keys != nil && k >= string(b.lo) && k < string(b.hi) && b.keys.has(k) {
			return true
		}
	}
	return false
}
