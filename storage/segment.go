package storage

import (
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/alopexdb/alopex/core"
)

// Segment is one segment of a columnar table as of the transaction that
// listed it: its id, row count (deleted rows included) and zone maps.
// Read it with Txn.ReadSegment. Safe for concurrent use.
type Segment struct {
	ID   uint64
	Rows int64

	d    *TableDesc
	desc *segmentDesc
	byID map[uint32]int // column id -> index in desc.Columns
}

func newSegment(d *TableDesc, id uint64, desc *segmentDesc) *Segment {
	s := &Segment{ID: id, Rows: int64(desc.Rows), d: d, desc: desc, byID: make(map[uint32]int, len(desc.Columns))}
	for i, c := range desc.Columns {
		s.byID[c.ID] = i
	}
	return s
}

// Stats returns the zone map of a column over all the segment's rows
// (deleted ones too, so it bounds what is left): min and max as the plan's
// pruning compares them (int64, uint64, float64 without NaN, string,
// bool), the null count, and whether they exist (as
// lazy.PartitionedSource.PieceStats). A column added after the segment
// was written holds its default in every row.
func (s *Segment) Stats(column string) (min, max any, nulls int64, ok bool) {
	i, err := s.d.columnIndex(column)
	if err != nil {
		return nil, nil, 0, false
	}
	c := &s.d.Columns[i]
	j, stored := s.byID[c.ID]
	if !stored {
		if c.defaultV.null {
			return nil, nil, s.Rows, true
		}
		v := statValue(&c.typ, c.defaultV)
		return v, v, 0, v != nil
	}
	zm := &s.desc.Columns[j]
	if zm.Nulls == s.Rows {
		return nil, nil, zm.Nulls, true
	}
	if zm.Min == nil || zm.Max == nil {
		return nil, nil, 0, false
	}
	lo, _, err1 := decodeKey(zm.Min, &c.typ)
	hi, _, err2 := decodeKey(zm.Max, &c.typ)
	if err1 != nil || err2 != nil {
		return nil, nil, 0, false
	}
	min, max = statValue(&c.typ, lo), statValue(&c.typ, hi)
	return min, max, zm.Nulls, min != nil && max != nil
}

// SegmentData is what a scan read of one segment: the column chunks it
// needs and the positions deleted by markers, not yet decoded (decoding
// needs no transaction, so it can run on another goroutine).
type SegmentData struct {
	seg     *Segment
	cols    []int    // table positions, in output order
	chunks  [][]byte // per output column; nil: not stored (the default)
	deleted []int    // ascending positions
}

// ReadSegment reads the chunks of the named columns of a segment (nil:
// every visible column) and its delete markers, in the transaction's
// current view.
func (t *Txn) ReadSegment(seg *Segment, columns []string) (*SegmentData, error) {
	if t.done {
		return nil, errTxnDone()
	}
	sd, err := readSegmentChunks(seg, columns, t.get)
	if err != nil {
		return nil, err
	}
	sd.deleted, err = t.segmentMarkers(seg.d, seg)
	return sd, err
}

// readSegmentChunks reads the chunks of the named columns of a segment
// (nil: every visible column) with get, markers left out.
func readSegmentChunks(seg *Segment, columns []string, get func(key []byte) ([]byte, bool, error)) (*SegmentData, error) {
	d := seg.d
	sd := &SegmentData{seg: seg}
	if columns == nil {
		for i, c := range d.Columns {
			if !c.Hidden {
				sd.cols = append(sd.cols, i)
			}
		}
	} else {
		for _, n := range columns {
			i, err := d.columnIndex(n)
			if err != nil {
				return nil, err
			}
			sd.cols = append(sd.cols, i)
		}
	}
	sd.chunks = make([][]byte, len(sd.cols))
	for j, i := range sd.cols {
		id := d.Columns[i].ID
		if _, ok := seg.byID[id]; !ok {
			continue
		}
		v, ok, err := get(segChunkKey(d.ID, seg.ID, id))
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, core.Errorf(core.KindInternal, "storage: segment %d of table %q lacks the chunk of column %q", seg.ID, d.Name, d.Columns[i].Name)
		}
		sd.chunks[j] = v
	}
	return sd, nil
}

// segmentMarkers lists the deleted positions of a segment, ascending.
func (t *Txn) segmentMarkers(d *TableDesc, seg *Segment) ([]int, error) {
	lo := segMarkerPrefix(d.ID, seg.ID)
	it, err := t.iter(lo, prefixEnd(lo))
	if err != nil {
		return nil, err
	}
	defer it.Close()
	var out []int
	for ; it.Valid(); it.Next() {
		k := it.Key()
		if len(k) != len(lo)+4 {
			return nil, core.Errorf(core.KindInternal, "storage: corrupt delete marker of table %q", d.Name)
		}
		out = append(out, int(beUint32(k[len(lo):])))
	}
	return out, it.Error()
}

// Schema is the schema of the batch Decode returns.
func (sd *SegmentData) Schema() *arrow.Schema {
	fields := make([]arrow.Field, len(sd.cols))
	for j, i := range sd.cols {
		c := &sd.seg.d.Columns[i]
		fields[j] = arrow.Field{Name: c.Name, Type: c.Type, Nullable: !c.NotNull}
	}
	return arrow.NewSchema(fields, nil)
}

// Live is the number of rows not deleted.
func (sd *SegmentData) Live() int64 { return sd.seg.Rows - int64(len(sd.deleted)) }

// Decode decodes the chunks into one record batch (allocated by mem, nil:
// the Go allocator) without the deleted rows. The caller releases it.
func (sd *SegmentData) Decode(mem memory.Allocator) (arrow.RecordBatch, error) {
	return sd.DecodeDict(mem, nil)
}

// DecodeDict is Decode with the string columns named in dict read as
// dictionary arrays (int32 codes into the chunk's distinct values) where
// their chunk is dictionary-encoded, else plain; the batch's schema says
// which. A filter on such a column tests each distinct value once
// (lazy/exec/scan_dict.go).
func (sd *SegmentData) DecodeDict(mem memory.Allocator, dict []string) (arrow.RecordBatch, error) {
	if mem == nil {
		mem = memory.DefaultAllocator
	}
	seg, d := sd.seg, sd.seg.d
	rows := int(seg.Rows)
	cols := make([]arrow.Array, len(sd.cols))
	defer func() {
		for _, c := range cols {
			if c != nil {
				c.Release()
			}
		}
	}()
	fields := sd.Schema().Fields()
	for j, i := range sd.cols {
		c := &d.Columns[i]
		var err error
		switch {
		case sd.chunks[j] == nil:
			cols[j] = constantArray(mem, c, rows)
		default:
			asDict := c.Type.ID() == arrow.STRING && slices.Contains(dict, c.Name)
			if cols[j], err = decodeChunkAs(sd.chunks[j], c.Type, rows, nil, asDict, mem); err != nil {
				return nil, err
			}
		}
		fields[j].Type = cols[j].DataType()
	}
	if len(sd.deleted) > 0 {
		kept, err := keepRuns(mem, cols, sd.deleted, rows)
		if err != nil {
			return nil, err
		}
		for j := range cols {
			cols[j].Release()
			cols[j] = kept[j]
		}
		rows -= len(sd.deleted)
	}
	return array.NewRecordBatch(arrow.NewSchema(fields, nil), cols, int64(rows)), nil
}

// constantArray is rows copies of column c's default.
func constantArray(mem memory.Allocator, c *ColumnDesc, rows int) arrow.Array {
	b := array.NewBuilder(mem, c.Type)
	defer b.Release()
	if c.defaultV.null {
		b.AppendNulls(rows)
		return b.NewArray()
	}
	sink := newColSink(b, &c.typ)
	sink.reserve(rows)
	for range rows {
		sink.append(&c.defaultV)
	}
	return b.NewArray()
}

// keepRuns returns the columns without the rows at the deleted positions
// (ascending), as concatenations of the runs between them.
func keepRuns(mem memory.Allocator, cols []arrow.Array, deleted []int, rows int) ([]arrow.Array, error) {
	var runs [][2]int
	from := 0
	for _, p := range deleted {
		if p > from {
			runs = append(runs, [2]int{from, p})
		}
		from = p + 1
	}
	if from < rows {
		runs = append(runs, [2]int{from, rows})
	}
	out := make([]arrow.Array, len(cols))
	for j, c := range cols {
		var err error
		if out[j], err = takeRuns(mem, c, runs); err != nil {
			for _, o := range out[:j] {
				o.Release()
			}
			return nil, err
		}
	}
	return out, nil
}

// runsOf are the runs [from, to) of consecutive positions of pos
// (ascending).
func runsOf(pos []int32) [][2]int {
	var runs [][2]int
	for _, p := range pos {
		if k := len(runs) - 1; k >= 0 && runs[k][1] == int(p) {
			runs[k][1]++
		} else {
			runs = append(runs, [2]int{int(p), int(p) + 1})
		}
	}
	return runs
}

// takeRuns concatenates the runs [from, to) of c.
func takeRuns(mem memory.Allocator, c arrow.Array, runs [][2]int) (arrow.Array, error) {
	if len(runs) == 0 {
		return array.MakeArrayOfNull(mem, c.DataType(), 0), nil
	}
	parts := make([]arrow.Array, len(runs))
	for k, r := range runs {
		parts[k] = array.NewSlice(c, int64(r[0]), int64(r[1]))
	}
	out, err := array.Concatenate(parts, mem)
	for _, p := range parts {
		p.Release()
	}
	if err != nil {
		return nil, core.Errorf(core.KindInternal, "storage: taking rows of a column: %v", err)
	}
	return out, nil
}

// DecodeRows is Decode of the given rows only: rows are positions among
// the live rows (as Decode numbers them), strictly increasing; others are
// an InvalidInput error. Each chunk is still decompressed whole (a chunk
// is one zstd frame), but only the chosen values are expanded, copied or
// looked up in their dictionary: a scan's filter reads its columns with
// Decode, then the columns only the output needs at the rows it kept
// (late materialization, lazy/exec/scan_late.go).
func (sd *SegmentData) DecodeRows(mem memory.Allocator, rows []int32) (arrow.RecordBatch, error) {
	if mem == nil {
		mem = memory.DefaultAllocator
	}
	live := sd.Live()
	for j, r := range rows {
		if r < 0 || int64(r) >= live || (j > 0 && r <= rows[j-1]) {
			return nil, core.Errorf(core.KindInvalidInput, "storage: row %d (position %d) is out of order or out of range: segment %d has %d live rows",
				r, j, sd.seg.ID, live)
		}
	}
	if int64(len(rows)) == live {
		return sd.Decode(mem)
	}
	pos := physicalRows(rows, sd.deleted)
	if pos == nil {
		pos = []int32{} // no row (nil would mean all of them)
	}
	seg, d := sd.seg, sd.seg.d
	cols := make([]arrow.Array, len(sd.cols))
	defer func() {
		for _, c := range cols {
			if c != nil {
				c.Release()
			}
		}
	}()
	for j, i := range sd.cols {
		c := &d.Columns[i]
		var err error
		if sd.chunks[j] == nil {
			cols[j] = constantArray(mem, c, len(rows))
		} else if cols[j], err = decodeChunkAt(sd.chunks[j], c.Type, int(seg.Rows), pos, mem); err != nil {
			return nil, err
		}
	}
	return array.NewRecordBatch(sd.Schema(), cols, int64(len(rows))), nil
}

// physicalRows maps live-row numbers (ascending) to positions in the
// segment, skipping the deleted positions (ascending): the r-th live row
// is at r plus the number of deleted positions before it.
func physicalRows(rows []int32, deleted []int) []int32 {
	if len(deleted) == 0 {
		return rows
	}
	out := make([]int32, len(rows))
	d := 0
	for k, r := range rows {
		for d < len(deleted) && deleted[d] <= int(r)+d {
			d++
		}
		out[k] = r + int32(d)
	}
	return out
}
