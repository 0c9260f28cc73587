package storage

import (
	"bytes"
	"errors"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/cockroachdb/pebble/v2"

	"github.com/alopexdb/alopex/core"
)

// LatestRead reads rows of the latest committed state outside any
// transaction, without a pebble snapshot: an autocommit point read. A
// pebble Get, or an iterator, is a consistent read of the store by itself;
// what a snapshot adds is agreement between the rows and the catalog
// descriptor that decodes them, and opening and closing one costs more
// than the Get (closing the oldest snapshot makes pebble reconsider its
// compactions). LatestRead keeps that agreement another way: the
// descriptor comes from the shared catalog cache (the latest catalog),
// and GetMany reports ok false when a catalog change committed between
// BeginLatest and the end of the read, so that the caller reads again in
// a transaction. A commit makes its batch visible and records a catalog
// change within one critical section (db.txns.mu), which GetMany passes
// through after reading: a change the read saw is recorded by then.
type LatestRead struct {
	db         *DB
	catVersion uint64
	seq        uint64 // the commit sequence at BeginLatest
	gen        uint64 // the read generation at BeginLatest (readGen)
}

// BeginLatest starts a latest read; ok is false when the database is
// closed or broken (Begin then says why).
func (db *DB) BeginLatest() (r LatestRead, ok bool) {
	db.txns.mu.Lock()
	defer db.txns.mu.Unlock()
	if db.closed || db.broken != nil {
		return LatestRead{}, false
	}
	db.catMu.RLock()
	defer db.catMu.RUnlock()
	return LatestRead{db: db, catVersion: db.catVersion, seq: db.txns.seq, gen: db.txns.gen.n.Load()}, true
}

// Table returns the latest descriptor of a table when the shared catalog
// cache holds it (ok false otherwise: a transaction reads the catalog).
func (r LatestRead) Table(name string) (d *TableDesc, ok bool) {
	r.db.catMu.RLock()
	defer r.db.catMu.RUnlock()
	if r.db.catVersion != r.catVersion {
		return nil, false
	}
	d = r.db.catCache[strings.ToLower(name)]
	return d, d != nil
}

// GetMany is Txn.GetMany on the latest committed state, for a descriptor
// from r.Table. ok false: the catalog changed meanwhile, or the table is
// columnar (its rows may be in segments, which a transaction reads): read
// again in a transaction.
func (r LatestRead) GetMany(d *TableDesc, keys [][]any) (rows [][]any, ok bool, err error) {
	rows, err = collectRows(d, len(keys), func(fn func([]datum) error) error {
		ok, err = r.read(d, keys, fn)
		return err
	})
	return rows, ok, err
}

// GetManyFunc is Txn.GetManyFunc on the latest committed state, for a
// descriptor from r.Table. ok false: as GetMany's; the rows fn was given
// (if any) are then to be dropped.
func (r LatestRead) GetManyFunc(d *TableDesc, keys [][]any, fn func(Row) error) (ok bool, err error) {
	return r.read(d, keys, rowFunc(d, fn))
}

// GetInt is GetManyFunc for the single key v of a table whose primary key
// is one integer column: the read of WHERE pk = ? with an integer. It
// allocates nothing (the key is encoded into pooled memory, the row decoded
// into pooled datums). ok false: as GetMany's, and also when the table is
// not such a table or v is outside the key column's range (the caller then
// reads the general way, which says or compares what it should); fn may
// then have been given the row, which is to be dropped.
func (r LatestRead) GetInt(d *TableDesc, v int64, fn func(Row) error) (ok bool, err error) {
	if d.IsColumnar() || len(d.pk) != 1 {
		return false, nil
	}
	c := &d.Columns[d.pk[0]]
	if c.typ.kind != kInt && c.typ.kind != kUint {
		return false, nil
	}
	x, err := fitInt(&c.typ, v)
	if err != nil {
		return false, nil
	}
	kb := keyBufs.Get().(*[1][]byte)
	kb[0] = appendKey(appendRowPrefix(kb[0][:0], d.ID), &c.typ, x)
	err = r.readEnc(d, kb[:], func(vals []datum) error { return fn(Row{d: d, vals: vals}) })
	keyBufs.Put(kb)
	if err != nil {
		return false, err
	}
	return r.sameCatalog(), nil
}

// keyBufs recycles GetInt's key: pebble's seek may keep a reference to
// the key it was given (so it would not stay on the stack), and a pooled
// buffer is cheaper than an allocation per read.
var keyBufs = sync.Pool{New: func() any { return &[1][]byte{make([]byte, 0, 32)} }}

// GetManySplit is GetManyFunc reading a long key list in parts side by
// side (on the cores the process may use): part p's rows all come before
// part p+1's in key order; the calls of fn for one part are in key order,
// those for different parts concurrent. parts is at most SplitParts.
func (r LatestRead) GetManySplit(d *TableDesc, keys [][]any, fn func(part int, row Row) error) (parts int, ok bool, err error) {
	if d.IsColumnar() {
		return 0, false, nil
	}
	enc, err := d.encodeKeys(keys)
	if err != nil {
		return 0, false, err
	}
	parts = 1
	if len(enc) >= splitMinKeys && runtime.GOMAXPROCS(0) > 1 {
		parts = SplitParts
	}
	errs := make([]error, parts)
	var wg sync.WaitGroup
	for p := parts - 1; p >= 0; p-- {
		part := enc[p*len(enc)/parts : (p+1)*len(enc)/parts]
		read := func() {
			errs[p] = r.readEnc(d, part, func(vals []datum) error { return fn(p, Row{d: d, vals: vals}) })
		}
		if p == 0 {
			read() // the first part on this goroutine
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { // a panic here would end the process
				if x := recover(); x != nil {
					errs[p] = core.Errorf(core.KindInternal, "storage: reading keys of table %q failed: %v", d.Name, x)
				}
			}()
			read()
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return 0, false, err
	}
	return parts, r.sameCatalog(), nil
}

// splitMinKeys is the shortest key list GetManySplit divides: a part
// costs a goroutine and an iterator.
const splitMinKeys = 256

// SplitParts is the number of parts GetManySplit divides a long key list
// into (two: the cores a small machine has).
const SplitParts = 2

func (r LatestRead) read(d *TableDesc, keys [][]any, fn func([]datum) error) (ok bool, err error) {
	if d.IsColumnar() {
		return false, nil
	}
	enc, err := d.encodeKeys(keys)
	if err != nil {
		return false, err
	}
	if err := r.readEnc(d, enc, fn); err != nil {
		return false, err
	}
	return r.sameCatalog(), nil
}

// readEnc reads the rows of enc (sorted row keys) with a kept iterator.
func (r LatestRead) readEnc(d *TableDesc, enc [][]byte, fn func([]datum) error) error {
	if len(enc) == 0 {
		return nil
	}
	it, err := r.db.latestIters.take(r.db.pdb, r.seq)
	if err != nil {
		return err
	}
	err = readRowsIter(it, nil, d, enc, fn)
	r.db.latestIters.put(it, r.seq)
	return err
}

// sameCatalog reports whether the catalog is still the one r began with
// (and the database open), passing through the commit critical section.
func (r LatestRead) sameCatalog() bool {
	r.db.txns.mu.Lock()
	r.db.catMu.RLock()
	same := r.db.catVersion == r.catVersion && !r.db.closed
	r.db.catMu.RUnlock()
	r.db.txns.mu.Unlock()
	return same
}

// maxLatestIters bounds the idle iterators latestIters keeps (one per
// thread reading at once is enough).
const maxLatestIters = 4

// latestIters keeps pebble iterators over the whole store between latest
// reads. Opening an iterator (or a Get, which opens one inside) sets up an
// iterator per memtable and level and releases them after; a kept
// iterator only seeks. An iterator reads the store as it was when it was
// opened, so one is reused only while the commit sequence it was opened at
// is still the latest (only commits, under db.txns.mu, change rows of
// live tables): the first latest read after a commit closes the idle ones
// and opens a new one. An idle iterator pins the memtables and sstables
// it reads (until the next read after a commit, or Close).
type latestIters struct {
	mu     sync.Mutex
	seq    uint64 // the commit sequence the idle iterators read at
	idle   []*pebble.Iterator
	closed bool
}

// take returns an iterator reading the store at commit sequence seq or
// later (the caller's BeginLatest saw seq; a later state is as good for
// it, and put will not keep it).
func (c *latestIters) take(pdb *pebble.DB, seq uint64) (*pebble.Iterator, error) {
	c.mu.Lock()
	if c.seq == seq && len(c.idle) > 0 {
		it := c.idle[len(c.idle)-1]
		c.idle = c.idle[:len(c.idle)-1]
		c.mu.Unlock()
		return it, nil
	}
	c.mu.Unlock()
	it, err := pdb.NewIter(nil)
	if err != nil {
		return nil, storageError(err)
	}
	return it, nil
}

// put gives back an iterator that take returned for seq. It is kept when
// no commit happened since seq (and the iterator was opened after seq
// was the latest, so it reads exactly that state).
func (c *latestIters) put(it *pebble.Iterator, seq uint64) {
	c.mu.Lock()
	var stale []*pebble.Iterator
	switch {
	case c.closed || seq < c.seq:
		stale = append(stale, it)
	case seq > c.seq:
		stale = append(stale, c.idle...)
		c.seq, c.idle = seq, append(c.idle[:0], it)
	case len(c.idle) < maxLatestIters:
		c.idle = append(c.idle, it)
	default:
		stale = append(stale, it)
	}
	c.mu.Unlock()
	for _, s := range stale {
		_ = s.Close()
	}
}

// close closes the idle iterators; put closes those given back later.
func (c *latestIters) close() {
	c.mu.Lock()
	idle := c.idle
	c.idle, c.closed = nil, true
	c.mu.Unlock()
	for _, it := range idle {
		_ = it.Close()
	}
}

// seekRow positions it at key and returns its value (valid until it
// moves), found false when the store has no such key. prefix asks for a
// prefix seek, which consults the bloom filters: the cheaper way to look
// up a single key.
func seekRow(it *pebble.Iterator, key []byte, prefix bool) (val []byte, found bool, err error) {
	var ok bool
	if prefix {
		ok = it.SeekPrefixGE(key)
	} else {
		ok = it.SeekGE(key)
	}
	if !ok || !bytes.Equal(it.Key(), key) {
		if err := it.Error(); err != nil && !errors.Is(err, pebble.ErrNotFound) {
			return nil, false, storageError(err)
		}
		return nil, false, nil
	}
	v, err := it.ValueAndErr()
	if err != nil {
		return nil, false, storageError(err)
	}
	return v, true, nil
}

// readGen is the read generation of the database: a counter that every
// commit (under db.txns.mu, after its batch is visible) and every
// explicitly begun transaction (InvalidateLatest) advances. A latest read
// that saw the same generation before and after reading read exactly the
// state of that generation, so its result may be kept (by the caller, in
// front of the store) for as long as the generation stays the same. The
// generation is also published to a word the embedder owns (SetGenMirror),
// which Python reads without a call into Go.
type readGen struct {
	n      atomic.Uint64
	mirror atomic.Pointer[uint64]
}

// bump advances the generation and publishes it. Concurrent bumps may
// publish out of order; the mirror only ever grows, so it never shows a
// generation older than one already shown (a result kept at an older
// generation is never taken as current again).
func (g *readGen) bump() {
	v := g.n.Add(1)
	m := g.mirror.Load()
	if m == nil {
		return
	}
	for {
		cur := atomic.LoadUint64(m)
		if cur >= v || atomic.CompareAndSwapUint64(m, cur, v) {
			return
		}
	}
}

// SetGenMirror makes the database publish its read generation to *word
// (memory outside the Go heap), or to nothing (word nil, before the
// embedder frees it); the current generation is stored at once.
func (db *DB) SetGenMirror(word *uint64) {
	db.txns.gen.mirror.Store(word)
	if word != nil {
		db.txns.gen.bump()
	}
}

// InvalidateLatest advances the read generation without a commit: the
// results of earlier latest reads are not to be used any more by whoever
// kept them. A session calls it when it opens a transaction, whose own
// pending writes its later reads must see.
func (db *DB) InvalidateLatest() {
	db.txns.gen.bump()
}

// Generation returns the read generation at which r read the latest state,
// ok false when it changed since BeginLatest (a commit, or a transaction
// begun, meanwhile): what r read may then be of either generation. Call it
// after the read.
func (r LatestRead) Generation() (gen uint64, ok bool) {
	return r.gen, r.db.txns.gen.n.Load() == r.gen
}
