package storage

import (
	"encoding/binary"
	"errors"
	"sync"

	"github.com/cockroachdb/pebble/v2"
)

// allocBlock is how many ids a counter reserves per durable write: a crash
// loses at most this many ids (a gap, never a reuse).
const allocBlock = 1024

// allocators hand out table ids, hidden row ids and AUTO_INCREMENT values
// from counters persisted under the metadata prefix. They are not
// transactional (as in MySQL): ids taken by a transaction that rolls back
// are gone. Each counter durably reserves a block before any id of it is
// used by a commit, so ids are unique across crashes.
//
// A block is reserved by a synced write of its own, or — for a transaction
// of a synced database that takes the ids (takeIn, observeIn) — by the
// reservation riding in that transaction's commit batch, so that its
// commit stays one WAL sync (carried). The ids of a riding reservation
// are that transaction's alone until its commit is durable: any other
// taker past the durable limit reserves with a synced write of its own.
// So an id another commit uses is always below a durably stored limit,
// and the riding transaction's own ids are stored in the same batch as
// the limit that covers them (if the commit is lost, so are they).
type allocators struct {
	db *DB
	mu sync.Mutex
	m  map[string]*counter
}

type counter struct {
	next  uint64 // next id to hand out
	limit uint64 // first id not durably reserved
	// owner's commit batch will carry a reservation up to pending; ids
	// from limit to pending are owner's alone until then.
	owner   *Txn
	pending uint64
	// written is the largest limit given to pebble (durable or not):
	// every write stores at least it, so the stored limit never goes down
	// whatever order concurrent reservations are applied in.
	written uint64
}

// carried is a counter whose reservation rides in a transaction's commit.
type carried struct {
	key []byte
	c   *counter
}

func (a *allocators) init(db *DB) {
	a.db = db
	a.m = map[string]*counter{}
}

func counterKey(name string, id uint64) []byte {
	k := append([]byte{prefixMeta, 'n'}, name...)
	return binary.BigEndian.AppendUint64(append(k, '/'), id)
}

// take returns n consecutive ids from counter key (the first is >= 1),
// reserving with a synced write of its own when needed.
func (a *allocators) take(key []byte, n uint64) (uint64, error) {
	return a.takeIn(nil, key, n)
}

// takeIn is take for transaction t (nil: none), whose commit may carry the
// reservation.
func (a *allocators) takeIn(t *Txn, key []byte, n uint64) (uint64, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	c, err := a.load(key)
	if err != nil {
		return 0, err
	}
	first := c.next
	if err := a.reserve(t, key, c, first+n); err != nil {
		return 0, err
	}
	c.next = first + n
	return first, nil
}

// observeIn moves counter key past v (an explicit AUTO_INCREMENT value
// written by transaction t).
func (a *allocators) observeIn(t *Txn, key []byte, v uint64) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	c, err := a.load(key)
	if err != nil {
		return err
	}
	if v < c.next {
		return nil
	}
	if err := a.reserve(t, key, c, v+1); err != nil {
		return err
	}
	c.next = v + 1
	return nil
}

// reserve makes sure ids below end are reserved for t: durably, or in t's
// commit batch (a.mu held).
func (a *allocators) reserve(t *Txn, key []byte, c *counter, end uint64) error {
	if end <= c.limit || c.owner != nil && c.owner == t && end <= c.pending {
		return nil
	}
	if a.db.opts.ReadOnly {
		return errReadOnly()
	}
	// Riding needs the commit to be synced (with NoSync an ingesting
	// commit could make ids durable above a limit the WAL lost) and to go
	// through the batch (a sealed transaction commits by ingestion).
	if t != nil && !a.db.opts.NoSync && !t.sealed && (c.owner == nil || c.owner == t) {
		if c.owner == nil {
			c.owner = t
			t.carried = append(t.carried, carried{key: key, c: c})
		}
		c.pending = max(c.pending, end+allocBlock)
		return nil
	}
	limit := max(end+allocBlock, c.written)
	if err := a.db.pdb.Set(key, binary.BigEndian.AppendUint64(nil, limit), pebble.Sync); err != nil {
		return storageError(err)
	}
	c.limit, c.written = limit, limit
	return nil
}

// carry puts the reservations t carries into its commit batch b. Unless
// it fails, a.mu stays held until carryApplied: b must be applied before
// any other reservation is written, so the stored limit never goes down.
func (a *allocators) carry(t *Txn, b *pebble.Batch) error {
	if len(t.carried) == 0 {
		return nil
	}
	a.mu.Lock()
	for _, r := range t.carried {
		v := max(r.c.pending, r.c.written)
		if err := b.Set(r.key, binary.BigEndian.AppendUint64(nil, v), nil); err != nil {
			a.mu.Unlock()
			return storageError(err)
		}
		r.c.pending, r.c.written = v, v
	}
	return nil
}

// carryApplied ends carry once the batch is applied (or was not): it
// releases a.mu.
func (a *allocators) carryApplied(t *Txn) {
	if len(t.carried) > 0 {
		a.mu.Unlock()
	}
}

// carriedDurable: t's commit, carrying its reservations, is synced: their
// limits now hold for every taker.
func (a *allocators) carriedDurable(t *Txn) {
	if len(t.carried) == 0 {
		return
	}
	a.mu.Lock()
	for _, r := range t.carried {
		r.c.limit = max(r.c.limit, r.c.pending)
	}
	a.mu.Unlock()
}

// settle reserves what t carries with synced writes of their own (a commit
// by ingestion, which has no batch to carry them).
func (a *allocators) settle(t *Txn) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, r := range t.carried {
		if r.c.owner != t || r.c.pending <= r.c.limit {
			continue
		}
		limit := max(r.c.pending, r.c.written)
		if err := a.db.pdb.Set(r.key, binary.BigEndian.AppendUint64(nil, limit), pebble.Sync); err != nil {
			return storageError(err)
		}
		r.c.limit, r.c.written = limit, limit
	}
	return nil
}

// release ends t's ownership of the counters it carried (its commit is
// durable, failed, or it rolled back: then its ids are simply gone).
func (a *allocators) release(t *Txn) {
	if len(t.carried) == 0 {
		return
	}
	a.mu.Lock()
	for _, r := range t.carried {
		if r.c.owner == t {
			r.c.owner, r.c.pending = nil, 0
		}
	}
	a.mu.Unlock()
	t.carried = nil
}

func (a *allocators) load(key []byte) (*counter, error) {
	if c, ok := a.m[string(key)]; ok {
		return c, nil
	}
	c := &counter{next: 1}
	v, closer, err := a.db.pdb.Get(key)
	switch {
	case errors.Is(err, pebble.ErrNotFound):
	case err != nil:
		return nil, storageError(err)
	default:
		if len(v) == 8 {
			// Everything below the persisted limit may have been handed out
			// before a crash: start above it.
			c.next = binary.BigEndian.Uint64(v)
			c.limit = c.next
		}
		closer.Close()
	}
	a.m[string(key)] = c
	return c, nil
}

// forget drops the cached counters of a table id (it was dropped or
// truncated).
func (a *allocators) forget(keys ...[]byte) {
	a.mu.Lock()
	for _, k := range keys {
		delete(a.m, string(k))
	}
	a.mu.Unlock()
}
