package storage

import (
	"bytes"
	"encoding/binary"
	"runtime"
	"sort"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/alopexdb/alopex/core"
)

// segmentCounter numbers segments of every table (ids are never reused).
var segmentCounter = counterKey("segment", 0)

// tableColumns are a table's rows as Arrow arrays, one per table column
// (hidden row id included), with each row's primary-key bytes.
type tableColumns struct {
	cols []arrow.Array
	keys [][]byte
}

func (tc *tableColumns) release() {
	for _, c := range tc.cols {
		if c != nil {
			c.Release()
		}
	}
}

// loadColumnar writes batches into the empty columnar table d as
// segments, in primary-key order. A duplicate key is a Constraint error
// naming the value, as for a row table. With toFile the chunks go to an
// sstable ingested at commit (columnar_ingest.go), which only a table this
// transaction created may take: its rows are then invisible until commit.
func (t *Txn) loadColumnar(d *TableDesc, batches []arrow.RecordBatch, toFile bool) (int64, error) {
	var parts []*tableColumns
	defer func() {
		for _, p := range parts {
			p.release()
		}
	}()
	var total int64
	for _, b := range batches {
		if b.NumRows() == 0 {
			continue
		}
		tc, err := t.columnsOf(d, b)
		if err != nil {
			return 0, err
		}
		parts = append(parts, tc)
		total += b.NumRows()
	}
	return total, t.writeSorted(d, parts, toFile)
}

// writeSorted writes the rows of parts as new segments of d in key order,
// failing on a duplicate key. Parts already in key order one after the
// other (a bulk load of sorted data) are written as they are: a segment
// is cut from the parts it spans, never from a copy of the whole table,
// and their keys are checked where they lie (one list of every key of
// SF1's lineitem took a second of append copying, on one core).
func (t *Txn) writeSorted(d *TableDesc, parts []*tableColumns, toFile bool) error {
	var nonEmpty []*tableColumns
	total := 0
	for _, p := range parts {
		if len(p.keys) > 0 {
			nonEmpty = append(nonEmpty, p)
			total += len(p.keys)
		}
	}
	if len(nonEmpty) == 0 {
		return nil
	}
	if !partsSorted(nonEmpty) {
		keys := make([][]byte, 0, total)
		for _, p := range nonEmpty {
			keys = append(keys, p.keys...)
		}
		perm, err := sortedColumns(d, nonEmpty, keys)
		if err != nil {
			return err
		}
		defer perm.release()
		nonEmpty = []*tableColumns{perm}
	}
	// In key order: a duplicate is next to its twin, inside a part or
	// across two.
	for k, p := range nonEmpty {
		at := -1 // the duplicate's position in p
		if k > 0 {
			prev := nonEmpty[k-1].keys
			if bytes.Equal(prev[len(prev)-1], p.keys[0]) {
				at = 0
			}
		}
		for i := 1; at < 0 && i < len(p.keys); i++ {
			if bytes.Equal(p.keys[i-1], p.keys[i]) {
				at = i
			}
		}
		if at >= 0 {
			vals := make([]datum, len(d.Columns))
			for _, c := range d.pk {
				r, _ := newColReader(p.cols[c], &d.Columns[c].typ)
				vals[c], _ = r(at)
			}
			return t.uniqueError(d, d.pk, vals, "primary key violation")
		}
	}
	return t.writeSegments(d, nonEmpty, total, toFile)
}

// partsSorted reports whether the keys of parts ascend (equal neighbours
// allowed), part after part.
func partsSorted(parts []*tableColumns) bool {
	var last []byte
	for k, p := range parts {
		if k > 0 && bytes.Compare(last, p.keys[0]) > 0 {
			return false
		}
		keys := p.keys
		for i := 1; i < len(keys); i++ {
			if bytes.Compare(keys[i-1], keys[i]) > 0 {
				return false
			}
		}
		last = keys[len(keys)-1]
	}
	return true
}

// partKey is the primary-key bytes of row i counted across parts.
func partKey(parts []*tableColumns, i int) []byte {
	for _, p := range parts {
		if i < len(p.keys) {
			return p.keys[i]
		}
		i -= len(p.keys)
	}
	return nil
}

// sortedColumns returns the rows of parts (with primary-key bytes keys)
// in key order, as one part.
func sortedColumns(d *TableDesc, parts []*tableColumns, keys [][]byte) (*tableColumns, error) {
	all := parts[0]
	if len(parts) > 1 {
		all = &tableColumns{cols: make([]arrow.Array, len(d.Columns)), keys: keys}
		defer all.release()
		for i := range d.Columns {
			arrs := make([]arrow.Array, len(parts))
			for k, p := range parts {
				arrs[k] = p.cols[i]
			}
			var err error
			if all.cols[i], err = array.Concatenate(arrs, memory.DefaultAllocator); err != nil {
				return nil, core.Errorf(core.KindInternal, "storage: concatenating rows: %v", err)
			}
		}
	}
	order := make([]int, len(keys))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool { return bytes.Compare(keys[order[i]], keys[order[j]]) < 0 })
	perm := &tableColumns{cols: make([]arrow.Array, len(d.Columns)), keys: make([][]byte, len(keys))}
	for i := range d.Columns {
		perm.cols[i] = takeArray(all.cols[i], &d.Columns[i].typ, order)
	}
	for k, o := range order {
		perm.keys[k] = keys[o]
	}
	return perm, nil
}

// columnsOf converts an input batch into the table's columns: a column of
// the exact type (and no NULL in a NOT NULL column) is taken as is; the
// others, and generated or defaulted ones, are built value by value by the
// insert path's rowBuilder (conversions, defaults, AUTO_INCREMENT, hidden
// row ids, NOT NULL checks).
func (t *Txn) columnsOf(d *TableDesc, b arrow.RecordBatch) (*tableColumns, error) {
	readers, err := boundColumns(d, b, false)
	if err != nil {
		return nil, err
	}
	n := int(b.NumRows())
	tc := &tableColumns{cols: make([]arrow.Array, len(d.Columns))}
	slow := make([]int, 0, len(d.Columns))
	for i := range d.Columns {
		c := &d.Columns[i]
		arr := columnByName(b, c.Name)
		if arr == nil || i == d.autoInc || !arrow.TypeEqual(arr.DataType(), c.Type) || (c.NotNull && arr.NullN() > 0) {
			slow = append(slow, i)
			continue
		}
		arr.Retain()
		tc.cols[i] = arr
	}
	if len(slow) > 0 {
		rb, err := t.newRowBuilder(d, readers, n)
		if err != nil {
			tc.release()
			return nil, err
		}
		if len(slow) == 1 && slow[0] == rb.genCol && d.HasHiddenRowID() {
			// Only the hidden row ids to make: a run of the ids taken.
			b := array.NewInt64Builder(memory.DefaultAllocator)
			b.Reserve(n)
			for row := range n {
				b.UnsafeAppend(int64(rb.generated) + int64(row))
			}
			tc.cols[slow[0]] = b.NewArray()
			b.Release()
			tc.keys = keysOf(d, tc.cols, n)
			return tc, nil
		}
		builders := make([]array.Builder, len(slow))
		sinks := make([]colSink, len(slow))
		for k, i := range slow {
			builders[k] = array.NewBuilder(memory.DefaultAllocator, d.Columns[i].Type)
			sinks[k] = newColSink(builders[k], &d.Columns[i].typ)
			sinks[k].reserve(n)
		}
		vals := make([]datum, len(d.Columns))
		for row := 0; row < n; row++ {
			if err := rb.values(row, vals); err != nil {
				for _, bb := range builders {
					bb.Release()
				}
				tc.release()
				return nil, err
			}
			for k, i := range slow {
				sinks[k].append(&vals[i])
			}
		}
		for k, i := range slow {
			tc.cols[i] = builders[k].NewArray()
			builders[k].Release()
		}
	}
	tc.keys = keysOf(d, tc.cols, n)
	return tc, nil
}

func columnByName(b arrow.RecordBatch, name string) arrow.Array {
	for j, f := range b.Schema().Fields() {
		if equalFold(f.Name, name) {
			return b.Column(j)
		}
	}
	return nil
}

func equalFold(a, b string) bool { return len(a) == len(b) && bytes.EqualFold([]byte(a), []byte(b)) }

// keysOf encodes the primary-key bytes of each row (into one arena).
func keysOf(d *TableDesc, cols []arrow.Array, n int) [][]byte {
	if keys := intKeysOf(d, cols, n); keys != nil {
		return keys
	}
	readers := make([]colReader, len(d.pk))
	for k, p := range d.pk {
		readers[k], _ = newColReader(cols[p], &d.Columns[p].typ) // the column's own type: cannot fail
	}
	keys := make([][]byte, n)
	arena := make([]byte, 0, 16)
	for row := 0; row < n; row++ {
		if row == 1 {
			// Keys are mostly as long as the first: one arena for all.
			arena = append(make([]byte, 0, n*(len(arena)+1)), arena...)
			keys[0] = arena[:len(arena):len(arena)]
		}
		start := len(arena)
		for k, p := range d.pk {
			v, _ := readers[k](row)
			arena = appendKey(arena, &d.Columns[p].typ, v)
		}
		// Earlier keys keep pointing into the arena's old backing array when
		// it grows: its bytes stay valid.
		keys[row] = arena[start:len(arena):len(arena)]
	}
	return keys
}

// intKeysOf is keysOf for a key of signed integer, date or timestamp
// columns without NULLs (TPC-H's, most keys): every key has the same
// length, written without a reader call per value; nil for other keys.
func intKeysOf(d *TableDesc, cols []arrow.Array, n int) [][]byte {
	vals := make([][]int64, len(d.pk))
	for k, p := range d.pk {
		switch d.Columns[p].typ.kind {
		case kInt, kDate, kTimestamp:
		default:
			return nil
		}
		if cols[p].NullN() > 0 {
			return nil
		}
		vals[k] = int64sOf(cols[p], make([]int64, n))
	}
	w := 9 * len(vals) // appendKey: the value tag, then 8 bytes
	arena := make([]byte, n*w)
	keys := make([][]byte, n)
	for row := range n {
		key := arena[row*w : (row+1)*w : (row+1)*w]
		for k, v := range vals {
			key[9*k] = tagValue
			binary.BigEndian.PutUint64(key[9*k+1:], uint64(v[row])^(1<<63))
		}
		keys[row] = key
	}
	return keys
}

// takeArray returns arr's values in the given order (of column type t).
func takeArray(arr arrow.Array, t *colType, order []int) arrow.Array {
	b := array.NewBuilder(memory.DefaultAllocator, t.arrow)
	defer b.Release()
	sink := newColSink(b, t)
	sink.reserve(len(order))
	r, _ := newColReader(arr, t)
	for _, o := range order {
		v, _ := r(o)
		sink.append(&v)
	}
	return b.NewArray()
}

// encodedSegment is one segment ready to write.
type encodedSegment struct {
	desc   segmentDesc
	chunks [][]byte // per table column
	err    error
}

// writeSegments writes the total rows of parts, in key order, as new
// segments of d, their chunks encoded in parallel; with toFile the chunks
// go to a chunkFile.
func (t *Txn) writeSegments(d *TableDesc, parts []*tableColumns, total int, toFile bool) error {
	cuts := segmentCuts(parts, total)
	nseg := len(cuts) - 1
	if nseg == 0 {
		return nil
	}
	first, err := t.db.alloc.take(segmentCounter, uint64(nseg))
	if err != nil {
		return err
	}
	segs := make([]encodedSegment, nseg)
	type job struct{ seg, col int }
	jobs := make(chan job)
	var wg sync.WaitGroup
	for range max(1, min(runtime.GOMAXPROCS(0), nseg*len(d.Columns))) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				lo, hi := cuts[j.seg], cuts[j.seg+1]
				c := &d.Columns[j.col]
				sl, err := rowsOfParts(parts, j.col, lo, hi)
				var b []byte
				if err == nil {
					var dict []string
					b, err = encodeChunkDict(sl, &dict)
					segs[j.seg].desc.Columns[j.col] = zoneMap(c.ID, &c.typ, sl, dict)
					sl.Release()
				}
				segs[j.seg].chunks[j.col] = b
				if err != nil {
					segs[j.seg].err = err
				}
			}
		}()
	}
	for s := range segs {
		lo, hi := cuts[s], cuts[s+1]
		segs[s].desc = segmentDesc{Rows: hi - lo, Columns: make([]segmentColumn, len(d.Columns)), First: partKey(parts, lo), Last: partKey(parts, hi-1)}
		segs[s].chunks = make([][]byte, len(d.Columns))
	}
	for s := range segs {
		for i := range d.Columns {
			jobs <- job{s, i}
		}
	}
	close(jobs)
	wg.Wait()
	for s := range segs {
		if segs[s].err != nil {
			return segs[s].err
		}
	}
	put := t.put
	var file *chunkFile
	if toFile {
		if file, err = t.newChunkFile(); err != nil {
			return err
		}
		defer func() {
			if file != nil {
				file.abort()
			}
		}()
		put = file.add
	}
	// Columns in id order: a file's keys must ascend.
	byID := make([]int, len(d.Columns))
	for i := range byID {
		byID[i] = i
	}
	sort.Slice(byID, func(a, b int) bool { return d.Columns[byID[a]].ID < d.Columns[byID[b]].ID })
	for s := range segs {
		id := first + uint64(s)
		for _, i := range byID {
			if err := put(segChunkKey(d.ID, id, d.Columns[i].ID), segs[s].chunks[i]); err != nil {
				return err
			}
			segs[s].chunks[i] = nil
		}
		if err := t.put(segDescKey(d.ID, id), segs[s].desc.marshal()); err != nil {
			return err
		}
	}
	if file != nil {
		path, err := file.finish()
		file = nil
		if err != nil {
			return err
		}
		lo := append(tablePrefix(d.ID), markSegChunk)
		t.bulk = append(t.bulk, bulkFile{path: path, lo: lo, hi: prefixEnd(lo)})
	}
	t.segmentsChanged(d)
	return nil
}

// segmentCuts returns where segments of the rows of parts start, and
// total at the end. A segment holds at most segmentRows rows and ends at
// the boundary of a part when one falls in its second half: the row
// groups of a Parquet file, each a little smaller than a segment, then
// become one segment each, a slice of the part instead of a copy.
func segmentCuts(parts []*tableColumns, total int) []int {
	var ends []int // the parts' ends, ascending
	at := 0
	for _, p := range parts {
		at += len(p.keys)
		ends = append(ends, at)
	}
	cuts := []int{0}
	k := 0
	for start := 0; start < total; {
		end := min(start+segmentRows, total)
		for k < len(ends) && ends[k] <= start {
			k++
		}
		for j := k; j < len(ends) && ends[j] < end; j++ {
			if ends[j] >= start+segmentRows/2 {
				end = ends[j]
			}
		}
		cuts = append(cuts, end)
		start = end
	}
	return cuts
}

// rowsOfParts returns rows lo..hi (counted across parts, one after the
// other) of table column col: a slice of one part, or the concatenation of
// the slices of the parts it spans.
func rowsOfParts(parts []*tableColumns, col, lo, hi int) (arrow.Array, error) {
	var pieces []arrow.Array
	defer func() {
		for _, p := range pieces {
			p.Release()
		}
	}()
	start := 0
	for _, p := range parts {
		n := len(p.keys)
		if a, b := max(lo, start), min(hi, start+n); a < b {
			pieces = append(pieces, array.NewSlice(p.cols[col], int64(a-start), int64(b-start)))
		}
		start += n
	}
	if len(pieces) == 1 {
		pieces[0].Retain()
		return pieces[0], nil
	}
	out, err := array.Concatenate(pieces, memory.DefaultAllocator)
	if err != nil {
		return nil, core.Errorf(core.KindInternal, "storage: concatenating rows: %v", err)
	}
	return out, nil
}

// loadNewColumnar is LoadNew of a columnar table: rows go straight into
// segments when the table is empty (so the only keys to check for
// duplicates are the load's own), else into the delta by Insert. Unlike
// a row table's ingestion, later statements of the transaction see them.
func (t *Txn) loadNewColumnar(d *TableDesc, batches []arrow.RecordBatch) (int64, error) {
	empty, err := t.tableEmpty(d)
	if err != nil {
		return 0, err
	}
	if empty {
		var n int64
		// Only a table this transaction created, on disk, takes its chunks
		// by ingestion; the transaction can then only commit (as LoadNew of
		// a row table).
		toFile := t.db.dir != "" && !t.db.opts.ReadOnly
		if toFile {
			if toFile, err = t.createdHere(d); err != nil {
				return 0, err
			}
		}
		err := t.statement(func() error {
			var err error
			n, err = t.loadColumnar(d, batches, toFile)
			return err
		})
		if err == nil && toFile {
			t.sealed = true
		}
		return n, err
	}
	var n int64
	for _, b := range batches {
		if b.NumRows() == 0 {
			continue
		}
		m, err := t.Insert(d.Name, b, ConflictError)
		if err != nil {
			return 0, err
		}
		n += m
	}
	return n, nil
}

// existsAnywhere reports whether a row with row key key exists: in the
// row keyspace, or in a segment of a columnar table.
func (t *Txn) existsAnywhere(d *TableDesc, key []byte) (bool, error) {
	ok, err := t.exists(key)
	if err != nil || ok {
		return ok, err
	}
	return t.inSegments(d, d.pkBytes(key))
}

// columnarBulkRows is the least number of rows an INSERT into an empty
// columnar table writes straight into segments (fewer go to the delta).
const columnarBulkRows = 4096

// insertColumnarBulk writes a big plain INSERT (INSERT … SELECT, CREATE
// TABLE … AS, db.insert) into an empty columnar table as segments; done
// is false when the insert is not one (then nothing happened).
func (t *Txn) insertColumnarBulk(d *TableDesc, rows arrow.RecordBatch, onConflict OnConflict) (done bool, n int64, err error) {
	if !d.IsColumnar() || onConflict != ConflictError || rows == nil || rows.NumRows() < columnarBulkRows {
		return false, 0, nil
	}
	if empty, err := t.tableEmpty(d); err != nil || !empty {
		return false, 0, err
	}
	n, err = t.loadColumnar(d, []arrow.RecordBatch{rows}, false)
	return true, n, err
}
