package storage

import (
	"bytes"
	"sort"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/alopexdb/alopex/core"
)

// Rows of segments as the write paths see them. A statement that deletes,
// updates or replaces a row of a columnar table finds it by key in the
// delta (as for a row table) or else in the segments: segmentRowToDelta
// then moves it to the delta (a delete marker for its position, the row
// under its row key), and the statement goes on as on a row table. An
// insert's uniqueness check looks in both places (inSegments).

// findSegmentRow returns the segment and position of the live row with
// primary-key bytes pk, if a segment holds one. Segments are in key order
// inside, so a covering segment is searched by bisection on its decoded
// key column (cached for the transaction).
func (t *Txn) findSegmentRow(d *TableDesc, pk []byte) (*Segment, int, bool, error) {
	segs, err := t.segments(d)
	if err != nil {
		return nil, 0, false, err
	}
	for _, s := range segs {
		if !segmentCovers(s, pk) {
			continue
		}
		keys, err := t.segmentKeys(s)
		if err != nil {
			return nil, 0, false, err
		}
		pos := sort.Search(len(keys), func(i int) bool { return bytes.Compare(keys[i], pk) >= 0 })
		if pos == len(keys) || !bytes.Equal(keys[pos], pk) {
			continue
		}
		deleted, err := t.exists(segMarkerKey(d.ID, s.ID, pos))
		if err != nil {
			return nil, 0, false, err
		}
		if !deleted {
			return s, pos, true, nil
		}
	}
	return nil, 0, false, nil
}

// segmentKeys are the primary-key bytes of a segment's rows by position.
func (t *Txn) segmentKeys(s *Segment) ([][]byte, error) {
	st := t.colState()
	if keys, ok := st.keys[s.ID]; ok {
		return keys, nil
	}
	d := s.d
	names := make([]string, len(d.pk))
	for k, p := range d.pk {
		names[k] = d.Columns[p].Name
	}
	rb, err := t.decodeWhole(s, names)
	if err != nil {
		return nil, err
	}
	defer rb.Release()
	cols := make([]arrow.Array, len(d.Columns))
	for k, p := range d.pk {
		cols[p] = rb.Column(k)
	}
	keys := keysOf(d, cols, int(rb.NumRows()))
	st.keys[s.ID] = keys
	return keys, nil
}

// decodeWhole decodes the named columns of every row of a segment,
// deleted ones included (positions stay positions).
func (t *Txn) decodeWhole(s *Segment, columns []string) (arrow.RecordBatch, error) {
	sd, err := t.ReadSegment(s, columns)
	if err != nil {
		return nil, err
	}
	sd.deleted = nil
	return sd.Decode(memory.DefaultAllocator)
}

// inSegments reports whether a live segment row has primary-key bytes pk.
func (t *Txn) inSegments(d *TableDesc, pk []byte) (bool, error) {
	if !d.IsColumnar() {
		return false, nil
	}
	_, _, ok, err := t.findSegmentRow(d, pk)
	return ok, err
}

// segmentRowToDelta moves the live segment row with key pk, if any, to the
// delta and reads it into vals. The transaction guards the segment's
// descriptor: an OPTIMIZE committed meanwhile rewrote the segment, and
// the marker would then point at nothing, so this commit must fail.
func (t *Txn) segmentRowToDelta(d *TableDesc, pk []byte, vals []datum) (bool, error) {
	s, pos, ok, err := t.findSegmentRow(d, pk)
	if err != nil || !ok {
		return false, err
	}
	if err := t.readSegmentRow(s, pos, vals); err != nil {
		return false, err
	}
	if err := t.put(segMarkerKey(d.ID, s.ID, pos), []byte{}); err != nil {
		return false, err
	}
	key := append(rowPrefix(d.ID), pk...)
	if err := t.put(key, d.appendRowValue(nil, vals)); err != nil {
		return false, err
	}
	t.guard(segDescKey(d.ID, s.ID))
	return true, nil
}

// segmentRow reads the live segment row with key pk into vals, if any
// (a point read: nothing moves).
func (t *Txn) segmentRow(d *TableDesc, pk []byte, vals []datum) (bool, error) {
	if !d.IsColumnar() {
		return false, nil
	}
	s, pos, ok, err := t.findSegmentRow(d, pk)
	if err != nil || !ok {
		return false, err
	}
	return true, t.readSegmentRow(s, pos, vals)
}

// readSegmentRow reads every column of the row at pos of segment s.
func (t *Txn) readSegmentRow(s *Segment, pos int, vals []datum) error {
	d := s.d
	var err error
	st := t.colState()
	if st.rowsOf != s.ID || st.rows == nil {
		// Statements touch rows in scan order: keep the last segment
		// decoded, not one decode per row.
		if st.rows != nil {
			st.rows.Release()
			st.rows = nil
		}
		if st.rows, err = t.decodeWhole(s, allColumnNames(d)); err != nil {
			return err
		}
		st.rowsOf = s.ID
	}
	rb := st.rows
	for i := range d.Columns {
		r, err := newColReader(rb.Column(i), &d.Columns[i].typ)
		if err != nil {
			return core.Errorf(core.KindInternal, "storage: segment %d of table %q: %v", s.ID, d.Name, err)
		}
		if vals[i], err = r(pos); err != nil {
			return err
		}
		if k := d.Columns[i].typ.kind; k == kString || k == kBinary || k == kVector {
			vals[i].b = bytes.Clone(vals[i].b) // the cached batch is replaced later
		}
	}
	return nil
}

// guard makes a commit after Begin of key a conflict for this transaction.
func (t *Txn) guard(key []byte) {
	if t.guards == nil {
		t.guards = map[string]struct{}{}
	}
	t.guards[string(key)] = struct{}{}
}

func allColumnNames(d *TableDesc) []string {
	out := make([]string, len(d.Columns))
	for i, c := range d.Columns {
		out[i] = c.Name
	}
	return out
}
