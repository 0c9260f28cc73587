package dataframe

import (
	"bytes"
	"github.com/alopexdb/alopex/dataframe/csv"
	"github.com/alopexdb/alopex/dataframe/parquet"
	"os"
	"path/filepath"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy/kernels"
)

// WriteTable writes batches with the given schema as a file of kind "csv"
// or "parquet" at path, with the options of the Python API's write_csv and
// write_parquet (JSON-decoded: numbers are float64):
//
//	csv:     include_header, separator, quote_char, null_value,
//	         datetime_format, date_format, time_format, float_precision
//	parquet: compression ("zstd", "snappy", "gzip", "brotli", "uncompressed"),
//	         row_group_size, statistics
//
// With an empty path a CSV file is returned as bytes instead.
func WriteTable(kind, path string, schema *arrow.Schema, batches []arrow.RecordBatch, opts map[string]any) ([]byte, error) {
	if path != "" {
		if dir := filepath.Dir(path); dir != "" {
			if st, err := os.Stat(dir); err != nil || !st.IsDir() {
				return nil, core.Errorf(core.KindFileNotFound, "cannot write %s: no such directory: %s", path, dir).With("path", path)
			}
		}
	}
	switch kind {
	case "csv":
		o, err := csv.WriteOptionsFrom(opts)
		if err != nil {
			return nil, err
		}
		if path == "" {
			var buf bytes.Buffer
			if err := csv.Write(&buf, schema, batches, o); err != nil {
				return nil, err
			}
			return buf.Bytes(), nil
		}
		return nil, csv.WriteFile(path, schema, batches, o)
	case "parquet":
		o, err := parquet.WriteOptionsFrom(opts)
		if err != nil {
			return nil, err
		}
		if path == "" {
			return nil, core.Errorf(core.KindInvalidInput, "write_parquet needs a file path")
		}
		schema, batches, err := decodeDictionaries(schema, batches)
		if err != nil {
			return nil, err
		}
		defer func() {
			for _, b := range batches {
				b.Release()
			}
		}()
		return nil, parquet.Write(path, schema, batches, o)
	}
	return nil, core.Errorf(core.KindNotSupported, "writing %s files is not supported", kind)
}

// decodeDictionaries returns the batches with Categorical columns decoded to
// String, as Parquet stores them (its own dictionary pages encode repeats);
// the caller releases the returned batches.
func decodeDictionaries(schema *arrow.Schema, batches []arrow.RecordBatch) (*arrow.Schema, []arrow.RecordBatch, error) {
	fields := schema.Fields()
	for i, f := range fields {
		if core.IsCategorical(f.Type) {
			fields[i].Type = arrow.BinaryTypes.String
		}
	}
	md := schema.Metadata()
	out := arrow.NewSchema(fields, &md)
	decoded := make([]arrow.RecordBatch, 0, len(batches))
	fail := func(err error) (*arrow.Schema, []arrow.RecordBatch, error) {
		for _, b := range decoded {
			b.Release()
		}
		return nil, nil, err
	}
	for _, b := range batches {
		cols := make([]arrow.Array, len(fields))
		for i, f := range schema.Fields() {
			var err error
			if core.IsCategorical(f.Type) {
				cols[i], err = kernels.Cast(memory.DefaultAllocator, b.Column(i), arrow.BinaryTypes.String, true)
			} else {
				cols[i] = b.Column(i)
				cols[i].Retain()
			}
			if err != nil {
				for _, c := range cols[:i] {
					c.Release()
				}
				return fail(err)
			}
		}
		decoded = append(decoded, array.NewRecordBatch(out, cols, b.NumRows()))
		for _, c := range cols {
			c.Release()
		}
	}
	return out, decoded, nil
}
