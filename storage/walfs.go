package storage

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cockroachdb/pebble/v2"
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
// how many WAL files are still live (-1: not flushed; keep every log: the
// next Open replays them).
func (db *DB) flushForClose() int {
	if db.dir == "" || db.opts.ReadOnly || db.broken != nil {
		return -1
	}
	// A flush rotates the WAL, and pebble panics (the process aborts) when
	// it cannot close the old log: flush only with room to spare.
	need := 2*db.pdb.Metrics().MemTable.Size + 64<<20
	if du, err := db.fs.GetDiskUsage(db.dir); err != nil || du.AvailBytes < need {
		return -1
	}
	done, err := db.pdb.AsyncFlush()
	if err != nil {
		return -1
	}
	// pebble retries a failed flush without end (a full disk): Close must
	// not wait for it. The first background error gives up, so does a
	// flush slower than closeFlushWait; the WAL then stays as it is.
	select {
	case <-done:
	case <-db.bgErr:
		return -1
	case <-time.After(closeFlushWait):
		return -1
	}
	return int(db.pdb.Metrics().WAL.Files)
}

// closeFlushWait bounds the flush of Close.
const closeFlushWait = 60 * time.Second

// eventListener reports pebble's background errors (failed flushes and
// compactions) on db.bgErr, for flushForClose.
func (db *DB) eventListener() *pebble.EventListener {
	db.bgErr = make(chan struct{}, 1)
	return &pebble.EventListener{BackgroundError: func(error) {
		select {
		case db.bgErr <- struct{}{}:
		default:
		}
	}}
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
