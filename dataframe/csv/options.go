package csv

// Reading options: Options, their defaults (Polars' read_csv) and their
// reading from the Python API's JSON.

import (
	"runtime"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/alopexdb/alopex/core"
)

// Options configures reading CSV files. DefaultOptions gives the
// defaults of Polars' read_csv.
type Options struct {
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

// DefaultOptions returns Polars' read_csv defaults.
func DefaultOptions() Options {
	return Options{HasHeader: true, Separator: ',', Quote: '"', InferRows: 100}
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

// OptionsFrom reads the options of a scan_csv plan node (docs/plan-format.md).
func OptionsFrom(m map[string]any) (Options, error) {
	o := DefaultOptions()
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
			n, ok := core.IntOption(v)
			if !ok || n < 0 {
				return o, bad(key, v, "a non-negative integer or None")
			}
			o.InferRows = int(n)
		case "skip_rows", "skip_lines":
			n, ok := core.IntOption(v)
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
