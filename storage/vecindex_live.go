package storage

import (
	"encoding/binary"
	"fmt"
	"math"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/vector"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/cockroachdb/pebble/v2"
)

// vecRegistry holds the vector indexes built so far, by table id. An index
// is built from the table when first searched (liveVec.build), and from
// then on every commit that writes the table queues its changes to it
// (onCommit, inside the commit critical section). A commit that changes the
// catalog drops them all: they are rebuilt on their next search, against
// the new definitions.
type vecRegistry struct {
	mu      sync.Mutex
	byTable map[uint64][]*liveVec
	// openSnaps are the snapshots Open took for the saved indexes not yet
	// loaded (vecindex_persist.go).
	openSnaps map[*liveVec]*pebble.Snapshot
}

// liveVec is one vector index of one table id.
type liveVec struct {
	def   VectorIndexDef
	table uint64
	typ   colType
	dflt  datum // the column's default, for rows written before it existed

	ready chan struct{} // closed when the build ended
	idx   *vecIndex
	err   error

	// loadFrom are the files of an index saved by the last Close, loaded
	// on its first search (vecindex_persist.go); loadToken names them.
	loadFrom  [2]string
	loadToken string
	loadOnce  sync.Once
	loadErr   error
	isLoaded  atomic.Bool

	searches, fallbacks atomic.Int64 // searches answered, and left to an exact scan
}

func (lv *liveVec) count(answered bool) {
	if answered {
		lv.searches.Add(1)
	} else {
		lv.fallbacks.Add(1)
	}
}

// newLiveVec describes vx (an index of d), not built yet.
func newLiveVec(d *TableDesc, vx *VectorIndexDef) *liveVec {
	pos := d.posByID[vx.colID]
	return &liveVec{def: *vx, table: d.ID, typ: d.Columns[pos].typ, dflt: d.Columns[pos].defaultV, ready: make(chan struct{})}
}

// isReady reports whether the build (or the registration of saved files) ended.
func (lv *liveVec) isReady() bool {
	select {
	case <-lv.ready:
		return true
	default:
		return false
	}
}

// loaded reports whether the index holds its vectors: built, or loaded
// from its files.
func (lv *liveVec) loaded() bool {
	return lv.loadFrom[0] == "" || lv.isLoaded.Load()
}

// find returns the live index of def on table id, or nil.
func (r *vecRegistry) find(table uint64, name string) *liveVec {
	for _, lv := range r.byTable[table] {
		if strings.EqualFold(lv.def.Name, name) {
			return lv
		}
	}
	return nil
}

// onCommit queues a commit's writes of indexed tables to their indexes.
// Call with db.txns.mu held, after the commit took sequence seq.
func (db *DB) vecOnCommit(seq uint64, t *Txn) {
	r := &db.vec
	r.mu.Lock()
	defer r.mu.Unlock()
	if t.pend.spilled() {
		// A transaction too large to list under the commit lock: the
		// indexes are built again on their next search.
		r.byTable = nil
		return
	}
	for _, id := range t.ddlTables {
		// A table whose definition changed (columns, indexes, name) or
		// whose data was dropped: its indexes are built again; the other
		// tables' stay.
		delete(r.byTable, id)
	}
	if len(r.byTable) == 0 {
		return
	}
	for id, lvs := range r.byTable {
		lo := rowPrefix(id)
		kvs := t.pend.between(lo, prefixEnd(lo))
		if len(kvs) > 0 {
			for _, lv := range lvs {
				lv.idx.lastWrite.Store(seq) // before any snapshot sees seq
			}
		}
		for _, kv := range kvs {
			for _, lv := range lvs {
				c := vecChange{seq: seq, key: kv.key}
				if !kv.w.del {
					c.vec, c.null = lv.vectorOf(kv.w.val)
				}
				lv.idx.enqueue(c)
			}
		}
	}
}

// vectorOf decodes the indexed column of a row value: its vector, or
// null when it is NULL (a row that does not decode counts as NULL: its
// readers report it).
func (lv *liveVec) vectorOf(val []byte) (vec []float32, null bool) {
	vec = make([]float32, lv.typ.dim)
	if !lv.vectorInto(vec, val) {
		return nil, true
	}
	return vec, false
}

// vectorInto decodes the indexed column of a row value into dst (len dim)
// and reports whether it has a vector (false: NULL, or a row that does
// not decode), without allocating: a packed vector unpacks in place.
func (lv *liveVec) vectorInto(dst []float32, val []byte) bool {
	b, err := rowBody(val)
	if err != nil {
		return false
	}
	for len(b) > 0 {
		id, wire, p, rest, err := nextField(b)
		if err != nil {
			return false
		}
		b = rest
		if id != uint64(lv.def.colID) {
			continue
		}
		switch {
		case wire == wirePacked:
			return vector.UnpackFloats(dst, p) == nil
		case wire == wireBytes && len(p) == 4*len(dst):
			floatsInto(dst, p)
			return true
		}
		return false
	}
	if lv.dflt.null || len(lv.dflt.b) != 4*len(dst) {
		return false
	}
	floatsInto(dst, lv.dflt.b)
	return true
}

func floatsInto(dst []float32, b []byte) {
	for i := range dst {
		dst[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
}

// liveIndex returns the built index of vx (a vector index of d), building
// it now when needed: registered and snapshotted under the commit lock, so
// it holds exactly the commits up to its snapshot and queues every later one.
func (db *DB) liveIndex(d *TableDesc, vx *VectorIndexDef) (*liveVec, error) {
	db.txns.mu.Lock()
	if db.closed {
		db.txns.mu.Unlock()
		return nil, core.Errorf(core.KindInvalidInput, "the database is closed; open it again")
	}
	db.vec.mu.Lock()
	lv := db.vec.find(d.ID, vx.Name)
	if lv != nil {
		db.vec.mu.Unlock()
		db.txns.mu.Unlock()
		<-lv.ready
		if lv.loadFrom[0] != "" {
			lv.loadOnce.Do(func() {
				lv.loadErr = db.loadSaved(lv)
				lv.isLoaded.Store(lv.loadErr == nil)
			})
			if lv.loadErr != nil {
				// Damaged files: build the index from the table instead.
				db.dropLive(lv)
				return db.liveIndex(d, vx)
			}
		}
		return lv, lv.err
	}
	lv = newLiveVec(d, vx)
	metric, err := vector.ParseMetric(vx.Metric)
	var idx vector.Index
	if err == nil {
		if vx.Kind == "flat" {
			idx, err = vector.NewFlat(lv.typ.dim, metric)
		} else {
			idx, err = vector.NewHNSW(lv.typ.dim, metric, vector.HNSWOptions{M: vx.M, EfConstruction: vx.EfConstruction, Seed: uint64(d.ID), Quantization: vx.Quantization})
		}
	}
	if err != nil {
		db.vec.mu.Unlock()
		db.txns.mu.Unlock()
		return nil, core.Errorf(core.KindInternal, "vector index %q: %v", vx.Name, err)
	}
	build := &Txn{db: db, snap: db.pdb.NewSnapshot(), start: db.txns.begin()}
	db.live[build] = struct{}{}
	lv.idx = newVecIndex(idx, build.start)
	if db.vec.byTable == nil {
		db.vec.byTable = map[uint64][]*liveVec{}
	}
	db.vec.byTable[d.ID] = append(db.vec.byTable[d.ID], lv)
	db.vec.mu.Unlock()
	db.txns.mu.Unlock()

	lv.err = lv.load(build, d.Name, vx.Name)
	build.Rollback()
	close(lv.ready)
	if lv.err != nil {
		db.dropLive(lv)
	}
	return lv, lv.err
}

// dropLive forgets a built index: the next search builds it again.
func (db *DB) dropLive(lv *liveVec) {
	db.txns.mu.Lock()
	db.vec.mu.Lock()
	if lvs := db.vec.byTable[lv.table]; lvs != nil {
		db.vec.byTable[lv.table] = removeLive(lvs, lv)
	}
	db.vec.mu.Unlock()
	db.txns.mu.Unlock()
}

func removeLive(lvs []*liveVec, lv *liveVec) []*liveVec {
	out := lvs[:0:0]
	for _, x := range lvs {
		if x != lv {
			out = append(out, x)
		}
	}
	return out
}

// load adds every row of the build snapshot to the index, in batches,
// reporting its progress (core.Tasks: Python shows a bar).
//
// The rows are read and decoded on a goroutine of their own, a batch
// ahead of the index: Add inserts on every core but the walk is serial,
// and done between batches it left all cores but one idle for its time
// (~3% of a 200,000-row build).
func (lv *liveVec) load(build *Txn, table, index string) error {
	d, err := build.Table(table)
	if err != nil {
		return err
	}
	// The walks below read each block of the table once: they leave no
	// blocks behind in the cache.
	defer build.db.boundCacheGrowth()()
	// The exact count (a walk of the keys, ~1% of the build): the index
	// allocates its vectors and links once at their size.
	total, err := build.countRows(d, 0)
	if err != nil {
		return err
	}
	lv.idx.reserve(int(total))
	task := core.StartTask(fmt.Sprintf("building vector index %s on %s", index, table), total)
	defer task.End()
	lo := rowPrefix(lv.table)
	it, err := build.iter(lo, prefixEnd(lo))
	if err != nil {
		return err
	}
	// Two batches circulate: one filled by the reader, one being added.
	full, free := make(chan *vecBatch, 1), make(chan *vecBatch, 2)
	free <- newVecBatch(lv.typ.dim)
	free <- newVecBatch(lv.typ.dim)
	stop := make(chan struct{})
	readErr := make(chan error, 1)
	go func() {
		defer close(full)
		defer it.Close()
		readErr <- lv.readBatches(it, free, full, stop)
	}()
	var addErr error
	for b := range full {
		if addErr == nil {
			if addErr = lv.idx.load(b.keys, b.vecs, b.nulls); addErr != nil {
				close(stop) // the reader stops at its next batch
			}
			task.Add(int64(len(b.keys) + len(b.nulls)))
		}
		b.reset()
		free <- b
	}
	if err := <-readErr; err != nil && addErr == nil {
		return err
	}
	return addErr
}

// vecBatchRows is how many vectors load hands the index at once.
const vecBatchRows = 4096

// vecBatch is a batch of rows for load: keys with vectors (row major in
// vecs) and keys with a NULL vector.
type vecBatch struct {
	keys, nulls []string
	vecs        []float32
}

func newVecBatch(dim int) *vecBatch {
	return &vecBatch{keys: make([]string, 0, vecBatchRows), vecs: make([]float32, 0, vecBatchRows*dim)}
}

func (b *vecBatch) reset() {
	clear(b.keys)
	clear(b.nulls)
	b.keys, b.vecs, b.nulls = b.keys[:0], b.vecs[:0], b.nulls[:0]
}

// readBatches walks it into batches taken from free and sends each full
// one (and the last) on full, until the rows end or stop is closed.
func (lv *liveVec) readBatches(it *mergedIter, free <-chan *vecBatch, full chan<- *vecBatch, stop <-chan struct{}) error {
	dim := lv.typ.dim
	var b *vecBatch
	for ; it.Valid(); it.Next() {
		if b == nil {
			select {
			case b = <-free:
			case <-stop:
				return nil
			}
		}
		// Decoded straight into the batch: no garbage per row.
		b.vecs = b.vecs[:len(b.vecs)+dim]
		if !lv.vectorInto(b.vecs[len(b.vecs)-dim:], it.Value()) {
			b.vecs = b.vecs[:len(b.vecs)-dim]
			b.nulls = append(b.nulls, string(it.Key()))
		} else {
			b.keys = append(b.keys, string(it.Key()))
		}
		if len(b.keys) == vecBatchRows {
			full <- b
			b = nil
		}
	}
	if err := it.Error(); err != nil {
		return err
	}
	if b != nil {
		full <- b
	}
	return nil
}

// VectorQuery is one search of VectorSearch: the k rows nearest to Vector
// among the rows of Allow (nil: all). With NullsFirst a NULL vector among
// them makes the index unable to answer (its NULL distance sorts first).
// Ef is the HNSW search breadth (0: the default).
type VectorQuery struct {
	Vector     []float32
	K, Ef      int
	Allow      *KeySet
	NullsFirst bool
}

// VectorResult is what VectorSearch found: the primary key values of the
// rows, nearest first, and their distances.
type VectorResult struct {
	Keys  [][]any
	Dists []float32
}

// KeySet is a set of rows of one table, by primary key (KeySetOf), or as
// a vector index's cached mask (CachedKeySet).
type KeySet struct {
	table uint64
	keys  map[string]struct{}
	// filter names the filter the rows pass ("": unnamed, not cached).
	filter string
	// mask is the cached label mask of filter in index of (CachedKeySet);
	// keys is then nil.
	mask *labelMask
	of   *vecIndex
}

// KeySetOf returns the set of rows whose primary key values are the rows of
// the batches keys (its columns: the table's key columns, by name).
func (t *Txn) KeySetOf(table string, keys ...arrow.RecordBatch) (*KeySet, error) {
	d, err := t.Table(table)
	if err != nil {
		return nil, err
	}
	set := &KeySet{table: d.ID, keys: map[string]struct{}{}}
	for _, rb := range keys {
		rows, err := t.RowKeysOf(table, rb)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			if r != "" { // not a value of the key type: no row has it
				set.keys[r] = struct{}{}
			}
		}
	}
	return set, nil
}

// VectorSearch answers q with vector index index of table. ok is false
// when the index cannot answer exactly as a scan would for this
// transaction (it wrote the table, the catalog changed since its snapshot,
// the index found fewer than k allowed vectors, or q.NullsFirst and an
// allowed row has a NULL vector): the caller then computes the answer
// exactly.
func (t *Txn) VectorSearch(table, index string, q VectorQuery) (VectorResult, bool, error) {
	var out VectorResult
	d, lv, set, err := t.searchable(table, index, q.Allow, len(q.Vector))
	if err != nil || lv == nil {
		return out, false, err
	}
	var res vecResult
	rs, oks, err := lv.searchBatch(t, q.Vector, 1, q.K, q.Ef, set)
	ok := err == nil && rs != nil && oks[0]
	if ok {
		res = rs[0]
	}
	if err == nil && ok && q.NullsFirst && res.Nulls > 0 {
		ok = false
	}
	lv.count(ok)
	if err != nil || !ok {
		return out, false, err
	}
	for _, h := range res.Hits {
		vals, err := d.decodeRowKey([]byte(h.Key))
		if err != nil {
			return out, false, err
		}
		out.Keys = append(out.Keys, vals)
		out.Dists = append(out.Dists, h.Dist)
	}
	return out, true, nil
}

// searchable returns the live index that can answer a search of t with
// vector index index of table (built or loaded if need be) and the allow
// set to search with (allow itself); lv is nil when the index cannot answer
// for this transaction (see VectorSearch) and the caller must search
// exactly. dim is the queries' dimension, checked against the column's.
func (t *Txn) searchable(table, index string, allow *KeySet, dim int) (d *TableDesc, lv *liveVec, set *KeySet, err error) {
	if t.done {
		return nil, nil, nil, errTxnDone()
	}
	if d, err = t.Table(table); err != nil {
		return nil, nil, nil, err
	}
	vx := d.VectorIndex(index)
	if vx == nil {
		return nil, nil, nil, core.Errorf(core.KindInvalidInput, "table %q has no vector index %q", d.Name, index)
	}
	if allow != nil && allow.table != d.ID {
		return nil, nil, nil, core.Errorf(core.KindInvalidInput, "the key set is not of table %q", d.Name)
	}
	if !t.indexUsable(d) {
		return d, nil, nil, nil
	}
	if lv, err = t.db.liveIndex(d, vx); err != nil {
		return nil, nil, nil, err
	}
	if lv.idx.worn() {
		// Mostly old versions: build it again from the table (snapshots
		// older than the new build scan exactly).
		t.db.dropLive(lv)
		if lv, err = t.db.liveIndex(d, vx); err != nil {
			return nil, nil, nil, err
		}
	}
	if dim != lv.typ.dim {
		return nil, nil, nil, core.Errorf(core.KindInvalidInput, "the query vector has dimension %d; column %q of table %q has dimension %d", dim, vx.Column, d.Name, lv.typ.dim)
	}
	if err := lv.idx.gcIfWorth(t.db.oldestSnapshot); err != nil {
		return nil, nil, nil, err
	}
	return d, lv, allow, nil
}

// indexUsable reports whether the vector indexes of d can answer for t:
// not when t wrote the table (only an exact scan sees its own writes), nor
// when the catalog changed since t's snapshot (the indexes follow the new
// one).
func (t *Txn) indexUsable(d *TableDesc) bool {
	lo := rowPrefix(d.ID)
	if len(t.pend.between(lo, prefixEnd(lo))) > 0 || t.ddl {
		return false
	}
	t.db.catMu.RLock()
	stale := t.start < t.db.catVersion
	t.db.catMu.RUnlock()
	return !stale
}

// decodeRowKey returns the primary key values (as Go values, Get's form)
// of a row key of d.
func (d *TableDesc) decodeRowKey(key []byte) ([]any, error) {
	pk := key[min(len(key), rowPrefixLen):]
	out := make([]any, len(d.pk))
	for i, p := range d.pk {
		c := &d.Columns[p]
		v, rest, err := decodeKey(pk, &c.typ)
		if err != nil {
			return nil, err
		}
		out[i], pk = datumToGo(&c.typ, v), rest
	}
	if len(pk) != 0 {
		return nil, errBadKey
	}
	return out, nil
}

// oldestSnapshot is the start sequence of the oldest open transaction (the
// last commit's when none is open): no snapshot sees what died before it.
func (db *DB) oldestSnapshot() uint64 {
	db.txns.mu.Lock()
	defer db.txns.mu.Unlock()
	oldest := db.txns.seq
	for s := range db.txns.open {
		oldest = min(oldest, s)
	}
	return oldest
}

// vectorIndexInfo describes vx (of table id) and its built copy, if any.
func (db *DB) vectorIndexInfo(table uint64, vx VectorIndexDef) VectorIndexInfo {
	info := VectorIndexInfo{Name: vx.Name, Column: vx.Column, Kind: vx.Kind, Metric: vx.Metric, Quantization: vx.Quantization}
	db.vec.mu.Lock()
	lv := db.vec.find(table, vx.Name)
	db.vec.mu.Unlock()
	if lv == nil {
		return info
	}
	if !lv.isReady() || lv.err != nil || !lv.loaded() {
		return info // still building, failed, or saved and not loaded yet
	}
	info.Built, info.FromDisk = true, lv.loadFrom[0] != ""
	info.Vectors = lv.idx.idx.Len()
	info.Searches, info.Fallbacks = lv.searches.Load(), lv.fallbacks.Load()
	info.FilterMasks, info.FilterMasksReused = lv.idx.masksMade.Load(), lv.idx.masksReused.Load()
	return info
}
