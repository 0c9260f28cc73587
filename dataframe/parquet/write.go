package parquet

import (
	"bufio"
	"fmt"
	"reflect"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress"
	"github.com/parquet-go/parquet-go/encoding"

	"github.com/alopexdb/alopex/core"
)

// Compression is the codec Write compresses pages with.
type Compression int

const (
	// Snappy is the default: the codec every Parquet reader has, and
	// the fastest to decode of those parquet-go offers (klauspost/compress,
	// with assembly on amd64 and arm64).
	Snappy Compression = iota
	// Zstd makes files about a third smaller than snappy; reading
	// them takes about 1.5 times the CPU (TPC-H lineitem: 156 vs 243 MiB).
	Zstd
	Gzip
	Brotli
	Uncompressed
	// There is no LZ4_RAW: parquet-go v0.32.0 writes it correctly but
	// decodes it wrongly (see checkCodec), so alopex could not read back
	// what it wrote.
)

func (c Compression) codec() (compress.Codec, error) {
	switch c {
	case Snappy:
		return &parquet.Snappy, nil
	case Zstd:
		return &parquet.Zstd, nil
	case Gzip:
		return &parquet.Gzip, nil
	case Brotli:
		return &parquet.Brotli, nil
	case Uncompressed:
		return &parquet.Uncompressed, nil
	}
	return nil, core.Errorf(core.KindInvalidInput, "unknown Parquet compression %d", int(c))
}

// DefaultRowGroupRows is the row group size Write uses when
// WriteOptions.RowGroupRows is 0.
const DefaultRowGroupRows = 1 << 20

// WriteOptions configures Write. The zero value writes snappy
// pages, row groups of DefaultRowGroupRows rows, statistics, and
// dictionary-encoded string and binary columns.
type WriteOptions struct {
	Compression Compression
	// RowGroupRows is the number of rows per row group (the last one may
	// hold fewer); 0 means DefaultRowGroupRows.
	RowGroupRows int64
	// NoStatistics leaves out the min/max statistics of column chunks and
	// pages (null counts are always written). Statistics let readers skip
	// row groups; they cost little to write.
	NoStatistics bool
	// NoDictionary writes string and binary columns with plain encoding.
	// By default they are dictionary-encoded, falling back to plain pages
	// once a column chunk's dictionary exceeds 1 MiB.
	NoDictionary bool
}

// Write writes batches, which must all have the given schema, to a
// new Parquet file at path (replacing any file there; on error no file is
// left). The columns of several row groups are encoded in parallel.
//
// Arrow types map to Parquet as follows:
//
//	Boolean                             BOOLEAN
//	Int8, Int16, Uint8, Uint16, Uint32  INT32 with INT(bits, signed)
//	Int32, Int64                        INT32, INT64
//	Uint64                              INT64 with INT(64, false)
//	Float32, Float64                    FLOAT, DOUBLE
//	String, LargeString, StringView     BYTE_ARRAY with STRING
//	Binary, LargeBinary, BinaryView     BYTE_ARRAY
//	FixedSizeBinary(n)                  FIXED_LEN_BYTE_ARRAY(n)
//	Date32, Date64                      INT32 with DATE (Date64 is floored to days)
//	Time32(s, ms)                       INT32 with TIME(MILLIS)
//	Time64(us, ns)                      INT64 with TIME(MICROS, NANOS)
//	Timestamp(unit, tz)                 INT64 with TIMESTAMP(MILLIS for s and ms, MICROS, NANOS);
//	                                    isAdjustedToUTC is set when tz is not empty
//	Decimal128(p, s)                    INT32 (p ≤ 9), INT64 (p ≤ 18) or FIXED_LEN_BYTE_ARRAY(16)
//	                                    with DECIMAL(p, s)
//
// Nullable fields are OPTIONAL columns, the others REQUIRED (a null in a
// non-nullable field is an error). Other types (nested, dictionary, null,
// Float16, intervals, durations) are core.KindNotSupported. No ARROW:schema
// is embedded: a time zone other than UTC reads back as "UTC" (the instants
// are kept), and large and view string types read back as String.
//
// Min/max statistics are not written for decimals of precision above 18:
// parquet-go would order their big-endian bytes as unsigned, which is wrong
// for negative values.
func Write(path string, schema *arrow.Schema, batches []arrow.RecordBatch, opts WriteOptions) (err error) {
	if schema.NumFields() == 0 {
		return core.Errorf(core.KindInvalidInput, "cannot write %s: a Parquet file needs at least one column", path)
	}
	cols, pschema, err := parquetSchemaOf(schema, !opts.NoDictionary)
	if err != nil {
		return err
	}
	for i, b := range batches {
		if !core.SameFields(b.Schema(), schema) {
			return core.Errorf(core.KindSchema, "batch %d has schema %s, want %s", i, b.Schema(), schema)
		}
	}
	codec, err := opts.Compression.codec()
	if err != nil {
		return err
	}
	rowGroupRows := opts.RowGroupRows
	if rowGroupRows <= 0 {
		rowGroupRows = DefaultRowGroupRows
	}

	wopts := []parquet.WriterOption{
		pschema,
		parquet.Compression(codec),
		parquet.PageBufferSize(1 << 20),
		parquet.DictionaryMaxBytes(1 << 20),
	}
	for i, c := range cols {
		if opts.NoStatistics || c.noBounds {
			wopts = append(wopts, parquet.SkipPageBounds(schema.Field(i).Name))
		}
	}
	return core.CreateFile(path, func(out *bufio.Writer) error {
		if err := writeParquet(out, wopts, cols, batches, rowGroupRows); err != nil {
			return core.Errorf(core.KindOf(err), "writing %s: %v", path, err).With("path", path)
		}
		return nil
	})
}

// writeParquet runs parquet-go's writer, which panics on some misuse rather
// than returning an error.
//
// Row groups are encoded a window at a time: each row group of the window has
// its own parquet.ConcurrentRowGroupWriter, every (row group, column) pair is
// a unit of work for a pool of GOMAXPROCS goroutines (column writers share no
// state), and the window's row groups are then committed in order. Working on
// several row groups at once keeps the cores busy when one column (long
// strings) costs far more than the others.
func writeParquet(out *bufio.Writer, wopts []parquet.WriterOption, cols []writeColumn, batches []arrow.RecordBatch, rowGroupRows int64) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = core.Errorf(core.KindInternal, "parquet-go panic: %v\n%s", r, debug.Stack())
		}
	}()
	w := parquet.NewGenericWriter[any](out, wopts...)
	groups := splitRowGroups(batches, rowGroupRows)
	window := 2 * runtime.GOMAXPROCS(0)
	for first := 0; first < len(groups); first += window {
		part := groups[first:min(first+window, len(groups))]
		writers := make([]*parquet.ConcurrentRowGroupWriter, len(part))
		for i := range part {
			writers[i] = w.BeginRowGroup()
		}
		if err := writeRowGroups(writers, cols, part); err != nil {
			return err
		}
		for _, rgw := range writers {
			if _, err := rgw.Commit(); err != nil {
				return err
			}
		}
	}
	return w.Close()
}

// rowSegment is a range of rows of one batch.
type rowSegment struct {
	batch     arrow.RecordBatch
	offset, n int
}

// splitRowGroups cuts the rows of batches into row groups of at most size
// rows, without copying.
func splitRowGroups(batches []arrow.RecordBatch, size int64) [][]rowSegment {
	var groups [][]rowSegment
	var cur []rowSegment
	var rows int64
	for _, b := range batches {
		for off := int64(0); off < b.NumRows(); {
			n := min(b.NumRows()-off, size-rows)
			cur = append(cur, rowSegment{b, int(off), int(n)})
			off += n
			rows += n
			if rows == size {
				groups = append(groups, cur)
				cur, rows = nil, 0
			}
		}
	}
	if rows > 0 {
		groups = append(groups, cur)
	}
	return groups
}

// writeRowGroups feeds every column of every row group to its column
// writer, on a pool of GOMAXPROCS goroutines.
func writeRowGroups(writers []*parquet.ConcurrentRowGroupWriter, cols []writeColumn, groups [][]rowSegment) error {
	var (
		next    atomic.Int64
		failed  atomic.Bool
		errOnce sync.Once
		first   error
		wg      sync.WaitGroup
	)
	fail := func(err error) {
		errOnce.Do(func() { first = err })
		failed.Store(true)
	}
	units := len(groups) * len(cols)
	work := func() {
		defer wg.Done()
		defer func() {
			if r := recover(); r != nil {
				fail(core.Errorf(core.KindInternal, "writing a Parquet column: panic: %v\n%s", r, debug.Stack()))
			}
		}()
		values := make([]parquet.Value, 0, 4096)
		var scratch []byte
		for !failed.Load() {
			u := int(next.Add(1) - 1)
			if u >= units {
				return
			}
			g, c := u/len(cols), u%len(cols)
			if err := writeColumnChunk(writers[g].ColumnWriters()[c], &cols[c], c, groups[g], values, &scratch); err != nil {
				fail(err)
				return
			}
		}
	}
	workers := max(1, min(units, runtime.GOMAXPROCS(0)))
	wg.Add(workers)
	for range workers - 1 {
		go work()
	}
	work()
	wg.Wait()
	return first
}

// writeColumnChunk writes the rows of segments of one column, converted to
// parquet.Values cap(values) rows at a time: parquet-go's column writers
// take values or rows, not typed slices.
func writeColumnChunk(w *parquet.ColumnWriter, col *writeColumn, index int, segments []rowSegment, values []parquet.Value, scratch *[]byte) error {
	lv := valueLevels{def: 0, col: index}
	if col.field.Nullable {
		lv.def = 1
	}
	for _, seg := range segments {
		arr := seg.batch.Column(index)
		if arr.NullN() > 0 && !col.field.Nullable {
			for r := seg.offset; r < seg.offset+seg.n; r++ {
				if arr.IsNull(r) {
					return core.Errorf(core.KindInvalidInput, "column %q is not nullable but holds a null at row %d of a batch", col.field.Name, r)
				}
			}
		}
		for start := seg.offset; start < seg.offset+seg.n; {
			end := min(start+cap(values), seg.offset+seg.n)
			if col.decimalBytes {
				*scratch = resize(*scratch, 16*(end-start))
			}
			var err error
			values, err = col.appendValues(values[:0], arr, start, end, lv, *scratch)
			if err != nil {
				return core.Errorf(core.KindOf(err), "column %q: %v", col.field.Name, err)
			}
			// The values may point into scratch: write them before reusing it.
			if _, err := w.WriteRowValues(values); err != nil {
				return err
			}
			start = end
		}
	}
	return nil
}

// writeColumn is one column of the file being written.
type writeColumn struct {
	field        arrow.Field
	node         parquet.Node
	noBounds     bool // min/max statistics would be wrong
	decimalBytes bool // values are built in a scratch buffer of 16 bytes per row
	appendValues valueAppender
}

// valueAppender appends the values of rows [start, end) of arr to dst. The
// values may point into arr's buffers and into scratch, which holds 16 bytes
// per row when the column asks for it.
type valueAppender func(dst []parquet.Value, arr arrow.Array, start, end int, lv valueLevels, scratch []byte) ([]parquet.Value, error)

// valueLevels are the levels of a column's values: the definition level of
// non-null values (1 for optional columns, 0 for required ones) and the
// column index.
type valueLevels struct{ def, col int }

// grow extends dst by n values and returns the new ones.
func grow(dst []parquet.Value, n int) ([]parquet.Value, []parquet.Value) {
	l := len(dst)
	if cap(dst)-l < n {
		dst = append(dst[:cap(dst)], make([]parquet.Value, l+n-cap(dst))...)
	}
	dst = dst[:l+n]
	return dst, dst[l:]
}

// setLevels sets the levels of freshly converted values, nulls included:
// the in-place setters inline, Value.Level does not.
func setLevels(out []parquet.Value, arr arrow.Array, start int, lv valueLevels) {
	if arr.NullN() == 0 {
		for i := range out {
			out[i].SetDefinitionLevel(lv.def)
			out[i].SetColumnIndex(lv.col)
		}
		return
	}
	for i := range out {
		if arr.IsNull(start + i) {
			out[i] = parquet.Value{}
			out[i].SetDefinitionLevel(0)
		} else {
			out[i].SetDefinitionLevel(lv.def)
		}
		out[i].SetColumnIndex(lv.col)
	}
}

// The typed appenders convert a whole range in one loop, then set the
// levels; a null row's slot holds a converted garbage value until setLevels
// overwrites it with a null.

func appendInt32s[T ~int8 | ~int16 | ~int32 | ~uint8 | ~uint16 | ~uint32](dst []parquet.Value, arr arrow.Array, vals []T, start, end int, lv valueLevels, scale T) []parquet.Value {
	dst, out := grow(dst, end-start)
	for i, v := range vals[start:end] {
		out[i] = parquet.Int32Value(int32(v * scale))
	}
	setLevels(out, arr, start, lv)
	return dst
}

func appendInt64s[T ~int64 | ~uint64](dst []parquet.Value, arr arrow.Array, vals []T, start, end int, lv valueLevels, scale T) []parquet.Value {
	dst, out := grow(dst, end-start)
	for i, v := range vals[start:end] {
		out[i] = parquet.Int64Value(int64(v * scale))
	}
	setLevels(out, arr, start, lv)
	return dst
}

func appendFloat32s(dst []parquet.Value, arr arrow.Array, vals []float32, start, end int, lv valueLevels) []parquet.Value {
	dst, out := grow(dst, end-start)
	for i, v := range vals[start:end] {
		out[i] = parquet.FloatValue(v)
	}
	setLevels(out, arr, start, lv)
	return dst
}

func appendFloat64s(dst []parquet.Value, arr arrow.Array, vals []float64, start, end int, lv valueLevels) []parquet.Value {
	dst, out := grow(dst, end-start)
	for i, v := range vals[start:end] {
		out[i] = parquet.DoubleValue(v)
	}
	setLevels(out, arr, start, lv)
	return dst
}

// appendRows appends value(r) for the non-null rows, for the types without a
// flat value slice.
func appendRows(dst []parquet.Value, arr arrow.Array, start, end int, lv valueLevels, value func(r int) parquet.Value) []parquet.Value {
	dst, out := grow(dst, end-start)
	hasNulls := arr.NullN() > 0
	for i := range out {
		if !hasNulls || !arr.IsNull(start+i) {
			out[i] = value(start + i)
		}
	}
	setLevels(out, arr, start, lv)
	return dst
}

// int32s and int64s return the appenders of Arrow arrays A whose Values()
// are integers, multiplied by scale (to convert seconds to milliseconds).
func int32s[A interface {
	arrow.Array
	Values() []T
}, T ~int8 | ~int16 | ~int32 | ~uint8 | ~uint16 | ~uint32](scale T) valueAppender {
	return func(dst []parquet.Value, arr arrow.Array, start, end int, lv valueLevels, _ []byte) ([]parquet.Value, error) {
		return appendInt32s(dst, arr, arr.(A).Values(), start, end, lv, scale), nil
	}
}

func int64s[A interface {
	arrow.Array
	Values() []T
}, T ~int64 | ~uint64](scale T) valueAppender {
	return func(dst []parquet.Value, arr arrow.Array, start, end int, lv valueLevels, _ []byte) ([]parquet.Value, error) {
		return appendInt64s(dst, arr, arr.(A).Values(), start, end, lv, scale), nil
	}
}

func parquetSchemaOf(schema *arrow.Schema, dictionary bool) ([]writeColumn, *parquet.Schema, error) {
	cols := make([]writeColumn, schema.NumFields())
	fields := make([]parquet.Field, schema.NumFields())
	seen := map[string]bool{}
	for i, f := range schema.Fields() {
		if seen[f.Name] {
			return nil, nil, core.Errorf(core.KindSchema, "column name %q appears twice; Parquet columns need distinct names", f.Name)
		}
		seen[f.Name] = true
		c, err := writeColumnOf(f, dictionary)
		if err != nil {
			return nil, nil, err
		}
		node := c.node
		if f.Nullable {
			node = parquet.Optional(node)
		} else {
			node = parquet.Required(node)
		}
		cols[i] = c
		fields[i] = orderedField{Node: node, name: f.Name}
	}
	return cols, parquet.NewSchema("schema", orderedGroup(fields)), nil
}

func stringBytes(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

func writeColumnOf(f arrow.Field, dictionary bool) (writeColumn, error) {
	c := writeColumn{field: f}
	dict := func(n parquet.Node) parquet.Node {
		if !dictionary {
			return n
		}
		return parquet.Encoded(n, &parquet.RLEDictionary)
	}
	switch t := f.Type.(type) {
	case *arrow.BooleanType:
		c.node = parquet.Leaf(parquet.BooleanType)
		c.appendValues = func(dst []parquet.Value, arr arrow.Array, start, end int, lv valueLevels, _ []byte) ([]parquet.Value, error) {
			a := arr.(*array.Boolean)
			return appendRows(dst, arr, start, end, lv, func(r int) parquet.Value { return parquet.BooleanValue(a.Value(r)) }), nil
		}
	case *arrow.Int8Type:
		c.node = parquet.Int(8)
		c.appendValues = int32s[*array.Int8](int8(1))
	case *arrow.Int16Type:
		c.node = parquet.Int(16)
		c.appendValues = int32s[*array.Int16](int16(1))
	case *arrow.Int32Type:
		c.node = parquet.Leaf(parquet.Int32Type)
		c.appendValues = int32s[*array.Int32](int32(1))
	case *arrow.Int64Type:
		c.node = parquet.Leaf(parquet.Int64Type)
		c.appendValues = int64s[*array.Int64](int64(1))
	case *arrow.Uint8Type:
		c.node = parquet.Uint(8)
		c.appendValues = int32s[*array.Uint8](uint8(1))
	case *arrow.Uint16Type:
		c.node = parquet.Uint(16)
		c.appendValues = int32s[*array.Uint16](uint16(1))
	case *arrow.Uint32Type:
		c.node = parquet.Uint(32)
		c.appendValues = int32s[*array.Uint32](uint32(1))
	case *arrow.Uint64Type:
		c.node = parquet.Uint(64)
		c.appendValues = int64s[*array.Uint64](uint64(1))
	case *arrow.Float32Type:
		c.node = parquet.Leaf(parquet.FloatType)
		c.appendValues = func(dst []parquet.Value, arr arrow.Array, start, end int, lv valueLevels, _ []byte) ([]parquet.Value, error) {
			return appendFloat32s(dst, arr, arr.(*array.Float32).Float32Values(), start, end, lv), nil
		}
	case *arrow.Float64Type:
		c.node = parquet.Leaf(parquet.DoubleType)
		c.appendValues = func(dst []parquet.Value, arr arrow.Array, start, end int, lv valueLevels, _ []byte) ([]parquet.Value, error) {
			return appendFloat64s(dst, arr, arr.(*array.Float64).Float64Values(), start, end, lv), nil
		}
	case *arrow.StringType, *arrow.LargeStringType, *arrow.StringViewType:
		c.node = dict(parquet.String())
		c.appendValues = func(dst []parquet.Value, arr arrow.Array, start, end int, lv valueLevels, _ []byte) ([]parquet.Value, error) {
			switch a := arr.(type) {
			case *array.String:
				return appendRows(dst, arr, start, end, lv, func(r int) parquet.Value { return parquet.ByteArrayValue(stringBytes(a.Value(r))) }), nil
			case *array.LargeString:
				return appendRows(dst, arr, start, end, lv, func(r int) parquet.Value { return parquet.ByteArrayValue(stringBytes(a.Value(r))) }), nil
			default:
				a2 := arr.(*array.StringView)
				return appendRows(dst, arr, start, end, lv, func(r int) parquet.Value { return parquet.ByteArrayValue(stringBytes(a2.Value(r))) }), nil
			}
		}
	case *arrow.BinaryType, *arrow.LargeBinaryType, *arrow.BinaryViewType:
		c.node = dict(parquet.Leaf(parquet.ByteArrayType))
		c.appendValues = func(dst []parquet.Value, arr arrow.Array, start, end int, lv valueLevels, _ []byte) ([]parquet.Value, error) {
			a := arr.(interface{ Value(int) []byte })
			return appendRows(dst, arr, start, end, lv, func(r int) parquet.Value { return parquet.ByteArrayValue(a.Value(r)) }), nil
		}
	case *arrow.FixedSizeBinaryType:
		c.node = parquet.Leaf(parquet.FixedLenByteArrayType(t.ByteWidth))
		c.appendValues = func(dst []parquet.Value, arr arrow.Array, start, end int, lv valueLevels, _ []byte) ([]parquet.Value, error) {
			a := arr.(*array.FixedSizeBinary)
			return appendRows(dst, arr, start, end, lv, func(r int) parquet.Value { return parquet.FixedLenByteArrayValue(a.Value(r)) }), nil
		}
	case *arrow.Date32Type:
		c.node = parquet.Date()
		c.appendValues = int32s[*array.Date32](arrow.Date32(1))
	case *arrow.Date64Type:
		c.node = parquet.Date()
		c.appendValues = func(dst []parquet.Value, arr arrow.Array, start, end int, lv valueLevels, _ []byte) ([]parquet.Value, error) {
			a := arr.(*array.Date64)
			return appendRows(dst, arr, start, end, lv, func(r int) parquet.Value {
				ms := int64(a.Value(r))
				days := ms / 86_400_000
				if ms%86_400_000 < 0 {
					days--
				}
				return parquet.Int32Value(int32(days))
			}), nil
		}
	case *arrow.Time32Type:
		c.node = parquet.Time(parquet.Millisecond)
		scale := arrow.Time32(1)
		if t.Unit == arrow.Second {
			scale = 1000
		}
		c.appendValues = int32s[*array.Time32](scale)
	case *arrow.Time64Type:
		unit := parquet.TimeUnit(parquet.Microsecond)
		if t.Unit == arrow.Nanosecond {
			unit = parquet.Nanosecond
		}
		c.node = parquet.Time(unit)
		c.appendValues = int64s[*array.Time64](arrow.Time64(1))
	case *arrow.TimestampType:
		var unit parquet.TimeUnit
		scale := arrow.Timestamp(1)
		switch t.Unit {
		case arrow.Second:
			unit, scale = parquet.Millisecond, 1000
		case arrow.Millisecond:
			unit = parquet.Millisecond
		case arrow.Microsecond:
			unit = parquet.Microsecond
		default:
			unit = parquet.Nanosecond
		}
		c.node = parquet.TimestampAdjusted(unit, t.TimeZone != "")
		c.appendValues = int64s[*array.Timestamp](scale)
	case *arrow.Decimal128Type:
		p, s := int(t.Precision), int(t.Scale)
		switch {
		case p <= 18:
			if p <= 9 {
				c.node = parquet.Decimal(s, p, parquet.Int32Type)
			} else {
				c.node = parquet.Decimal(s, p, parquet.Int64Type)
			}
			c.appendValues = func(dst []parquet.Value, arr arrow.Array, start, end int, lv valueLevels, _ []byte) ([]parquet.Value, error) {
				a := arr.(*array.Decimal128)
				for r := start; r < end; r++ {
					if a.IsNull(r) {
						continue
					}
					v := a.Value(r)
					lo := int64(v.LowBits())
					if v.HighBits() != lo>>63 || (p <= 9 && lo != int64(int32(lo))) {
						return dst, core.Errorf(core.KindInvalidInput, "the decimal at row %d of a batch does not fit its precision %d", r, p)
					}
				}
				if p <= 9 {
					return appendRows(dst, arr, start, end, lv, func(r int) parquet.Value { return parquet.Int32Value(int32(a.Value(r).LowBits())) }), nil
				}
				return appendRows(dst, arr, start, end, lv, func(r int) parquet.Value { return parquet.Int64Value(int64(a.Value(r).LowBits())) }), nil
			}
		default:
			c.node = parquet.Decimal(s, p, parquet.FixedLenByteArrayType(16))
			c.noBounds = true
			c.decimalBytes = true
			c.appendValues = func(dst []parquet.Value, arr arrow.Array, start, end int, lv valueLevels, scratch []byte) ([]parquet.Value, error) {
				a := arr.(*array.Decimal128)
				return appendRows(dst, arr, start, end, lv, func(r int) parquet.Value {
					v := a.Value(r)
					b := scratch[16*(r-start) : 16*(r-start+1)]
					hi, lo := uint64(v.HighBits()), v.LowBits()
					for i := 0; i < 8; i++ {
						b[i] = byte(hi >> (56 - 8*i))
						b[8+i] = byte(lo >> (56 - 8*i))
					}
					return parquet.FixedLenByteArrayValue(b)
				}), nil
			}
		}
	default:
		return c, core.Errorf(core.KindNotSupported, "cannot write column %q of type %s to Parquet", f.Name, f.Type).With("column", f.Name)
	}
	return c, nil
}

// orderedGroup is a Parquet group whose fields keep the order given
// (parquet.Group is a map and sorts its fields by name).
type orderedGroup []parquet.Field

var _ parquet.Node = orderedGroup(nil)

func (g orderedGroup) ID() int                     { return 0 }
func (g orderedGroup) String() string              { return fmt.Sprintf("group(%d fields)", len(g)) }
func (g orderedGroup) Type() parquet.Type          { return parquet.Group{}.Type() }
func (g orderedGroup) Optional() bool              { return false }
func (g orderedGroup) Repeated() bool              { return false }
func (g orderedGroup) Required() bool              { return true }
func (g orderedGroup) Leaf() bool                  { return false }
func (g orderedGroup) Fields() []parquet.Field     { return g }
func (g orderedGroup) Encoding() encoding.Encoding { return nil }
func (g orderedGroup) Compression() compress.Codec { return nil }
func (g orderedGroup) GoType() reflect.Type        { return reflect.TypeOf(struct{}{}) }

// orderedField names a node inside an orderedGroup.
type orderedField struct {
	parquet.Node
	name string
}

func (f orderedField) Name() string                           { return f.name }
func (f orderedField) Value(base reflect.Value) reflect.Value { return reflect.Value{} }

// WriteOptionsFrom reads the options of the Python API's write_parquet
// (JSON-decoded: numbers are float64).
func WriteOptionsFrom(m map[string]any) (WriteOptions, error) {
	o := WriteOptions{Compression: Zstd}
	for key, v := range m {
		switch key {
		case "compression":
			switch v {
			case "zstd":
				o.Compression = Zstd
			case "snappy":
				o.Compression = Snappy
			case "gzip":
				o.Compression = Gzip
			case "brotli":
				o.Compression = Brotli
			case "uncompressed", nil:
				o.Compression = Uncompressed
			case "lz4":
				return o, core.Errorf(core.KindNotSupported, "Parquet compression lz4 is not supported (parquet-go cannot read LZ4_RAW back correctly); use zstd, snappy, gzip, brotli or uncompressed")
			default:
				return o, optionError("parquet", key, v, `one of "zstd", "snappy", "gzip", "brotli", "uncompressed"`)
			}
		case "row_group_size":
			if v == nil {
				continue
			}
			n, ok := core.IntOption(v)
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

func optionError(kind, key string, v any, want string) error {
	return core.Errorf(core.KindInvalidInput, "write_%s option %s must be %s, got %v", kind, key, want, v)
}
