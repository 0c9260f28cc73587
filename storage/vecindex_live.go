package storage

import (
	"encoding/binary"
	"math"
	"strings"
	"sync"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/vector"
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
	if t.ddl {
		r.byTable = nil
		return
	}
	if len(r.byTable) == 0 {
		return
	}
	for id, lvs := range r.byTable {
		lo := rowPrefix(id)
		for _, kv := range t.pend.between(lo, prefixEnd(lo)) {
			for _, lv := range lvs {
				var vec []float32
				if !kv.w.del {
					vec = lv.vectorOf(kv.w.val)
				}
				lv.idx.enqueue(vecChange{seq: seq, key: kv.key, vec: vec})
			}
		}
	}
}

// vectorOf decodes the indexed column of a row value: nil when NULL (or
// undecodable, which the row's readers report).
func (lv *liveVec) vectorOf(val []byte) []float32 {
	r, err := newRowReader(val)
	if err != nil {
		return nil
	}
	for {
		id, wire, p, ok, err := r.next()
		if err != nil {
			return nil
		}
		if !ok {
			break
		}
		if id == lv.def.colID {
			d, err := fieldDatum(&lv.typ, wire, p)
			if err != nil || d.null {
				return nil
			}
			return floatsOf(d.b)
		}
	}
	if lv.dflt.null {
		return nil
	}
	return floatsOf(lv.dflt.b)
}

func floatsOf(b []byte) []float32 {
	out := make([]float32, len(b)/4)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return out
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
		return lv, lv.err
	}
	pos := d.posByID[vx.colID]
	lv = &liveVec{def: *vx, table: d.ID, typ: d.Columns[pos].typ, dflt: d.Columns[pos].defaultV, ready: make(chan struct{})}
	metric, err := vector.ParseMetric(vx.Metric)
	var idx vector.Index
	if err == nil {
		if vx.Kind == "flat" {
			idx, err = vector.NewFlat(lv.typ.dim, metric)
		} else {
			idx, err = vector.NewHNSW(lv.typ.dim, metric, vector.HNSWOptions{M: vx.M, EfConstruction: vx.EfConstruction, Seed: uint64(d.ID)})
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

	lv.err = lv.load(build)
	build.Rollback()
	close(lv.ready)
	if lv.err != nil {
		db.vec.mu.Lock()
		if lvs := db.vec.byTable[d.ID]; lvs != nil {
			db.vec.byTable[d.ID] = removeLive(lvs, lv)
		}
		db.vec.mu.Unlock()
	}
	return lv, lv.err
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

// load adds every row of the build snapshot to the index, in batches.
func (lv *liveVec) load(build *Txn) error {
	lo := rowPrefix(lv.table)
	it, err := build.iter(lo, prefixEnd(lo))
	if err != nil {
		return err
	}
	defer it.Close()
	const batch = 4096
	var keys []string
	var vecs []float32
	for ; it.Valid(); it.Next() {
		if v := lv.vectorOf(it.Value()); v != nil {
			keys = append(keys, string(it.Key()))
			vecs = append(vecs, v...)
		}
		if len(keys) == batch {
			if err := lv.idx.load(keys, vecs); err != nil {
				return err
			}
			keys, vecs = keys[:0], vecs[:0]
		}
	}
	if err := it.Error(); err != nil {
		return err
	}
	return lv.idx.load(keys, vecs)
}

// VectorHit is a row a vector search found: its primary key values and
// its distance to the query.
type VectorHit struct {
	Key  []any
	Dist float32
}

// VectorSearch finds the k rows of table nearest to query by vector index
// index, among those allow accepts (nil: all); allow gets each candidate's
// primary key values. ok is false when the index cannot answer for this
// transaction (it wrote the table, or its snapshot predates the index):
// the caller then computes the answer exactly. ef is the HNSW search
// breadth (0: the default).
func (t *Txn) VectorSearch(table, index string, query []float32, k, ef int, allow func(key []any) bool) ([]VectorHit, bool, error) {
	if t.done {
		return nil, false, errTxnDone()
	}
	d, err := t.Table(table)
	if err != nil {
		return nil, false, err
	}
	vx := d.VectorIndex(index)
	if vx == nil {
		return nil, false, core.Errorf(core.KindInvalidInput, "table %q has no vector index %q", d.Name, index)
	}
	lo := rowPrefix(d.ID)
	if len(t.pend.between(lo, prefixEnd(lo))) > 0 || t.ddl {
		return nil, false, nil // its own writes: only an exact scan sees them
	}
	t.db.catMu.RLock()
	stale := t.start < t.db.catVersion
	t.db.catMu.RUnlock()
	if stale {
		return nil, false, nil // the catalog changed since: the index follows the new one
	}
	lv, err := t.db.liveIndex(d, vx)
	if err != nil {
		return nil, false, err
	}
	if len(query) != lv.typ.dim {
		return nil, false, core.Errorf(core.KindInvalidInput, "the query vector has dimension %d; column %q of table %q has dimension %d", len(query), vx.Column, d.Name, lv.typ.dim)
	}
	keyOf := func(k string) ([]any, error) { return d.decodeRowKey([]byte(k)) }
	var accept func(string) bool
	var acceptErr error
	if allow != nil {
		accept = func(k string) bool {
			vals, err := keyOf(k)
			if err != nil {
				acceptErr = err
				return false
			}
			return allow(vals)
		}
	}
	if err := lv.idx.gcIfWorth(t.db.oldestSnapshot); err != nil {
		return nil, false, err
	}
	hits, ok, err := lv.idx.search(query, k, ef, t.start, accept)
	if err == nil {
		err = acceptErr
	}
	if err != nil || !ok {
		return nil, ok, err
	}
	out := make([]VectorHit, len(hits))
	for i, h := range hits {
		vals, err := keyOf(h.Key)
		if err != nil {
			return nil, false, err
		}
		out[i] = VectorHit{Key: vals, Dist: h.Dist}
	}
	return out, true, nil
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
