package storage

import (
	"bytes"
	"encoding/binary"
	"sort"

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
// Batches are taken a segment's rows at a time, so that key building
// overlaps the encoding of the segments before (columnar_stream.go).
func (t *Txn) loadColumnar(d *TableDesc, batches []arrow.RecordBatch, toFile bool) (int64, error) {
	l, err := t.newColumnarLoad(d, toFile)
	if err != nil {
		return 0, err
	}
	for _, b := range batches {
		if err := l.addBatch(b); err != nil {
			l.abort()
			return 0, err
		}
	}
	n, err := l.finish()
	if err != nil {
		l.abort()
	}
	return n, err
}

// addBatch converts batch b into the table's columns and adds them, in
// pieces of a segment's rows.
func (l *columnarLoad) addBatch(b arrow.RecordBatch) error {
	for lo := int64(0); lo < b.NumRows(); lo += int64(segmentRows) {
		piece := b
		if lo > 0 || b.NumRows() > int64(segmentRows) {
			piece = b.NewSlice(lo, min(lo+int64(segmentRows), b.NumRows()))
			defer piece.Release()
		}
		tc, err := l.t.columnsOf(l.d, piece)
		if err != nil {
			return err
		}
		err = l.add(tc)
		tc.release()
		if err != nil {
			return err
		}
	}
	return nil
}

// writeSorted writes the rows of parts as new segments of d in key order,
// failing on a duplicate key (OPTIMIZE's rewrite).
func (t *Txn) writeSorted(d *TableDesc, parts []*tableColumns, toFile bool) error {
	var nonEmpty []*tableColumns
	total := 0
	for _, p := range parts {
		if len(p.keys) > 0 {
			nonEmpty = append(nonEmpty, p)
			total += len(p.keys)
		}
	}
	if len(nonEmpty) > 0 && !partsSorted(nonEmpty) {
		// All rows are here: sorted first, they make full segments that do
		// not overlap (a load's unordered tail is sorted apart).
		keys := make([][]byte, 0, total)
		for _, p := range nonEmpty {
			keys = append(keys, p.keys...)
		}
		perm, err := sortedColumns(d, nonEmpty, keys)
		if err != nil {
			return err
		}
		defer perm.release()
		parts = []*tableColumns{perm}
	}
	l, err := t.newColumnarLoad(d, toFile)
	if err != nil {
		return err
	}
	for _, p := range parts {
		if err := l.add(p); err != nil {
			l.abort()
			return err
		}
	}
	if _, err := l.finish(); err != nil {
		l.abort()
		return err
	}
	return nil
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

// loadNewColumnar is LoadNew of a columnar table: rows go straight into
// segments when the table is empty (so the only keys to check for
// duplicates are the load's own), else into the delta by Insert. Unlike
// a row table's ingestion, later statements of the transaction see them.
func (t *Txn) loadNewColumnar(d *TableDesc, batches []arrow.RecordBatch) (int64, error) {
	l, err := t.LoadStream(d.Name)
	if err != nil {
		return 0, err
	}
	for _, b := range batches {
		if err := l.Add(b); err != nil {
			l.Abort()
			return 0, err
		}
	}
	return l.Finish()
}

// columnarLoadTarget reports whether a load into columnar table d writes
// segments (ok: the table is empty), and whether their chunks go to a
// file ingested at commit: only for a table this transaction created, on
// disk (the transaction can then only commit, as after LoadNew of a row
// table).
func (t *Txn) columnarLoadTarget(d *TableDesc) (toFile, ok bool, err error) {
	empty, err := t.tableEmpty(d)
	if err != nil || !empty {
		return false, false, err
	}
	toFile = t.db.dir != "" && !t.db.opts.ReadOnly
	if toFile {
		if toFile, err = t.createdHere(d); err != nil {
			return false, false, err
		}
	}
	return toFile, true, nil
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
