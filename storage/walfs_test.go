package storage

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/cockroachdb/pebble/v2/vfs/errorfs"
)

// walFiles returns the WAL files of dir and the bytes they take on disk.
func walFiles(t *testing.T, dir string) (names []string, blocks int64) {
	t.Helper()
	logs, err := filepath.Glob(filepath.Join(dir, "*.log"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range logs {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, filepath.Base(p))
		blocks += diskBytes(st)
	}
	return names, blocks
}

// TestCloseLeavesOneSmallWAL: rows committed through the WAL (several
// logs, as a growing memtable rotates them) are in sstables after Close,
// which leaves one live, empty log and no recycled or preallocated one;
// the rows read back after a reopen.
func TestCloseLeavesOneSmallWAL(t *testing.T) {
	dir := t.TempDir()
	db, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	notNullKV(t, db)
	for lo := int64(0); lo < 40_000; lo += 10_000 {
		run(t, db, func(tx *Txn) error {
			_, err := tx.Insert("t", kvRows(t, lo, lo+10_000, func(k int64) int64 { return k }, nil), ConflictError)
			return err
		})
	}
	want := scanRows(t, db, "t", ScanOptions{})
	if _, blocks := walFiles(t, dir); blocks > 3*walPreallocCap+8<<20 {
		t.Errorf("the open database's WALs take %d bytes", blocks)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if names, blocks := walFiles(t, dir); len(names) != 1 || blocks > 64<<10 {
		t.Errorf("after Close: WALs %v taking %d bytes; want one empty log", names, blocks)
	}
	db, err = Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	eqRows(t, scanRows(t, db, "t", ScanOptions{}), want)
}

// TestCloseOnAFullDisk: on a full disk (writes fail, no free space to
// report) Close does not flush (a WAL rotation that cannot close the old
// log makes pebble panic), keeps the WAL, and the reopened database holds
// every committed row.
func TestCloseOnAFullDisk(t *testing.T) {
	dir := t.TempDir()
	tg := &errorfs.Toggle{Injector: errorfs.InjectorFunc(func(op errorfs.Op) error {
		if op.Kind.ReadOrWrite() == errorfs.OpIsWrite || op.Kind == errorfs.OpGetDiskUsage {
			return &vfsPathError{op: op}
		}
		return nil
	})}
	var inj errorfs.Injector = tg
	db, err := Open(dir, Options{fs: errorfs.Wrap(vfs.Default, inj)})
	if err != nil {
		t.Fatal(err)
	}
	notNullKV(t, db)
	run(t, db, func(tx *Txn) error {
		_, err := tx.Insert("t", kvRows(t, 0, 100, func(k int64) int64 { return k }, nil), ConflictError)
		return err
	})
	want := scanRows(t, db, "t", ScanOptions{})
	tg.On()
	closed := make(chan struct{})
	go func() {
		_ = db.Close()
		close(closed)
	}()
	select {
	case <-closed:
	case <-time.After(closeFlushWait / 2):
		t.Fatal("Close waits for a flush that cannot succeed")
	}
	tg.Off()
	db, err = Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	eqRows(t, scanRows(t, db, "t", ScanOptions{}), want)
}

// diskBytes is what a file takes on disk, as du counts it (its size where
// the system does not say).
func diskBytes(st os.FileInfo) int64 {
	if s, ok := st.Sys().(*syscall.Stat_t); ok {
		return s.Blocks * 512
	}
	return st.Size()
}

// copyDir copies the files of src into a new directory: what a power cut
// leaves of an open database whose last commit was synced.
func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

// TestWALCommitsWriteInsideTheLog: small synced commits write into the
// zeros walFile put ahead of them, so the log's size (which makes every
// fdatasync of an append write the inode as well) changes once per
// fill, not per commit; each commit syncs the log once;
// a copy of the open database (its log ending in zeros) opens with every
// commit, and Close cuts the zeros off.
func TestWALCommitsWriteInsideTheLog(t *testing.T) {
	dir := t.TempDir()
	db, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = db.Close() }()
	notNullKV(t, db)
	logSize := func() int64 {
		t.Helper()
		logs, err := filepath.Glob(filepath.Join(dir, "*.log"))
		if err != nil || len(logs) != 1 {
			t.Fatalf("WAL files %v (%v)", logs, err)
		}
		st, err := os.Stat(logs[0])
		if err != nil {
			t.Fatal(err)
		}
		return st.Size()
	}
	const commits = 300
	changes, last := 0, logSize()
	syncs := db.WALSyncs()
	for k := int64(0); k < commits; k++ {
		run(t, db, func(tx *Txn) error {
			_, err := tx.InsertValues("t", []int{0, 1}, [][]any{{k, k}}, ConflictError)
			return err
		})
		if s := logSize(); s != last {
			changes, last = changes+1, s
		}
	}
	if got := db.WALSyncs() - syncs; got != commits {
		t.Errorf("%d WAL syncs for %d commits", got, commits)
	}
	if changes > 2 {
		t.Errorf("the WAL's size changed at %d of %d commits", changes, commits)
	}
	want := scanRows(t, db, "t", ScanOptions{})
	if len(want) != commits {
		t.Fatalf("%d rows", len(want))
	}
	if last < walFillMin/2 {
		t.Errorf("the WAL is %d bytes: no zeros ahead of its records", last)
	}

	crashed, err := Open(copyDir(t, dir), Options{})
	if err != nil {
		t.Fatal(err)
	}
	eqRows(t, scanRows(t, crashed, "t", ScanOptions{}), want)
	if err := crashed.Close(); err != nil {
		t.Fatal(err)
	}

	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if names, blocks := walFiles(t, dir); len(names) != 1 || blocks > 64<<10 {
		t.Errorf("after Close: WALs %v taking %d bytes; want one empty log", names, blocks)
	}
	db, err = Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	eqRows(t, scanRows(t, db, "t", ScanOptions{}), want)
}
