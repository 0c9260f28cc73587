package storage

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"

	"github.com/alopexdb/alopex/vector"
	"github.com/cockroachdb/pebble/v2"
)

// Vector indexes are saved beside the data when the database closes, and
// loaded (on their first search) when it opens again, instead of being
// rebuilt from the table:
//
//   - vector/<table id>-<index>.idx: the index (vector.Index Save: every
//     section checksummed), and vector/<table id>-<index>.keys: the row key
//     of each of its labels (checksummed too).
//   - a meta key per index holding a random token that names the files and
//     the table's schema version. Open consumes the tokens (deletes the keys,
//     synced) before any commit can run; Close writes them last. Files
//     without their token — a crash since they were written — are stale:
//     the index is rebuilt from the table and the files are replaced at the
//     next Close. A file that fails its checksums is rebuilt the same way.
//
// Changes committed between Open and the first search are queued as usual
// and applied over the loaded index.

const vecDir = "vector"

var vecTokenPrefix = []byte{prefixMeta, 'v', 'i', 'x', '/'}

type vecToken struct {
	Token         string `json:"token"`
	SchemaVersion uint32 `json:"schema_version"`
}

func vecTokenKey(table uint64, name string) []byte {
	return fmt.Appendf(append([]byte(nil), vecTokenPrefix...), "%d/%s", table, strings.ToLower(name))
}

func (db *DB) vecFiles(table uint64, name, token string) (idx, keys string) {
	base := filepath.Join(db.dir, vecDir, fmt.Sprintf("%d-%s-%s", table, strings.ToLower(name), token))
	return base + ".idx", base + ".keys"
}

// loadSavedVectorIndexes registers the indexes saved by the last Close
// (called by Open, before any transaction) and consumes their tokens.
func (db *DB) loadSavedVectorIndexes() error {
	if db.dir == "" || db.opts.ReadOnly {
		return nil
	}
	it, err := db.pdb.NewIter(&pebble.IterOptions{LowerBound: vecTokenPrefix, UpperBound: prefixEnd(vecTokenPrefix)})
	if err != nil {
		return storageError(err)
	}
	type saved struct {
		key   []byte
		table uint64
		name  string
		tok   vecToken
	}
	var all []saved
	for it.First(); it.Valid(); it.Next() {
		var s saved
		s.key = append([]byte(nil), it.Key()...)
		rest := string(s.key[len(vecTokenPrefix):])
		id, name, ok := strings.Cut(rest, "/")
		if _, err := fmt.Sscanf(id, "%d", &s.table); err != nil || !ok || json.Unmarshal(it.Value(), &s.tok) != nil {
			continue // not ours to read: deleted below
		}
		s.name = name
		all = append(all, s)
	}
	if err := it.Close(); err != nil {
		return storageError(err)
	}
	if len(all) == 0 {
		return nil
	}
	b := db.pdb.NewBatch()
	for _, s := range all {
		_ = b.Delete(s.key, nil)
	}
	if err := b.Commit(pebble.Sync); err != nil {
		return storageError(err)
	}
	descs := map[uint64]*TableDesc{}
	tx, err := db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	names, err := tx.Tables()
	if err != nil {
		return err
	}
	for _, n := range names {
		if d, err := tx.Table(n); err == nil {
			descs[d.ID] = d
		}
	}
	for _, s := range all {
		d := descs[s.table]
		if d == nil || d.SchemaVersion != s.tok.SchemaVersion {
			continue
		}
		vx := d.VectorIndex(s.name)
		if vx == nil {
			continue
		}
		lv := newLiveVec(d, vx)
		idxPath, keysPath := db.vecFiles(s.table, s.name, s.tok.Token)
		lv.idx = newVecIndex(nil, 0)
		lv.loadFrom, lv.loadToken = [2]string{idxPath, keysPath}, s.tok.Token
		close(lv.ready)
		if db.vec.byTable == nil {
			db.vec.byTable = map[uint64][]*liveVec{}
		}
		db.vec.byTable[s.table] = append(db.vec.byTable[s.table], lv)
		// The table as the files saw it (no commit ran since Close): a file
		// without vectors (vector.SaveWithoutVectors) takes them from here
		// on the first search, whatever was committed meanwhile.
		if db.vec.openSnaps == nil {
			db.vec.openSnaps = map[*liveVec]*pebble.Snapshot{}
		}
		db.vec.openSnaps[lv] = db.pdb.NewSnapshot()
	}
	return nil
}

// takeOpenSnapshot hands over the snapshot Open took for lv (nil: none
// left); the caller closes it.
func (db *DB) takeOpenSnapshot(lv *liveVec) *pebble.Snapshot {
	db.vec.mu.Lock()
	defer db.vec.mu.Unlock()
	snap := db.vec.openSnaps[lv]
	delete(db.vec.openSnaps, lv)
	return snap
}

// closeOpenSnapshots closes the snapshots of indexes never loaded (Close).
func (db *DB) closeOpenSnapshots() {
	db.vec.mu.Lock()
	defer db.vec.mu.Unlock()
	for lv, snap := range db.vec.openSnaps {
		_ = snap.Close()
		delete(db.vec.openSnaps, lv)
	}
}

// savedVectors is the vector.BulkVectorSource of a saved index: a walk of
// the rows in snap decodes the vector of each current label straight into
// the index's slab (no copy of the vectors in between). The labels are
// matched to the rows in key order (a merge, not a map of 200,000 keys),
// and the key range is cut in parts walked in parallel: decoding the
// packed vectors is most of a reopen's work.
func (lv *liveVec) savedVectors(snap *pebble.Snapshot, labels []vecLabel) vector.BulkVectorSource {
	return func(slot func(id int64) []float32) error {
		if snap == nil {
			return errors.New("no snapshot of the table to read the vectors from")
		}
		order := make([]int32, 0, len(labels))
		for id, l := range labels {
			if l.died == 0 && !l.null {
				order = append(order, int32(id))
			}
		}
		byKey := func(a, b int32) int { return strings.Compare(labels[a].key, labels[b].key) }
		// Labels follow the inserts: a table loaded in key order needs no sort.
		if !slices.IsSortedFunc(order, byKey) {
			slices.SortFunc(order, byKey)
		}
		parts := min(runtime.GOMAXPROCS(0), 4, max(len(order)/vecLoadPart, 1))
		lo := rowPrefix(lv.table)
		errs := make([]error, parts)
		var wg sync.WaitGroup
		for p := range parts {
			part := order[p*len(order)/parts : (p+1)*len(order)/parts]
			lower, upper := lo, prefixEnd(lo)
			if p > 0 {
				lower = []byte(labels[part[0]].key)
			}
			if p < parts-1 {
				upper = []byte(labels[order[(p+1)*len(order)/parts]].key)
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[p] = lv.walkVectors(snap, lower, upper, labels, part, slot)
			}()
		}
		wg.Wait()
		return errors.Join(errs...)
	}
}

// vecLoadPart is the fewest labels a parallel part of a reopen reads.
var vecLoadPart = 16 << 10 // a variable: tests cut small tables in parts

// walkVectors walks the rows of snap in [lower, upper) beside part (labels
// in key order, all in the range) and writes each label's vector to its
// slot. Rows without a current label (a NULL vector) are skipped.
func (lv *liveVec) walkVectors(snap *pebble.Snapshot, lower, upper []byte, labels []vecLabel, part []int32,
	slot func(id int64) []float32) error {
	it, err := snap.NewIter(&pebble.IterOptions{LowerBound: lower, UpperBound: upper})
	if err != nil {
		return err
	}
	defer it.Close()
	next := 0
	for it.First(); it.Valid() && next < len(part); it.Next() {
		key, want := it.Key(), labels[part[next]].key
		if want < string(key) {
			break // the label's row is not in the table
		}
		if want != string(key) {
			continue
		}
		id := int64(part[next])
		next++
		dst := slot(id)
		if dst == nil {
			return fmt.Errorf("the index has no row with label %d", id)
		}
		if !lv.vectorInto(dst, it.Value()) {
			return fmt.Errorf("row %x has no vector of dimension %d", key, len(dst))
		}
	}
	if err := it.Error(); err != nil {
		return err
	}
	if next != len(part) {
		return fmt.Errorf("%d of the %d rows the index holds are not in the table", len(part)-next, len(part))
	}
	return nil
}

// loadSaved fills a registered index from its files (and, for a file
// without vectors, the table's rows as Open found them). A file that does
// not load (damaged) is an error: the caller rebuilds the index.
func (db *DB) loadSaved(lv *liveVec) error {
	snap := db.takeOpenSnapshot(lv)
	if snap != nil {
		defer snap.Close()
	}
	defer db.boundCacheGrowth()() // the rows are read once (see load)
	return lv.loadSaved(snap)
}

// loadSaved is DB.loadSaved with the rows in snap (nil: only files that
// hold their vectors load).
func (lv *liveVec) loadSaved(snap *pebble.Snapshot) error {
	data, err := os.ReadFile(lv.loadFrom[1])
	if err != nil {
		return err
	}
	labels, err := decodeVecKeys(data)
	if err != nil {
		return fmt.Errorf("%s: %v", lv.loadFrom[1], err)
	}
	idx, err := vector.LoadWithBulk(lv.loadFrom[0], lv.savedVectors(snap, labels))
	if err != nil {
		return err
	}
	if idx.Dim() != lv.typ.dim {
		return fmt.Errorf("%s: dimension %d, the column has %d", lv.loadFrom[0], idx.Dim(), lv.typ.dim)
	}
	v := lv.idx
	v.mu.Lock()
	defer v.mu.Unlock()
	v.idx = idx
	v.labels = labels
	if len(v.live) == 0 {
		v.live = make(map[string]int64, len(labels)) // sized once, not grown 200,000 keys long
	}
	live := 0
	var stray []int64 // labels whose vector must not be in the index
	for id, l := range labels {
		if l.died == 0 {
			if _, twice := v.live[l.key]; twice {
				return fmt.Errorf("%s: row key %x has two current versions", lv.loadFrom[1], l.key)
			}
			v.live[l.key] = int64(id)
			if !l.null {
				live++
				continue
			}
		} else {
			v.nGone++
		}
		stray = append(stray, int64(id))
	}
	if live != idx.Len() {
		return fmt.Errorf("%s holds %d vectors, its keys file %d", lv.loadFrom[0], idx.Len(), live)
	}
	// Saving collected every replaced version and a NULL has no vector:
	// the index holds none of those labels (the files belong together).
	if n, err := idx.Remove(stray); err != nil || n > 0 {
		return fmt.Errorf("%s holds %d vectors of labels its keys file has no vector for (%v)", lv.loadFrom[0], n, err)
	}
	return nil
}

// saveVectorIndexes writes every built index and its token (called by
// Close, when no transaction is open). Files of indexes not saved now are
// removed. Errors leave the indexes unsaved: they are rebuilt on the next
// open.
func (db *DB) saveVectorIndexes() {
	// Whatever happens, the closed database lets go of its indexes: a
	// handle on it may outlive Close (Python's object until collected),
	// and a reopen of the same data would otherwise hold every index
	// twice (200,000 × 128: ~180 MiB more at the peak).
	defer db.releaseVectorIndexes()
	if db.dir == "" || db.opts.ReadOnly {
		return
	}
	dir := filepath.Join(db.dir, vecDir)
	keep := map[string]bool{}
	db.vec.mu.Lock()
	var lvs []*liveVec
	for _, l := range db.vec.byTable {
		lvs = append(lvs, l...)
	}
	db.vec.mu.Unlock()
	defer db.closeOpenSnapshots()
	if len(lvs) == 0 {
		_ = os.RemoveAll(dir)
		return
	}
	tx, err := db.begin(true)
	if err != nil {
		return
	}
	descs := map[uint64]*TableDesc{}
	if names, err := tx.Tables(); err == nil {
		for _, n := range names {
			if d, err := tx.Table(n); err == nil {
				descs[d.ID] = d
			}
		}
	}
	tx.Rollback()
	b := db.pdb.NewBatch()
	defer b.Close()
	for _, lv := range lvs {
		d := descs[lv.table]
		if d == nil || d.VectorIndex(lv.def.Name) == nil || !lv.isReady() || lv.err != nil {
			continue
		}
		if lv.loadFrom[0] != "" && !lv.loaded() {
			// Saved, never searched since open: its files still hold the
			// table if nothing was committed to it since.
			if lv.idx.queued() == 0 {
				keep[filepath.Base(lv.loadFrom[0])], keep[filepath.Base(lv.loadFrom[1])] = true, true
				val, _ := json.Marshal(vecToken{Token: lv.loadToken, SchemaVersion: d.SchemaVersion})
				_ = b.Set(vecTokenKey(lv.table, lv.def.Name), val, nil)
			}
			continue
		}
		if err := lv.idx.drain(); err != nil {
			continue
		}
		if err := lv.idx.gc(^uint64(0) - 1); err != nil {
			continue
		}
		var tok [8]byte
		_, _ = rand.Read(tok[:])
		token := hex.EncodeToString(tok[:])
		idxPath, keysPath := db.vecFiles(lv.table, lv.def.Name, token)
		if os.MkdirAll(dir, 0o755) != nil {
			return
		}
		if err := lv.idx.save(idxPath, keysPath); err != nil {
			_ = os.Remove(idxPath)
			_ = os.Remove(keysPath)
			continue
		}
		keep[filepath.Base(idxPath)], keep[filepath.Base(keysPath)] = true, true
		val, _ := json.Marshal(vecToken{Token: token, SchemaVersion: d.SchemaVersion})
		_ = b.Set(vecTokenKey(lv.table, lv.def.Name), val, nil)
	}
	if err := b.Commit(pebble.Sync); err != nil {
		for name := range keep {
			_ = os.Remove(filepath.Join(dir, name))
		}
		keep = nil
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if !keep[e.Name()] {
			_ = os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

// releaseVectorIndexes drops the built indexes (Close, after saving them).
func (db *DB) releaseVectorIndexes() {
	db.vec.mu.Lock()
	floats := 0
	for _, lvs := range db.vec.byTable {
		for _, lv := range lvs {
			if lv.isReady() && lv.idx != nil {
				lv.idx.mu.RLock()
				if lv.idx.idx != nil {
					floats += lv.idx.idx.Len() * lv.typ.dim
				}
				lv.idx.mu.RUnlock()
			}
		}
	}
	db.vec.byTable = nil
	db.vec.mu.Unlock()
	// Large indexes are freed now, not at the collector's next cycle: a
	// reopen (bench/vector_store_bench.py closes and reopens at once)
	// would otherwise allocate its index in fresh pages beside the dead
	// one's (+208 MiB of peak RSS at 200,000 × 128).
	if floats >= 8<<20 {
		debug.FreeOSMemory()
	}
}

// save writes the index and its keys file, synced.
func (v *vecIndex) save(idxPath, keysPath string) error {
	v.mu.RLock()
	defer v.mu.RUnlock()
	save := v.idx.Save
	if h, ok := v.idx.(*vector.HNSW); ok {
		// The table's rows hold the vectors: the file keeps the graph
		// (loadSaved reads them back from the rows); an sq8 index keeps
		// its codes, with varint links.
		save = h.SaveWithoutVectors
	}
	if err := save(idxPath); err != nil {
		return err
	}
	data := encodeVecKeys(v.labels)
	f, err := os.Create(keysPath)
	if err != nil {
		return err
	}
	if _, err = f.Write(data); err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = syncFile(filepath.Dir(keysPath))
	}
	return err
}

var (
	vecKeysMagic  = []byte("ALXVKEYS1")
	vecKeysMagic2 = []byte("ALXVKEYS2")
)

// maxVecKeysBytes bounds the decompressed size a keys file may claim.
const maxVecKeysBytes = 1 << 34

// encodeVecKeys writes the labels (format 2): magic, the uvarint size of
// the body, the body compressed by zstd, and a CRC-32C of all before it.
// The body is a uvarint count, then per label a flag byte (1: current, 2:
// NULL vector), the uvarint length of the prefix its row key shares with
// the previous label's, the uvarint length of the rest and the rest.
// Labels follow the inserts, so neighbours share all but the last bytes
// of their key: ~1 byte a label instead of ~20 (format 1: the whole key
// after the flag, uncompressed; still read).
func encodeVecKeys(labels []vecLabel) []byte {
	body := binary.AppendUvarint(nil, uint64(len(labels)))
	prev := ""
	for _, l := range labels {
		var flag byte
		if l.died == 0 {
			flag |= 1
		}
		if l.null {
			flag |= 2
		}
		shared := 0
		for shared < len(prev) && shared < len(l.key) && prev[shared] == l.key[shared] {
			shared++
		}
		body = append(body, flag)
		body = binary.AppendUvarint(body, uint64(shared))
		body = binary.AppendUvarint(body, uint64(len(l.key)-shared))
		body = append(body, l.key[shared:]...)
		prev = l.key
	}
	b := append([]byte(nil), vecKeysMagic2...)
	b = binary.AppendUvarint(b, uint64(len(body)))
	b = zstdEncoder.EncodeAll(body, b)
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, castagnoli))
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

func decodeVecKeys(data []byte) ([]vecLabel, error) {
	bad := errors.New("not a valid vector index keys file")
	v2 := bytes.HasPrefix(data, vecKeysMagic2)
	if len(data) < len(vecKeysMagic)+4 || !v2 && !bytes.HasPrefix(data, vecKeysMagic) {
		return nil, bad
	}
	body, sum := data[:len(data)-4], binary.LittleEndian.Uint32(data[len(data)-4:])
	if crc32.Checksum(body, castagnoli) != sum {
		return nil, errors.New("checksum mismatch")
	}
	b := body[len(vecKeysMagic):]
	if v2 {
		size, k := binary.Uvarint(b)
		if k <= 0 || size > maxVecKeysBytes {
			return nil, bad
		}
		raw, err := zstdDecoder.DecodeAll(b[k:], make([]byte, 0, min(size, 64*uint64(len(b)))))
		if err != nil || uint64(len(raw)) != size {
			return nil, bad
		}
		b = raw
	}
	n, k := binary.Uvarint(b)
	if k <= 0 || n > uint64(len(b)-k)/2 { // a label takes at least a flag and a length
		return nil, bad
	}
	b = b[k:]
	labels := make([]vecLabel, 0, n+n/16) // room for the commits after a reopen (as vector.loadRoom)
	prev := ""
	for range n {
		if len(b) < 1 {
			return nil, bad
		}
		flag := b[0]
		b = b[1:]
		var shared uint64
		if v2 {
			if shared, k = binary.Uvarint(b); k <= 0 || shared > uint64(len(prev)) {
				return nil, bad
			}
			b = b[k:]
		}
		l, k := binary.Uvarint(b)
		if k <= 0 || l > uint64(len(b)-k) {
			return nil, bad
		}
		key := prev[:shared] + string(b[k:k+int(l)])
		b = b[k+int(l):]
		prev = key
		lab := vecLabel{key: key, null: flag&2 != 0}
		if flag&1 == 0 {
			lab.died = ^uint64(0) // removed: never visible
		}
		labels = append(labels, lab)
	}
	if len(b) != 0 {
		return nil, bad
	}
	return labels, nil
}
