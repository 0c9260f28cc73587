package storage

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/alopexdb/alopex/core"
)

// VectorBatch is many queries of one vector index that share an
// allow-list (db.search).
type VectorBatch struct {
	// Queries holds the query vectors row after row.
	Queries []float32
	K, Ef   int
	Allow   *KeySet
}

// VectorHits is one query's answer: the rows found, nearest first, as row
// references (RowKeysOf's form), and their distances.
type VectorHits struct {
	Rows  []string
	Dists []float32
}

// VectorSearchBatch answers every query of b with vector index index of
// table, as VectorSearch answers one (rows with a NULL vector are never
// hits): the allow-list is resolved once and the index runs the queries in
// parallel. answered[i] is false when query i needs an exact search (the
// index found fewer than k allowed rows); answered is nil when the index
// cannot answer this transaction at all (see VectorSearch).
func (t *Txn) VectorSearchBatch(table, index string, b VectorBatch) (hits []VectorHits, answered []bool, err error) {
	d, err := t.Table(table)
	if err != nil {
		return nil, nil, err
	}
	vx := d.VectorIndex(index)
	if vx == nil {
		return nil, nil, core.Errorf(core.KindInvalidInput, "table %q has no vector index %q", d.Name, index)
	}
	col, err := d.Column(vx.Column)
	if err != nil {
		return nil, nil, err
	}
	dim := col.typ.dim
	if dim <= 0 || len(b.Queries)%dim != 0 {
		return nil, nil, core.Errorf(core.KindInvalidInput, "the queries hold %d numbers, not a whole number of vectors of dimension %d (column %q of table %q)", len(b.Queries), dim, vx.Column, d.Name)
	}
	nq := len(b.Queries) / dim
	_, lv, set, err := t.searchable(table, index, b.Allow, dim)
	if err != nil || lv == nil || nq == 0 {
		return nil, nil, err
	}
	res, ok, err := lv.searchBatch(t, b.Queries, nq, b.K, b.Ef, set)
	if err != nil || res == nil {
		return nil, nil, err
	}
	hits = make([]VectorHits, nq)
	for i, r := range res {
		lv.count(ok[i])
		h := VectorHits{Rows: make([]string, len(r.Hits)), Dists: make([]float32, len(r.Hits))}
		for j, x := range r.Hits {
			h.Rows[j], h.Dists[j] = x.Key, x.Dist
		}
		hits[i] = h
	}
	return hits, ok, nil
}

// RowKeysOf returns a reference to the row of table with each row of
// keys' primary key values (its columns: the table's key columns, by
// name), comparable with VectorHits.Rows; "" for a row whose values are
// not of the key's types (no row has them).
func (t *Txn) RowKeysOf(table string, keys arrow.RecordBatch) ([]string, error) {
	d, err := t.Table(table)
	if err != nil {
		return nil, err
	}
	readers := make([]colReader, len(d.pk))
	for i, p := range d.pk {
		c := &d.Columns[p]
		idx := keys.Schema().FieldIndices(c.Name)
		if len(idx) != 1 {
			return nil, core.Errorf(core.KindColumnNotFound, "keys of table %q: no key column %q", d.Name, c.Name)
		}
		if readers[i], err = newColReader(keys.Column(idx[0]), &c.typ); err != nil {
			return nil, err
		}
	}
	out := make([]string, keys.NumRows())
	prefix := rowPrefix(d.ID)
	var buf []byte
	for row := range out {
		buf = append(buf[:0], prefix...)
		ok := true
		for i, p := range d.pk {
			v, err := readers[i](row)
			if err != nil {
				ok = false
				break
			}
			buf = appendKey(buf, &d.Columns[p].typ, v)
		}
		if ok {
			out[row] = string(buf)
		}
	}
	return out, nil
}

// ReadRows reads columns cols of the rows refs refers to (RowKeysOf's
// form) as one batch, in key order, each row once; a reference to no row
// of the snapshot reads nothing.
func (t *Txn) ReadRows(table string, cols []string, refs []string) (arrow.RecordBatch, error) {
	d, err := t.Table(table)
	if err != nil {
		return nil, err
	}
	opts := ScanOptions{Columns: cols}
	for _, r := range refs {
		vals, err := d.decodeRowKey([]byte(r))
		if err != nil {
			return nil, err
		}
		opts.Ranges = append(opts.Ranges, KeyRange{Lower: vals, Upper: vals})
	}
	if len(refs) == 0 {
		return emptyBatch(d, cols)
	}
	rdr, err := t.Scan(table, opts)
	if err != nil {
		return nil, err
	}
	defer rdr.Release()
	return core.ReadAll(memory.DefaultAllocator, rdr)
}

// emptyBatch is a batch of no rows with columns cols of d.
func emptyBatch(d *TableDesc, cols []string) (arrow.RecordBatch, error) {
	schema := d.Schema()
	fields := make([]arrow.Field, len(cols))
	arrs := make([]arrow.Array, len(cols))
	for i, c := range cols {
		idx := schema.FieldIndices(c)
		if len(idx) == 0 {
			return nil, core.Errorf(core.KindColumnNotFound, "table %q has no column %q", d.Name, c)
		}
		fields[i] = schema.Field(idx[0])
		arrs[i] = array.MakeArrayOfNull(memory.DefaultAllocator, fields[i].Type, 0)
		defer arrs[i].Release()
	}
	return array.NewRecordBatch(arrow.NewSchema(fields, nil), arrs, 0), nil
}
