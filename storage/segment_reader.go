package storage

import (
	"bytes"
	"sync"

	"github.com/alopexdb/alopex/core"
)

// SegmentReader reads the segments of a columnar table as the transaction
// saw them when OpenSegments was called: the delete markers are read
// there, and the chunks through an iterator opened there. A statement
// that writes the table while it reads it (an UPDATE moves each row it
// changes from its segment to the delta, marking it deleted) then never
// reads its own writes, and a Read never touches the transaction's own
// state, so it may run on another goroutine than the transaction's
// writes; Reads lock, one at a time. Release it before the transaction
// ends (the transaction closes it if not: Reads then fail).
type SegmentReader struct {
	tx      *Txn
	d       *TableDesc
	mu      sync.Mutex
	chunks  *mergedIter      // the table's chunks; nil once closed
	deleted map[uint64][]int // segment id -> deleted positions, ascending
}

// OpenSegments opens a SegmentReader of a columnar table.
func (t *Txn) OpenSegments(table string) (*SegmentReader, error) {
	d, err := t.Table(table)
	if err != nil {
		return nil, err
	}
	if !d.IsColumnar() {
		return nil, core.Errorf(core.KindInternal, "storage: table %q has no segments", d.Name)
	}
	r := &SegmentReader{tx: t, d: d}
	if r.deleted, err = t.tableMarkers(d); err != nil {
		return nil, err
	}
	lo := append(tablePrefix(d.ID), markSegChunk)
	if r.chunks, err = t.iter(lo, prefixEnd(lo)); err != nil {
		return nil, err
	}
	t.register(r)
	return r, nil
}

// tableMarkers lists the deleted positions of every segment of d, by
// segment id, ascending.
func (t *Txn) tableMarkers(d *TableDesc) (map[uint64][]int, error) {
	lo := append(tablePrefix(d.ID), markSegMarker)
	it, err := t.iter(lo, prefixEnd(lo))
	if err != nil {
		return nil, err
	}
	defer it.Close()
	out := map[uint64][]int{}
	for ; it.Valid(); it.Next() {
		k := it.Key()
		if len(k) != len(lo)+12 {
			return nil, core.Errorf(core.KindInternal, "storage: corrupt delete marker of table %q", d.Name)
		}
		seg := beUint64(k[len(lo):])
		out[seg] = append(out[seg], int(beUint32(k[len(lo)+8:])))
	}
	return out, it.Error()
}

func beUint32(b []byte) uint32 {
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}

// Read reads the chunks of the named columns of a segment of the table
// (nil: every visible column) and its delete markers, as they were when
// the reader was opened.
func (r *SegmentReader) Read(seg *Segment, columns []string) (*SegmentData, error) {
	if seg.d.ID != r.d.ID {
		return nil, core.Errorf(core.KindInternal, "storage: segment %d is not one of table %q", seg.ID, r.d.Name)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.chunks == nil {
		return nil, errTxnDone()
	}
	sd, err := readSegmentChunks(seg, columns, func(key []byte) ([]byte, bool, error) {
		r.chunks.seek(key, nil)
		if err := r.chunks.Error(); err != nil {
			return nil, false, err
		}
		if !r.chunks.Valid() || !bytes.Equal(r.chunks.Key(), key) {
			return nil, false, nil
		}
		return bytes.Clone(r.chunks.Value()), true, nil
	})
	if err != nil {
		return nil, err
	}
	sd.deleted = r.deleted[seg.ID]
	return sd, nil
}

// Live is the number of rows of a segment of the table not deleted as the
// reader saw it (what a Read then Decode returns).
func (r *SegmentReader) Live(seg *Segment) int64 {
	return seg.Rows - int64(len(r.deleted[seg.ID]))
}

// Release closes the reader.
func (r *SegmentReader) Release() {
	r.close()
	r.tx.unregister(r)
}

// close implements txnReader.
func (r *SegmentReader) close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.chunks != nil {
		_ = r.chunks.Close()
		r.chunks = nil
	}
}
