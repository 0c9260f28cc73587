package storage

import (
	"bytes"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/alopexdb/alopex/core"
)

// Storage kinds of a table (TableDef.Storage, TableDesc.Storage).
//
// A columnar table keeps most of its rows in segments (segment_format.go):
// immutable, compressed column chunks with zone maps, in primary-key
// order. Its delta is the row keyspace of a row table (t{id}r{pk}):
// INSERT writes there, so constraints, transactions and point reads work
// as for row tables. A statement that changes a row living in a segment
// first moves it to the delta (segment_rows.go: a delete marker in the
// segment, the row in the delta), then changes it there as usual.
// OPTIMIZE (columnar_optimize.go) rewrites delta and segments into fresh
// segments; a bulk load into a new table writes segments directly
// (columnar_load.go). Everything is a pebble key, so one snapshot sees
// delta, segments and markers consistently.
const (
	StorageRow      = "row"
	StorageColumnar = "columnar"
)

// IsColumnar reports whether the table stores its rows in segments.
func (t *TableDesc) IsColumnar() bool { return t.Storage == StorageColumnar }

// storageOf checks a new table's storage kind and what it may hold.
func storageOf(def TableDef) (string, error) {
	switch strings.ToLower(def.Storage) {
	case "", StorageRow:
		return StorageRow, nil
	case StorageColumnar:
		if len(def.Indexes) > 0 {
			return "", errColumnarOnly(def.Name, "a secondary or UNIQUE index")
		}
		return StorageColumnar, nil
	}
	return "", core.Errorf(core.KindNotSupported, "table %q: unknown storage %q; use 'row' or 'columnar'", def.Name, def.Storage).
		With("table", def.Name)
}

// rowStoreOnly returns the NotSupported error of a feature columnar tables
// lack, or nil for a row table.
func (t *TableDesc) rowStoreOnly(what string) error {
	if !t.IsColumnar() {
		return nil
	}
	return errColumnarOnly(t.Name, what)
}

func errColumnarOnly(table, what string) error {
	return core.Errorf(core.KindNotSupported,
		"columnar table %q cannot have %s yet; use a row table (the default storage) for it", table, what).
		With("table", table)
}

// columnarState is a transaction's cache of segment metadata: the segments
// of each columnar table it read, and the decoded key columns and rows of
// segments a statement touched. Segments never change once written (new
// ones get new ids), so entries only go stale when this transaction
// writes segments itself, which drops the table's entry.
type columnarState struct {
	segments map[uint64][]*Segment // table id -> segments, in id order
	keys     map[uint64][][]byte   // segment id -> primary-key bytes by position
	rows     arrow.RecordBatch     // every column of segment rowsOf (nil: none)
	rowsOf   uint64
}

func (t *Txn) colState() *columnarState {
	if t.col == nil {
		t.col = &columnarState{segments: map[uint64][]*Segment{}, keys: map[uint64][][]byte{}}
	}
	return t.col
}

// segmentsChanged forgets the cached segment list of a table this
// transaction wrote segments of.
func (t *Txn) segmentsChanged(d *TableDesc) {
	if t.col != nil {
		delete(t.col.segments, d.ID)
	}
}

// Segments lists the segments of a columnar table in this transaction's
// view (none for a row table).
func (t *Txn) Segments(table string) ([]*Segment, error) {
	d, err := t.Table(table)
	if err != nil {
		return nil, err
	}
	return t.segments(d)
}

func (t *Txn) segments(d *TableDesc) ([]*Segment, error) {
	if !d.IsColumnar() {
		return nil, nil
	}
	st := t.colState()
	if segs, ok := st.segments[d.ID]; ok {
		return segs, nil
	}
	lo := append(tablePrefix(d.ID), markSegDesc)
	it, err := t.iter(lo, prefixEnd(lo))
	if err != nil {
		return nil, err
	}
	defer it.Close()
	var segs []*Segment
	for ; it.Valid(); it.Next() {
		k := it.Key()
		if len(k) != len(lo)+8 {
			return nil, core.Errorf(core.KindInternal, "storage: corrupt segment key of table %q", d.Name)
		}
		desc, err := unmarshalSegment(it.Value())
		if err != nil {
			return nil, err
		}
		segs = append(segs, newSegment(d, beUint64(k[len(lo):]), desc))
	}
	if err := it.Error(); err != nil {
		return nil, err
	}
	st.segments[d.ID] = segs
	return segs, nil
}

// HasDelta reports whether a table has rows in its row keyspace (all of
// a row table's rows; a columnar table's delta).
func (t *Txn) HasDelta(table string) (bool, error) {
	d, err := t.Table(table)
	if err != nil {
		return false, err
	}
	lo := rowPrefix(d.ID)
	it, err := t.iter(lo, prefixEnd(lo))
	if err != nil {
		return false, err
	}
	has := it.Valid()
	if err := it.Close(); err != nil {
		return false, err
	}
	return has, nil
}

func beUint64(b []byte) uint64 {
	var v uint64
	for _, c := range b[:8] {
		v = v<<8 | uint64(c)
	}
	return v
}

// segmentCovers reports whether pk may be in segment s (between its first
// and last keys).
func segmentCovers(s *Segment, pk []byte) bool {
	return bytes.Compare(s.desc.First, pk) <= 0 && bytes.Compare(pk, s.desc.Last) <= 0
}
