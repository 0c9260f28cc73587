package storage

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"

	"github.com/alopexdb/alopex/core"
	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/vfs"
)

// backupSeq names the scratch checkpoints of in-memory databases.
var backupSeq atomic.Uint64

// Backup writes a consistent copy of the database into dest, a directory
// that must not exist yet (or be empty): a pebble checkpoint (sstables hard
// linked where the filesystem allows, the WAL flushed and copied) plus the
// alopex marker, so dest opens as a database of its own, also read-only.
// Writers keep running: the copy holds exactly the transactions committed
// before the checkpoint, each whole, as a crash at that moment would. An
// in-memory database is copied out to dest on disk.
func (db *DB) Backup(dest string) error {
	db.txns.mu.Lock()
	closed := db.closed
	db.txns.mu.Unlock()
	if closed {
		return core.Errorf(core.KindInvalidInput, "the database is closed")
	}
	abs, err := filepath.Abs(dest)
	if err != nil {
		return core.Errorf(core.KindInvalidInput, "backup path %q: %v", dest, err)
	}
	if abs == db.dir {
		return core.Errorf(core.KindInvalidInput, "cannot back up a database into its own directory %q; choose a new directory", dest).With("path", dest)
	}
	entries, err := os.ReadDir(abs)
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		return core.Errorf(core.KindInvalidInput, "backup path %q: %v", dest, err).With("path", dest)
	case len(entries) > 0:
		return core.Errorf(core.KindInvalidInput, "backup destination %q is not empty; choose a new or empty directory (a backup never overwrites files)", dest).With("path", dest)
	default:
		// pebble creates the directory itself and refuses an existing one.
		if err := os.Remove(abs); err != nil {
			return core.Errorf(core.KindInvalidInput, "backup path %q: %v", dest, err).With("path", dest)
		}
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
		return core.Errorf(core.KindInvalidInput, "backup path %q: %v", dest, err).With("path", dest)
	}
	if db.dir != "" {
		err = db.pdb.Checkpoint(abs, pebble.WithFlushedWAL())
	} else {
		err = db.backupInMemory(abs)
	}
	if err != nil {
		_ = os.RemoveAll(abs)
		return backupError(dest, err)
	}
	if err := writeMarkerFile(abs); err != nil {
		_ = os.RemoveAll(abs)
		return err
	}
	return nil
}

// backupInMemory checkpoints into the in-memory filesystem, then copies the
// checkpoint's files to dest on disk.
func (db *DB) backupInMemory(dest string) error {
	fs := db.fs
	scratch := fmt.Sprintf("/alopex-backup-%d", backupSeq.Add(1))
	if err := db.pdb.Checkpoint(scratch, pebble.WithFlushedWAL()); err != nil {
		return err
	}
	defer func() { _ = fs.RemoveAll(scratch) }()
	names, err := fs.List(scratch)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dest, 0o755); err != nil {
		return err
	}
	for _, name := range names {
		if err := vfs.CopyAcrossFS(fs, fs.PathJoin(scratch, name), vfs.Default, filepath.Join(dest, name)); err != nil {
			return err
		}
	}
	for _, name := range names {
		if err := syncFile(filepath.Join(dest, name)); err != nil {
			return err
		}
	}
	return syncFile(dest)
}

func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// backupError names the destination in an I/O error of a backup.
func backupError(dest string, err error) error {
	var ce *core.Error
	if errors.As(err, &ce) {
		return err
	}
	return core.Errorf(core.KindStorageIO, "backup to %q failed: %v", dest, err).With("path", dest)
}
