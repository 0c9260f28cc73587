package storage

import (
	"strings"

	"github.com/RaduBerinde/btreemap"
)

// pendingWrite is a transaction's uncommitted write of one key: a value, or
// a deletion (del) that hides the snapshot's value.
type pendingWrite struct {
	val []byte
	del bool
}

// pendingWrites are a transaction's writes in key order (point lookups and
// ordered merges with the snapshot), plus the undo log of the running
// statement, which restores the state before it when it fails.
type pendingWrites struct {
	m    *btreemap.BTreeMap[string, pendingWrite]
	undo []undoEntry
	size int // bytes of keys and values, for the memory bound
}

type undoEntry struct {
	key  string
	had  bool
	prev pendingWrite
}

func newPendingWrites() *pendingWrites {
	return &pendingWrites{m: btreemap.New[string, pendingWrite](32, strings.Compare)}
}

// A nil *pendingWrites is an empty one for every read and for the
// statement calls (transactions allocate theirs on the first write).

func (p *pendingWrites) get(key string) (pendingWrite, bool) {
	if p == nil {
		return pendingWrite{}, false
	}
	_, w, ok := p.m.Get(key)
	return w, ok
}

func (p *pendingWrites) put(key string, w pendingWrite) {
	_, prev, had := p.m.ReplaceOrInsert(key, w)
	p.undo = append(p.undo, undoEntry{key: key, had: had, prev: prev})
	p.size += len(key) + len(w.val)
}

// savepoint starts a statement: later writes can be undone by rollbackTo.
func (p *pendingWrites) savepoint() {
	if p != nil {
		p.undo = p.undo[:0]
	}
}

// release keeps the statement's writes.
func (p *pendingWrites) release() {
	if p != nil {
		p.undo = p.undo[:0]
	}
}

// rollbackTo undoes the statement's writes, newest first.
func (p *pendingWrites) rollbackTo() {
	if p == nil {
		return
	}
	for i := len(p.undo) - 1; i >= 0; i-- {
		u := p.undo[i]
		if u.had {
			p.m.ReplaceOrInsert(u.key, u.prev)
		} else {
			p.m.Delete(u.key)
		}
	}
	p.undo = p.undo[:0]
}

func (p *pendingWrites) len() int {
	if p == nil {
		return 0
	}
	return p.m.Len()
}

func (p *pendingWrites) bytes() int {
	if p == nil {
		return 0
	}
	return p.size
}

// between returns the writes with lower <= key < upper (upper nil: no
// bound), in key order.
func (p *pendingWrites) between(lower, upper []byte) []pendingKV {
	if p == nil {
		return nil
	}
	var out []pendingKV
	stop := btreemap.Max[string]()
	if upper != nil {
		stop = btreemap.LT(string(upper))
	}
	for k, w := range p.m.Ascend(btreemap.GE(string(lower)), stop) {
		out = append(out, pendingKV{key: k, w: w})
	}
	return out
}

type pendingKV struct {
	key string
	w   pendingWrite
}

// all iterates every write in key order.
func (p *pendingWrites) all() func(yield func(string, pendingWrite) bool) {
	if p == nil {
		return func(func(string, pendingWrite) bool) {}
	}
	return p.m.Ascend(btreemap.Min[string](), btreemap.Max[string]())
}
