package dataframe

// CSV reading: a lazy.PartitionedSource over one or more CSV files, split
// into byte ranges that are parsed in parallel.
//
// Why not arrow-go's csv.Reader: it sits on encoding/csv, which fixes the
// quote character to '"', cannot tell a quoted empty field ("" is an empty
// string in Polars) from a missing one (null), skips empty lines (Polars
// reads them as rows of nulls), and arrow-go reports unparsable values
// without their line and panics when the first record of a piece has extra
// fields. Matching Polars' read_csv and naming the line of every error needs
// a tokenizer of our own; the columns are still built with arrow-go's
// builders.
//
// Splitting. A file's data (after skipped lines and the header) is cut into
// raw ranges [o_j, o_j+1) of about the same size, without reading it. The
// records of piece j are those that start in (o_j, o_j+1] (the first piece
// also takes the one at the data start). To find its first record, piece j
// must know whether o_j lies inside a quoted field: that is the parity of
// the quote characters in [dataStart, o_j), because in a well-formed file a
// quote opens, escapes ("" toggles twice) or closes a quoted field (a quote
// inside an unquoted field is an error). Each piece counts the quotes of its
// own raw range as soon as it has read it and publishes the parity; piece j
// then waits for the parities of the ranges before it (pieces are claimed in
// order, so those are being read already, and a missing one is computed on
// the spot). With that, splitting is exact even when quoted fields span
// lines, and every piece is still read and parsed in parallel.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// CSVOptions configures reading CSV files. DefaultCSVOptions gives the
// defaults of Polars' read_csv.
type CSVOptions struct {
	// HasHeader: the first record (after SkipRows lines) names the columns.
	// Without a header, columns are named column_0, column_1, ... (as
	// Polars 2 names them) unless Schema names them.
	HasHeader bool
	// Separator is the field separator, one ASCII byte.
	Separator byte
	// Quote is the quote character, one ASCII byte; 0 turns quoting off.
	Quote byte
	// NullValues are field values read as null, quoted or not, besides the
	// empty unquoted field (always null; a quoted empty field is the empty
	// string in String columns).
	NullValues []string
	// Schema, when set, gives the name and type of every column: no type
	// is inferred. With a header, its names must be the header's names.
	Schema *arrow.Schema
	// Overrides sets the types of some columns by name, after inference.
	Overrides map[string]arrow.DataType
	// OverrideList sets the types of all columns by position.
	OverrideList []arrow.DataType
	// InferRows is the number of records (of the first file) types are
	// inferred from; -1 reads them all, 0 reads every column as String.
	InferRows int
	// SkipRows is the number of records skipped before the header (quotes
	// are respected, so a record may span lines).
	SkipRows int
	// SkipLines is the number of raw lines skipped before that (quotes are
	// not interpreted there).
	SkipLines int
	// TryParseDates infers Date and Datetime columns from ISO-like values.
	TryParseDates bool
	// LossyUTF8 replaces invalid UTF-8 in String columns with U+FFFD
	// instead of failing.
	LossyUTF8 bool
}

// DefaultCSVOptions returns Polars' read_csv defaults.
func DefaultCSVOptions() CSVOptions {
	return CSVOptions{HasHeader: true, Separator: ',', Quote: '"', InferRows: 100}
}

// csvPieceBytes, when positive, fixes the size of the raw ranges files are
// split into (tests use tiny pieces); 0 picks it from the data size.
var csvPieceBytes int64

const (
	minCSVPieceBytes = 1 << 20
	maxCSVPieceBytes = 8 << 20
	// csvReadAhead is read past a piece's raw range in the first read, so
	// that its last record usually needs no second read.
	csvReadAhead = 64 << 10
	// minCSVPieceRows is the fewest records a piece is sized for, up to
	// maxWideCSVPieceBytes: every piece pays a fixed cost per column (its
	// column state, arrays and buffers, then a copy into the result),
	// which pieces of a few records of a very wide file pay again and
	// again for little data. A piece's text is read into one buffer, so
	// its size stays bounded.
	minCSVPieceRows      = 1024
	maxWideCSVPieceBytes = 64 << 20
)

// pieceBytes aims at four pieces per core, each between 1 and 8 MiB: enough
// to keep the cores busy, small enough to bound the memory of the window of
// pieces the executor holds. Wide records (recordBytes is the sampled mean)
// make pieces larger, to hold minCSVPieceRows of them when that fits in
// maxWideCSVPieceBytes.
func pieceBytes(total int64, recordBytes float64) int64 {
	if csvPieceBytes > 0 {
		return csvPieceBytes
	}
	size := min(max(total/int64(4*runtime.GOMAXPROCS(0)), minCSVPieceBytes), maxCSVPieceBytes)
	return max(size, int64(min(recordBytes*minCSVPieceRows, maxWideCSVPieceBytes)))
}

// csvOptionsFrom reads the options of a scan_csv plan node (docs/plan-format.md).
func csvOptionsFrom(m map[string]any) (CSVOptions, error) {
	o := DefaultCSVOptions()
	bad := func(key string, v any, want string) error {
		return core.Errorf(core.KindInvalidInput, "scan_csv option %s must be %s, got %v", key, want, v)
	}
	for key, v := range m {
		switch key {
		case "has_header", "try_parse_dates":
			b, ok := v.(bool)
			if !ok {
				return o, bad(key, v, "a bool")
			}
			if key == "has_header" {
				o.HasHeader = b
			} else {
				o.TryParseDates = b
			}
		case "separator", "quote_char":
			if v == nil && key == "quote_char" {
				o.Quote = 0
				continue
			}
			s, ok := v.(string)
			if !ok || len(s) != 1 || s[0] >= utf8.RuneSelf || s[0] == '\n' || s[0] == '\r' {
				return o, bad(key, v, "a single ASCII character other than a line break")
			}
			if key == "separator" {
				o.Separator = s[0]
			} else {
				o.Quote = s[0]
			}
		case "null_values":
			list, ok := v.([]any)
			if !ok {
				return o, bad(key, v, "a list of strings")
			}
			for _, x := range list {
				s, ok := x.(string)
				if !ok {
					return o, bad(key, v, "a list of strings")
				}
				o.NullValues = append(o.NullValues, s)
			}
		case "schema", "schema_overrides":
			pairs, ok := v.([]any)
			if !ok {
				return o, bad(key, v, "a list of [name, dtype] pairs")
			}
			var fields []arrow.Field
			for _, p := range pairs {
				pair, ok := p.([]any)
				if !ok || len(pair) != 2 {
					return o, bad(key, v, "a list of [name, dtype] pairs")
				}
				name, ok1 := pair[0].(string)
				tname, ok2 := pair[1].(string)
				if !ok1 || !ok2 {
					return o, bad(key, v, "a list of [name, dtype] pairs")
				}
				t, err := csvReadType(tname)
				if err != nil {
					return o, err
				}
				fields = append(fields, arrow.Field{Name: name, Type: t, Nullable: true})
			}
			if key == "schema" {
				o.Schema = arrow.NewSchema(fields, nil)
			} else {
				o.Overrides = map[string]arrow.DataType{}
				for _, f := range fields {
					o.Overrides[f.Name] = f.Type
				}
			}
		case "schema_overrides_list":
			list, ok := v.([]any)
			if !ok {
				return o, bad(key, v, "a list of dtypes")
			}
			for _, x := range list {
				tname, ok := x.(string)
				if !ok {
					return o, bad(key, v, "a list of dtypes")
				}
				t, err := csvReadType(tname)
				if err != nil {
					return o, err
				}
				o.OverrideList = append(o.OverrideList, t)
			}
		case "infer_schema_length":
			if v == nil {
				o.InferRows = -1
				continue
			}
			n, ok := optInt(v)
			if !ok || n < 0 {
				return o, bad(key, v, "a non-negative integer or None")
			}
			o.InferRows = int(n)
		case "skip_rows", "skip_lines":
			n, ok := optInt(v)
			if !ok || n < 0 {
				return o, bad(key, v, "a non-negative integer")
			}
			if key == "skip_rows" {
				o.SkipRows = int(n)
			} else {
				o.SkipLines = int(n)
			}
		case "encoding":
			switch v {
			case "utf8", "utf-8":
			case "utf8-lossy", "utf-8-lossy":
				o.LossyUTF8 = true
			default:
				return o, core.Errorf(core.KindNotSupported, "CSV encoding %v is not supported: use \"utf8\" or \"utf8-lossy\" (or re-encode the file as UTF-8)", v)
			}
		default:
			return o, core.Errorf(core.KindInvalidInput, "unknown scan_csv option %q", key)
		}
	}
	if o.Separator == o.Quote {
		return o, core.Errorf(core.KindInvalidInput, "the separator and the quote character must differ (both are %q)", o.Separator)
	}
	return o, nil
}

// optInt reads a JSON number that must be integral.
func optInt(v any) (int64, bool) {
	switch x := v.(type) {
	case int64:
		return x, true
	case int:
		return int64(x), true
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
			return int64(x), true
		}
	}
	return 0, false
}

// csvReadType parses a type name and checks that CSV values can be read as it.
func csvReadType(name string) (arrow.DataType, error) {
	t, err := core.ParseDType(name)
	if err != nil {
		return nil, err
	}
	switch t.ID() {
	case arrow.BOOL, arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64, arrow.UINT8, arrow.UINT16,
		arrow.UINT32, arrow.UINT64, arrow.FLOAT32, arrow.FLOAT64, arrow.STRING, arrow.DATE32,
		arrow.TIMESTAMP, arrow.DECIMAL128:
		if ts, ok := t.(*arrow.TimestampType); ok && ts.TimeZone != "" {
			if _, err := loadLocation(ts.TimeZone); err != nil {
				return nil, err
			}
		}
		return t, nil
	}
	return nil, core.Errorf(core.KindNotSupported, "reading CSV values as %s is not supported; read them as String and cast", core.DTypeName(t))
}

var locations sync.Map // time zone name → *time.Location

func loadLocation(name string) (*time.Location, error) {
	if loc, ok := locations.Load(name); ok {
		return loc.(*time.Location), nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, core.Errorf(core.KindInvalidInput, "unknown time zone %q: %v", name, err)
	}
	locations.Store(name, loc)
	return loc, nil
}

// CSVSource is one or more CSV files with one header, read by byte ranges:
// a lazy.PartitionedSource. It holds no open file: pieces open the file
// they read. Safe for concurrent use.
type CSVSource struct {
	opts   CSVOptions
	schema *arrow.Schema
	// recordBytes is the mean length of the sampled records, to size the
	// columns of a piece before reading it.
	recordBytes float64
	files       []*csvFile
	pieces      []csvPiece
}

type csvPiece struct{ file, rng int }

// csvFile is one file of a CSVSource.
type csvFile struct {
	path      string
	size      int64
	dataStart int64 // offset of the first data record
	nfields   int   // fields per record (the header's, or the first record's)
	names     []string
	splits    []int64 // raw ranges: [splits[j], splits[j+1]); splits[0] = dataStart
	parity    []quoteParity
}

// quoteParity is whether a raw range holds an odd number of quote
// characters, computed once by whichever piece needs it first.
type quoteParity struct {
	once sync.Once
	odd  bool
	err  error
}

var _ lazy.PartitionedSource = (*CSVSource)(nil)

// OpenCSVSource reads the header (and, for the first file, the records
// types are inferred from) of files that must share one header.
func OpenCSVSource(paths []string, opts CSVOptions) (*CSVSource, error) {
	s := &CSVSource{opts: opts}
	var total int64
	for i, p := range paths {
		f, sample, err := openCSVFile(p, opts, i == 0)
		if err != nil {
			return nil, err
		}
		if i == 0 {
			if s.schema, err = csvSchema(f, sample.records, opts); err != nil {
				return nil, err
			}
			if n := len(sample.records); n > 0 {
				s.recordBytes = float64(sample.bytes) / float64(n)
			}
		} else if !slices.Equal(f.names, s.files[0].names) {
			return nil, core.Errorf(core.KindSchema, "%s has columns %v, but %s has %v; files scanned together must share a header",
				p, f.names, paths[0], s.files[0].names).With("path", p)
		}
		s.files = append(s.files, f)
		total += f.size - f.dataStart
	}
	size := pieceBytes(total, s.recordBytes)
	for fi, f := range s.files {
		data := f.size - f.dataStart
		n := max(1, (data+size-1)/size)
		f.splits = make([]int64, n+1)
		for j := range n + 1 {
			f.splits[j] = f.dataStart + data*j/n
		}
		f.parity = make([]quoteParity, n)
		for j := range n {
			s.pieces = append(s.pieces, csvPiece{fi, int(j)})
		}
	}
	return s, nil
}

// openCSVFile reads a file's head: it skips SkipLines lines and SkipRows
// records and reads the
// header. For the first file it also returns the sample of records types
// are inferred from (as strings with their quoting).
func openCSVFile(path string, opts CSVOptions, first bool) (*csvFile, csvSample, error) {
	var sample csvSample
	fh, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, sample, core.Errorf(core.KindFileNotFound, "no such file: %s", path).With("path", path)
		}
		return nil, sample, core.Errorf(core.KindInvalidInput, "cannot open %s: %v", path, err).With("path", path)
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return nil, sample, core.Errorf(core.KindInvalidInput, "cannot read %s: %v", path, err).With("path", path)
	}
	if st.IsDir() {
		return nil, sample, core.Errorf(core.KindInvalidInput, "%s is a directory, not a CSV file", path).With("path", path)
	}
	f := &csvFile{path: path, size: st.Size()}
	sc := newCSVScanner(fh, path, f.size, opts, 0, 64<<10)
	if err := sc.fill(); err != nil {
		return nil, sample, err
	}
	if bytes.HasPrefix(sc.buf, []byte("\xef\xbb\xbf")) {
		sc.pos = 3
	}
	for range opts.SkipLines {
		if err := sc.skipLine(); err != nil {
			return nil, sample, err
		}
	}
	for range opts.SkipRows {
		if _, err := sc.next(); err != nil {
			return nil, sample, err
		}
	}
	if sc.offset() >= f.size {
		return nil, sample, core.Errorf(core.KindInvalidInput, "%s is an empty CSV file (no header and no data)", path).With("path", path)
	}
	if opts.HasHeader {
		ok, err := sc.next()
		if err != nil {
			return nil, sample, err
		}
		if !ok {
			return nil, sample, core.Errorf(core.KindInvalidInput, "%s is an empty CSV file (no header and no data)", path).With("path", path)
		}
		raw := make([]string, len(sc.fields))
		for i := range sc.fields {
			v := sc.value(&sc.fields[i])
			if !utf8.Valid(v) {
				if !opts.LossyUTF8 {
					return nil, sample, sc.errorAt(sc.recStart, "the header is not valid UTF-8 (pass encoding=\"utf8-lossy\" to replace invalid bytes)")
				}
				raw[i] = strings.ToValidUTF8(string(v), "\uFFFD")
				continue
			}
			raw[i] = string(v)
		}
		f.names = dedupeNames(raw)
		f.nfields = len(raw)
	}
	f.dataStart = sc.offset()
	if !first && opts.HasHeader {
		return f, sample, nil
	}
	// The sample: the first record fixes the field count without a header.
	limit := opts.InferRows
	if opts.Schema != nil || limit == 0 || !first {
		limit = 1
	}
	for limit < 0 || len(sample.records) < limit {
		ok, err := sc.next()
		if err != nil {
			return nil, sample, err
		}
		if !ok {
			break
		}
		if f.nfields == 0 {
			f.nfields = len(sc.fields)
		}
		if len(sc.fields) > f.nfields {
			return nil, sample, sc.tooManyFields(f.nfields, opts.HasHeader)
		}
		rec := make([]csvValue, len(sc.fields))
		for i := range sc.fields {
			rec[i] = csvValue{string(sc.value(&sc.fields[i])), sc.fields[i].quoted}
		}
		sample.records = append(sample.records, rec)
		sample.bytes = sc.offset() - f.dataStart
	}
	if !opts.HasHeader {
		if opts.Schema != nil {
			f.nfields = opts.Schema.NumFields()
		}
		f.names = make([]string, f.nfields)
		for i := range f.names {
			f.names[i] = "column_" + strconv.Itoa(i)
			if opts.Schema != nil {
				f.names[i] = opts.Schema.Field(i).Name
			}
		}
	}
	return f, sample, nil
}

// dedupeNames renames repeated header names as Polars does: a, a_duplicated_0, ...
func dedupeNames(names []string) []string {
	// Sized once: growing a map to a wide header's 300k names rehashes it
	// over and over, garbage that adds to the peak of a wide read.
	seen := make(map[string]int, len(names))
	out := make([]string, len(names))
	for i, n := range names {
		if k, ok := seen[n]; ok {
			out[i] = n + "_duplicated_" + strconv.Itoa(k)
			seen[n] = k + 1
			continue
		}
		seen[n] = 0
		out[i] = n
	}
	return out
}

// csvSample is the records types are inferred from, and their size in bytes.
type csvSample struct {
	records [][]csvValue
	bytes   int64
}

type csvValue struct {
	s      string
	quoted bool
}

// csvSchema decides the columns' types: the explicit schema, else inference
// from the sample, then the overrides.
func csvSchema(f *csvFile, sample [][]csvValue, opts CSVOptions) (*arrow.Schema, error) {
	types := make([]arrow.DataType, f.nfields)
	if opts.Schema != nil {
		if opts.HasHeader {
			byName := map[string]arrow.DataType{}
			for _, fld := range opts.Schema.Fields() {
				byName[fld.Name] = fld.Type
			}
			var extra []string
			for i, n := range f.names {
				t, ok := byName[n]
				if !ok {
					extra = append(extra, n)
				}
				types[i] = t
				delete(byName, n)
			}
			if len(extra) > 0 {
				return nil, core.Errorf(core.KindSchema, "%s has columns not in the given schema: %s", f.path, quoteAll(extra)).With("path", f.path)
			}
			if len(byName) > 0 {
				var missing []string
				for _, fld := range opts.Schema.Fields() {
					if _, ok := byName[fld.Name]; ok {
						missing = append(missing, fld.Name)
					}
				}
				return nil, core.Errorf(core.KindSchema, "columns of the given schema are not in %s: %s", f.path, quoteAll(missing)).With("path", f.path)
			}
		} else {
			for i := range types {
				types[i] = opts.Schema.Field(i).Type
			}
		}
	} else {
		for i := range types {
			types[i] = inferCSVType(sample, i, opts)
		}
	}
	if opts.OverrideList != nil {
		if len(opts.OverrideList) != f.nfields {
			return nil, core.Errorf(core.KindSchema, "schema_overrides lists %d types, but %s has %d columns", len(opts.OverrideList), f.path, f.nfields)
		}
		copy(types, opts.OverrideList)
	}
	for i, n := range f.names {
		if t, ok := opts.Overrides[n]; ok {
			types[i] = t
		}
	}
	fields := make([]arrow.Field, f.nfields)
	for i := range fields {
		fields[i] = arrow.Field{Name: f.names[i], Type: types[i], Nullable: true}
	}
	return arrow.NewSchema(fields, nil), nil
}

func quoteAll(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return strings.Join(q, ", ")
}

// Value kinds found by inference, as bits.
const (
	csvKindInt = 1 << iota
	csvKindFloat
	csvKindBool
	csvKindDate
	csvKindDatetime
	csvKindDatetimeTZ
	csvKindString
)

// inferCSVType picks a column's type from its sampled values as Polars
// does: Int64 if every value is an integer, Float64 if they are numbers,
// Boolean, Date or Datetime (with TryParseDates) if all are, else String.
// Nulls do not count; a column of nulls only is String. An integer too big
// for Int64 makes the column String (Polars would use Int128).
func inferCSVType(sample [][]csvValue, col int, opts CSVOptions) arrow.DataType {
	if opts.InferRows == 0 {
		return arrow.BinaryTypes.String
	}
	kinds := 0
	for _, rec := range sample {
		if col >= len(rec) {
			continue
		}
		v := rec[col]
		if (v.s == "" && !v.quoted) || isNullValue(v.s, opts.NullValues) {
			continue
		}
		kinds |= classifyCSV(v.s, v.quoted, opts.TryParseDates)
	}
	switch {
	case kinds == 0 || kinds&csvKindString != 0:
		return arrow.BinaryTypes.String
	case kinds == csvKindInt:
		return arrow.PrimitiveTypes.Int64
	case kinds&^(csvKindInt|csvKindFloat) == 0:
		return arrow.PrimitiveTypes.Float64
	case kinds == csvKindBool:
		return arrow.FixedWidthTypes.Boolean
	case kinds == csvKindDate:
		return arrow.FixedWidthTypes.Date32
	case kinds == csvKindDatetime:
		return &arrow.TimestampType{Unit: arrow.Microsecond}
	case kinds == csvKindDatetimeTZ:
		return &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}
	}
	return arrow.BinaryTypes.String
}

func isNullValue(s string, nulls []string) bool {
	for _, n := range nulls {
		if s == n {
			return true
		}
	}
	return false
}

// classifyCSV gives the kind of one non-null value, with Polars' patterns:
// booleans true/false in any case, integers -?\d+, floats
// [-+]?(\d*\.\d+([eE][-+]?\d+)?|\d+[eE][-+]?\d+|\d+\.|inf|NaN).
func classifyCSV(s string, quoted, dates bool) int {
	if s == "" {
		return csvKindString // a quoted empty field
	}
	if strings.EqualFold(s, "true") || strings.EqualFold(s, "false") {
		return csvKindBool
	}
	if isCSVInt(s) {
		if _, ok := parseCSVInt(unsafeBytes(s)); ok {
			return csvKindInt
		}
		return csvKindString
	}
	if isCSVFloat(s) {
		return csvKindFloat
	}
	if dates {
		if _, ok := parseCSVDate(unsafeBytes(s)); ok {
			return csvKindDate
		}
		if _, tz, ok := parseCSVDatetime(unsafeBytes(s), arrow.Microsecond, nil); ok {
			if tz {
				return csvKindDatetimeTZ
			}
			return csvKindDatetime
		}
	}
	return csvKindString
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func digitsAt(s string, i int) int {
	j := i
	for j < len(s) && isDigit(s[j]) {
		j++
	}
	return j - i
}

func isCSVInt(s string) bool {
	if s != "" && s[0] == '-' {
		s = s[1:]
	}
	return s != "" && digitsAt(s, 0) == len(s)
}

func isCSVFloat(s string) bool {
	if s != "" && (s[0] == '-' || s[0] == '+') {
		s = s[1:]
	}
	if s == "inf" || s == "NaN" {
		return true
	}
	whole := digitsAt(s, 0)
	i := whole
	if i < len(s) && s[i] == '.' {
		frac := digitsAt(s, i+1)
		i += 1 + frac
		if frac == 0 {
			return whole > 0 && i == len(s) // "1."
		}
	} else if whole == 0 || i == len(s) {
		return false // no digits, or an integer
	}
	if i == len(s) {
		return true
	}
	if s[i] != 'e' && s[i] != 'E' {
		return false
	}
	i++
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		i++
	}
	exp := digitsAt(s, i)
	return exp > 0 && i+exp == len(s)
}

// Name shows the scanned files in explain output.
func (s *CSVSource) Name() string {
	base := filepath.Base(s.files[0].path)
	if len(s.files) > 1 {
		return "CSV [" + base + " +" + strconv.Itoa(len(s.files)-1) + " files]"
	}
	return "CSV [" + base + "]"
}

// Schema returns the columns' names and types.
func (s *CSVSource) Schema() *arrow.Schema { return s.schema }

// NumRows is -1: the row count of a CSV file is not known before reading it.
func (s *CSVSource) NumRows() int64 { return -1 }

// NumPieces returns the number of byte ranges the files are split into.
func (s *CSVSource) NumPieces() int { return len(s.pieces) }

// PieceRows is -1: unknown before reading.
func (s *CSVSource) PieceRows(i int) int64 { return -1 }

// PieceStats reports no statistics: CSV files have none.
func (s *CSVSource) PieceStats(i int, column string) (any, any, int64, bool) {
	return nil, nil, 0, false
}

// parityBefore reports whether the raw ranges before rng of f hold an odd
// number of quotes, computing the ranges no piece has counted yet.
func (f *csvFile) parityBefore(fh *os.File, quote byte, rng int) (bool, error) {
	odd := false
	for j := range rng {
		p, err := f.rangeParity(fh, quote, j, nil)
		if err != nil {
			return false, err
		}
		odd = odd != p
	}
	return odd, nil
}

// rangeParity counts the quotes of raw range j once; data, when not nil,
// holds the range's bytes.
func (f *csvFile) rangeParity(fh *os.File, quote byte, j int, data []byte) (bool, error) {
	q := &f.parity[j]
	q.once.Do(func() {
		if data == nil {
			data = make([]byte, f.splits[j+1]-f.splits[j])
			if _, err := fh.ReadAt(data, f.splits[j]); err != nil {
				q.err = core.Errorf(core.KindInvalidInput, "reading %s: %v (did the file change while it was read?)", f.path, err).With("path", f.path)
				return
			}
		}
		q.odd = bytes.Count(data, []byte{quote})%2 == 1
	})
	return q.odd, q.err
}

// ReadPiece parses the records of one byte range into the named columns.
func (s *CSVSource) ReadPiece(ctx context.Context, mem memory.Allocator, i int, columns []string) (arrow.RecordBatch, error) {
	p := s.pieces[i]
	f := s.files[p.file]
	fh, err := os.Open(f.path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, core.Errorf(core.KindFileNotFound, "no such file: %s", f.path).With("path", f.path)
		}
		return nil, core.Errorf(core.KindInvalidInput, "cannot open %s: %v", f.path, err).With("path", f.path)
	}
	defer fh.Close()

	lo, hi := f.splits[p.rng], f.splits[p.rng+1]
	last := p.rng == len(f.splits)-2
	sc := newCSVScanner(fh, f.path, f.size, s.opts, lo, int(hi-lo)+csvReadAhead)
	// Sized once: growing by appends to a wide record's field count costs
	// twice its size in garbage for every piece.
	sc.fields = make([]csvField, 0, f.nfields)
	if bp, ok := pieceBuffers.Get().(*[]byte); ok {
		sc.buf = (*bp)[:0]
	}
	defer func() {
		b := sc.buf[:0]
		pieceBuffers.Put(&b)
	}()
	if err := sc.fill(); err != nil {
		return nil, err
	}
	if q := s.opts.Quote; q != 0 {
		n := min(int(hi-lo), len(sc.buf))
		if _, err := f.rangeParity(fh, q, p.rng, sc.buf[:n]); err != nil {
			return nil, err
		}
	}
	if p.rng > 0 {
		inQuote := false
		if s.opts.Quote != 0 {
			if inQuote, err = f.parityBefore(fh, s.opts.Quote, p.rng); err != nil {
				return nil, err
			}
		}
		if err := sc.seekRecord(inQuote); err != nil {
			return nil, err
		}
	}

	cols := make([]*csvColumn, len(columns))
	defer func() {
		for _, c := range cols {
			if c != nil {
				c.release()
			}
		}
	}()
	fieldOf, schema, err := s.readSchema(columns)
	if err != nil {
		return nil, err
	}
	for k := range columns {
		if cols[k], err = newCSVColumn(mem, schema.Field(k).Type, s.opts.LossyUTF8); err != nil {
			return nil, err
		}
	}
	if s.recordBytes > 0 {
		// Sized to the records expected, with little slack: a file of a
		// few very wide records would otherwise reserve rows it never
		// fills in every one of its columns.
		est := int(float64(hi-lo)/s.recordBytes*1.1) + 1
		for _, c := range cols {
			c.reserve(min(est, 1<<24))
		}
	}
	rows := 0
	for {
		if !last && sc.offset() > hi {
			break
		}
		if rows%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		ok, err := sc.next()
		if err != nil {
			return nil, err
		}
		if !ok {
			break
		}
		if len(sc.fields) > f.nfields {
			return nil, sc.tooManyFields(f.nfields, s.opts.HasHeader)
		}
		if !s.opts.LossyUTF8 {
			if rec := sc.buf[sc.recStart-sc.base : sc.pos]; !utf8.Valid(rec) {
				bad := sc.recStart + int64(firstInvalidUTF8(rec))
				return nil, sc.errorAt(bad, "invalid UTF-8 (pass encoding=\"utf8-lossy\" to replace invalid bytes)")
			}
		}
		for k, c := range cols {
			fi := fieldOf[k]
			if fi >= len(sc.fields) {
				c.appendNull()
				continue
			}
			fld := &sc.fields[fi]
			v := sc.value(fld)
			if (len(v) == 0 && (!fld.quoted || !c.str)) || isNullValue(unsafeString(v), s.opts.NullValues) {
				c.appendNull()
				continue
			}
			if !c.parse(v) {
				return nil, sc.errorAt(sc.recStart, fmt.Sprintf("could not parse %q as %s in column %q (pass schema_overrides={%q: String} to read the column as text, or raise infer_schema_length)",
					truncateForError(v), core.DTypeName(schema.Field(k).Type), schema.Field(k).Name, schema.Field(k).Name))
			}
		}
		rows++
	}
	arrs := make([]arrow.Array, len(cols))
	for k, c := range cols {
		arrs[k] = c.newArray()
	}
	defer func() {
		for _, a := range arrs {
			a.Release()
		}
	}()
	return array.NewRecordBatch(schema, arrs, int64(rows)), nil
}

// readSchema is the schema of the batches that read columns (the source's
// own when they are all its columns in order), and the index of each in
// the file's fields.
func (s *CSVSource) readSchema(columns []string) ([]int, *arrow.Schema, error) {
	fieldOf := make([]int, len(columns))
	for k, name := range columns {
		if k < s.schema.NumFields() && s.schema.Field(k).Name == name {
			fieldOf[k] = k
			continue
		}
		idx := s.schema.FieldIndices(name)
		if len(idx) == 0 {
			return nil, nil, core.Errorf(core.KindColumnNotFound, "column %q is not in %s", name, s.Name())
		}
		fieldOf[k] = idx[0]
	}
	return fieldOf, lazy.SchemaOf(s.schema, columns), nil
}

func truncateForError(v []byte) string {
	if len(v) > 60 {
		return string(v[:57]) + "..."
	}
	return string(v)
}

func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(b)
}

func unsafeString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }
func unsafeBytes(s string) []byte  { return unsafe.Slice(unsafe.StringData(s), len(s)) }

// csvField locates one field of the current record in the scanner's buffer:
// buf[start:end] is its text (inside the quotes for a quoted field).
type csvField struct {
	start, end int
	quoted     bool
	escaped    bool // holds doubled quotes to undo
}

// csvScanner splits a byte range of a file into records. It reads the file
// in large chunks into buf, whose first byte is at file offset base.
type csvScanner struct {
	fh      io.ReaderAt
	path    string
	size    int64
	sep     byte
	quote   byte
	base    int64
	buf     []byte
	pos     int
	chunk   int
	fields  []csvField
	scratch []byte
	// recStart is the file offset of the record last returned by next.
	recStart int64
}

func newCSVScanner(fh io.ReaderAt, path string, size int64, opts CSVOptions, at int64, chunk int) *csvScanner {
	return &csvScanner{fh: fh, path: path, size: size, sep: opts.Separator, quote: opts.Quote, base: at, chunk: max(chunk, 4096)}
}

// offset is the file offset of the next unread byte.
func (s *csvScanner) offset() int64 { return s.base + int64(s.pos) }

func (s *csvScanner) atEOF() bool { return s.base+int64(len(s.buf)) >= s.size }

// fill reads the first chunk (into buf's memory when it is large enough).
func (s *csvScanner) fill() error {
	n := max(int(min(int64(s.chunk), s.size-s.base)), 0)
	if cap(s.buf) >= n {
		s.buf = s.buf[:n]
	} else {
		s.buf = make([]byte, n)
	}
	return s.readAt(s.buf, s.base)
}

// pieceBuffers recycles the buffers pieces are read into (their text is
// copied into the columns).
var pieceBuffers sync.Pool

func (s *csvScanner) readAt(b []byte, off int64) error {
	if len(b) == 0 {
		return nil
	}
	if _, err := s.fh.ReadAt(b, off); err != nil {
		return core.Errorf(core.KindInvalidInput, "reading %s: %v (did the file change while it was read?)", s.path, err).With("path", s.path)
	}
	return nil
}

// refill keeps the unread bytes and reads more after them, growing the
// buffer when one record is longer than it.
func (s *csvScanner) refill() error {
	keep := len(s.buf) - s.pos
	from := s.base + int64(len(s.buf))
	n := int(min(int64(max(s.chunk, keep)), s.size-from))
	if keep+n > cap(s.buf) {
		nb := make([]byte, keep+n)
		copy(nb, s.buf[s.pos:])
		s.buf = nb
	} else {
		copy(s.buf, s.buf[s.pos:])
		s.buf = s.buf[:keep+n]
	}
	s.base += int64(s.pos)
	s.pos = 0
	return s.readAt(s.buf[keep:], from)
}

// skipLine moves past the next line break (raw: quotes are not interpreted).
func (s *csvScanner) skipLine() error {
	for {
		if k := bytes.IndexByte(s.buf[s.pos:], '\n'); k >= 0 {
			s.pos += k + 1
			return nil
		}
		if s.atEOF() {
			s.pos = len(s.buf)
			return nil
		}
		s.pos = len(s.buf)
		if err := s.refill(); err != nil {
			return err
		}
	}
}

// seekRecord moves to the first record that starts after the current
// offset: past the first line break outside quotes, given whether the
// current offset is inside a quoted field.
func (s *csvScanner) seekRecord(inQuote bool) error {
	for {
		i := s.pos
		for i < len(s.buf) {
			if inQuote {
				k := bytes.IndexByte(s.buf[i:], s.quote)
				if k < 0 {
					i = len(s.buf)
					break
				}
				i += k + 1
				inQuote = false
				continue
			}
			c := s.buf[i]
			i++
			if c == '\n' {
				s.pos = i
				return nil
			}
			if c == s.quote && s.quote != 0 {
				inQuote = true
			}
		}
		s.pos = i
		if s.atEOF() {
			return nil
		}
		if err := s.refill(); err != nil {
			return err
		}
	}
}

var errNeedMore = errors.New("csv: record continues past the buffer")

// next reads the next record into fields; false at the end of the file.
func (s *csvScanner) next() (bool, error) {
	for {
		end, err := s.parse()
		if err == errNeedMore {
			if err := s.refill(); err != nil {
				return false, err
			}
			continue
		}
		if err != nil || end < 0 {
			return false, err
		}
		s.recStart = s.offset()
		s.pos = end
		return true, nil
	}
}

// parse splits the record at pos into fields and returns the index just
// past it (-1 at the end of the file), or errNeedMore when the buffer ends
// inside it before the end of the file.
func (s *csvScanner) parse() (int, error) {
	buf := s.buf
	n := len(buf)
	eof := s.atEOF()
	i := s.pos
	if i >= n {
		if eof {
			return -1, nil
		}
		return 0, errNeedMore
	}
	sep, quote := s.sep, s.quote
	s.fields = s.fields[:0]
	for {
		if quote != 0 && i < n && buf[i] == quote {
			start := i + 1
			j := start
			escaped := false
			for {
				k := bytes.IndexByte(buf[j:], quote)
				if k < 0 {
					if eof {
						return 0, s.errorAt(s.base+int64(i), "a quoted field is not closed before the end of the file (is the file truncated?)")
					}
					return 0, errNeedMore
				}
				j += k
				if j+1 < n {
					if buf[j+1] == quote {
						escaped = true
						j += 2
						continue
					}
				} else if !eof {
					return 0, errNeedMore
				}
				break
			}
			s.fields = append(s.fields, csvField{start: start, end: j, quoted: true, escaped: escaped})
			i = j + 1
			if i == n {
				return n, nil
			}
			switch buf[i] {
			case sep:
				i++
				continue
			case '\n':
				return i + 1, nil
			case '\r':
				if i+1 < n && buf[i+1] == '\n' {
					return i + 2, nil
				}
				if i+1 == n {
					if eof {
						return n, nil
					}
					return 0, errNeedMore
				}
			}
			return 0, s.errorAt(s.base+int64(i), fmt.Sprintf("unexpected %q after the closing quote of a field", buf[i]))
		}
		j := i
		for j < n {
			c := buf[j]
			if c == sep || c == '\n' {
				break
			}
			if c == quote && quote != 0 {
				return 0, s.errorAt(s.base+int64(j), fmt.Sprintf("a quote character (%q) inside an unquoted field; quote the whole field, or pass quote_char=None", quote))
			}
			j++
		}
		if j == n && !eof {
			return 0, errNeedMore
		}
		if j < n && buf[j] == sep {
			s.fields = append(s.fields, csvField{start: i, end: j})
			i = j + 1
			continue
		}
		end := j
		if end > i && buf[end-1] == '\r' {
			end--
		}
		s.fields = append(s.fields, csvField{start: i, end: end})
		if j == n {
			return n, nil
		}
		return j + 1, nil
	}
}

// value returns a field's text, with doubled quotes undone (in scratch,
// valid until the next call).
func (s *csvScanner) value(f *csvField) []byte {
	v := s.buf[f.start:f.end]
	if !f.escaped {
		return v
	}
	out := s.scratch[:0]
	for {
		k := bytes.IndexByte(v, s.quote)
		if k < 0 {
			break
		}
		out = append(out, v[:k+1]...)
		v = v[k+2:]
	}
	out = append(out, v...)
	s.scratch = out
	return out
}

func (s *csvScanner) tooManyFields(want int, header bool) error {
	what := "the header has"
	if !header {
		what = "the first record has"
	}
	return s.errorAt(s.recStart, fmt.Sprintf("found %d fields, but %s %d (malformed or truncated CSV)", len(s.fields), what, want))
}

// errorAt makes an InvalidInput error naming the file and the line of a
// byte offset (counted by reading the file up to it: errors are rare).
func (s *csvScanner) errorAt(off int64, msg string) error {
	line := lineAt(s.fh, off)
	return core.Errorf(core.KindInvalidInput, "%s: line %d: %s", s.path, line, msg).With("path", s.path).With("line", line)
}

func lineAt(r io.ReaderAt, off int64) int64 {
	line := int64(1)
	buf := make([]byte, 1<<20)
	for pos := int64(0); pos < off; {
		n, err := r.ReadAt(buf[:min(int64(len(buf)), off-pos)], pos)
		line += int64(bytes.Count(buf[:n], []byte{'\n'}))
		pos += int64(n)
		if err != nil || n == 0 {
			break
		}
	}
	return line
}

// parseCSVFloat reads a float as strconv does, plus a signed NaN (as
// Polars writes it), without Go's digit separators.
func parseCSVFloat(v []byte, bits int) (float64, bool) {
	if x, ok := fastFloat(v); ok {
		return x, true
	}
	if bytes.IndexByte(v, '_') >= 0 {
		return 0, false
	}
	x, err := strconv.ParseFloat(unsafeString(v), bits)
	if err == nil || isRangeErr(err) {
		return x, true
	}
	if len(v) == 4 && (v[0] == '-' || v[0] == '+') && strings.EqualFold(unsafeString(v[1:]), "nan") {
		return math.NaN(), true
	}
	return 0, false
}

var exactPow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// fastFloat reads plain decimals ([+-]digits[.digits]) whose digits fit in
// 2^53 with at most 22 decimals: both the digits and the power of ten are
// exact floats, so one division rounds correctly (Clinger's fast path).
// Anything else is left to strconv.
func fastFloat(v []byte) (float64, bool) {
	i, neg := 0, false
	if len(v) > 0 && (v[0] == '-' || v[0] == '+') {
		neg = v[0] == '-'
		i++
	}
	var m uint64
	digits, frac, dot := 0, 0, false
	for ; i < len(v); i++ {
		c := v[i]
		if c == '.' && !dot {
			dot = true
			continue
		}
		if !isDigit(c) {
			return 0, false
		}
		m = m*10 + uint64(c-'0')
		digits++
		if dot {
			frac++
		}
		if digits > 18 {
			return 0, false
		}
	}
	if digits == 0 || m > 1<<53 || frac > 22 {
		return 0, false
	}
	x := float64(m) / exactPow10[frac]
	if neg {
		x = -x
	}
	return x, true
}

func isRangeErr(err error) bool {
	var ne *strconv.NumError
	return errors.As(err, &ne) && ne.Err == strconv.ErrRange
}

// parseCSVUint reads +?\d+ into a uint64.
func parseCSVUint(v []byte) (uint64, bool) {
	if len(v) > 0 && v[0] == '+' {
		v = v[1:]
	}
	if len(v) == 0 {
		return 0, false
	}
	var x uint64
	for _, c := range v {
		d := uint64(c - '0')
		if !isDigit(c) || x > (math.MaxUint64-d)/10 {
			return 0, false
		}
		x = x*10 + d
	}
	return x, true
}

// parseCSVInt reads [+-]?\d+ into an int64.
func parseCSVInt(v []byte) (int64, bool) {
	neg := false
	if len(v) > 0 && (v[0] == '-' || v[0] == '+') {
		neg = v[0] == '-'
		v = v[1:]
	}
	if len(v) == 0 {
		return 0, false
	}
	var x uint64
	for _, c := range v {
		if !isDigit(c) {
			return 0, false
		}
		if x > (1<<63)/10 {
			return 0, false
		}
		x = x*10 + uint64(c-'0')
	}
	if neg {
		if x > 1<<63 {
			return 0, false
		}
		return -int64(x), true // -(1<<63) wraps to MinInt64
	}
	if x > math.MaxInt64 {
		return 0, false
	}
	return int64(x), true
}

// parseCSVDate reads a date as Polars infers them: year-month-day with
// '-', '/' or '.' between (one- or two-digit month and day), or
// day-month-year with a four-digit year. It returns days since 1970-01-01.
func parseCSVDate(v []byte) (int32, bool) {
	y, m, d, n, ok := parseDatePart(v)
	if !ok || n != len(v) {
		return 0, false
	}
	return int32(core.DaysFromCivil(int64(y), m, d)), true
}

func parseDatePart(v []byte) (y, m, d, n int, ok bool) {
	num := func(i int) (int, int) {
		j, x := i, 0
		for j < len(v) && isDigit(v[j]) && j-i < 4 {
			x = x*10 + int(v[j]-'0')
			j++
		}
		return x, j - i
	}
	a, na := num(0)
	if na == 0 || na == 3 || na >= len(v) {
		return
	}
	sep := v[na]
	if sep != '-' && sep != '/' && sep != '.' {
		return
	}
	b, nb := num(na + 1)
	i := na + 1 + nb
	if nb == 0 || nb > 2 || i >= len(v) || v[i] != sep {
		return
	}
	c, nc := num(i + 1)
	n = i + 1 + nc
	switch {
	case na == 4 && nc >= 1 && nc <= 2:
		y, m, d = a, b, c
	case na <= 2 && nc == 4:
		y, m, d = c, b, a
	default:
		return
	}
	if m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return
	}
	return y, m, d, n, true
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// parseCSVDatetime reads a date, 'T' or ' ', HH:MM[:SS[.fraction]] and an
// optional offset (Z, ±HH, ±HH:MM, ±HHMM), giving the instant in unit since
// the epoch (offsets are applied; a naive value is wall time in loc, or UTC
// when loc is nil) and whether an offset was given. Fractions finer than
// the unit are truncated.
func parseCSVDatetime(v []byte, unit arrow.TimeUnit, loc *time.Location) (int64, bool, bool) {
	y, mo, d, i, ok := parseDatePart(v)
	if !ok || i >= len(v) || (v[i] != 'T' && v[i] != ' ') {
		return 0, false, false
	}
	i++
	two := func() (int, bool) {
		if i+2 > len(v) || !isDigit(v[i]) || !isDigit(v[i+1]) {
			return 0, false
		}
		x := int(v[i]-'0')*10 + int(v[i+1]-'0')
		i += 2
		return x, true
	}
	h, ok1 := two()
	if !ok1 || i >= len(v) || v[i] != ':' {
		return 0, false, false
	}
	i++
	mi, ok2 := two()
	if !ok2 || h > 23 || mi > 59 {
		return 0, false, false
	}
	sec, nanos := 0, int64(0)
	if i < len(v) && v[i] == ':' {
		i++
		var ok3 bool
		if sec, ok3 = two(); !ok3 || sec > 59 {
			return 0, false, false
		}
		if i < len(v) && v[i] == '.' {
			i++
			digits := 0
			for i < len(v) && isDigit(v[i]) {
				if digits < 9 {
					nanos = nanos*10 + int64(v[i]-'0')
				}
				digits++
				i++
			}
			if digits == 0 {
				return 0, false, false
			}
			for k := digits; k < 9; k++ {
				nanos *= 10
			}
		}
	}
	secs := core.DaysFromCivil(int64(y), mo, d)*86400 + int64(h*3600+mi*60+sec)
	tz := false
	if i < len(v) {
		tz = true
		switch c := v[i]; {
		case c == 'Z' && i+1 == len(v):
		case c == '+' || c == '-':
			i++
			oh, ok := two()
			if !ok {
				return 0, false, false
			}
			om := 0
			if i < len(v) && v[i] == ':' {
				i++
			}
			if i < len(v) {
				if om, ok = two(); !ok {
					return 0, false, false
				}
			}
			if i != len(v) || oh > 23 || om > 59 {
				return 0, false, false
			}
			off := int64(oh*3600 + om*60)
			if c == '+' {
				secs -= off
			} else {
				secs += off
			}
		default:
			return 0, false, false
		}
	}
	if !tz && loc != nil {
		return wallToInstant(secs, nanos, unit, loc), false, true
	}
	ups := core.UnitsPerSecond(unit)
	return secs*ups + nanos/(1e9/ups), tz, true
}

// wallToInstant converts a wall-clock time (seconds since the epoch as if
// UTC, plus nanoseconds) in loc to an instant in unit.
func wallToInstant(secs, nanos int64, unit arrow.TimeUnit, loc *time.Location) int64 {
	t := time.Unix(secs, 0).UTC()
	w := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, loc)
	ups := core.UnitsPerSecond(unit)
	return w.Unix()*ups + nanos/(1e9/ups)
}
