package storage

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/bloom"
	"github.com/cockroachdb/pebble/v2/objstorage/objstorageprovider"
	"github.com/cockroachdb/pebble/v2/sstable"
	"github.com/cockroachdb/pebble/v2/vfs"
)

// tmpDirName is the subdirectory of a database directory holding the spill
// stores of big transactions and the sstables of spilled commits. Nothing in
// it outlives its transaction; Open deletes what a crash left behind.
const tmpDirName = "alopex-tmp"

// Keys of a spill store. A pending write of key k is stored under
// spillPend+k, its value tagged (spillTagDel: a deletion, spillTagSet: a
// value). The before-states of the running statement's writes, needed to
// undo it, are stored under spillUndo + 8-byte sequence, in write order.
const (
	spillPend   = 'p'
	spillUndo   = 'u'
	spillTagDel = 0
	spillTagSet = 1
	// undoAbsent: the key had no pending write before the statement.
	undoAbsent = 2
)

var spillSeq atomic.Uint64

// spillBatchBytes is the most a spill store's write batch grows to before
// it is committed: batches are memory beyond the writes held in memory.
const spillBatchBytes = 4 << 20

// spillStore is where a transaction's pending writes go once they pass the
// memory threshold: a scratch pebble instance (no WAL, small memtable) in
// the database's temporary directory. Each spill writes the in-memory
// writes, which are sorted already, as one sstable and ingests it, so a
// spill costs one sequential write and no memtable work; pebble's
// compactions merge the runs in the background and point reads stay single
// Gets with bloom filters.
type spillStore struct {
	dir    string
	pdb    *pebble.DB
	po     *pebble.Options
	fs     vfs.FS
	nfile  int
	undoN  uint64 // undo records of the running statement
	hasPut bool   // a spill has written pending writes
	// lo and hi are the least and greatest key of a spilled pending write
	// (when hasPut): a key outside them is not spilled, without a lookup.
	// Big inserts write keys in order, so most of their lookups of keys
	// not written yet end here.
	lo, hi string
}

// cover widens [lo, hi] to key.
func (s *spillStore) cover(key string) {
	if !s.hasPut {
		s.lo, s.hi, s.hasPut = key, key, true
		return
	}
	s.lo, s.hi = min(s.lo, key), max(s.hi, key)
}

func openSpillStore(parent string) (*spillStore, error) {
	fs := vfs.Default
	dir := filepath.Join(parent, tmpDirName, fmt.Sprintf("txn-%d-%d", os.Getpid(), spillSeq.Add(1)))
	if err := fs.MkdirAll(dir, 0o755); err != nil {
		return nil, storageError(err)
	}
	po := &pebble.Options{
		DisableWAL:   true,
		MemTableSize: 4 << 20,
		CacheSize:    8 << 20,
		Logger:       quietLogger{},
		FS:           fs,
	}
	po.CompactionConcurrencyRange = func() (int, int) { return 1, 1 }
	for i := range po.Levels {
		po.Levels[i].FilterPolicy = bloom.FilterPolicy(10)
		po.Levels[i].FilterType = pebble.TableFilter
	}
	po.EnsureDefaults()
	pdb, err := pebble.Open(dir, po)
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, storageError(err)
	}
	return &spillStore{dir: dir, pdb: pdb, po: po, fs: fs}, nil
}

// close deletes the spill store and its files.
func (s *spillStore) close() {
	if s == nil {
		return
	}
	_ = s.pdb.Close()
	_ = os.RemoveAll(s.dir)
}

func spillKey(prefix byte, key string) []byte {
	b := make([]byte, 0, 1+len(key))
	return append(append(b, prefix), key...)
}

// get returns the spilled write of key.
func (s *spillStore) get(key string) (pendingWrite, bool, error) {
	if !s.hasPut || key < s.lo || key > s.hi {
		return pendingWrite{}, false, nil
	}
	v, closer, err := s.pdb.Get(spillKey(spillPend, key))
	if errors.Is(err, pebble.ErrNotFound) {
		return pendingWrite{}, false, nil
	}
	if err != nil {
		return pendingWrite{}, false, storageError(err)
	}
	defer closer.Close()
	return decodeSpilled(v), true, nil
}

func decodeSpilled(v []byte) pendingWrite {
	if len(v) == 0 || v[0] == spillTagDel {
		return pendingWrite{del: true}
	}
	return pendingWrite{val: append([]byte(nil), v[1:]...)}
}

func encodeSpilled(b []byte, w pendingWrite) []byte {
	if w.del {
		return append(b, spillTagDel)
	}
	return append(append(b, spillTagSet), w.val...)
}

// ingestSorted writes the writes of next (in strictly increasing key
// order) as one sstable and ingests it.
func (s *spillStore) ingestSorted(next func(yield func(string, pendingWrite) bool)) error {
	s.nfile++
	path := filepath.Join(s.dir, fmt.Sprintf("run-%d.sst", s.nfile))
	f, err := s.fs.Create(path, vfs.WriteCategoryUnspecified)
	if err != nil {
		return storageError(err)
	}
	w := sstable.NewWriter(objstorageprovider.NewFileWritable(f), s.po.MakeWriterOptions(0, s.pdb.TableFormat()))
	var buf, kb []byte
	var first, last string
	for k, pw := range next {
		if first == "" {
			first = k
		}
		last = k
		kb = append(append(kb[:0], spillPend), k...)
		buf = encodeSpilled(buf[:0], pw)
		if err = w.Set(kb, buf); err != nil {
			break
		}
	}
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = s.pdb.Ingest(context.Background(), []string{path})
	}
	_ = s.fs.Remove(path)
	if last != "" {
		// strings.Clone: the keys live in the arena the caller drops.
		s.cover(strings.Clone(first))
		s.cover(strings.Clone(last))
	}
	return storageError(err)
}

// saveUndo records before-states of keys the running statement changed, in
// order (a rollback applies them newest first, so each key ends at its
// oldest recorded state: the one before the statement).
func (s *spillStore) saveUndo(undo []undoEntry) error {
	b := s.pdb.NewBatch()
	defer b.Close()
	var kb, vb []byte
	for _, u := range undo {
		before := pendingWrite{}
		state := byte(undoAbsent)
		if u.had {
			before, state = u.prev, spillTagSet
		} else if s.hasPut {
			w, ok, err := s.get(u.key)
			if err != nil {
				return err
			}
			if ok {
				before, state = w, spillTagSet
			}
		}
		if state != undoAbsent && before.del {
			state = spillTagDel
		}
		s.undoN++
		kb = binary.BigEndian.AppendUint64(append(kb[:0], spillUndo), s.undoN)
		vb = binary.AppendUvarint(append(vb[:0], state), uint64(len(u.key)))
		vb = append(append(vb, u.key...), before.val...)
		if err := b.Set(kb, vb, nil); err != nil {
			return storageError(err)
		}
		if b.Len() > spillBatchBytes {
			// Commit in pieces: one batch of a whole spill's undo records
			// would be as big as the writes the spill frees.
			if err := b.Commit(pebble.NoSync); err != nil {
				return storageError(err)
			}
			b.Reset()
		}
	}
	return storageError(b.Commit(pebble.NoSync))
}

// undoStatement restores the spilled pending writes the running statement
// changed to their state before it, newest record first.
func (s *spillStore) undoStatement() error { return s.undoAfter(0) }

// undoAfter restores the spilled pending writes the running statement
// changed after its undo record pos to their state then, newest record
// first, and forgets those records.
func (s *spillStore) undoAfter(pos uint64) error {
	if s.undoN <= pos {
		return nil
	}
	lo, hi := binary.BigEndian.AppendUint64([]byte{spillUndo}, pos+1), []byte{spillUndo + 1}
	it, err := s.pdb.NewIter(&pebble.IterOptions{LowerBound: lo, UpperBound: hi})
	if err != nil {
		return storageError(err)
	}
	b := s.pdb.NewBatch()
	var kb []byte
	for it.Last(); it.Valid(); it.Prev() {
		v := it.Value()
		state := v[0]
		n, sz := binary.Uvarint(v[1:])
		key := v[1+sz : 1+sz+int(n)]
		kb = append(append(kb[:0], spillPend), key...)
		if state == undoAbsent {
			err = b.Delete(kb, nil)
		} else {
			s.cover(string(key))
			err = b.Set(kb, append([]byte{state}, v[1+sz+int(n):]...), nil)
		}
		if err == nil && b.Len() > spillBatchBytes {
			err = b.Commit(pebble.NoSync)
			b.Reset()
		}
		if err != nil {
			break
		}
	}
	if err == nil {
		err = it.Error()
	}
	_ = it.Close()
	if err == nil {
		err = b.Commit(pebble.NoSync)
	}
	_ = b.Close()
	if err == nil {
		if pos == 0 {
			err = s.clearUndo()
		} else if err = s.pdb.DeleteRange(lo, hi, pebble.NoSync); err == nil {
			s.undoN = pos
		}
	}
	return storageError(err)
}

// clearUndo forgets the running statement's undo records (it ended).
func (s *spillStore) clearUndo() error {
	if s.undoN == 0 {
		return nil
	}
	s.undoN = 0
	return storageError(s.pdb.DeleteRange([]byte{spillUndo}, []byte{spillUndo + 1}, pebble.NoSync))
}

// iter walks the spilled pending writes in [lower, upper) (upper nil: no
// bound).
func (s *spillStore) iter(lower, upper []byte) (*pebble.Iterator, error) {
	hi := []byte{spillPend + 1}
	if upper != nil {
		hi = append([]byte{spillPend}, upper...)
	}
	it, err := s.pdb.NewIter(&pebble.IterOptions{LowerBound: append([]byte{spillPend}, lower...), UpperBound: hi})
	return it, storageError(err)
}

// removeTmpDir deletes the temporary files a crash left in a database
// directory (spill stores of transactions that never committed).
func removeTmpDir(dir string) {
	_ = os.RemoveAll(filepath.Join(dir, tmpDirName))
}
