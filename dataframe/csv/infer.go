package csv

// The schema of a CSV file: column names from the header and types
// inferred from a sample of records, as Polars infers them.

import (
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/alopexdb/alopex/core"
)

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
func csvSchema(f *csvFile, sample [][]csvValue, opts Options) (*arrow.Schema, error) {
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
func inferCSVType(sample [][]csvValue, col int, opts Options) arrow.DataType {
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
