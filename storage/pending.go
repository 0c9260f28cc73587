package storage

import (
	"strings"
	"unsafe"

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
//
// Past spillAt bytes (when spillDir is set: on-disk databases) the writes in
// memory move to a spill store (spill.go) and memory starts over: reads
// merge the two (memory wins), so a transaction's size is bounded by the
// disk, not by memory.
type pendingWrites struct {
	m       *btreemap.BTreeMap[string, pendingWrite]
	undo    []undoEntry
	arena   pendingArena // the key and value bytes of the writes in memory
	payload int          // their key and value bytes (the size of a commit batch)

	spillAt  int    // 0: never spill
	spillDir string // the database directory
	spill    *spillStore
	err      error // a failed spill: the transaction can only roll back
}

type undoEntry struct {
	key  string
	had  bool
	prev pendingWrite
}

// pendingItemCost is the memory of one write's slot in the B-tree beyond
// its bytes (which the arena counts): its key and value headers, twice
// over, since nodes split in halves (keys mostly arrive in order, so the
// left halves stay half full) and keep their capacity, plus the share of
// the node and child pointers. Measured by TestPendingMemoryAccounting.
const pendingItemCost = 2*int(unsafe.Sizeof(struct {
	k string
	w pendingWrite
}{})) + 8

// undoEntryCost is the memory of one record of the undo log.
const undoEntryCost = int(unsafe.Sizeof(undoEntry{}))

func newPendingWrites(spillAt int, spillDir string) *pendingWrites {
	p := &pendingWrites{m: btreemap.New[string, pendingWrite](32, strings.Compare)}
	if spillDir != "" && spillAt > 0 {
		p.spillAt, p.spillDir = spillAt, spillDir
	}
	return p
}

// A nil *pendingWrites is an empty one for every read and for the
// statement calls (transactions allocate theirs on the first write).

func (p *pendingWrites) get(key string) (pendingWrite, bool) {
	if p == nil {
		return pendingWrite{}, false
	}
	if _, w, ok := p.m.Get(key); ok {
		return w, true
	}
	if p.spill == nil {
		return pendingWrite{}, false
	}
	w, ok, err := p.spill.get(key)
	if err != nil {
		p.fail(err)
		return pendingWrite{}, false
	}
	return w, ok
}

// put records a write of key; it copies key and w.val, so callers may
// reuse their buffers.
func (p *pendingWrites) put(key []byte, w pendingWrite) {
	k := p.arena.str(key)
	if len(w.val) > 0 {
		w.val = p.arena.copy(w.val)
	}
	_, prev, had := p.m.ReplaceOrInsert(k, w)
	p.undo = append(p.undo, undoEntry{key: k, had: had, prev: prev})
	p.payload += len(key) + len(w.val)
	if p.spillAt > 0 && p.memory() > p.spillAt && p.err == nil {
		if err := p.spillNow(); err != nil {
			p.fail(err)
		}
	}
}

// fail records the first error of the spill store: the writes are then
// incomplete, so every later statement and the commit fail with it.
func (p *pendingWrites) fail(err error) {
	if p.err == nil {
		p.err = err
	}
}

// failed returns the spill store's error, if any.
func (p *pendingWrites) failed() error {
	if p == nil {
		return nil
	}
	return p.err
}

// spillNow moves the writes in memory to the spill store, recording the
// running statement's before-states first so it can still be undone.
func (p *pendingWrites) spillNow() error {
	if p.spill == nil {
		s, err := openSpillStore(p.spillDir)
		if err != nil {
			return err
		}
		p.spill = s
	}
	if len(p.undo) > 0 {
		if err := p.spill.saveUndo(p.undo); err != nil {
			return err
		}
		p.undo = p.undo[:0]
	}
	if err := p.spill.ingestSorted(p.m.Ascend(btreemap.Min[string](), btreemap.Max[string]())); err != nil {
		return err
	}
	p.m.Clear(false)
	// The arena's chunks are dropped, not reused: values read before the
	// spill may still be in use.
	p.arena = pendingArena{}
	p.payload = 0
	return nil
}

// spilled reports whether some writes live in the spill store.
func (p *pendingWrites) spilled() bool { return p != nil && p.spill != nil }

// close deletes the spill store, if any.
func (p *pendingWrites) close() {
	if p != nil {
		p.spill.close()
		p.spill = nil
	}
}

// savepoint starts a statement: later writes can be undone by rollbackTo.
func (p *pendingWrites) savepoint() {
	p.release()
}

// release keeps the statement's writes.
func (p *pendingWrites) release() {
	if p != nil {
		p.undo = p.undo[:0]
		if p.spill != nil {
			if err := p.spill.clearUndo(); err != nil {
				p.fail(err)
			}
		}
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
	if p.spill != nil {
		// The writes in memory are back to their state at the last spill;
		// the spilled ones go back to theirs before the statement.
		if err := p.spill.undoStatement(); err != nil {
			p.fail(err)
		}
	}
}

// undoPos is the running statement's position in its undo log: the
// number of its undo records, spilled ones first.
func (p *pendingWrites) undoPos() uint64 {
	if p == nil {
		return 0
	}
	n := uint64(len(p.undo))
	if p.spill != nil {
		n += p.spill.undoN
	}
	return n
}

// rollbackToPos undoes the running statement's writes made after undo
// position pos (undoPos), newest first; the statement goes on.
func (p *pendingWrites) rollbackToPos(pos uint64) {
	if p == nil {
		return
	}
	var spilled uint64
	if p.spill != nil {
		spilled = p.spill.undoN
	}
	keep := 0 // undo records in memory at or before pos
	if pos > spilled {
		keep = min(int(pos-spilled), len(p.undo))
	}
	for i := len(p.undo) - 1; i >= keep; i-- {
		u := p.undo[i]
		if u.had {
			p.m.ReplaceOrInsert(u.key, u.prev)
		} else {
			p.m.Delete(u.key)
		}
	}
	p.undo = p.undo[:keep]
	if p.spill != nil && pos < spilled {
		// A spill came after pos: memory is back to its state at that
		// spill, and the spilled records after pos restore the rest.
		if err := p.spill.undoAfter(pos); err != nil {
			p.fail(err)
		}
	}
}

// empty reports whether the transaction wrote nothing.
func (p *pendingWrites) empty() bool {
	return p == nil || p.m.Len() == 0 && p.spill == nil
}

// len is the number of writes in memory.
func (p *pendingWrites) len() int {
	if p == nil {
		return 0
	}
	return p.m.Len()
}

// bytes is the key and value bytes of the writes in memory.
func (p *pendingWrites) bytes() int {
	if p == nil {
		return 0
	}
	return p.payload
}

// memory is the heap the writes in memory take: the arena's chunks, the
// B-tree's slots and the undo log's capacity. The spill threshold bounds
// it, so a transaction's memory is what TxnMemory says, not a fraction.
func (p *pendingWrites) memory() int {
	if p == nil {
		return 0
	}
	return p.arena.size + p.m.Len()*pendingItemCost + cap(p.undo)*undoEntryCost
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
