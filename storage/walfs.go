package storage

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/vfs"
	"golang.org/x/sys/unix"
)

// walPreallocCap bounds one preallocation of a file pebble preallocates.
// pebble preallocates each WAL by 110% of the memtable size (70 MiB by
// default) as soon as anything is written to it, with fallocate(KEEP_SIZE):
// a database holding a few kilobytes took 70 MiB per log on disk (du), and
// up to five recycled logs stay beside the live one.
const walPreallocCap = 4 << 20

// walFillAhead is how far past its last record a WAL is filled with zeros
// (walFile), at most. Appending to a file makes every fdatasync write the
// inode too (the file's size changed; on this ext4 without a journal, one
// more block write and wait per commit); writing into blocks already
// written within the file's size makes it a data-only sync, as an
// overwrite of sqlite3's WAL is. Bench (BenchmarkSyncCommit, 80-byte
// write+fdatasync): append ~185 µs wall / 80 µs CPU, overwrite ~115 / 50.
// The fill grows with the log, from walFillMin to walFillAhead: the
// commit whose sync carries a fill writes its zeros too, and a log of a
// few commits should not pay for a MiB of them.
// (Variables: tests and benchmarks set walFillAhead to 0, which turns the
// fill off, to compare.)
var (
	walFillAhead int64 = 1 << 20
	walFillMin   int64 = 64 << 10
)

// cappedFS is the filesystem pebble is given for an on-disk database: the
// one it would use, with preallocations capped at walPreallocCap and
// write-ahead logs written as walFile. It counts WAL syncs (syncs).
type cappedFS struct {
	vfs.FS
	syncs *atomic.Uint64
}

// cappedFile is a file of cappedFS.
type cappedFile struct {
	vfs.File
}

// isWAL reports whether a file pebble creates is a write-ahead log.
func isWAL(name string) bool { return strings.HasSuffix(name, ".log") }

// Create implements vfs.FS.
func (fs cappedFS) Create(name string, category vfs.DiskWriteCategory) (vfs.File, error) {
	f, err := fs.FS.Create(name, category)
	if err != nil {
		return nil, err
	}
	return fs.wrap(name, f), nil
}

// ReuseForWrite implements vfs.FS (pebble reuses recycled WALs this way).
func (fs cappedFS) ReuseForWrite(oldname, newname string, category vfs.DiskWriteCategory) (vfs.File, error) {
	f, err := fs.FS.ReuseForWrite(oldname, newname, category)
	if err != nil {
		return nil, err
	}
	return fs.wrap(newname, f), nil
}

func (fs cappedFS) wrap(name string, f vfs.File) vfs.File {
	if !isWAL(name) {
		return cappedFile{f}
	}
	w := &walFile{cappedFile: cappedFile{f}, syncs: fs.syncs}
	// A recycled log keeps its old size: its blocks are written already.
	if st, err := f.Stat(); err == nil {
		w.filled = st.Size()
	}
	return w
}

// Unwrap implements vfs.FS.
func (fs cappedFS) Unwrap() vfs.FS { return fs.FS }

// Preallocate implements vfs.File: at most walPreallocCap bytes.
func (f cappedFile) Preallocate(offset, length int64) error {
	return f.File.Preallocate(offset, min(length, walPreallocCap))
}

// walFile is a write-ahead log. pebble appends to it with Write; once a
// write ends within ahead/2 of the file's end, the next ahead bytes past
// it are written with zeros, ahead being the log's length so far within
// walFillMin..walFillAhead, from the log's second write on (a pwrite, not
// fallocate: blocks fallocated but never written are "unwritten" extents,
// and writing into them changes metadata again). The following commits
// then write inside the file's size, into written blocks, and their
// fdatasync syncs only data. pebble writes a log only sequentially, with
// Write (record.LogWriter), so off is where its records end. What holds:
//   - pebble's log reader ends a log at a zeroed chunk with nothing valid
//     after it (ErrZeroedChunk, then ErrUnexpectedEOF, tolerated at the
//     tail of the last log; earlier logs end in an EOF trailer before the
//     zeros), exactly as for its own preallocated or recycled logs, so a
//     crash at any point leaves a log pebble replays;
//   - fdatasync after a commit still writes everything the commit needs
//     to be read back (the zeros and the size, if the fill was not synced
//     yet, are flushed by the same call): durability is unchanged;
//   - a fill that fails (a full disk) is ignored: the log is appended to
//     as before, and the write itself reports the error;
//   - Close cuts the zeros off (a closed log is as long as its records).
type walFile struct {
	cappedFile
	syncs  *atomic.Uint64
	off    int64 // where the next Write goes (pebble writes sequentially)
	filled int64 // the file's size: records and zeros
}

// Write implements io.Writer.
func (f *walFile) Write(p []byte) (int, error) {
	first := f.off == 0
	n, err := f.File.Write(p)
	f.off += int64(n)
	// Not on a log's first write: a log that is only opened and closed
	// (the new one a flush at Close leaves) gets its EOF trailer alone.
	if ahead := min(max(f.off, walFillMin), walFillAhead); err == nil && !first && ahead > 0 && f.off > f.filled-ahead/2 {
		f.fill(ahead)
	}
	return n, err
}

// fill writes zeros up to ahead bytes past the last record.
func (f *walFile) fill(ahead int64) {
	end := f.off + ahead
	from := max(f.off, f.filled)
	if end <= from {
		return
	}
	if _, err := f.File.WriteAt(make([]byte, end-from), from); err != nil {
		// Appending works as before; do not retry this on every write.
		f.filled = end
		return
	}
	f.filled = end
}

// Sync implements vfs.File.
func (f *walFile) Sync() error {
	f.syncs.Add(1)
	return f.File.Sync()
}

// SyncData implements vfs.File (pebble syncs WALs with it: fdatasync).
func (f *walFile) SyncData() error {
	f.syncs.Add(1)
	return f.File.SyncData()
}

// Close implements io.Closer: the log loses its zeros (pebble has synced
// it already; a crash before the truncation is durable leaves zeros that
// the reader skips).
func (f *walFile) Close() error {
	if fd := f.File.Fd(); f.filled > f.off && fd != vfs.InvalidFd {
		_ = unix.Ftruncate(int(fd), f.off)
	}
	return f.File.Close()
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
