package storage

import "github.com/alopexdb/alopex/core"

// A filtered vector search allows the rows that pass a filter. Resolving
// the filter reads the table and then tests every label of the index, so
// repeating it for each query of an unchanged table costs far more than
// the search. A vector index therefore keeps the label masks of the last
// filters it was searched with, by the filter's text (KeySet.filter), each
// valid for one version of the table: the sequence of the last commit that
// wrote it (vecIndex.lastWrite). Every commit that writes the table moves
// that version on, so a mask is never used for data it was not made from;
// a transaction with its own writes to the table does not search the index
// at all (searchable), so it never sees a mask made without them.
//
// Why a mask made at one snapshot serves another: when the last commit to
// write the table is the same for both, no label was born or died between
// them, so the same labels are visible in both.

// maxAllowMasks bounds the masks one index keeps (one bit per label each).
const maxAllowMasks = 16

// allowEntry is a cached mask and the table version it was made at.
type allowEntry struct {
	version uint64
	mask    *labelMask
}

// cachedMask returns the mask of filter made at the table version snapshot
// snap sees, or nil.
func (v *vecIndex) cachedMask(filter string, snap uint64) *labelMask {
	ver := v.lastWrite.Load()
	if ver > snap {
		// A commit after snap wrote the table: which version snap sees is
		// not known here.
		return nil
	}
	v.amu.Lock()
	defer v.amu.Unlock()
	if e := v.allowed[filter]; e != nil && e.version == ver {
		v.masksReused.Add(1)
		return e.mask
	}
	return nil
}

// remember caches m, the mask of filter made at snapshot snap, when snap
// sees the table's current version; masks of older versions are dropped.
func (v *vecIndex) remember(filter string, snap uint64, m *labelMask) {
	// lastWrite only grows and a commit sets it before any snapshot can
	// see the commit, so when it is at most snap it is the last write snap
	// sees: the version m was made from.
	ver := v.lastWrite.Load()
	if ver > snap {
		return
	}
	v.amu.Lock()
	defer v.amu.Unlock()
	if v.allowed == nil {
		v.allowed = map[string]*allowEntry{}
	}
	for f, e := range v.allowed {
		if e.version != ver || len(v.allowed) >= maxAllowMasks {
			delete(v.allowed, f)
		}
	}
	v.allowed[filter] = &allowEntry{version: ver, mask: m}
}

// searchSet is searchBatch with the allow-list set (nil: every row). A set
// of a named filter (KeySet.ForFilter, Txn.CachedKeySet) uses and fills the
// index's mask cache.
func (v *vecIndex) searchSet(queries []float32, nq, k, ef int, snap uint64, set *KeySet) (res []vecResult, ok []bool, err error) {
	if snap < v.builtAt {
		return nil, nil, nil
	}
	if set != nil && set.mask != nil && set.of != v {
		// Cached by an index rebuilt since: its labels are not these, and
		// the set has no keys to test them with.
		return nil, nil, nil
	}
	if err := v.drain(); err != nil {
		return nil, nil, err
	}
	v.mu.RLock()
	defer v.mu.RUnlock()
	var m *labelMask
	switch {
	case set == nil:
		m = v.maskOf(snap, nil)
	case set.mask != nil:
		m = set.mask
	case set.filter != "":
		if m = v.cachedMask(set.filter, snap); m == nil {
			m = v.maskOf(snap, set.has)
			v.masksMade.Add(1)
			v.remember(set.filter, snap, m)
		}
	default:
		m = v.maskOf(snap, set.has)
	}
	return v.searchMasked(queries, nq, k, ef, m)
}

// ForFilter names the filter that selected the rows of s (its text with
// its parameters: two filters with the same name select the same rows of
// the same data). A vector search with s then caches the label mask it
// makes, for CachedKeySet to find while the table is unchanged.
func (s *KeySet) ForFilter(filter string) *KeySet {
	s.filter = filter
	return s
}

func (s *KeySet) has(key string) bool {
	_, ok := s.keys[key]
	return ok
}

// CachedKeySet returns the rows of table that pass filter (KeySet.ForFilter)
// as vector index index cached them for t's snapshot, or nil when it has
// none: the caller then evaluates the filter and makes the set with
// KeySetOf. The set is only good for a vector search of that index in t.
func (t *Txn) CachedKeySet(table, index, filter string) (*KeySet, error) {
	if t.done {
		return nil, errTxnDone()
	}
	d, err := t.Table(table)
	if err != nil {
		return nil, err
	}
	vx := d.VectorIndex(index)
	if vx == nil {
		return nil, core.Errorf(core.KindInvalidInput, "table %q has no vector index %q", d.Name, index)
	}
	if !t.indexUsable(d) {
		return nil, nil
	}
	t.db.vec.mu.Lock()
	lv := t.db.vec.find(d.ID, vx.Name)
	t.db.vec.mu.Unlock()
	if lv == nil || !lv.isReady() || lv.err != nil || !lv.loaded() {
		return nil, nil
	}
	m := lv.idx.cachedMask(filter, t.start)
	if m == nil {
		return nil, nil
	}
	return &KeySet{table: d.ID, filter: filter, mask: m, of: lv.idx}, nil
}
