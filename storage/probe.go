package storage

import (
	"bytes"

	"github.com/cockroachdb/pebble/v2"
)

// keyProbe answers "does this key exist in the transaction's view" for the
// many lookups of one bulk statement. Bulk input usually arrives in key
// order: for keys at or after the previous one it walks a single snapshot
// iterator forward (pebble turns such seeks into cheap nexts, and an
// exhausted iterator answers at once), and falls back to a point Get (with
// bloom filters) when keys go backwards. The first key is a point Get too:
// a statement of one row (an INSERT by value) then opens no iterator, and
// the Get's bloom filters skip the sstables that do not hold a new key,
// which an iterator's seek would visit level by level.
type keyProbe struct {
	tx     *Txn
	lo, hi []byte
	it     *pebble.Iterator
	last   []byte
	probed bool // a key was looked up
}

func newKeyProbe(tx *Txn, lo, hi []byte) *keyProbe {
	return &keyProbe{tx: tx, lo: lo, hi: hi}
}

func (p *keyProbe) exists(key []byte) (bool, error) {
	if w, ok := p.tx.pend.get(string(key)); ok {
		return !w.del, nil
	}
	if !p.probed {
		p.probed = true
		p.last = append(p.last[:0], key...)
		return p.tx.exists(key)
	}
	if bytes.Compare(key, p.last) < 0 {
		return p.tx.exists(key)
	}
	if p.it == nil {
		it, err := p.tx.snap.NewIter(&pebble.IterOptions{LowerBound: p.lo, UpperBound: p.hi})
		if err != nil {
			return false, storageError(err)
		}
		p.it = it
	} else if !p.it.Valid() {
		if err := p.it.Error(); err != nil {
			return false, storageError(err)
		}
		return false, nil // nothing at or after the previous key
	} else if c := bytes.Compare(p.it.Key(), key); c >= 0 {
		p.last = append(p.last[:0], key...)
		return c == 0, nil
	}
	p.last = append(p.last[:0], key...)
	if !p.it.SeekGE(key) {
		return false, storageError(p.it.Error())
	}
	return bytes.Equal(p.it.Key(), key), nil
}

func (p *keyProbe) close() {
	if p.it != nil {
		_ = p.it.Close()
		p.it = nil
	}
}
