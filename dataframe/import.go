// Package dataframe holds materialized frames and their readers and writers:
// Arrow streams handed over the C boundary, and (later) Parquet and CSV.
package dataframe

import (
	"errors"
	"io"

	"github.com/alopexdb/alopex/core"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/cdata"
)

// ImportStream reads every batch of a C ArrowArrayStream into a Table. The
// stream is moved (the caller's struct is left released); buffers are not
// copied: the table's arrays point at the producer's memory and release it
// through the producer's callbacks when the table is released.
func ImportStream(stream *cdata.CArrowArrayStream) (*core.Table, error) {
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
	return core.NewTable(schema, batches), nil
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
