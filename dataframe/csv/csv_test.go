package csv

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/internal/testkit"
)

func writeFile(t testing.TB, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// readCSV reads every piece of a source as rows of text (testkit.PieceRows).
func readCSV(t testing.TB, src *Source, columns ...string) []string {
	t.Helper()
	return testkit.PieceRows(t, src, columns...)
}

func openCSV(t testing.TB, path string, opts Options) *Source {
	t.Helper()
	src, err := OpenSource([]string{path}, opts)
	if err != nil {
		t.Fatal(err)
	}
	return src
}

func schemaText(s *arrow.Schema) string {
	parts := make([]string, s.NumFields())
	for i, f := range s.Fields() {
		parts[i] = f.Name + ":" + core.DTypeName(f.Type)
	}
	return strings.Join(parts, ", ")
}

func TestCSVRead(t *testing.T) {
	dir := t.TempDir()
	dates := DefaultOptions()
	dates.TryParseDates = true
	noHeader := DefaultOptions()
	noHeader.HasHeader = false
	semi := DefaultOptions()
	semi.Separator = ';'
	semi.Quote = '\''
	nulls := DefaultOptions()
	nulls.NullValues = []string{"NA", "-"}
	skip := DefaultOptions()
	skip.SkipLines = 2
	skipRows := DefaultOptions()
	skipRows.SkipRows = 1
	noQuote := DefaultOptions()
	noQuote.Quote = 0
	allText := DefaultOptions()
	allText.InferRows = 0

	cases := []struct {
		name, content string
		opts          Options
		schema        string
		rows          []string
	}{
		{"basic", "a,b,c\n1,x,1.5\n2,y,-2e3\n", DefaultOptions(),
			"a:Int64, b:String, c:Float64", []string{"1|x|1.5", "2|y|-2000"}},
		{"no final newline", "a,b\n1,2", DefaultOptions(), "a:Int64, b:Int64", []string{"1|2"}},
		{"crlf", "a,b\r\n1,\"x\r\ny\"\r\n2,z\r\n", DefaultOptions(), "a:Int64, b:String",
			[]string{"1|x\r\ny", "2|z"}},
		{"quoting", "a,b\n\"1\",\"x,\"\"y\"\"\nz\"\n2,\"\"\n3,\n", DefaultOptions(), "a:Int64, b:String",
			[]string{"1|x,\"y\"\nz", "2|", "3|∅"}},
		{"empty line is a row of nulls", "a,b\n1,2\n\n3,4\n\n", DefaultOptions(), "a:Int64, b:Int64",
			[]string{"1|2", "∅|∅", "3|4", "∅|∅"}},
		{"missing fields are null", "a,b,c\n1\n2,3\n", DefaultOptions(), "a:Int64, b:Int64, c:String",
			[]string{"1|∅|∅", "2|3|∅"}},
		{"header only", "a,b\n", DefaultOptions(), "a:String, b:String", nil},
		{"header without newline", "a,b", DefaultOptions(), "a:String, b:String", nil},
		{"bom", "\ufeffa,b\n1,2\n", DefaultOptions(), "a:Int64, b:Int64", []string{"1|2"}},
		{"duplicate names", "a,a,,\n1,2,3,4\n", DefaultOptions(),
			"a:Int64, a_duplicated_0:Int64, :Int64, _duplicated_0:Int64", []string{"1|2|3|4"}},
		{"no header", "1,x\n2,y\n", noHeader, "column_0:Int64, column_1:String", []string{"1|x", "2|y"}},
		{"separator and quote", "a;b\n1;'x;y'\n", semi, "a:Int64, b:String", []string{"1|x;y"}},
		{"null values", "a,b\nNA,x\n2,\"NA\"\n-,-\n", nulls, "a:Int64, b:String", []string{"∅|x", "2|∅", "∅|∅"}},
		{"skip lines", "junk \"\nmore\na,b\n1,2\n", skip, "a:Int64, b:Int64", []string{"1|2"}},
		{"skip rows", "\"junk\nmore\"\na,b\n1,2\n", skipRows, "a:Int64, b:Int64", []string{"1|2"}},
		{"no quoting", "a,b\n1,\"x\"\"\n", noQuote, "a:Int64, b:String", []string{"1|\"x\"\""}},
		{"infer nothing", "a,b\n1,2.5\n", allText, "a:String, b:String", []string{"1|2.5"}},
		{"inference", "i,f,b,s,n,big,plus,mixed\n1,1,true,x,,99999999999999999999,+1,1\n-2,2.5,FALSE,,,1,2,true\n",
			DefaultOptions(), "i:Int64, f:Float64, b:Boolean, s:String, n:String, big:String, plus:String, mixed:String",
			[]string{"1|1|true|x|∅|99999999999999999999|+1|1", "-2|2.5|false|∅|∅|1|2|true"}},
		{"quoted empty makes a string", "a\n1\n\"\"\n", DefaultOptions(), "a:String", []string{"1", ""}},
		{"floats", "a,b,c,d,e\ninf,NaN,1e3,-.5,1.\n-inf,-NaN,1E+05,+2.5,2\n", DefaultOptions(),
			"a:Float64, b:Float64, c:Float64, d:Float64, e:Float64",
			[]string{"+Inf|NaN|1000|-0.5|1", "-Inf|NaN|100000|2.5|2"}},
		{"dates", "d,ts,tz,other\n2020-01-05,2020-01-05 10:00:00,2020-01-05T10:00:00+02:00,10:00:00\n05/01/2021,2021-02-03T04:05:06.123456789,2021-01-01T00:00:00Z,x\n",
			dates, "d:Date, ts:Datetime(time_unit='us'), tz:Datetime(time_unit='us', time_zone='UTC'), other:String",
			[]string{"2020-01-05|2020-01-05T10:00:00|2020-01-05T08:00:00Z|10:00:00", "2021-01-05|2021-02-03T04:05:06.123456|2021-01-01T00:00:00Z|x"}},
		{"dates off", "d\n2020-01-05\n", DefaultOptions(), "d:String", []string{"2020-01-05"}},
		{"date and datetime mixed", "d\n2020-01-05\n2020-01-05 10:00\n", dates, "d:String", []string{"2020-01-05", "2020-01-05 10:00"}},
		{"unicode", "名前,b\nü,\"日本\n語\"\n", DefaultOptions(), "名前:String, b:String", []string{"ü|日本\n語"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := writeFile(t, dir, "t.csv", tc.content)
			src := openCSV(t, p, tc.opts)
			if got := schemaText(src.Schema()); got != tc.schema {
				t.Errorf("schema %s, want %s", got, tc.schema)
			}
			rows := readCSV(t, src)
			if fmt.Sprint(rows) != fmt.Sprint(tc.rows) {
				t.Errorf("rows\n%q, want\n%q", rows, tc.rows)
			}
		})
	}
}

func TestCSVExplicitSchema(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "t.csv", "a,b,c,d,e,f,g\n1,2,x,true,2020-01-02,1.25,2020-01-02\n-3,,y,False,2021-12-31,-0.5,2020-01-02 03:04:05.5\n")
	o := DefaultOptions()
	o.Schema = arrow.NewSchema([]arrow.Field{
		{Name: "a", Type: arrow.PrimitiveTypes.Int8}, {Name: "b", Type: arrow.PrimitiveTypes.Uint16},
		{Name: "c", Type: arrow.BinaryTypes.String}, {Name: "d", Type: arrow.FixedWidthTypes.Boolean},
		{Name: "e", Type: arrow.FixedWidthTypes.Date32}, {Name: "f", Type: &arrow.Decimal128Type{Precision: 10, Scale: 2}},
		{Name: "g", Type: &arrow.TimestampType{Unit: arrow.Millisecond}},
	}, nil)
	src := openCSV(t, p, o)
	want := []string{"1|2|x|true|2020-01-02|1.25|2020-01-02T00:00:00", "-3|∅|y|false|2021-12-31|-0.5|2020-01-02T03:04:05.5"}
	if got := readCSV(t, src); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("rows %q, want %q", got, want)
	}
	// A projection reads only some columns, in the asked order.
	if got := readCSV(t, src, "g", "a"); fmt.Sprint(got) != fmt.Sprint([]string{"2020-01-02T00:00:00|1", "2020-01-02T03:04:05.5|-3"}) {
		t.Errorf("projection: %q", got)
	}

	// Overrides by name and by position.
	o = DefaultOptions()
	o.Overrides = map[string]arrow.DataType{"b": arrow.PrimitiveTypes.Float32, "zzz": arrow.PrimitiveTypes.Int8}
	if got := schemaText(openCSV(t, p, o).Schema()); !strings.HasPrefix(got, "a:Int64, b:Float32, c:String, d:Boolean") {
		t.Errorf("overrides: %s", got)
	}
	o = DefaultOptions()
	o.OverrideList = []arrow.DataType{arrow.BinaryTypes.String}
	if _, err := OpenSource([]string{p}, o); core.KindOf(err) != core.KindSchema {
		t.Errorf("short override list: %v", err)
	}

	// Names that do not match the header.
	o = DefaultOptions()
	o.Schema = arrow.NewSchema([]arrow.Field{{Name: "a", Type: arrow.PrimitiveTypes.Int64}}, nil)
	if _, err := OpenSource([]string{p}, o); core.KindOf(err) != core.KindSchema || !strings.Contains(err.Error(), `"b"`) {
		t.Errorf("extra columns: %v", err)
	}
}

func TestCSVInferenceWindow(t *testing.T) {
	dir := t.TempDir()
	var sb strings.Builder
	sb.WriteString("a,b\n")
	for i := range 300 {
		fmt.Fprintf(&sb, "%d,%d\n", i, i)
	}
	sb.WriteString("1.5,x\n")
	p := writeFile(t, dir, "t.csv", sb.String())
	o := DefaultOptions()
	src := openCSV(t, p, o)
	if got := schemaText(src.Schema()); got != "a:Int64, b:Int64" {
		t.Fatalf("schema %s", got)
	}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	_, err := src.ReadPiece(context.Background(), mem, 0, []string{"a"})
	if core.KindOf(err) != core.KindInvalidInput || !strings.Contains(err.Error(), "line 302") || !strings.Contains(err.Error(), `"1.5"`) {
		t.Errorf("value outside the inference window: %v", err)
	}
	o.InferRows = -1
	if got := schemaText(openCSV(t, p, o).Schema()); got != "a:Float64, b:String" {
		t.Errorf("all rows: %s", got)
	}
}

func TestCSVErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := OpenSource([]string{filepath.Join(dir, "missing.csv")}, DefaultOptions()); core.KindOf(err) != core.KindFileNotFound {
		t.Errorf("missing file: %v", err)
	}
	intSchema := DefaultOptions()
	intSchema.Schema = arrow.NewSchema([]arrow.Field{{Name: "a", Type: arrow.PrimitiveTypes.Int32}, {Name: "b", Type: arrow.BinaryTypes.String}}, nil)
	cases := []struct {
		name, content string
		opts          Options
		open          bool // the error comes when opening (in the sampled records)
		want          string
	}{
		{"empty", "", DefaultOptions(), true, "empty CSV"},
		{"too many fields", "a,b\n1,2\n3,4,5\n", DefaultOptions(), true, "line 3: found 3 fields, but the header has 2"},
		{"unclosed quote", "a,b\n1,2\n3,\"abc\n", DefaultOptions(), true, "line 3: a quoted field is not closed"},
		{"bare quote", "a,b\n1,ab\"c\n", DefaultOptions(), true, "line 2: a quote character"},
		{"junk after quote", "a,b\n1,\"ab\"c\n", DefaultOptions(), true, "line 2: unexpected 'c'"},
		{"bad int", "a,b\n1,x\n2147483648,y\n", intSchema, false, `line 3: could not parse "2147483648" as Int32 in column "a"`},
		{"bad utf8", "a,b\n1,x\n2,\xff\xfe\n", DefaultOptions(), false, "line 3: invalid UTF-8"},
		{"bad utf8 header", "a,\xff\n1,x\n", DefaultOptions(), true, "line 1: the header is not valid UTF-8"},
		{"skip everything", "a\n1\n", Options{HasHeader: true, Separator: ',', Quote: '"', SkipRows: 5}, true, "empty CSV"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := writeFile(t, dir, "bad.csv", tc.content)
			src, err := OpenSource([]string{p}, tc.opts)
			if !tc.open {
				if err != nil {
					t.Fatalf("open: %v", err)
				}
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				defer mem.AssertSize(t, 0)
				var rb arrow.RecordBatch
				rb, err = src.ReadPiece(context.Background(), mem, 0, []string{"a", "b"})
				if rb != nil {
					rb.Release()
				}
			} else if err == nil {
				t.Fatalf("opened")
			}
			if core.KindOf(err) != core.KindInvalidInput || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), p) {
				t.Errorf("got %v, want InvalidInput with %q naming the file", err, tc.want)
			}
			var ce *core.Error
			if errors.As(err, &ce) && ce.Details["path"] != p {
				t.Errorf("details %v", ce.Details)
			}
		})
	}
	// Lossy decoding replaces invalid bytes instead.
	p := writeFile(t, dir, "lossy.csv", "a,b\n1,x\xffy\n")
	o := DefaultOptions()
	o.LossyUTF8 = true
	if got := readCSV(t, openCSV(t, p, o)); fmt.Sprint(got) != "[1|x\uFFFDy]" {
		t.Errorf("lossy: %q", got)
	}
	// Options.
	for _, opts := range []map[string]any{
		{"separator": ",,"}, {"quote_char": ","}, {"encoding": "latin1"}, {"bogus": true},
		{"schema": []any{[]any{"a", "List(Int64)"}}}, {"infer_schema_length": -1.0},
	} {
		if _, err := OptionsFrom(opts); err == nil {
			t.Errorf("options %v accepted", opts)
		}
	}
	o, err := OptionsFrom(map[string]any{"separator": ";", "quote_char": nil, "null_values": []any{"NA"},
		"infer_schema_length": nil, "skip_rows": 2.0, "schema_overrides": []any{[]any{"a", "Int32"}}})
	if err != nil || o.Separator != ';' || o.Quote != 0 || o.InferRows != -1 || o.SkipRows != 2 || o.Overrides["a"].ID() != arrow.INT32 {
		t.Errorf("options: %+v, %v", o, err)
	}
}

// randomCSV makes a file whose quoted fields hold separators, doubled
// quotes, CRLF and LF line breaks, so that byte ranges often start inside
// a quoted field or between the two quotes of an escaped pair.
func randomCSV(rng *rand.Rand, rows int) (string, []string) {
	var sb strings.Builder
	sb.WriteString("id,text,x\r\n")
	var want []string
	pieces := []string{"a", "b", ",", "\"\"", "\n", "\r\n", "é", " ", "q"}
	for i := range rows {
		var text strings.Builder
		for range rng.IntN(12) {
			text.WriteString(pieces[rng.IntN(len(pieces))])
		}
		raw := text.String()
		value := strings.ReplaceAll(raw, "\"\"", "\"")
		x := "∅"
		xs := ""
		if rng.IntN(4) > 0 {
			xs = fmt.Sprint(rng.IntN(1000) - 500)
			x = xs
		}
		switch {
		case raw == "" && rng.IntN(2) == 0:
			fmt.Fprintf(&sb, "%d,,%s", i, xs)
			value = "∅"
		case strings.ContainsAny(raw, ",\"\n\r") || raw == "" || rng.IntN(3) == 0:
			fmt.Fprintf(&sb, "%d,\"%s\",%s", i, raw, xs)
		default:
			fmt.Fprintf(&sb, "%d,%s,%s", i, raw, xs)
		}
		if rng.IntN(2) == 0 {
			sb.WriteString("\r\n")
		} else {
			sb.WriteString("\n")
		}
		want = append(want, fmt.Sprintf("%d|%s|%s", i, value, x))
	}
	return sb.String(), want
}

// Splitting a file into byte ranges gives exactly the records of reading it
// whole, with quoted fields spanning lines, for any piece size, whatever
// order (or concurrency) the pieces are read in.
func TestCSVPiecesMatchWholeFile(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(7, 8))
	defer func(v int64) { csvPieceBytes = v }(csvPieceBytes)
	for trial := range 20 {
		content, want := randomCSV(rng, 1+rng.IntN(300))
		p := writeFile(t, dir, fmt.Sprintf("r%d.csv", trial), content)
		for _, size := range []int64{1, 2, 3, 7, 16, 61, 250, 4096, 0} {
			csvPieceBytes = size
			src := openCSV(t, p, DefaultOptions())
			if got := schemaText(src.Schema()); got != "id:Int64, text:String, x:Int64" {
				t.Fatalf("schema %s", got)
			}
			if size > 0 && size < 100 && src.NumPieces() < 2 {
				t.Fatalf("size %d: %d pieces", size, src.NumPieces())
			}
			got := readCSV(t, src)
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Fatalf("trial %d, piece size %d: rows differ\n got %q\nwant %q", trial, size, got, want)
			}
		}
		// Fresh source, pieces read concurrently in reverse order: later
		// pieces compute the parities of earlier ranges themselves.
		csvPieceBytes = 13
		src := openCSV(t, p, DefaultOptions())
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		out := make([][]string, src.NumPieces())
		var wg sync.WaitGroup
		for i := src.NumPieces() - 1; i >= 0; i-- {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rb, err := src.ReadPiece(context.Background(), mem, i, []string{"id", "text", "x"})
				if err != nil {
					t.Error(err)
					return
				}
				out[i] = testkit.BatchRows(rb)
				rb.Release()
			}()
		}
		wg.Wait()
		var got []string
		for _, rows := range out {
			got = append(got, rows...)
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("trial %d concurrent: rows differ", trial)
		}
		mem.AssertSize(t, 0)
	}
}

func TestCSVCancel(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "t.csv", "a\n"+strings.Repeat("1\n", 10000))
	src := openCSV(t, p, DefaultOptions())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	if _, err := src.ReadPiece(ctx, mem, 0, []string{"a"}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled read: %v", err)
	}
}

func TestCSVClassify(t *testing.T) {
	cases := map[string]int{
		"1": csvKindInt, "-1": csvKindInt, "007": csvKindInt, "+1": csvKindString, "1_000": csvKindString,
		"1.5": csvKindFloat, "+1.5": csvKindFloat, ".5": csvKindFloat, "5.": csvKindFloat, "1e5": csvKindFloat,
		"1E-5": csvKindFloat, "1.5e": csvKindString, "e5": csvKindString, "inf": csvKindFloat, "-inf": csvKindFloat,
		"Inf": csvKindString, "NaN": csvKindFloat, "nan": csvKindString, ".": csvKindString, "-": csvKindString,
		"1.2.3": csvKindString, "0x10": csvKindString, "true": csvKindBool, "FALSE": csvKindBool, "t": csvKindString,
		"2020-01-01": csvKindDate, "2020/1/5": csvKindDate, "05.01.2020": csvKindDate, "2020-02-30": csvKindString,
		"2020-01-01 10:00": csvKindDatetime, "2020-01-01T10:00:00.5Z": csvKindDatetimeTZ,
		"2020-01-01T10:00:00-0130": csvKindDatetimeTZ, "10:00:00": csvKindString, "20200101": csvKindInt,
	}
	for v, want := range cases {
		if got := classifyCSV(v, false, true); got != want {
			t.Errorf("%q: kind %d, want %d", v, got, want)
		}
	}
	if v, tz, ok := parseCSVDatetime([]byte("2020-01-05T10:00:00+02:00"), arrow.Microsecond, nil); !ok || !tz ||
		v != time.Date(2020, 1, 5, 8, 0, 0, 0, time.UTC).UnixMicro() {
		t.Errorf("offset: %d %v %v", v, tz, ok)
	}
	paris, err := loadLocation("Europe/Paris")
	if err != nil {
		t.Skip(err)
	}
	if v, _, ok := parseCSVDatetime([]byte("2020-07-01 12:00:00"), arrow.Second, paris); !ok || v != time.Date(2020, 7, 1, 10, 0, 0, 0, time.UTC).Unix() {
		t.Errorf("wall time in a zone: %d", v)
	}
}

func TestWeekday(t *testing.T) {
	for d := int64(-800000); d < 800000; d += 17 {
		if want := time.Unix(d*86400, 0).UTC().Weekday(); weekday(d) != int(want) {
			t.Fatalf("%d: weekday %d, want %d", d, weekday(d), want)
		}
	}
}

func TestCSVFloatFormat(t *testing.T) {
	// The texts Polars 2.1's write_csv gives.
	f64 := map[float64]string{
		1: "1.0", 0.1: "0.1", 1e20: "1e+20", 1e-7: "1e-7", 123456789.123: "123456789.123", 0: "0.0",
		1.0 / 3: "0.3333333333333333", 1e16: "1e+16", 1e15: "1000000000000000.0", 2.5e-5: "0.000025",
		1e-5: "0.00001", 1.5e-5: "0.000015", 1e-6: "1e-6", 1.234e-6: "1.234e-6", 9.99e-5: "0.0000999",
		9.999e15: "9999000000000000.0", 1.2345e16: "1.2345e+16", 123456789012345680: "1.2345678901234568e+17",
		5e-324: "5e-324", math.MaxFloat64: "1.7976931348623157e+308", 100: "100.0", 12345.678: "12345.678",
		1 << 53: "9007199254740992.0", 3e10: "30000000000.0", math.Inf(1): "inf", math.Inf(-1): "-inf",
		1.5e-9 * (1 + 1e-16): "1.5000000000000002e-9", 1234567890123456.7: "1234567890123456.8",
	}
	for x, want := range f64 {
		if got := string(appendCSVFloat(nil, x, 64, -1)); got != want {
			t.Errorf("%v: %s, want %s", x, got, want)
		}
	}
	f32 := map[float32]string{
		1: "1.0", 0.1: "0.1", 1.0 / 3: "0.33333334", 1e-5: "0.00001", 1e16: "1e+16", 3.4e38: "3.4e+38", 1e-7: "1e-7",
		16777216: "16777216.0", 1e15: "1e+15", 1e12: "1000000000000.0", 1e13: "1e+13", 1e-6: "0.000001",
		1.5e-6: "0.0000015", 123456789: "123456790.0",
	}
	for x, want := range f32 {
		if got := string(appendCSVFloat(nil, float64(x), 32, -1)); got != want {
			t.Errorf("f32 %v: %s, want %s", x, got, want)
		}
	}
	if got := string(appendCSVFloat(nil, math.Copysign(0, -1), 64, -1)); got != "-0.0" {
		t.Errorf("-0: %s", got)
	}
	if got := string(appendCSVFloat(nil, math.NaN(), 64, -1)); got != "NaN" {
		t.Errorf("NaN: %s", got)
	}
	if got := string(appendCSVFloat(nil, 2.0/3, 64, 3)); got != "0.667" {
		t.Errorf("precision: %s", got)
	}
}

func TestStrftime(t *testing.T) {
	c := civilTime(time.Date(2021, 3, 4, 15, 6, 7, 0, time.UTC).Unix(), 89_000_000, nil)
	cases := map[string]string{
		"%Y-%m-%d %H:%M:%S":     "2021-03-04 15:06:07",
		"%Y/%m/%d %H:%M:%S%.3f": "2021/03/04 15:06:07.089",
		"%F %T%.f":              "2021-03-04 15:06:07.089",
		"%.6f|%.9f|%3f|%f":      ".089000|.089000000|089|089000000",
		"%y %b %B %a %A %j":     "21 Mar March Thu Thursday 063",
		"%I%p %e %D %R %%":      "03PM  4 03/04/21 15:06 %",
		"%s":                    "1614870367",
	}
	for layout, want := range cases {
		sf, err := parseStrftime(layout)
		if err != nil {
			t.Fatalf("%s: %v", layout, err)
		}
		if got := string(sf.appendTo(nil, c)); got != want {
			t.Errorf("%s: %q, want %q", layout, got, want)
		}
	}
	for _, bad := range []string{"%Q", "%", "%.4f", "%:x"} {
		if _, err := parseStrftime(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestCSVWrite(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	paris := &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "Europe/Paris"}
	if _, err := loadLocation("Europe/Paris"); err != nil {
		paris = &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}
	}
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "i", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "s, q", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "b", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
		{Name: "d", Type: arrow.FixedWidthTypes.Date32, Nullable: true},
		{Name: "ts", Type: &arrow.TimestampType{Unit: arrow.Nanosecond}, Nullable: true},
		{Name: "tz", Type: paris, Nullable: true},
		{Name: "dec", Type: &arrow.Decimal128Type{Precision: 10, Scale: 2}, Nullable: true},
		{Name: "f", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "u8", Type: arrow.PrimitiveTypes.Uint8, Nullable: true},
		{Name: "t", Type: arrow.FixedWidthTypes.Time64us, Nullable: true},
	}, nil)
	bld := array.NewRecordBuilder(mem, schema)
	defer bld.Release()
	bld.Field(0).(*array.Int64Builder).AppendValues([]int64{1, -2, 0}, []bool{true, true, false})
	bld.Field(1).(*array.StringBuilder).AppendValues([]string{"x,y", "say \"hi\"\nbye", ""}, nil)
	bld.Field(2).(*array.BooleanBuilder).AppendValues([]bool{true, false, false}, []bool{true, true, false})
	bld.Field(3).(*array.Date32Builder).AppendValues([]arrow.Date32{18263, -1, 0}, []bool{true, true, false})
	bld.Field(4).(*array.TimestampBuilder).AppendValues([]arrow.Timestamp{1_577_934_245_006_000_123, -1, 0}, []bool{true, true, false})
	bld.Field(5).(*array.TimestampBuilder).AppendValues([]arrow.Timestamp{1_577_934_245_000_000, 1_593_561_600_000_000, 0}, []bool{true, true, false})
	bld.Field(6).(*array.Decimal128Builder).AppendValues([]decimal128.Num{decimal128.FromI64(150), decimal128.FromI64(-5), {}}, []bool{true, true, false})
	bld.Field(7).(*array.Float64Builder).AppendValues([]float64{1, 1e-7, math.NaN()}, nil)
	bld.Field(8).(*array.Uint8Builder).AppendValues([]uint8{255, 0, 1}, nil)
	bld.Field(9).(*array.Time64Builder).AppendValues([]arrow.Time64{3_723_000_001, 0, 0}, []bool{true, true, false})
	rb := bld.NewRecordBatch()
	defer rb.Release()

	var buf bytes.Buffer
	if err := Write(&buf, schema, []arrow.RecordBatch{rb}, DefaultWriteOptions()); err != nil {
		t.Fatal(err)
	}
	tz1, tz2 := "2020-01-02T04:04:05.000000+0100", "2020-07-01T02:00:00.000000+0200"
	if paris.TimeZone == "UTC" {
		tz1, tz2 = "2020-01-02T03:04:05.000000+0000", "2020-07-01T00:00:00.000000+0000"
	}
	want := "i,\"s, q\",b,d,ts,tz,dec,f,u8,t\n" +
		"1,\"x,y\",true,2020-01-02,2020-01-02T03:04:05.006000123," + tz1 + ",1.50,1.0,255,01:02:03.000001000\n" +
		"-2,\"say \"\"hi\"\"\nbye\",false,1969-12-31,1969-12-31T23:59:59.999999999," + tz2 + ",-0.05,1e-7,0,00:00:00.000000000\n" +
		",\"\",,,,,,NaN,1,\n"
	if buf.String() != want {
		t.Errorf("got\n%s\nwant\n%s", buf.String(), want)
	}

	// Options, and a round trip through the reader.
	o := DefaultWriteOptions()
	o.Separator, o.Quote, o.NullValue, o.IncludeHeader = ';', '\'', "NA", false
	o.DatetimeFormat = "%Y/%m/%d %H:%M"
	buf.Reset()
	if err := Write(&buf, schema, []arrow.RecordBatch{rb}, o); err != nil {
		t.Fatal(err)
	}
	if line := strings.SplitN(buf.String(), "\n", 2)[0]; line != "1;x,y;true;2020-01-02;2020/01/02 03:04;"+
		map[bool]string{true: "2020/01/02 03:04", false: "2020/01/02 04:04"}[paris.TimeZone == "UTC"]+";1.50;1.0;255;01:02:03.000001000" {
		t.Errorf("options: %q", line)
	}

	dir := t.TempDir()
	path := filepath.Join(dir, "out.csv")
	rt := arrow.NewSchema(schema.Fields()[:9], nil)
	sub := array.NewRecordBatch(rt, rb.Columns()[:9], rb.NumRows())
	defer sub.Release()
	if err := WriteFile(path, rt, []arrow.RecordBatch{sub, sub}, DefaultWriteOptions()); err != nil {
		t.Fatal(err)
	}
	ro := DefaultOptions()
	ro.Schema = rt
	got := readCSV(t, openCSV(t, path, ro))
	wantRows := append(testkit.BatchRows(sub), testkit.BatchRows(sub)...)
	if fmt.Sprint(got) != fmt.Sprint(wantRows) {
		t.Errorf("round trip\n%q\nwant\n%q", got, wantRows)
	}

	// Unwritable types and bad options.
	bin := arrow.NewSchema([]arrow.Field{{Name: "b", Type: arrow.BinaryTypes.Binary}}, nil)
	if err := Write(&buf, bin, nil, DefaultWriteOptions()); core.KindOf(err) != core.KindNotSupported {
		t.Errorf("binary: %v", err)
	}
	o = DefaultWriteOptions()
	o.Quote = ','
	if err := Write(&buf, schema, nil, o); core.KindOf(err) != core.KindInvalidInput {
		t.Errorf("quote = separator: %v", err)
	}
	o = DefaultWriteOptions()
	o.DatetimeFormat = "%Y %z"
	if err := Write(&buf, arrow.NewSchema(schema.Fields()[4:5], nil), nil, o); core.KindOf(err) != core.KindInvalidInput {
		t.Errorf("%%z on a naive column: %v", err)
	}
}

// Many batches and rows: parallel formatting keeps the order.
func TestCSVWriteLarge(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	schema := arrow.NewSchema([]arrow.Field{{Name: "i", Type: arrow.PrimitiveTypes.Int64}}, nil)
	var batches []arrow.RecordBatch
	var want strings.Builder
	want.WriteString("i\n")
	n := 0
	for _, size := range []int{1, 70000, 0, 33333} {
		b := array.NewInt64Builder(mem)
		for range size {
			b.Append(int64(n))
			fmt.Fprintf(&want, "%d\n", n)
			n++
		}
		arr := b.NewArray()
		batches = append(batches, array.NewRecordBatch(schema, []arrow.Array{arr}, int64(size)))
		arr.Release()
		b.Release()
	}
	defer testkit.ReleaseAll(batches)
	var out bytes.Buffer
	if err := Write(&out, schema, batches, DefaultWriteOptions()); err != nil {
		t.Fatal(err)
	}
	if out.String() != want.String() {
		t.Errorf("large write differs (%d vs %d bytes)", out.Len(), want.Len())
	}
}

// benchCSV writes a file of n rows: an integer, a float, a string that
// sometimes needs quotes, and a date.
func benchCSV(b *testing.B, n int) string {
	b.Helper()
	rng := rand.New(rand.NewPCG(1, 1))
	var sb strings.Builder
	sb.WriteString("id,x,name,day\n")
	words := []string{"alpha", "\"beta, gamma\"", "delta", "\"say \"\"hi\"\"\""}
	for i := range n {
		fmt.Fprintf(&sb, "%d,%v,%s,2024-01-%02d\n", i, rng.NormFloat64(), words[i%len(words)], 1+i%28)
	}
	return writeFile(b, b.TempDir(), "bench.csv", sb.String())
}

func BenchmarkCSVRead(b *testing.B) {
	path := benchCSV(b, 500_000)
	st, _ := os.Stat(path)
	b.SetBytes(st.Size())
	o := DefaultOptions()
	o.TryParseDates = true
	for b.Loop() {
		src, err := OpenSource([]string{path}, o)
		if err != nil {
			b.Fatal(err)
		}
		var wg sync.WaitGroup
		for i := range src.NumPieces() {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rb, err := src.ReadPiece(context.Background(), memory.DefaultAllocator, i, []string{"id", "x", "name", "day"})
				if err != nil {
					b.Error(err)
					return
				}
				rb.Release()
			}()
		}
		wg.Wait()
	}
}

func BenchmarkCSVWrite(b *testing.B) {
	path := benchCSV(b, 500_000)
	o := DefaultOptions()
	o.TryParseDates = true
	src, err := OpenSource([]string{path}, o)
	if err != nil {
		b.Fatal(err)
	}
	var batches []arrow.RecordBatch
	for i := range src.NumPieces() {
		rb, err := src.ReadPiece(context.Background(), memory.DefaultAllocator, i, []string{"id", "x", "name", "day"})
		if err != nil {
			b.Fatal(err)
		}
		batches = append(batches, rb)
	}
	defer testkit.ReleaseAll(batches)
	st, _ := os.Stat(path)
	b.SetBytes(st.Size())
	for b.Loop() {
		if err := Write(io.Discard, src.Schema(), batches, DefaultWriteOptions()); err != nil {
			b.Fatal(err)
		}
	}
}
