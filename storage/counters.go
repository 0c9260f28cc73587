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
// are gone. Each counter durably reserves a block before handing out any id
// of it, so ids are unique across crashes.
type allocators struct {
	db *DB
	mu sync.Mutex
	m  map[string]*counter
}

type counter struct {
	next, limit uint64 // next id to hand out; first id not reserved
}

func (a *allocators) init(db *DB) {
	a.db = db
	a.m = map[string]*counter{}
}

func counterKey(name string, id uint64) []byte {
	k := append([]byte{prefixMeta, 'n'}, name...)
	return binary.BigEndian.AppendUint64(append(k, '/'), id)
}

// take returns n consecutive ids from counter key (the first is >= 1).
func (a *allocators) take(key []byte, n uint64) (uint64, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	c, err := a.load(key)
	if err != nil {
		return 0, err
	}
	first := c.next
	if err := a.reserve(key, c, first+n); err != nil {
		return 0, err
	}
	c.next = first + n
	return first, nil
}

// observe moves counter key past v (an explicit AUTO_INCREMENT value).
func (a *allocators) observe(key []byte, v uint64) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	c, err := a.load(key)
	if err != nil {
		return err
	}
	if v < c.next {
		return nil
	}
	if err := a.reserve(key, c, v+1); err != nil {
		return err
	}
	c.next = v + 1
	return nil
}

// reserve makes sure ids below end are durably reserved.
func (a *allocators) reserve(key []byte, c *counter, end uint64) error {
	if end <= c.limit {
		return nil
	}
	limit := end + allocBlock
	if a.db.opts.ReadOnly {
		return errReadOnly()
	}
	if err := a.db.pdb.Set(key, binary.BigEndian.AppendUint64(nil, limit), pebble.Sync); err != nil {
		return storageError(err)
	}
	c.limit = limit
	return nil
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
