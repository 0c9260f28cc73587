package csv

// CSV writing, formatted as Polars' write_csv formats values, so that files
// read back (by alopex, Polars or pyarrow) give the same values.

import (
	"bufio"
	"errors"
	"io"
	"math"
	"runtime"
	"strconv"
	"sync"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/alopexdb/alopex/core"
)

// WriteOptions configures Write. DefaultWriteOptions gives the
// defaults of Polars' write_csv.
type WriteOptions struct {
	IncludeHeader bool
	Separator     byte
	// Quote encloses fields holding the separator, the quote, a line
	// break, or nothing (an empty string is written "" so that it reads
	// back as an empty string, not a null). A quote inside is doubled.
	Quote     byte
	NullValue string
	// DatetimeFormat, DateFormat and TimeFormat are chrono/strftime
	// formats ("%Y-%m-%d %H:%M:%S%.3f"); empty means ISO 8601 as Polars
	// writes it: 2024-01-31T12:00:00.000000 (digits per time unit, then
	// +0000 for time zone aware values, in their zone's local time).
	DatetimeFormat string
	DateFormat     string
	TimeFormat     string
	// FloatPrecision, when >= 0, writes floats with that many decimals;
	// -1 writes the shortest text that reads back to the same float.
	FloatPrecision int
}

// DefaultWriteOptions returns Polars' write_csv defaults.
func DefaultWriteOptions() WriteOptions {
	return WriteOptions{IncludeHeader: true, Separator: ',', Quote: '"', FloatPrecision: -1}
}

// csvWriteRows is the number of rows formatted as one unit of parallel work.
const csvWriteRows = 16 << 10

// Write writes batches, which must all have the given schema, as CSV.
// Rows are formatted on all cores and written in order.
func Write(w io.Writer, schema *arrow.Schema, batches []arrow.RecordBatch, opts WriteOptions) error {
	if opts.Separator == 0 || opts.Separator == '\n' || opts.Separator == '\r' || opts.Quote == 0 || opts.Quote == '\n' || opts.Quote == '\r' || opts.Separator == opts.Quote {
		return core.Errorf(core.KindInvalidInput, "the CSV separator and quote character must be two different characters other than line breaks")
	}
	formats := make([]*strftime, schema.NumFields())
	for i, f := range schema.Fields() {
		sf, err := csvColumnFormat(f, opts)
		if err != nil {
			return err
		}
		formats[i] = sf
	}
	for i, b := range batches {
		if !core.SameFields(b.Schema(), schema) {
			return core.Errorf(core.KindSchema, "batch %d has schema %s, want %s", i, b.Schema(), schema)
		}
	}
	e := csvEncoder{opts: opts}
	e.special[opts.Separator] = true
	e.special[opts.Quote] = true
	e.special['\n'] = true
	e.special['\r'] = true

	if opts.IncludeHeader {
		var line []byte
		for i, f := range schema.Fields() {
			if i > 0 {
				line = append(line, opts.Separator)
			}
			line = e.appendString(line, f.Name)
		}
		line = append(line, '\n')
		if _, err := w.Write(line); err != nil {
			return writeErr(err)
		}
	}

	type segment struct {
		rb     arrow.RecordBatch
		lo, hi int
	}
	var segs []segment
	for _, rb := range batches {
		n := int(rb.NumRows())
		for lo := 0; lo < n; lo += csvWriteRows {
			segs = append(segs, segment{rb, lo, min(lo+csvWriteRows, n)})
		}
	}
	// Format a round of segments in parallel, write it in order, repeat:
	// memory stays bounded by one round of text.
	round := 2 * runtime.GOMAXPROCS(0)
	out := make([][]byte, round)
	errs := make([]error, round)
	for start := 0; start < len(segs); start += round {
		batch := segs[start:min(start+round, len(segs))]
		var wg sync.WaitGroup
		for k, sg := range batch {
			wg.Add(1)
			go func() {
				defer wg.Done()
				out[k], errs[k] = e.formatRows(out[k][:0], sg.rb, sg.lo, sg.hi, formats)
			}()
		}
		wg.Wait()
		for k := range batch {
			if errs[k] != nil {
				return errs[k]
			}
			if _, err := w.Write(out[k]); err != nil {
				return writeErr(err)
			}
		}
	}
	return nil
}

func writeErr(err error) error {
	var ce *core.Error
	if errors.As(err, &ce) {
		return err
	}
	return core.Errorf(core.KindInvalidInput, "writing CSV: %v", err)
}

// WriteFile writes a CSV file at path (replacing any file there; on
// error no file is left).
func WriteFile(path string, schema *arrow.Schema, batches []arrow.RecordBatch, opts WriteOptions) error {
	return core.CreateFile(path, func(w *bufio.Writer) error { return Write(w, schema, batches, opts) })
}

// csvColumnFormat checks that a column can be written and parses the
// format its temporal values are written with.
func csvColumnFormat(f arrow.Field, opts WriteOptions) (*strftime, error) {
	t := f.Type
	if d, ok := t.(*arrow.DictionaryType); ok {
		t = d.ValueType
	}
	layout := ""
	switch t := t.(type) {
	case *arrow.NullType, *arrow.BooleanType, *arrow.Int8Type, *arrow.Int16Type, *arrow.Int32Type, *arrow.Int64Type,
		*arrow.Uint8Type, *arrow.Uint16Type, *arrow.Uint32Type, *arrow.Uint64Type, *arrow.Float32Type, *arrow.Float64Type,
		*arrow.StringType, *arrow.LargeStringType, *arrow.StringViewType, *arrow.Decimal128Type:
		return nil, nil
	case *arrow.Date32Type, *arrow.Date64Type:
		layout = opts.DateFormat
		if layout == "" {
			layout = "%Y-%m-%d"
		}
	case *arrow.TimestampType:
		layout = opts.DatetimeFormat
		if layout == "" {
			layout = "%Y-%m-%dT%H:%M:%S"
			switch t.Unit {
			case arrow.Millisecond:
				layout += "%.3f"
			case arrow.Microsecond:
				layout += "%.6f"
			case arrow.Nanosecond:
				layout += "%.9f"
			}
			if t.TimeZone != "" {
				layout += "%z"
			}
		}
		if t.TimeZone != "" && t.TimeZone != "UTC" {
			if _, err := loadLocation(t.TimeZone); err != nil {
				return nil, err
			}
		}
		sf, err := parseStrftime(layout)
		if err != nil {
			return nil, err
		}
		if sf.zone && t.TimeZone == "" {
			return nil, core.Errorf(core.KindInvalidInput, "datetime_format %q shows a time zone, but column %q has none", layout, f.Name)
		}
		return sf, nil
	case *arrow.Time32Type, *arrow.Time64Type:
		layout = opts.TimeFormat
		if layout == "" {
			layout = "%H:%M:%S%.9f"
		}
	case *arrow.BinaryType, *arrow.LargeBinaryType, *arrow.BinaryViewType, *arrow.FixedSizeBinaryType:
		return nil, core.Errorf(core.KindNotSupported, "column %q is Binary, which cannot be written to CSV; encode it as String first", f.Name)
	default:
		return nil, core.Errorf(core.KindNotSupported, "column %q of type %s cannot be written to CSV; use Parquet, or cast it first", f.Name, core.DTypeName(f.Type))
	}
	sf, err := parseStrftime(layout)
	if err != nil {
		return nil, err
	}
	if sf.zone {
		return nil, core.Errorf(core.KindInvalidInput, "format %q shows a time zone, which column %q has not", layout, f.Name)
	}
	return sf, nil
}

// csvEncoder formats rows; special marks the bytes that force quoting.
type csvEncoder struct {
	opts    WriteOptions
	special [256]bool
}

func (e *csvEncoder) appendString(dst []byte, s string) []byte {
	need := s == ""
	for i := 0; i < len(s) && !need; i++ {
		need = e.special[s[i]]
	}
	if !need {
		return append(dst, s...)
	}
	q := e.opts.Quote
	dst = append(dst, q)
	for i := 0; i < len(s); i++ {
		if s[i] == q {
			dst = append(dst, q)
		}
		dst = append(dst, s[i])
	}
	return append(dst, q)
}

// formatRows appends rows [lo, hi) of rb.
func (e *csvEncoder) formatRows(dst []byte, rb arrow.RecordBatch, lo, hi int, formats []*strftime) (out []byte, err error) {
	cols := make([]func([]byte, int) []byte, rb.NumCols())
	for c := range cols {
		if cols[c], err = e.formatter(rb.Column(c), formats[c]); err != nil {
			return nil, err
		}
	}
	for r := lo; r < hi; r++ {
		for c, col := range rb.Columns() {
			if c > 0 {
				dst = append(dst, e.opts.Separator)
			}
			if col.IsNull(r) {
				dst = append(dst, e.opts.NullValue...)
				continue
			}
			dst = cols[c](dst, r)
		}
		dst = append(dst, '\n')
	}
	return dst, nil
}

type stringValues interface{ Value(int) string }

// formatter returns a function appending the text of a non-null value.
func (e *csvEncoder) formatter(arr arrow.Array, sf *strftime) (func([]byte, int) []byte, error) {
	switch a := arr.(type) {
	case *array.Null:
		return func(dst []byte, _ int) []byte { return dst }, nil
	case *array.Boolean:
		return func(dst []byte, i int) []byte { return strconv.AppendBool(dst, a.Value(i)) }, nil
	case *array.Int8:
		return intFormatter(a.Int8Values()), nil
	case *array.Int16:
		return intFormatter(a.Int16Values()), nil
	case *array.Int32:
		return intFormatter(a.Int32Values()), nil
	case *array.Int64:
		return intFormatter(a.Int64Values()), nil
	case *array.Uint8:
		return uintFormatter(a.Uint8Values()), nil
	case *array.Uint16:
		return uintFormatter(a.Uint16Values()), nil
	case *array.Uint32:
		return uintFormatter(a.Uint32Values()), nil
	case *array.Uint64:
		return uintFormatter(a.Uint64Values()), nil
	case *array.Float32:
		vals, prec := a.Float32Values(), e.opts.FloatPrecision
		return func(dst []byte, i int) []byte { return appendCSVFloat(dst, float64(vals[i]), 32, prec) }, nil
	case *array.Float64:
		vals, prec := a.Float64Values(), e.opts.FloatPrecision
		return func(dst []byte, i int) []byte { return appendCSVFloat(dst, vals[i], 64, prec) }, nil
	case *array.String, *array.LargeString, *array.StringView:
		sv := arr.(stringValues)
		return func(dst []byte, i int) []byte { return e.appendString(dst, sv.Value(i)) }, nil
	case *array.Decimal128:
		scale := a.DataType().(*arrow.Decimal128Type).Scale
		return func(dst []byte, i int) []byte { return append(dst, a.Value(i).ToString(scale)...) }, nil
	case *array.Date32:
		vals := a.Date32Values()
		return func(dst []byte, i int) []byte {
			return sf.appendTo(dst, civilTime(int64(vals[i])*86400, 0, nil))
		}, nil
	case *array.Date64:
		vals := a.Date64Values()
		return func(dst []byte, i int) []byte {
			return sf.appendTo(dst, civilTime(floorDiv(int64(vals[i]), 86400000)*86400, 0, nil))
		}, nil
	case *array.Timestamp:
		ts := a.DataType().(*arrow.TimestampType)
		vals, ups := a.TimestampValues(), core.UnitsPerSecond(ts.Unit)
		var loc *time.Location
		if ts.TimeZone != "" {
			loc = time.UTC
			if ts.TimeZone != "UTC" {
				var err error
				if loc, err = loadLocation(ts.TimeZone); err != nil {
					return nil, err
				}
			}
		}
		return func(dst []byte, i int) []byte {
			v := int64(vals[i])
			secs := floorDiv(v, ups)
			return sf.appendTo(dst, civilTime(secs, (v-secs*ups)*(1e9/ups), loc))
		}, nil
	case *array.Time32:
		ups := core.UnitsPerSecond(a.DataType().(*arrow.Time32Type).Unit)
		vals := a.Time32Values()
		return func(dst []byte, i int) []byte {
			v := int64(vals[i])
			return sf.appendTo(dst, civilTime(v/ups, v%ups*(1e9/ups), nil))
		}, nil
	case *array.Time64:
		ups := core.UnitsPerSecond(a.DataType().(*arrow.Time64Type).Unit)
		vals := a.Time64Values()
		return func(dst []byte, i int) []byte {
			v := int64(vals[i])
			return sf.appendTo(dst, civilTime(v/ups, v%ups*(1e9/ups), nil))
		}, nil
	case *array.Dictionary:
		inner, err := e.formatter(a.Dictionary(), sf)
		if err != nil {
			return nil, err
		}
		return func(dst []byte, i int) []byte { return inner(dst, a.GetValueIndex(i)) }, nil
	}
	return nil, core.Errorf(core.KindNotSupported, "%s values cannot be written to CSV", core.DTypeName(arr.DataType()))
}

func intFormatter[T int8 | int16 | int32 | int64](vals []T) func([]byte, int) []byte {
	return func(dst []byte, i int) []byte { return strconv.AppendInt(dst, int64(vals[i]), 10) }
}

func uintFormatter[T uint8 | uint16 | uint32 | uint64](vals []T) func([]byte, int) []byte {
	return func(dst []byte, i int) []byte { return strconv.AppendUint(dst, uint64(vals[i]), 10) }
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// appendCSVFloat writes a float as Polars does: the shortest digits that
// read back to the same value, in plain notation with at least one decimal
// ("1.0", "0.00001") when the decimal exponent is in [-5, 16) for Float64
// or [-6, 13) for Float32, else in scientific notation ("1e+16", "1.5e-7");
// NaN, inf and -inf as such. prec >= 0 fixes the number of decimals.
func appendCSVFloat(dst []byte, x float64, bits, prec int) []byte {
	switch {
	case math.IsNaN(x):
		return append(dst, "NaN"...)
	case math.IsInf(x, 1):
		return append(dst, "inf"...)
	case math.IsInf(x, -1):
		return append(dst, "-inf"...)
	}
	if prec >= 0 {
		return strconv.AppendFloat(dst, x, 'f', prec, bits)
	}
	if x == 0 {
		if math.Signbit(x) {
			return append(dst, "-0.0"...)
		}
		return append(dst, "0.0"...)
	}
	var tmp [40]byte
	s := strconv.AppendFloat(tmp[:0], x, 'e', -1, bits) // -d.ddde±XX
	if s[0] == '-' {
		dst = append(dst, '-')
		s = s[1:]
	}
	ep := 0
	for s[ep] != 'e' {
		ep++
	}
	exp, _ := strconv.Atoi(string(s[ep+1:]))
	var digits [24]byte
	nd := 0
	for _, c := range s[:ep] {
		if c != '.' {
			digits[nd] = c
			nd++
		}
	}
	d := digits[:nd]
	lo, hi := -5, 16
	if bits == 32 {
		lo, hi = -6, 13
	}
	if exp < lo || exp >= hi {
		dst = append(dst, d[0])
		if len(d) > 1 {
			dst = append(dst, '.')
			dst = append(dst, d[1:]...)
		}
		dst = append(dst, 'e')
		if exp >= 0 {
			dst = append(dst, '+')
		}
		return strconv.AppendInt(dst, int64(exp), 10)
	}
	if exp < 0 {
		dst = append(dst, "0."...)
		for range -exp - 1 {
			dst = append(dst, '0')
		}
		return append(dst, d...)
	}
	whole := exp + 1
	if len(d) <= whole {
		dst = append(dst, d...)
		for range whole - len(d) {
			dst = append(dst, '0')
		}
		return append(dst, ".0"...)
	}
	dst = append(dst, d[:whole]...)
	dst = append(dst, '.')
	return append(dst, d[whole:]...)
}

// civil is a broken-down time for formatting.
type civil struct {
	year, month, day, hour, min, sec int
	nanos                            int64
	days                             int64 // since 1970-01-01, for weekday and %s
	epoch                            int64 // seconds since the epoch (UTC)
	offset                           int   // seconds east of UTC
	zone                             string
}

// civilTime breaks down secs (+ nanos) since the epoch, in loc's local time
// when loc is not nil (else as UTC wall time).
func civilTime(secs, nanos int64, loc *time.Location) civil {
	c := civil{nanos: nanos, epoch: secs}
	local := secs
	if loc != nil {
		c.zone = "UTC"
		if loc != time.UTC {
			c.zone, c.offset = time.Unix(secs, 0).In(loc).Zone()
			local += int64(c.offset)
		}
	}
	c.days = floorDiv(local, 86400)
	rem := int(local - c.days*86400)
	c.hour, c.min, c.sec = rem/3600, rem/60%60, rem%60
	y, m, d := core.CivilFromDays(c.days)
	c.year, c.month, c.day = int(y), m, d
	return c
}

// strftime is a parsed chrono-style format: literal text and directives.
type strftime struct {
	ops  []strftimeOp
	zone bool // shows the time zone (%z, %:z, %Z)
}

type strftimeOp struct {
	verb byte // 0: literal
	lit  string
	n    int // fraction digits for 'f' (0: %.f, as many as needed); colon for 'z'
}

var (
	monthNames = [...]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
	dayNames   = [...]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
)

// parseStrftime parses the directives of chrono's strftime that have a
// fixed meaning: %Y %C %y %m %b %h %B %d %e %j %a %A %w %u %H %I %M %S %p
// %f %.f %.3f %.6f %.9f %3f %6f %9f %z %:z %Z %s %F %D %T %R %%, %n, %t.
func parseStrftime(layout string) (*strftime, error) {
	sf := &strftime{}
	lit := []byte{}
	flush := func() {
		if len(lit) > 0 {
			sf.ops = append(sf.ops, strftimeOp{lit: string(lit)})
			lit = lit[:0]
		}
	}
	expand := map[byte]string{'F': "%Y-%m-%d", 'D': "%m/%d/%y", 'T': "%H:%M:%S", 'R': "%H:%M"}
	for i := 0; i < len(layout); i++ {
		c := layout[i]
		if c != '%' {
			lit = append(lit, c)
			continue
		}
		rest := layout[i+1:]
		bad := core.Errorf(core.KindInvalidInput, "unsupported directive in datetime format %q at %q", layout, layout[i:])
		if rest == "" {
			return nil, bad
		}
		switch v := rest[0]; v {
		case '%':
			lit = append(lit, '%')
			i++
		case 'n':
			lit = append(lit, '\n')
			i++
		case 't':
			lit = append(lit, '\t')
			i++
		case 'F', 'D', 'T', 'R':
			inner, _ := parseStrftime(expand[v])
			flush()
			sf.ops = append(sf.ops, inner.ops...)
			i++
		case 'Y', 'C', 'y', 'm', 'b', 'h', 'B', 'd', 'e', 'j', 'a', 'A', 'w', 'u', 'H', 'I', 'M', 'S', 'p', 's', 'Z', 'z', 'f':
			flush()
			if v == 'Z' || v == 'z' {
				sf.zone = true
			}
			if v == 'f' {
				sf.ops = append(sf.ops, strftimeOp{verb: 'f', n: -9}) // nanoseconds, no dot
			} else {
				sf.ops = append(sf.ops, strftimeOp{verb: v})
			}
			i++
		case ':':
			if len(rest) < 2 || rest[1] != 'z' {
				return nil, bad
			}
			flush()
			sf.zone = true
			sf.ops = append(sf.ops, strftimeOp{verb: 'z', n: 1})
			i += 2
		case '.', '3', '6', '9':
			dot := v == '.'
			r := rest
			if dot {
				r = rest[1:]
			}
			n := 0
			if r != "" && (r[0] == '3' || r[0] == '6' || r[0] == '9') {
				n = int(r[0] - '0')
				r = r[1:]
			}
			if r == "" || r[0] != 'f' || (!dot && n == 0) {
				return nil, bad
			}
			flush()
			if !dot {
				n = -n // no dot
			}
			sf.ops = append(sf.ops, strftimeOp{verb: 'f', n: n})
			i += len(rest) - len(r) + 1
		default:
			return nil, bad
		}
	}
	flush()
	return sf, nil
}

func appendPadded(dst []byte, v, width int, pad byte) []byte {
	if v < 0 {
		dst = append(dst, '-')
		v = -v
	}
	var tmp [20]byte
	s := strconv.AppendInt(tmp[:0], int64(v), 10)
	for k := len(s); k < width; k++ {
		dst = append(dst, pad)
	}
	return append(dst, s...)
}

func (sf *strftime) appendTo(dst []byte, c civil) []byte {
	for _, op := range sf.ops {
		switch op.verb {
		case 0:
			dst = append(dst, op.lit...)
		case 'Y':
			dst = appendPadded(dst, c.year, 4, '0')
		case 'C':
			dst = appendPadded(dst, int(floorDiv(int64(c.year), 100)), 2, '0')
		case 'y':
			dst = appendPadded(dst, int(c.year-int(floorDiv(int64(c.year), 100))*100), 2, '0')
		case 'm':
			dst = appendPadded(dst, c.month, 2, '0')
		case 'b', 'h':
			dst = append(dst, monthNames[c.month-1][:3]...)
		case 'B':
			dst = append(dst, monthNames[c.month-1]...)
		case 'd':
			dst = appendPadded(dst, c.day, 2, '0')
		case 'e':
			dst = appendPadded(dst, c.day, 2, ' ')
		case 'j':
			dst = appendPadded(dst, int(c.days-core.DaysFromCivil(int64(c.year), 1, 1))+1, 3, '0')
		case 'a':
			dst = append(dst, dayNames[weekday(c.days)][:3]...)
		case 'A':
			dst = append(dst, dayNames[weekday(c.days)]...)
		case 'w':
			dst = strconv.AppendInt(dst, int64(weekday(c.days)), 10)
		case 'u':
			wd := weekday(c.days)
			if wd == 0 {
				wd = 7
			}
			dst = strconv.AppendInt(dst, int64(wd), 10)
		case 'H':
			dst = appendPadded(dst, c.hour, 2, '0')
		case 'I':
			h := c.hour % 12
			if h == 0 {
				h = 12
			}
			dst = appendPadded(dst, h, 2, '0')
		case 'M':
			dst = appendPadded(dst, c.min, 2, '0')
		case 'S':
			dst = appendPadded(dst, c.sec, 2, '0')
		case 'p':
			if c.hour < 12 {
				dst = append(dst, "AM"...)
			} else {
				dst = append(dst, "PM"...)
			}
		case 's':
			dst = strconv.AppendInt(dst, c.epoch, 10)
		case 'Z':
			dst = append(dst, c.zone...)
		case 'z':
			off := c.offset
			sign := byte('+')
			if off < 0 {
				sign, off = '-', -off
			}
			dst = append(dst, sign)
			dst = appendPadded(dst, off/3600, 2, '0')
			if op.n == 1 {
				dst = append(dst, ':')
			}
			dst = appendPadded(dst, off/60%60, 2, '0')
		case 'f':
			dst = appendFraction(dst, c.nanos, op.n)
		}
	}
	return dst
}

// appendFraction writes nanoseconds: n > 0 is "." and n digits; n < 0 is
// -n digits without the dot; n == 0 is "." and 3, 6 or 9 digits as needed
// (nothing for a whole second), as chrono's %.f.
func appendFraction(dst []byte, nanos int64, n int) []byte {
	dot := n >= 0
	if n == 0 {
		switch {
		case nanos == 0:
			return dst
		case nanos%1e6 == 0:
			n = 3
		case nanos%1e3 == 0:
			n = 6
		default:
			n = 9
		}
	}
	if n < 0 {
		n = -n
	}
	if dot {
		dst = append(dst, '.')
	}
	v := nanos
	for k := n; k < 9; k++ {
		v /= 10
	}
	return appendPadded(dst, int(v), n, '0')
}

func weekday(days int64) int { return int(((days % 7) + 7 + 4) % 7) }

// WriteOptionsFrom reads the options of the Python API's write_csv
// (JSON-decoded: numbers are float64).
func WriteOptionsFrom(m map[string]any) (WriteOptions, error) {
	o := DefaultWriteOptions()
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
			n, ok := core.IntOption(v)
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

func optionError(kind, key string, v any, want string) error {
	return core.Errorf(core.KindInvalidInput, "write_%s option %s must be %s, got %v", kind, key, want, v)
}
