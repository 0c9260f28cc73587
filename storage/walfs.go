package storage

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/cockroachdb/pebble/v2/vfs"
)

// walPreallocCap bounds one preallocation of a write-ahead log. pebble
// preallocates each WAL by 110% of the memtable size (70 MiB by default)
// as soon as anything is written to it, with fallocate(KEEP_SIZE): a
// database holding a few kilobytes took 70 MiB per log on disk (du), and
// up to five recycled logs stay beside the live one. Preallocation only
// saves block allocations on the following syncs; a few MiB ahead keeps
// most of that (the size of the file still changes with every append).
const walPreallocCap = 4 << 20

// cappedFS is the filesystem pebble is given for an on-disk database: the
// one it would use, with preallocations capped at walPreallocCap.
type cappedFS struct {
	vfs.FS
}

// cappedFile is a file of cappedFS.
type cappedFile struct {
	vfs.File
}

// Create implements vfs.FS.
func (fs cappedFS) Create(name string, category vfs.DiskWriteCategory) (vfs.File, error) {
	f, err := fs.FS.Create(name, category)
	if err != nil {
		return nil, err
	}
	return cappedFile{f}, nil
}

// ReuseForWrite implements vfs.FS (pebble reuses recycled WALs this way).
func (fs cappedFS) ReuseForWrite(oldname, newname string, category vfs.DiskWriteCategory) (vfs.File, error) {
	f, err := fs.FS.ReuseForWrite(oldname, newname, category)
	if err != nil {
		return nil, err
	}
	return cappedFile{f}, nil
}

// Unwrap implements vfs.FS.
func (fs cappedFS) Unwrap() vfs.FS { return fs.FS }

// Preallocate implements vfs.File: at most walPreallocCap bytes.
func (f cappedFile) Preallocate(offset, length int64) error {
	return f.File.Preallocate(offset, min(length, walPreallocCap))
}

// flushForClose moves what only the WAL holds into sstables before Close:
// the memtables are flushed (their data compressed, the reopen replays no
// log), so every WAL but the live, empty one becomes obsolete. It returns
// how many WAL files are still live (-1: unknown; keep every log).
func (db *DB) flushForClose() int {
	if db.dir == "" || db.opts.ReadOnly || db.broken != nil {
		return -1
	}
	if err := db.pdb.Flush(); err != nil {
		return -1
	}
	return int(db.pdb.Metrics().WAL.Files)
}

// removeObsoleteWALs deletes, after pebble closed, the WAL files beyond
// the live ones: pebble keeps obsolete logs for recycling (each as big as
// it was written, and preallocated), which only serve an open database.
// Live logs are the highest-numbered ones (a log becomes obsolete once
// every log before it is flushed), so the `live` newest are kept. A crash
// before this leaves them to pebble, which deletes them on the next Open.
func (db *DB) removeObsoleteWALs(live int) {
	if live < 0 {
		return
	}
	names, err := db.fs.List(db.dir)
	if err != nil {
		return
	}
	type walFile struct {
		num  uint64
		name string
	}
	var logs []walFile
	for _, name := range names {
		base, ok := strings.CutSuffix(name, ".log")
		if !ok {
			continue
		}
		n, err := strconv.ParseUint(base, 10, 64)
		if err != nil {
			return // not a name pebble gives: touch nothing
		}
		logs = append(logs, walFile{n, name})
	}
	if len(logs) <= live {
		return
	}
	slices.SortFunc(logs, func(a, b walFile) int { return cmp.Compare(a.num, b.num) })
	for _, l := range logs[:len(logs)-live] {
		_ = db.fs.Remove(db.fs.PathJoin(db.dir, l.name))
	}
	if d, err := db.fs.OpenDir(db.dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}
