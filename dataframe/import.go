// Package dataframe is where materialized data meets the engine: Arrow
// streams handed over the C boundary become tables without copying
// (import.go), file scans in plans are opened by format (source.go: paths,
// globs and directories expanded, then dataframe/parquet or dataframe/csv),
// and results are written to files by format (write.go). The formats
// themselves live in the subpackages parquet and csv.
package dataframe

import (
	"errors"
	"io"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/cdata"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// ImportStream reads every batch of a C ArrowArrayStream into a Table. The
// stream is moved (the caller's struct is left released); buffers are not
// copied: the table's arrays point at the producer's memory and release it
// through the producer's callbacks when the table is released. Dictionary
// columns are the exception: they are converted once (see
// normalizeDictionaries), their new buffers allocated from mem.
func ImportStream(stream *cdata.CArrowArrayStream, mem memory.Allocator) (*core.Table, error) {
	rdr, err := cdata.ImportCRecordReader(stream, nil)
	if err != nil {
		return nil, core.Errorf(core.KindInvalidInput, "cannot import Arrow stream: %v", err)
	}
	type schemaReader interface {
		Schema() *arrow.Schema
		Release()
	}
	sr := rdr.(schemaReader)
	defer sr.Release()
	var batches []arrow.RecordBatch
	for {
		rb, err := rdr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			for _, b := range batches {
				b.Release()
			}
			return nil, core.Errorf(core.KindInvalidInput, "reading Arrow stream: %v", err)
		}
		if rb.NumRows() == 0 {
			continue
		}
		// The reader releases its current batch on the next Read: keep our own reference.
		rb.Retain()
		batches = append(batches, rb)
	}
	schema := sr.Schema()
	if err := checkUniqueNames(schema); err != nil {
		for _, b := range batches {
			b.Release()
		}
		return nil, err
	}
	schema, batches, err = normalizeDictionaries(mem, schema, batches)
	if err != nil {
		return nil, err
	}
	return core.NewTable(schema, batches), nil
}

// normalizeDictionaries gives every dictionary column the engine's form
// (kernels.NormalizeDictionary): Categorical with one dictionary shared by
// all batches, or plain values for dictionaries of non-strings. It takes
// over the references to batches (releasing them on error).
func normalizeDictionaries(mem memory.Allocator, schema *arrow.Schema, batches []arrow.RecordBatch) (*arrow.Schema, []arrow.RecordBatch, error) {
	fields := schema.Fields()
	cols := make([][]arrow.Array, len(batches))
	changed := false
	for i, f := range fields {
		dt, ok := f.Type.(*arrow.DictionaryType)
		if !ok {
			continue
		}
		changed = true
		if len(batches) == 0 {
			fields[i].Type = dt.ValueType
			if core.IsString(dt.ValueType) || dt.ValueType.ID() == arrow.NULL {
				fields[i].Type = core.Categorical
			}
			continue
		}
		chunks := make([]arrow.Array, len(batches))
		for j, b := range batches {
			chunks[j] = b.Column(i)
		}
		normal, t, err := kernels.NormalizeDictionary(mem, chunks)
		if err != nil {
			for _, c := range cols {
				for _, a := range c {
					if a != nil {
						a.Release()
					}
				}
			}
			for _, b := range batches {
				b.Release()
			}
			return nil, nil, core.Errorf(core.KindInvalidInput, "column '%s': %v", f.Name, err).With("column", f.Name)
		}
		fields[i].Type = t
		for j := range batches {
			if cols[j] == nil {
				cols[j] = make([]arrow.Array, len(fields))
			}
			cols[j][i] = normal[j]
		}
	}
	if !changed {
		return schema, batches, nil
	}
	md := schema.Metadata()
	out := arrow.NewSchema(fields, &md)
	for j, b := range batches {
		arrays := make([]arrow.Array, len(fields))
		for i := range fields {
			if cols[j][i] != nil {
				arrays[i] = cols[j][i]
			} else {
				arrays[i] = b.Column(i)
				arrays[i].Retain()
			}
		}
		batches[j] = array.NewRecordBatch(out, arrays, b.NumRows())
		b.Release()
		for _, a := range arrays {
			a.Release()
		}
	}
	return out, batches, nil
}

func checkUniqueNames(s *arrow.Schema) error {
	seen := map[string]bool{}
	for _, f := range s.Fields() {
		if seen[f.Name] {
			return core.Errorf(core.KindSchema, "column name '%s' appears more than once; column names must be unique", f.Name).With("column", f.Name)
		}
		seen[f.Name] = true
	}
	return nil
}
