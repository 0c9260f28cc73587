package storage

import "sync"

// txnTracker is the commit critical section and the state first-committer-
// wins needs: the commit sequence, the open transactions' start sequences,
// and the keys written by commits that some open transaction has not seen.
//
// One process holds the pebble lock, so every commit goes through this
// tracker and in-memory tracking is complete. A key's entry is kept only
// while some open transaction began before the commit that wrote it; with no
// open transaction the maps are empty.
type txnTracker struct {
	mu        sync.Mutex
	seq       uint64         // sequence of the last commit
	open      map[uint64]int // start sequence -> open transactions with it
	lastWrite map[string]uint64
	log       []commitRecord // in sequence order
	gen       readGen        // bumped by every commit (latest.go: cached latest reads)
}

type commitRecord struct {
	seq  uint64
	keys []string
}

func (t *txnTracker) init() {
	t.open = map[uint64]int{}
	t.lastWrite = map[string]uint64{}
}

// conflict returns the first key of keys written by a commit after start.
// Call with mu held.
func (t *txnTracker) conflict(start uint64, keys []string) (string, bool) {
	if len(t.lastWrite) == 0 {
		return "", false
	}
	for _, k := range keys {
		if s, ok := t.lastWrite[k]; ok && s > start {
			return k, true
		}
	}
	return "", false
}

// conflictWith is conflict for a transaction too big to list its keys:
// has says whether it wrote (or guards) a key. Call with mu held.
func (t *txnTracker) conflictWith(start uint64, has func(string) bool) (string, bool) {
	for k, s := range t.lastWrite {
		if s > start && has(k) {
			return k, true
		}
	}
	return "", false
}

// othersOpen reports whether more than one transaction (the committing
// one) is open. Call with mu held.
func (t *txnTracker) othersOpen() bool {
	n := 0
	for _, c := range t.open {
		n += c
	}
	return n > 1
}

// committed records a commit of keys at the next sequence, by a
// transaction that began at start (it is still counted open). Call with mu
// held.
func (t *txnTracker) committed(start uint64, keys []string) {
	t.seq++
	t.gen.bump()
	// Another open transaction began before this commit iff the open set
	// holds more than this one.
	others := 0
	for _, n := range t.open {
		others += n
	}
	if others <= 1 || len(keys) == 0 {
		return
	}
	for _, k := range keys {
		t.lastWrite[k] = t.seq
	}
	t.log = append(t.log, commitRecord{seq: t.seq, keys: keys})
}

// begin registers a transaction starting now and returns its start
// sequence. Call with mu held.
func (t *txnTracker) begin() uint64 {
	t.open[t.seq]++
	return t.seq
}

// end unregisters a transaction and prunes what no open one can conflict
// with any more. Call with mu held.
func (t *txnTracker) end(start uint64) {
	if t.open[start]--; t.open[start] <= 0 {
		delete(t.open, start)
	}
	oldest := t.seq
	for s := range t.open {
		oldest = min(oldest, s)
	}
	i := 0
	for ; i < len(t.log) && t.log[i].seq <= oldest; i++ {
		for _, k := range t.log[i].keys {
			if t.lastWrite[k] == t.log[i].seq {
				delete(t.lastWrite, k)
			}
		}
	}
	if i > 0 {
		t.log = append(t.log[:0], t.log[i:]...)
	}
}
