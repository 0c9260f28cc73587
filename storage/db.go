package storage

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/bloom"
	"github.com/cockroachdb/pebble/v2/vfs"

	"github.com/alopexdb/alopex/core"
)

// markerFile names the file that makes a directory an alopex database. It
// is written (and synced) into an empty directory before pebble creates
// anything, so a directory with other files and no marker is never touched.
const markerFile = "ALOPEX"

// formatVersion is the on-disk format of keys and values this code writes
// (docs/storage-format.md); Open refuses a newer one.
const formatVersion = 1

// pebbleFormat pins pebble's on-disk format so an upgrade of the library
// never silently rewrites a database into a format older code cannot read.
const pebbleFormat = pebble.FormatValueSeparation

// markerKey is the metadata key holding the same marker inside pebble.
var markerKey = []byte{prefixMeta, 'a', 'l', 'o', 'p', 'e', 'x'}

type marker struct {
	Format int `json:"format"`
}

// openDirs is the process-wide registry of open database directories: the
// pebble LOCK file stops other processes, and this stops a second Open in
// this one (file locks do not exclude their own process everywhere).
var openDirs = struct {
	sync.Mutex
	m map[string]bool
}{m: map[string]bool{}}

// DB is an open database. It is safe for concurrent use by many goroutines.
type DB struct {
	pdb       *pebble.DB
	vec       vecRegistry // vector indexes built so far (vecindex_live.go)
	po        *pebble.Options
	fs        vfs.FS // pebble's filesystem: the OS, or in memory
	dir       string // absolute path; "" in memory
	opts      Options
	writeOpts *pebble.WriteOptions
	// cache is pdb's block cache, made here so that a walk of a whole
	// table can bound its growth (boundCacheGrowth); valid while pdb is
	// open.
	cache *pebble.Cache

	txns   txnTracker
	live   map[*Txn]struct{} // open transactions, guarded by txns.mu
	closed bool              // guarded by txns.mu
	// broken is set when a commit was applied in memory but could not be
	// made durable (its WAL write or sync failed: a full disk). Readers
	// would see a commit that a reopen drops, so every later Begin fails
	// until the database is closed and reopened. Guarded by txns.mu.
	broken error
	alloc  allocators
	descMu sync.Mutex
	descs  map[string]*TableDesc // decoded descriptors by their stored bytes

	// The latest catalog, shared by transactions whose snapshot has it: a
	// point read then costs one pebble Get, not two. catVersion is the
	// commit sequence of the last catalog change; catCache holds tables
	// (by lower-cased name) as of it.
	catMu      sync.RWMutex
	catVersion uint64
	catCache   map[string]*TableDesc

	latestIters latestIters // iterators kept between latest reads (latest.go)

	bgErr chan struct{} // pebble's background errors (walfs.go)

	walSyncs atomic.Uint64 // syncs of write-ahead logs (walfs.go)

	closeOnce sync.Once
}

// Open opens the database in dir, creating it (and dir) when missing. A dir
// held by another open database gives a DatabaseLocked error; a non-empty
// dir that is not an alopex database gives InvalidInput and is left as is.
func Open(dir string, opts Options) (*DB, error) {
	db := &DB{opts: opts, descs: map[string]*TableDesc{}, catCache: map[string]*TableDesc{}}
	db.writeOpts = pebble.Sync
	if opts.NoSync {
		db.writeOpts = pebble.NoSync
	}
	po := db.pebbleOptions()
	if opts.InMemory {
		po.FS = vfs.NewMem()
		dir = ""
	} else {
		if opts.fs != nil {
			po.FS = opts.fs
		}
		po.FS = cappedFS{po.FS, &db.walSyncs} // walfs.go: WALs filled ahead, preallocation capped
		abs, err := filepath.Abs(dir)
		if err != nil {
			return nil, core.Errorf(core.KindInvalidInput, "database path %q: %v", dir, err)
		}
		dir = abs
		if err := claimDir(dir); err != nil {
			return nil, err
		}
		if err := prepareDir(dir, opts); err != nil {
			releaseDir(dir)
			return nil, err
		}
	}
	db.dir, db.po, db.fs = dir, po, po.FS
	po.Cache = pebble.NewCache(po.CacheSize)
	pdb, err := pebble.Open(dir, po)
	// The open database holds its own reference: the cache lives as long.
	db.cache = po.Cache
	po.Cache.Unref()
	if err != nil {
		releaseDir(dir)
		return nil, openError(dir, err)
	}
	db.pdb = pdb
	if dir != "" && !opts.ReadOnly {
		// Only now that pebble holds the LOCK file: another process using
		// the database keeps its temporary files.
		removeTmpDir(dir)
	}
	if err := db.checkMarker(); err != nil {
		_ = pdb.Close()
		releaseDir(dir)
		return nil, err
	}
	db.txns.init()
	db.live = map[*Txn]struct{}{}
	db.alloc.init(db)
	if err := db.loadSavedVectorIndexes(); err != nil {
		_ = pdb.Close()
		releaseDir(dir)
		return nil, err
	}
	return db, nil
}

// pebbleOptions is the pebble configuration, chosen on purpose: see
// docs/storage-format.md, "pebble configuration".
func (db *DB) pebbleOptions() *pebble.Options {
	o := db.opts
	// Unset sizes are capped by the engine's memory limit (when one is set
	// at Open): the cache by a quarter, each memtable by a sixteenth (up to
	// 4 + 1 of them exist at once).
	cacheSize := o.CacheSize
	if cacheSize <= 0 {
		cacheSize = boundedBy(defaultCacheSize(), 4)
	}
	memTable := o.MemTableSize
	if memTable == 0 {
		memTable = uint64(boundedBy(defaultMemTableSize, 16))
	}
	compactions := o.CompactionConcurrency
	if compactions <= 0 {
		compactions = defaultCompactions
	}
	po := &pebble.Options{
		FormatMajorVersion:    pebbleFormat,
		CacheSize:             cacheSize,
		MemTableSize:          memTable,
		ReadOnly:              o.ReadOnly,
		ErrorIfNotExists:      o.ErrorIfMissing || o.ReadOnly,
		Logger:                quietLogger{},
		L0CompactionThreshold: 4,
		// Writes stall only well past the point compactions fall behind:
		// bulk loads fill several memtables in a row.
		MemTableStopWritesThreshold: 4,
		EventListener:               db.eventListener(),
	}
	po.CompactionConcurrencyRange = func() (int, int) { return 1, compactions }
	for i := range po.Levels {
		// Bloom filters make point lookups (primary-key Get, the uniqueness
		// checks of every insert) skip tables without the key.
		po.Levels[i].FilterPolicy = bloom.FilterPolicy(10)
		po.Levels[i].FilterType = pebble.TableFilter
	}
	po.EnsureDefaults()
	return po
}

// prepareDir creates dir or checks it is an alopex database, and writes the
// marker file into a new one.
func prepareDir(dir string, opts Options) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if opts.ErrorIfMissing || opts.ReadOnly {
			return core.Errorf(core.KindFileNotFound, "no database at %q", dir)
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return core.Errorf(core.KindInvalidInput, "cannot create database directory %q: %v", dir, err)
		}
	case err != nil:
		return core.Errorf(core.KindInvalidInput, "cannot read database directory %q: %v", dir, err)
	}
	if len(entries) > 0 {
		b, err := os.ReadFile(filepath.Join(dir, markerFile))
		if err != nil {
			return core.Errorf(core.KindInvalidInput, "%q is not an alopex database (it holds other files and no %s marker); choose an empty or new directory", dir, markerFile).With("path", dir)
		}
		var m marker
		if json.Unmarshal(b, &m) != nil {
			return core.Errorf(core.KindInvalidInput, "%q: the %s marker is corrupt", dir, markerFile).With("path", dir)
		}
		if m.Format > formatVersion {
			return core.Errorf(core.KindNotSupported, "database %q has format %d; this alopex reads format %d and older (upgrade alopex)", dir, m.Format, formatVersion)
		}
		return nil
	}
	if opts.ErrorIfMissing || opts.ReadOnly {
		return core.Errorf(core.KindFileNotFound, "no database at %q", dir)
	}
	return writeMarkerFile(dir)
}

func writeMarkerFile(dir string) error {
	b, _ := json.Marshal(marker{Format: formatVersion})
	f, err := os.OpenFile(filepath.Join(dir, markerFile), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err == nil {
		_, err = f.Write(b)
		if err == nil {
			err = f.Sync()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		return core.Errorf(core.KindInvalidInput, "cannot create database in %q: %v", dir, err)
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}

// checkMarker checks the marker key inside pebble (writing it into a new
// database) and that the catalog decodes: alopex's invariants on open.
func (db *DB) checkMarker() error {
	v, closer, err := db.pdb.Get(markerKey)
	switch {
	case errors.Is(err, pebble.ErrNotFound):
		if db.opts.ReadOnly {
			return core.Errorf(core.KindInvalidInput, "%q is not an alopex database", db.dir)
		}
		b, _ := json.Marshal(marker{Format: formatVersion})
		if err := db.pdb.Set(markerKey, b, pebble.Sync); err != nil {
			return storageError(err)
		}
	case err != nil:
		return storageError(err)
	default:
		var m marker
		jerr := json.Unmarshal(v, &m)
		closer.Close()
		if jerr != nil || m.Format > formatVersion {
			return core.Errorf(core.KindInvalidInput, "%q: unknown alopex database format", db.dir)
		}
	}
	if err := db.checkCatalog(); err != nil {
		return err
	}
	if db.opts.ReadOnly {
		return nil
	}
	return db.collectGarbage()
}

// checkCatalog decodes every table descriptor once.
func (db *DB) checkCatalog() error {
	it, err := db.pdb.NewIter(&pebble.IterOptions{LowerBound: catalogTablePrefix, UpperBound: prefixEnd(catalogTablePrefix)})
	if err != nil {
		return storageError(err)
	}
	defer it.Close()
	for it.First(); it.Valid(); it.Next() {
		if _, err := db.decodeDesc(it.Value()); err != nil {
			return core.Errorf(core.KindInternal, "database %q: %v", db.dir, err)
		}
	}
	return storageError(it.Error())
}

// WALSyncs returns how many times the database synced its write-ahead log
// since Open (0 in memory): one per durable commit, fewer when concurrent
// commits share a sync.
func (db *DB) WALSyncs() uint64 { return db.walSyncs.Load() }

// Close closes the database. Transactions still open are rolled back
// (their scans stop with an error); Close must not run while another
// goroutine is inside a call on one of them. Close is idempotent.
func (db *DB) Close() error {
	var err error
	db.closeOnce.Do(func() {
		db.txns.mu.Lock()
		db.closed = true
		open := make([]*Txn, 0, len(db.live))
		for t := range db.live {
			open = append(open, t)
		}
		db.txns.mu.Unlock()
		for _, t := range open {
			t.Rollback()
		}
		db.saveVectorIndexes()
		db.latestIters.close()
		live := db.flushForClose()
		err = storageError(db.pdb.Close())
		if err == nil {
			db.removeObsoleteWALs(live)
		}
		if db.broken != nil {
			err = nil // pebble repeats the write failure already reported
		}
		if db.dir != "" {
			releaseDir(db.dir)
		}
	})
	return err
}

func claimDir(dir string) error {
	openDirs.Lock()
	defer openDirs.Unlock()
	if openDirs.m[dir] {
		return lockedError(dir)
	}
	openDirs.m[dir] = true
	return nil
}

func releaseDir(dir string) {
	if dir == "" {
		return
	}
	openDirs.Lock()
	delete(openDirs.m, dir)
	openDirs.Unlock()
}

func lockedError(dir string) error {
	return core.Errorf(core.KindDatabaseLocked, "database %q is in use by another connection or process; close it there first, or open it with read_only=True from a copy", dir).With("path", dir)
}

// openError classifies an error of pebble.Open: a held LOCK file is
// DatabaseLocked.
func openError(dir string, err error) error {
	msg := err.Error()
	if strings.Contains(msg, "LOCK") || strings.Contains(msg, "resource temporarily unavailable") || strings.Contains(msg, "lock held") {
		return lockedError(dir)
	}
	if strings.Contains(msg, "does not exist") {
		return core.Errorf(core.KindFileNotFound, "no database at %q", dir)
	}
	return core.Errorf(core.KindInvalidInput, "cannot open database %q: %v", dir, err)
}

// storageError wraps an error of pebble so it crosses to Python with its
// message: a failed file operation (a full disk, a read-only or failing
// device) is StorageIO, anything else a bug (Internal).
func storageError(err error) error {
	if err == nil {
		return nil
	}
	var ce *core.Error
	if errors.As(err, &ce) {
		return err
	}
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) || errors.Is(err, syscall.EFBIG) {
		return core.Errorf(core.KindStorageIO, "the disk is full (or a quota or file size limit was reached): %v; free space and retry (committed data is intact, the failed statement or commit had no effect)", err).With("reason", "disk_full")
	}
	var pe *fs.PathError
	if errors.As(err, &pe) || errors.Is(err, syscall.EIO) || errors.Is(err, syscall.EROFS) {
		return core.Errorf(core.KindStorageIO, "storage I/O error: %v", err).With("reason", "io")
	}
	return core.Errorf(core.KindInternal, "storage: %v", err)
}

// breakOn marks the database broken after a failed WAL write or sync and
// returns the error to report.
func (db *DB) breakOn(err error) error {
	err = storageError(err)
	db.txns.mu.Lock()
	if db.broken == nil {
		db.broken = err
	}
	db.txns.mu.Unlock()
	return err
}

func brokenError(cause error) error {
	return core.Errorf(core.KindStorageIO, "an earlier commit could not be written to disk (%v); close the database and open it again (it then holds every acknowledged commit)", cause).With("reason", "broken")
}

// quietLogger drops pebble's informational logging; fatal errors still stop
// the process as pebble requires.
type quietLogger struct{}

func (quietLogger) Infof(string, ...any)      {}
func (quietLogger) Errorf(string, ...any)     {}
func (quietLogger) Fatalf(f string, a ...any) { pebble.DefaultLogger.Fatalf(f, a...) }

// walkCacheSlack is how much a walk under boundCacheGrowth may grow the
// block cache by.
const walkCacheSlack = 16 << 20

// boundCacheGrowth shrinks the block cache to about what it holds now
// (plus walkCacheSlack) until release is called: for a walk that reads
// every block of a table once (a vector index built or reloaded from its
// rows). Otherwise the walk's blocks would stay in the cache, unused, up
// to its size: at 200,000 × 128, ~92 MiB of row blocks on top of the
// index the walk fills, the largest part of the process's peak. Blocks
// read meanwhile enter the cache as cold ones and are evicted first.
func (db *DB) boundCacheGrowth() (release func()) {
	c := db.cache
	if c == nil {
		return func() {}
	}
	room := c.MaxSize() - c.Size() - walkCacheSlack
	if room <= 0 {
		return func() {}
	}
	return c.Reserve(int(room))
}
