package storage

import (
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
)

// Optimize rewrites a columnar table into fresh segments: the rows of its
// delta and the live rows of its segments, in primary-key order, as full
// segments; the old segments, their delete markers and the delta keys are
// deleted. It is a no-op for a row table and for a columnar table with
// no delta and no deleted rows. (This first version rewrites every
// segment; keeping segments without markers is a later refinement.)
//
// Concurrency: the rewrite deletes keys other transactions may write. A
// row they change in the delta is a write-write conflict; a delete marker
// they add to a rewritten segment is caught by guarding the segment's
// marker prefix (guardPrefixes), and one they add after this commits by
// their guard on the segment's descriptor (segmentRowToDelta). Either way
// the later committer gets TransactionConflictError.
func (t *Txn) Optimize(table string) error {
	return t.statement(func() error {
		d, err := t.tableForWrite(table)
		if err != nil || !d.IsColumnar() {
			return err
		}
		segs, err := t.segments(d)
		if err != nil {
			return err
		}
		var parts []*tableColumns
		defer func() {
			for _, p := range parts {
				p.release()
			}
		}()
		dirty := false
		names := allColumnNames(d)
		for _, s := range segs {
			sd, err := t.ReadSegment(s, names)
			if err != nil {
				return err
			}
			dirty = dirty || len(sd.deleted) > 0
			rb, err := sd.Decode(nil)
			if err != nil {
				return err
			}
			parts = append(parts, batchColumns(d, rb))
			rb.Release()
		}
		delta, err := t.deltaColumns(d, names)
		if err != nil {
			return err
		}
		parts = append(parts, delta...)
		if !dirty && len(delta) == 0 {
			return nil
		}
		for _, s := range segs {
			t.guardPrefixes = append(t.guardPrefixes, string(segMarkerPrefix(d.ID, s.ID)))
		}
		for _, mark := range []byte{markSegDesc, markSegChunk, markSegMarker, markRow} {
			if err := t.deleteAll(append(tablePrefix(d.ID), mark)); err != nil {
				return err
			}
		}
		t.segmentsChanged(d)
		return t.writeSorted(d, parts, false)
	})
}

// batchColumns views a batch of every table column (in table order) as
// tableColumns.
func batchColumns(d *TableDesc, rb arrow.RecordBatch) *tableColumns {
	tc := &tableColumns{cols: make([]arrow.Array, len(d.Columns))}
	for i := range d.Columns {
		tc.cols[i] = rb.Column(i)
		tc.cols[i].Retain()
	}
	tc.keys = keysOf(d, tc.cols, int(rb.NumRows()))
	return tc
}

// deltaColumns reads the delta rows of a columnar table.
func (t *Txn) deltaColumns(d *TableDesc, names []string) ([]*tableColumns, error) {
	rr, err := t.Scan(d.Name, ScanOptions{Columns: names})
	if err != nil {
		return nil, err
	}
	defer rr.Release()
	var out []*tableColumns
	for rr.Next() {
		out = append(out, batchColumns(d, rr.RecordBatch()))
	}
	if err := rr.Err(); err != nil {
		for _, p := range out {
			p.release()
		}
		return nil, err
	}
	return out, nil
}

// deleteAll deletes every key with prefix p in this transaction's view.
func (t *Txn) deleteAll(p []byte) error {
	it, err := t.iter(p, prefixEnd(p))
	if err != nil {
		return err
	}
	var keys [][]byte
	for ; it.Valid(); it.Next() {
		keys = append(keys, append([]byte(nil), it.Key()...))
	}
	if err := it.Error(); err != nil {
		it.Close()
		return err
	}
	if err := it.Close(); err != nil {
		return err
	}
	for _, k := range keys {
		t.del(k)
	}
	return nil
}

// guardedByPrefix reports whether key is under one of guardPrefixes.
func (t *Txn) guardedByPrefix(key string) bool {
	for _, p := range t.guardPrefixes {
		if strings.HasPrefix(key, p) {
			return true
		}
	}
	return false
}
