package storage

import "strings"

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
	return LatestRead{db: db, catVersion: db.catVersion}, true
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
	if d.IsColumnar() {
		return nil, false, nil
	}
	enc, err := d.encodeKeys(keys)
	if err != nil {
		return nil, false, err
	}
	if len(enc) > 0 {
		// Several keys are read by one iterator, which reads one state of
		// the store; Gets on the live store would each read the latest.
		if rows, err = readRows(r.db.pdb, nil, d, enc, 1); err != nil {
			return nil, false, err
		}
	}
	r.db.txns.mu.Lock()
	r.db.catMu.RLock()
	same := r.db.catVersion == r.catVersion && !r.db.closed
	r.db.catMu.RUnlock()
	r.db.txns.mu.Unlock()
	return rows, same, nil
}
