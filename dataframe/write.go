package dataframe

import (
	"bytes"
	"os"
	"path/filepath"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
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
		o, err := csvWriteOptionsFrom(opts)
		if err != nil {
			return nil, err
		}
		if path == "" {
			var buf bytes.Buffer
			if err := WriteCSV(&buf, schema, batches, o); err != nil {
				return nil, err
			}
			return buf.Bytes(), nil
		}
		return nil, WriteCSVFile(path, schema, batches, o)
	case "parquet":
		o, err := parquetWriteOptionsFrom(opts)
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
		return nil, WriteParquet(path, schema, batches, o)
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

func optionError(kind, key string, v any, want string) error {
	return core.Errorf(core.KindInvalidInput, "write_%s option %s must be %s, got %v", kind, key, want, v)
}

func csvWriteOptionsFrom(m map[string]any) (CSVWriteOptions, error) {
	o := DefaultCSVWriteOptions()
	for key, v := range m {
		switch key {
		case "include_header":
			b, ok := v.(bool)
			if !ok {
				return o, optionError("csv", key, v, "a bool")
			}
			o.IncludeHeader = b
		case "separator", "quote_char":
			s, ok := v.(string)
			if !ok || len(s) != 1 {
				return o, optionError("csv", key, v, "a single ASCII character")
			}
			if key == "separator" {
				o.Separator = s[0]
			} else {
				o.Quote = s[0]
			}
		case "null_value", "datetime_format", "date_format", "time_format":
			if v == nil {
				continue
			}
			s, ok := v.(string)
			if !ok {
				return o, optionError("csv", key, v, "a string")
			}
			switch key {
			case "null_value":
				o.NullValue = s
			case "datetime_format":
				o.DatetimeFormat = s
			case "date_format":
				o.DateFormat = s
			case "time_format":
				o.TimeFormat = s
			}
		case "float_precision":
			if v == nil {
				continue
			}
			n, ok := optInt(v)
			if !ok || n < 0 || n > 100 {
				return o, optionError("csv", key, v, "an integer from 0 to 100 or None")
			}
			o.FloatPrecision = int(n)
		default:
			return o, core.Errorf(core.KindInvalidInput, "unknown write_csv option %q", key)
		}
	}
	return o, nil
}

func parquetWriteOptionsFrom(m map[string]any) (ParquetWriteOptions, error) {
	o := ParquetWriteOptions{Compression: ParquetZstd}
	for key, v := range m {
		switch key {
		case "compression":
			switch v {
			case "zstd":
				o.Compression = ParquetZstd
			case "snappy":
				o.Compression = ParquetSnappy
			case "gzip":
				o.Compression = ParquetGzip
			case "brotli":
				o.Compression = ParquetBrotli
			case "uncompressed", nil:
				o.Compression = ParquetUncompressed
			case "lz4":
				return o, core.Errorf(core.KindNotSupported, "Parquet compression lz4 is not supported (parquet-go cannot read LZ4_RAW back correctly); use zstd, snappy, gzip, brotli or uncompressed")
			default:
				return o, optionError("parquet", key, v, `one of "zstd", "snappy", "gzip", "brotli", "uncompressed"`)
			}
		case "row_group_size":
			if v == nil {
				continue
			}
			n, ok := optInt(v)
			if !ok || n <= 0 {
				return o, optionError("parquet", key, v, "a positive integer or None")
			}
			o.RowGroupRows = n
		case "statistics":
			b, ok := v.(bool)
			if !ok {
				return o, optionError("parquet", key, v, "a bool")
			}
			o.NoStatistics = !b
		default:
			return o, core.Errorf(core.KindInvalidInput, "unknown write_parquet option %q", key)
		}
	}
	return o, nil
}
