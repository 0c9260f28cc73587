package storage

import (
	"math"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/vector"
)

// A vector index of a stored table (CREATE INDEX … USING HNSW / FLAT) is
// kept in memory beside the data and current with every commit; this file
// is the versioned structure that lets one index serve every snapshot.
//
// Each version of a row's vector is a label of the underlying index (the
// external id of vector.Index), with the commit sequence that wrote it
// (born) and the one that replaced or deleted it (died, 0 while current).
// A search at snapshot s allows exactly the labels with born <= s < died
// (or died == 0), intersected with the caller's allow-list, so a
// transaction never gets a row version it cannot see and sees every one it
// can. Versions no open snapshot can see are removed from the index (gc).
//
// Commits only queue their changes (enqueue, under the commit critical
// section: cheap); the next search applies the queue first (drain), so
// graph insertions never hold up commits and searches always see every
// commit before them. Changes are queued in commit order.

// vecLabel is one version of one row's vector.
type vecLabel struct {
	key  string // the row key
	born uint64 // commit sequence that wrote it
	died uint64 // commit sequence that replaced or deleted it; 0: current
	// null marks a version whose vector is NULL: not in the index, but
	// counted, as a NULL distance sorts first.
	null bool
}

// vecChange is a committed change of a row's vector: a new vector, a NULL
// one (null), or neither when the row was deleted.
type vecChange struct {
	seq  uint64
	key  string
	vec  []float32
	null bool
}

// vecIndex is the in-memory, versioned vector index of one stored index.
type vecIndex struct {
	// builtAt is the snapshot the index was built from: older snapshots
	// cannot use it (rows born before it are all recorded as born at it).
	builtAt uint64

	qmu   sync.Mutex
	queue []vecChange

	mu     sync.RWMutex // over the fields below and idx's contents
	idx    vector.Index
	labels []vecLabel       // label -> version
	live   map[string]int64 // row key -> label of its current version
	nDead  int              // labels with died != 0 still in idx
	nGone  int              // labels removed by gc (tombstones in idx)

	// lastWrite is the sequence of the last commit that wrote the table
	// (builtAt until one does): the table version cached allow-list masks
	// are made at (vecindex_allow.go).
	lastWrite atomic.Uint64
	amu       sync.Mutex
	allowed   map[string]*allowEntry // filter -> its mask
	// masksMade counts the masks of named filters made, masksReused the
	// searches that found theirs cached (VectorIndexInfo).
	masksMade, masksReused atomic.Int64
}

func newVecIndex(idx vector.Index, builtAt uint64) *vecIndex {
	v := &vecIndex{idx: idx, builtAt: builtAt, live: map[string]int64{}}
	v.lastWrite.Store(builtAt)
	return v
}

// load adds the rows of the snapshot the index is built from (vectors row
// major, one per key), all born at builtAt, and the keys of its rows with a
// NULL vector.
func (v *vecIndex) load(keys []string, vectors []float32, nullKeys []string) error {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.addNulls(nullKeys, v.builtAt)
	return v.add(keys, vectors, v.builtAt)
}

// reserve makes room for n more vectors in an HNSW index (the build adds
// the table's rows in batches).
func (v *vecIndex) reserve(n int) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if h, ok := v.idx.(*vector.HNSW); ok {
		h.Reserve(n)
	}
	v.labels = slices.Grow(v.labels, n)
	if len(v.live) == 0 {
		v.live = make(map[string]int64, n)
	}
}

// add gives each key a new current label. Call with mu held.
func (v *vecIndex) add(keys []string, vectors []float32, seq uint64) error {
	if len(keys) == 0 {
		return nil
	}
	ids := make([]int64, len(keys))
	for i := range keys {
		ids[i] = int64(len(v.labels) + i)
	}
	if err := v.idx.Add(vectors, ids); err != nil {
		return err
	}
	for i, k := range keys {
		v.labels = append(v.labels, vecLabel{key: k, born: seq})
		v.live[k] = ids[i]
	}
	return nil
}

// addNulls gives each key a new current NULL label. Call with mu held.
func (v *vecIndex) addNulls(keys []string, seq uint64) {
	for _, k := range keys {
		v.live[k] = int64(len(v.labels))
		v.labels = append(v.labels, vecLabel{key: k, born: seq, null: true})
	}
}

// enqueue records a committed change; the commit path calls it in commit
// order, inside the commit critical section.
func (v *vecIndex) enqueue(c vecChange) {
	v.qmu.Lock()
	v.queue = append(v.queue, c)
	v.qmu.Unlock()
}

// queued counts the changes not applied yet.
func (v *vecIndex) queued() int {
	v.qmu.Lock()
	defer v.qmu.Unlock()
	return len(v.queue)
}

// drain applies the queued changes to the index.
func (v *vecIndex) drain() error {
	v.qmu.Lock()
	q := v.queue
	v.queue = nil
	v.qmu.Unlock()
	if len(q) == 0 {
		return nil
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	for i := 0; i < len(q); {
		// Consecutive insertions of the same commit go to the index in one
		// Add (a bulk insert is one commit).
		// A key changed twice in one commit keeps its last change.
		j := i
		last := map[string]int{}
		for ; j < len(q) && q[j].seq == q[i].seq; j++ {
			last[q[j].key] = j
		}
		var keys, nulls []string
		var vecs []float32
		for x := i; x < j; x++ {
			c := q[x]
			if last[c.key] != x {
				continue
			}
			if old, ok := v.live[c.key]; ok {
				v.labels[old].died = c.seq
				v.nDead++
				delete(v.live, c.key)
			}
			switch {
			case c.null:
				nulls = append(nulls, c.key)
			case c.vec != nil:
				keys = append(keys, c.key)
				vecs = append(vecs, c.vec...)
			}
		}
		v.addNulls(nulls, q[i].seq)
		if err := v.add(keys, vecs, q[i].seq); err != nil {
			// The queued changes were committed: an index that cannot take
			// them is broken, not the data. Searches then fail until the
			// index is rebuilt.
			return core.Errorf(core.KindInternal, "vector index update failed: %v", err)
		}
		i = j
	}
	return nil
}

// gc removes from the index the versions no snapshot at or after oldest
// can see (died <= oldest).
func (v *vecIndex) gc(oldest uint64) error {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.nDead == 0 {
		return nil
	}
	var gone []int64
	n := 0
	for id, l := range v.labels {
		if l.died != 0 && l.died != math.MaxUint64 && l.died <= oldest {
			if !l.null {
				gone = append(gone, int64(id))
			}
			v.labels[id].died = math.MaxUint64 // removed: never visible
			n++
		}
	}
	if len(gone) > 0 {
		if _, err := v.idx.Remove(gone); err != nil {
			return err
		}
	}
	v.nDead -= n
	v.nGone += n
	return nil
}

// worn reports whether removed versions outnumber the live ones enough
// that rebuilding the index from the table beats searching around them.
func (v *vecIndex) worn() bool {
	v.mu.RLock()
	defer v.mu.RUnlock()
	garbage := v.nDead + v.nGone
	return garbage > 1024 && garbage > 2*len(v.live)
}

// gcIfWorth runs gc when dead versions make up a quarter of the index.
func (v *vecIndex) gcIfWorth(oldest func() uint64) error {
	v.mu.RLock()
	worth := v.nDead > 64 && v.nDead*4 > len(v.live)
	v.mu.RUnlock()
	if !worth {
		return nil
	}
	return v.gc(oldest())
}

// vecHit is a search result: a row key and its distance to the query.
type vecHit struct {
	Key  string
	Dist float32
}

// vecResult is a search's answer: the hits, nearest first, and how many
// visible, allowed versions have a NULL vector (they are not hits).
type vecResult struct {
	Hits  []vecHit
	Nulls int
}

// search returns the k versions visible at snapshot snap that allow
// accepts (nil: all) nearest to query. ok is false when the index cannot
// answer exactly as a scan would — a snapshot older than the index, or a
// search that found fewer than k of the allowed vectors — and the caller
// must compute the answer exactly.
func (v *vecIndex) search(query []float32, k, ef int, snap uint64, allow func(key string) bool) (vecResult, bool, error) {
	res, ok, err := v.searchBatch(query, 1, k, ef, snap, allow)
	if err != nil || res == nil {
		return vecResult{}, false, err
	}
	return res[0], ok[0], nil
}

// searchBatch is search of nq queries (row after row in queries) with one
// allow-list, made once; the index runs the queries in parallel. res is
// nil when the snapshot is older than the index (no query can be
// answered); ok[i] tells whether query i was.
func (v *vecIndex) searchBatch(queries []float32, nq, k, ef int, snap uint64, allow func(key string) bool) (res []vecResult, ok []bool, err error) {
	if snap < v.builtAt {
		return nil, nil, nil
	}
	if err := v.drain(); err != nil {
		return nil, nil, err
	}
	v.mu.RLock()
	defer v.mu.RUnlock()
	return v.searchMasked(queries, nq, k, ef, v.maskOf(snap, allow))
}

// labelMask is an allow-list resolved against the labels for one
// snapshot: the labels visible there, accepted and with a vector (bits),
// how many (n), and how many visible, accepted versions have a NULL vector.
// Labels past the end of bits are not allowed.
type labelMask struct {
	bits  []uint64
	n     int
	nulls int
}

func (m *labelMask) has(id int64) bool {
	return id >= 0 && id < int64(len(m.bits))*64 && m.bits[id>>6]&(1<<(id&63)) != 0
}

// maskOf resolves allow (nil: every row) for snapshot snap. Call with mu
// held (read).
func (v *vecIndex) maskOf(snap uint64, allow func(key string) bool) *labelMask {
	m := &labelMask{bits: make([]uint64, (len(v.labels)+63)/64)}
	for id, l := range v.labels {
		if l.born <= snap && (l.died == 0 || l.died > snap) && (allow == nil || allow(l.key)) {
			if l.null {
				m.nulls++
				continue
			}
			m.bits[id>>6] |= 1 << (id & 63)
			m.n++
		}
	}
	return m
}

// searchMasked searches the labels of m. Call with mu held (read).
func (v *vecIndex) searchMasked(queries []float32, nq, k, ef int, m *labelMask) (res []vecResult, ok []bool, err error) {
	res, ok = make([]vecResult, nq), make([]bool, nq)
	for i := range res {
		res[i].Nulls = m.nulls
	}
	k = min(k, m.n)
	if k <= 0 {
		for i := range ok {
			ok[i] = true
		}
		return res, ok, nil
	}
	// Always with the mask, even when it allows every label: a flat
	// index's unfiltered path ranks by |x|² - 2x·q + |q|², which loses the
	// order of near ties at large norms; the masked path computes each
	// distance as SQL's exact scan does.
	ids := make([]int64, nq*k)
	dists := make([]float32, nq*k)
	if err := v.idx.Search(queries, k, ef, &vector.Filter{Bits: m.bits}, ids, dists); err != nil {
		return nil, nil, err
	}
	for q := range nq {
		hits := make([]vecHit, 0, k)
		for i := q * k; i < (q+1)*k; i++ {
			id := ids[i]
			if id < 0 {
				continue
			}
			if !m.has(id) {
				return nil, nil, core.Errorf(core.KindInternal, "vector index returned label %d, which the search did not allow", id)
			}
			hits = append(hits, vecHit{Key: v.labels[id].key, Dist: dists[i]})
		}
		res[q].Hits = hits
		ok[q] = len(hits) == k
	}
	return res, ok, nil
}

// visibleKeys returns the keys of the row versions visible at snap, in key
// order (for tests and consistency checks).
func (v *vecIndex) visibleKeys(snap uint64) ([]string, error) {
	if err := v.drain(); err != nil {
		return nil, err
	}
	v.mu.RLock()
	defer v.mu.RUnlock()
	var out []string
	for _, l := range v.labels {
		if l.born <= snap && (l.died == 0 || l.died > snap) && !l.null {
			out = append(out, l.key)
		}
	}
	slices.Sort(out)
	return out, nil
}
