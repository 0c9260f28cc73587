package core

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// ReadAll drains rdr into one batch of its schema holding every row in
// order (allocated from mem; a single batch is returned as it is).
func ReadAll(mem memory.Allocator, rdr array.RecordReader) (arrow.RecordBatch, error) {
	var parts []arrow.RecordBatch
	defer func() {
		for _, p := range parts {
			p.Release()
		}
	}()
	for rdr.Next() {
		rb := rdr.RecordBatch()
		rb.Retain()
		parts = append(parts, rb)
	}
	if err := rdr.Err(); err != nil {
		return nil, err
	}
	return ConcatRecords(mem, rdr.Schema(), parts)
}

// ConcatRecords joins parts, batches of schema, into one batch.
func ConcatRecords(mem memory.Allocator, schema *arrow.Schema, parts []arrow.RecordBatch) (arrow.RecordBatch, error) {
	if len(parts) == 1 {
		parts[0].Retain()
		return parts[0], nil
	}
	cols := make([]arrow.Array, schema.NumFields())
	var rows int64
	for _, p := range parts {
		rows += p.NumRows()
	}
	for i := range cols {
		if len(parts) == 0 {
			cols[i] = array.MakeArrayOfNull(mem, schema.Field(i).Type, 0)
			continue
		}
		chunks := make([]arrow.Array, len(parts))
		for j, p := range parts {
			chunks[j] = p.Column(i)
		}
		c, err := array.Concatenate(chunks, mem)
		if err != nil {
			for _, a := range cols[:i] {
				a.Release()
			}
			return nil, Errorf(KindInternal, "concatenating batches: %v", err)
		}
		cols[i] = c
	}
	rb := array.NewRecordBatch(schema, cols, rows)
	for _, c := range cols {
		c.Release()
	}
	return rb, nil
}

// SameFields reports whether two schemas have the same field names and
// types, in the same order (metadata and nullability aside).
func SameFields(a, b *arrow.Schema) bool {
	if a.NumFields() != b.NumFields() {
		return false
	}
	for i := range a.NumFields() {
		if a.Field(i).Name != b.Field(i).Name || !arrow.TypeEqual(a.Field(i).Type, b.Field(i).Type) {
			return false
		}
	}
	return true
}
