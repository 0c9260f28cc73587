package storage

import (
	"syscall"
	"testing"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/cockroachdb/pebble/v2/vfs/errorfs"

	"github.com/alopexdb/alopex/core"
)

// diskFull fails every write with ENOSPC while it is on.
func diskFull() (*errorfs.Toggle, errorfs.Injector) {
	tg := &errorfs.Toggle{Injector: errorfs.InjectorFunc(func(op errorfs.Op) error {
		if op.Kind.ReadOrWrite() == errorfs.OpIsWrite {
			return &vfsPathError{op: op}
		}
		return nil
	})}
	return tg, tg
}

type vfsPathError struct{ op errorfs.Op }

func (e *vfsPathError) Error() string { return e.op.Path + ": no space left on device" }
func (e *vfsPathError) Unwrap() error { return syscall.ENOSPC }

// A full disk fails the commit (small and spilled ones) with a StorageIO
// error that says so; nothing of the failed transactions is applied and
// the database reopens with every committed row.
func TestDiskFull(t *testing.T) {
	dir := t.TempDir()
	tg, inj := diskFull()
	db, err := Open(dir, Options{TxnMemory: 4 << 10, fs: errorfs.Wrap(vfs.Default, inj)})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	notNullKV(t, db)
	run(t, db, func(tx *Txn) error {
		_, err := tx.Insert("t", kvRows(t, 0, 100, func(k int64) int64 { return k }, nil), ConflictError)
		return err
	})
	want := scanRows(t, db, "t", ScanOptions{})
	tg.On()
	insert := func(lo, n int64) error {
		return db.Run(func(tx *Txn) error {
			_, err := tx.Insert("t", kvRows(t, lo, lo+n, func(k int64) int64 { return k }, nil), ConflictError)
			return err
		})
	}
	diskFullErr := func(err error) {
		t.Helper()
		wantKind(t, err, core.KindStorageIO)
		if ce := err.(*core.Error); ce.Details["reason"] != "disk_full" {
			t.Errorf("details %v: %v", ce.Details, err)
		}
	}
	// A spilled commit fails writing its sstable, before anything is
	// applied: the database stays usable.
	diskFullErr(insert(1000, 2000))
	eqRows(t, scanRows(t, db, "t", ScanOptions{}), want)
	// A batch commit fails at the WAL; the database refuses new
	// transactions until it is reopened.
	diskFullErr(insert(5000, 10))
	tg.Off()
	_, err = db.Begin()
	wantKind(t, err, core.KindStorageIO)
	db.Close()
	db, err = Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	eqRows(t, scanRows(t, db, "t", ScanOptions{}), want)
}
