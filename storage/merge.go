package storage

import (
	"bytes"

	"github.com/cockroachdb/pebble/v2"
)

// mergedIter walks the keys in [lower, upper) of a transaction's view: its
// snapshot overlaid with its own pending writes (which win, and whose
// deletions hide snapshot keys). Only forward iteration is needed; seek
// restarts it further on, for scans of several key ranges.
type mergedIter struct {
	it    *pebble.Iterator
	pend  *pendIter // the pending writes in [lower, upper)
	upper []byte    // current seek's upper bound (nil: the iterator's)

	key, val []byte
	valid    bool
	fromPend bool
	err      error
}

func newMergedIter(snap *pebble.Snapshot, pend *pendingWrites, lower, upper []byte) (*mergedIter, error) {
	it, err := snap.NewIter(&pebble.IterOptions{LowerBound: lower, UpperBound: upper})
	if err != nil {
		return nil, storageError(err)
	}
	m := &mergedIter{it: it, pend: pend.iter(lower, upper)}
	it.First()
	m.settle()
	return m, nil
}

// seek positions on the first visible key in [lo, hi) (hi nil: up to the
// iterator's bound).
func (m *mergedIter) seek(lo, hi []byte) {
	m.upper = hi
	m.it.SeekGE(lo)
	m.pend.seek(lo, hi)
	m.settle()
}

// settle positions on the smallest visible key among both sources.
func (m *mergedIter) settle() {
	m.settleSources()
	if m.valid && m.upper != nil && bytes.Compare(m.key, m.upper) >= 0 {
		m.valid = false
	}
}

func (m *mergedIter) settleSources() {
	for {
		snapOK, pendOK := m.it.Valid(), m.pend.valid
		if !snapOK && !pendOK {
			m.valid = false
			m.err = m.it.Error()
			if m.err == nil {
				m.err = m.pend.err
			}
			return
		}
		c := -1 // < 0: the pending write comes first
		if snapOK && pendOK {
			c = bytes.Compare([]byte(m.pend.key), m.it.Key())
		} else if snapOK {
			c = 1
		}
		if c > 0 {
			m.key, m.val, m.valid, m.fromPend = m.it.Key(), m.it.Value(), true, false
			return
		}
		if c == 0 {
			m.it.Next() // the pending write shadows the snapshot's key
		}
		if m.pend.w.del {
			m.pend.next()
			continue
		}
		m.key, m.val, m.valid, m.fromPend = []byte(m.pend.key), m.pend.w.val, true, true
		return
	}
}

// Next moves to the next visible key.
func (m *mergedIter) Next() {
	if m.fromPend {
		m.pend.next()
	} else {
		m.it.Next()
	}
	m.settle()
}

// Valid reports whether the iterator is on a key. Key and Value are valid
// until the next call to Next or seek.
func (m *mergedIter) Valid() bool { return m.valid }

// Key is the current key.
func (m *mergedIter) Key() []byte { return m.key }

// Value is the current value.
func (m *mergedIter) Value() []byte { return m.val }

// Error is the error that ended the iteration, if any.
func (m *mergedIter) Error() error { return storageError(m.err) }

// Close releases the iterator; it is idempotent.
func (m *mergedIter) Close() error {
	if m.it == nil {
		return nil
	}
	err := m.it.Close()
	if perr := m.pend.close(); err == nil {
		err = perr
	}
	m.it = nil
	return storageError(err)
}
