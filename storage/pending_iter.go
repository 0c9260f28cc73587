package storage

import (
	"sort"

	"github.com/cockroachdb/pebble/v2"
)

// pendIter walks a transaction's pending writes in [lower, upper) in key
// order, deletions included: the writes in memory merged with the spilled
// ones (memory wins: it is newer).
type pendIter struct {
	mem   []pendingKV
	mi    int
	sp    *pebble.Iterator // nil: nothing spilled
	upper []byte           // current seek's upper bound (nil: none)

	key   string
	w     pendingWrite
	valid bool
	both  bool // the current key is in memory and spilled
	err   error
}

func (p *pendingWrites) iter(lower, upper []byte) *pendIter {
	it := &pendIter{}
	if p == nil {
		return it
	}
	it.mem = p.between(lower, upper)
	if p.spill != nil {
		if it.sp, it.err = p.spill.iter(lower, upper); it.err == nil {
			it.sp.First()
		}
	}
	it.settle()
	return it
}

// seek positions on the first write at or after lo, below hi (nil: the
// iterator's bound).
func (it *pendIter) seek(lo, hi []byte) {
	it.upper = hi
	it.mi = sort.Search(len(it.mem), func(i int) bool { return it.mem[i].key >= string(lo) })
	if it.sp != nil {
		it.sp.SeekGE(append([]byte{spillPend}, lo...))
	}
	it.settle()
}

func (it *pendIter) settle() {
	it.valid, it.both = false, false
	if it.err != nil {
		return
	}
	memOK := it.mi < len(it.mem)
	spOK := it.sp != nil && it.sp.Valid()
	var spKey string
	if spOK {
		spKey = string(it.sp.Key()[1:])
	}
	switch {
	case memOK && (!spOK || it.mem[it.mi].key <= spKey):
		it.key, it.w = it.mem[it.mi].key, it.mem[it.mi].w
		it.both = spOK && it.mem[it.mi].key == spKey
	case spOK:
		it.key, it.w = spKey, decodeSpilled(it.sp.Value())
	default:
		if it.sp != nil {
			it.err = it.sp.Error()
		}
		return
	}
	it.valid = it.upper == nil || it.key < string(it.upper)
}

func (it *pendIter) next() {
	memCur := it.mi < len(it.mem) && it.mem[it.mi].key == it.key
	if memCur {
		it.mi++
	}
	if it.sp != nil && (!memCur || it.both) {
		it.sp.Next()
	}
	it.settle()
}

func (it *pendIter) close() error {
	err := it.err
	if it.sp != nil {
		if cerr := it.sp.Close(); err == nil {
			err = cerr
		}
		it.sp = nil
	}
	return storageError(err)
}

// keysIn returns the keys of the pending writes in [lower, upper) that are
// not deletions.
func (p *pendingWrites) keysIn(lower, upper []byte) ([]string, error) {
	it := p.iter(lower, upper)
	var out []string
	for ; it.valid; it.next() {
		if !it.w.del {
			out = append(out, it.key)
		}
	}
	return out, it.close()
}
