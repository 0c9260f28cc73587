package storage

import (
	"errors"
	"maps"
	"strings"

	"github.com/cockroachdb/pebble/v2"

	"github.com/alopexdb/alopex/core"
)

// maxTxnBytes bounds a transaction's pending writes (keys plus values, held
// in memory until commit); past it a write fails and asks for smaller
// transactions. pebble's own batch limit is 4 GiB.
const maxTxnBytes = 2 << 30

// Txn is a transaction: it reads one consistent snapshot (taken at Begin)
// overlaid with its own writes, and applies all of its writes atomically at
// Commit, or none. A Txn is used by one goroutine at a time; it must end
// with Commit or Rollback.
type Txn struct {
	db    *DB
	snap  *pebble.Snapshot
	start uint64
	pend  *pendingWrites
	// guards are keys the transaction depends on without writing them (the
	// catalog entries of the tables it writes): a commit of any of them
	// after Begin is a conflict, so DML never lands in a table a concurrent
	// DDL changed.
	guards map[string]struct{}
	// guardPrefixes guard every key under them the same way (OPTIMIZE of
	// a columnar table guards the delete markers of the segments it
	// rewrites: columnar_optimize.go).
	guardPrefixes []string
	// afterCommit are key ranges to delete once the commit is durable: the
	// data of dropped and truncated tables, unreachable from the catalog.
	afterCommit [][2][]byte
	forget      [][]byte // counters of dropped table ids
	// carried are counters whose reservation rides in this transaction's
	// commit batch (counters.go).
	carried []carried
	descs   map[string]*TableDesc
	ddl     bool // the transaction wrote to the catalog
	// ddlTables are the ids of the tables whose descriptors it wrote or
	// whose data it dropped: their vector indexes are built again.
	ddlTables []uint64
	readers   map[txnReader]struct{}
	done      bool
	// bulk are sstables of rows LoadNew wrote, ingested at commit; sealed
	// says LoadNew ran, so the transaction can only end.
	bulk   []bulkFile
	sealed bool
	// inStatement: a Statement is running; the writes inside it join its
	// savepoint instead of taking their own.
	inStatement bool
	// col caches segment metadata of columnar tables (columnar.go).
	col *columnarState
}

// Begin starts a transaction.
func (db *DB) Begin() (*Txn, error) { return db.begin(false) }

// begin starts a transaction; Close's own reads pass whileClosing.
func (db *DB) begin(whileClosing bool) (*Txn, error) {
	t := &Txn{db: db} // the maps and pending writes are made on first use
	db.txns.mu.Lock()
	defer db.txns.mu.Unlock()
	if db.closed && !whileClosing {
		return nil, core.Errorf(core.KindInvalidInput, "the database is closed; open it again")
	}
	if db.broken != nil {
		return nil, brokenError(db.broken)
	}
	t.snap = db.pdb.NewSnapshot()
	t.start = db.txns.begin()
	db.live[t] = struct{}{}
	return t, nil
}

// Run runs fn in a new transaction and commits it, or rolls it back when fn
// (or the commit) fails: autocommit.
func (db *DB) Run(fn func(tx *Txn) error) error {
	tx, err := db.Begin()
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// Commit applies the transaction's writes atomically and durably (unless
// Options.NoSync). When another transaction committed a write of one of the
// same keys after this one began, Commit fails with TransactionConflict and
// applies nothing (first committer wins). The transaction has ended either
// way.
func (t *Txn) Commit() error {
	if t.done {
		return errTxnDone()
	}
	db := t.db
	if t.pend.empty() && len(t.afterCommit) == 0 && len(t.bulk) == 0 {
		t.finish()
		return nil
	}
	if db.opts.ReadOnly {
		t.finish()
		return errReadOnly()
	}
	if err := t.pend.failed(); err != nil {
		t.finish()
		return err
	}
	// Spilled and bulk-loaded transactions, and batches pebble would treat
	// as flushable (over half a memtable: they force a WAL rotation), are
	// committed by ingestion: one sequential file write, and a full disk
	// fails it cleanly before anything is applied (a failed WAL rotation
	// panics inside pebble).
	if t.pend.spilled() || len(t.bulk) > 0 || uint64(t.pend.bytes()) > db.po.MemTableSize/2 {
		guards := make([]string, 0, len(t.guards))
		for k := range t.guards {
			guards = append(guards, k)
		}
		// An ingestion has no batch to carry the counter reservations.
		if err := db.alloc.settle(t); err != nil {
			t.finish()
			return err
		}
		err := t.commitIngest(guards)
		if err == nil {
			t.afterCommitDone()
		}
		t.finish()
		return err
	}
	keys := make([]string, 0, t.pend.len()+len(t.guards))
	b := db.pdb.NewBatchWithSize(t.pend.bytes() + 16*t.pend.len())
	defer b.Close()
	var err error
	for k, w := range t.pend.all() {
		keys = append(keys, k)
		if w.del {
			err = b.Delete([]byte(k), nil)
		} else {
			err = b.Set([]byte(k), w.val, nil)
		}
		if err != nil {
			t.finish()
			return storageError(err)
		}
	}
	checks := keys
	if len(t.guards) > 0 {
		checks = append(make([]string, 0, len(keys)+len(t.guards)), keys...)
		for k := range t.guards {
			checks = append(checks, k)
		}
	}
	db.txns.mu.Lock()
	k, bad := db.txns.conflict(t.start, checks)
	if !bad && len(t.guardPrefixes) > 0 {
		k, bad = db.txns.conflictWith(t.start, t.guardedByPrefix)
	}
	if bad {
		db.txns.mu.Unlock()
		t.finish()
		return conflictError(k)
	}
	// The batch enters the WAL and memtable inside the critical section, so
	// commit order is sequence order; the fsync waits outside it, so
	// concurrent commits share syncs (group commit). pebble syncs the WAL
	// in order: a later commit's sync covers every earlier one.
	// The counter reservations the transaction carries (counters.go) go in
	// its batch: its one WAL sync makes them durable with its rows.
	if err = db.alloc.carry(t, b); err != nil {
		db.txns.mu.Unlock()
		t.finish()
		return err
	}
	if db.opts.NoSync {
		err = b.Commit(pebble.NoSync)
	} else {
		err = db.pdb.ApplyNoSyncWait(b, pebble.Sync)
	}
	db.alloc.carryApplied(t)
	if err == nil {
		db.txns.committed(t.start, keys)
		db.vecOnCommit(db.txns.seq, t)
		if t.ddl {
			db.catalogChanged(db.txns.seq)
		}
	}
	db.txns.mu.Unlock()
	if err == nil && !db.opts.NoSync {
		err = b.SyncWait()
	}
	if err != nil {
		// The batch may be in the memtable without being durable.
		t.finish()
		return db.breakOn(err)
	}
	db.alloc.carriedDurable(t)
	t.afterCommitDone()
	t.finish()
	return nil
}

// afterCommitDone deletes the data of tables the committed transaction
// dropped or truncated.
func (t *Txn) afterCommitDone() {
	for _, r := range t.afterCommit {
		// Best effort: the keys are unreachable already; a failure here
		// only leaves garbage that the next Open deletes.
		_ = t.db.pdb.DeleteRange(r[0], r[1], t.db.writeOpts)
	}
	t.db.alloc.forget(t.forget...)
}

// Rollback discards the transaction's writes. It is a no-op on an ended
// transaction.
func (t *Txn) Rollback() {
	if !t.done {
		t.finish()
	}
}

func (t *Txn) finish() {
	t.done = true
	t.db.alloc.release(t)
	for r := range t.readers {
		r.close()
	}
	t.db.txns.mu.Lock()
	t.db.txns.end(t.start)
	delete(t.db.live, t)
	t.db.txns.mu.Unlock()
	_ = t.snap.Close()
	t.pend.close()
	t.pend = nil
	t.removeBulk()
}

// get reads key in the transaction's view.
func (t *Txn) get(key []byte) ([]byte, bool, error) {
	if t.sealed {
		return nil, false, errSealed()
	}
	if w, ok := t.pend.get(string(key)); ok {
		return w.val, !w.del, nil
	}
	v, closer, err := t.snap.Get(key)
	if errors.Is(err, pebble.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, storageError(err)
	}
	out := append([]byte(nil), v...)
	closer.Close()
	return out, true, nil
}

// exists reports whether key is in the transaction's view, without copying
// its value.
func (t *Txn) exists(key []byte) (bool, error) {
	if t.sealed {
		return false, errSealed()
	}
	if w, ok := t.pend.get(string(key)); ok {
		return !w.del, nil
	}
	_, closer, err := t.snap.Get(key)
	if errors.Is(err, pebble.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, storageError(err)
	}
	closer.Close()
	return true, nil
}

func (t *Txn) put(key, val []byte) error {
	if t.pend.bytes() > maxTxnBytes {
		// Only transactions that cannot spill (in-memory databases) get here.
		return core.Errorf(core.KindInvalidInput, "transaction too large: more than %d MiB of pending writes; commit in smaller transactions", maxTxnBytes>>20)
	}
	t.pending().put(key, pendingWrite{val: val})
	return nil
}

func (t *Txn) del(key []byte) {
	t.pending().put(key, pendingWrite{del: true})
}

// pending returns the transaction's pending writes, made on the first
// write.
func (t *Txn) pending() *pendingWrites {
	if t.pend == nil {
		t.pend = newPendingWrites(t.db.spillThreshold(), t.db.dir)
	}
	return t.pend
}

// setDesc records this transaction's view of a table (nil: none).
func (t *Txn) setDesc(lname string, d *TableDesc) {
	if t.descs == nil {
		t.descs = map[string]*TableDesc{}
	}
	t.descs[lname] = d
}

// iter walks [lower, upper) of the transaction's view in key order.
func (t *Txn) iter(lower, upper []byte) (*mergedIter, error) {
	if t.sealed {
		return nil, errSealed()
	}
	return newMergedIter(t.snap, t.pend, lower, upper)
}

// Statement runs fn, which may call the transaction's writes any number
// of times, as one statement: when fn or one of its writes fails, every
// write fn made is undone (the undo log spills with the writes, so a
// statement may be larger than memory) and the transaction's earlier
// writes stay. A write that fails inside fn may have written part of its
// rows: fn must then fail too. Statements do not nest: a Statement inside
// fn is part of the outer one.
func (t *Txn) Statement(fn func() error) error { return t.statement(fn) }

// Savepoint is a point inside a running Statement that RollbackTo returns
// to.
type Savepoint struct{ pos uint64 }

// Savepoint marks the running Statement's writes so far.
func (t *Txn) Savepoint() Savepoint { return Savepoint{pos: t.pend.undoPos()} }

// RollbackTo undoes the running Statement's writes made after sp (a write
// that failed may have written part of its rows), and the statement goes
// on: INSERT IGNORE skips a row this way.
func (t *Txn) RollbackTo(sp Savepoint) error {
	if !t.inStatement {
		return core.Errorf(core.KindInternal, "storage: RollbackTo outside a Statement")
	}
	t.pend.rollbackToPos(sp.pos)
	return t.pend.failed()
}

// statement runs fn as one statement: when it fails, its writes are undone
// and the transaction's earlier writes stay.
func (t *Txn) statement(fn func() error) error {
	if t.done {
		return errTxnDone()
	}
	if t.db.opts.ReadOnly {
		return errReadOnly()
	}
	if t.sealed {
		return errSealed()
	}
	if t.inStatement {
		return fn()
	}
	t.inStatement = true
	defer func() { t.inStatement = false }()
	t.pend.savepoint()
	descs := maps.Clone(t.descs)
	nAfter, nForget := len(t.afterCommit), len(t.forget)
	err := fn()
	if err == nil {
		err = t.pend.failed()
	}
	if err != nil {
		t.pend.rollbackTo()
		t.descs = descs
		t.afterCommit, t.forget = t.afterCommit[:nAfter], t.forget[:nForget]
		return err
	}
	t.pend.release()
	return nil
}

func errTxnDone() error {
	return core.Errorf(core.KindInvalidInput, "the transaction has already ended (committed or rolled back); begin a new one")
}

func errReadOnly() error {
	return core.Errorf(core.KindInvalidInput, "the database is open read-only; reopen it without read_only to write")
}

func conflictError(key string) error {
	what := describeKey([]byte(key))
	return core.Errorf(core.KindTransactionConflict, "transaction conflict: %s was changed by another transaction that committed after this one began; retry the transaction", what)
}

// describeKey names what a key stores, for messages.
func describeKey(k []byte) string {
	switch {
	case len(k) > 2 && k[0] == prefixCatalog:
		return "the definition of " + strings.TrimSpace(string(k[2:]))
	case len(k) > 9 && k[0] == prefixTable && k[9] == markIndex:
		return "an index entry"
	case len(k) > 9 && k[0] == prefixTable:
		return "a row"
	}
	return "a key"
}
