package lazy_test

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/alopexdb/alopex/lazy/exec"
	"github.com/apache/arrow-go/v18/arrow"
)

func decodeExpr(t *testing.T, expr string) lazy.Expr {
	t.Helper()
	e, err := lazy.DecodeExpr([]byte(expr))
	if err != nil {
		t.Fatalf("decoding %s: %v", expr, err)
	}
	r, err := lazy.Resolve(e, testSources[0].Schema())
	if err != nil {
		t.Fatalf("resolving %s: %v", expr, err)
	}
	return r
}

func TestDecodeNodes(t *testing.T) {
	p, err := decodeNode(`{"kind": "slice", "offset": 1, "length": 2,
		"input": {"kind": "with_columns", "exprs": [{"kind": "alias", "name": "f", "expr": {"kind": "lit", "value": 1.5}}],
		"input": {"kind": "select", "exprs": [{"kind": "col", "name": "y"}, {"kind": "col", "name": "x"}],
		"input": {"kind": "filter", "predicate": {"kind": "binary", "op": "gt", "left": {"kind": "col", "name": "z"}, "right": {"kind": "lit", "value": 0}},
		"input": {"kind": "scan", "source": 1}}}}}`)
	if err != nil {
		t.Fatal(err)
	}
	s := p.(*lazy.Slice)
	if s.Offset != 1 || s.Length != 2 {
		t.Errorf("slice %d/%d", s.Offset, s.Length)
	}
	wc := s.Input.(*lazy.Project)
	if got := schemaString(wc.Schema()); got != "y: Float32, x: UInt8, f: Float64" {
		t.Errorf("with_columns schema %s", got)
	}
	sel := wc.Input.(*lazy.Project)
	if got := schemaString(sel.Schema()); got != "y: Float32, x: UInt8" {
		t.Errorf("select schema %s", got)
	}
	f := sel.Input.(*lazy.Filter)
	if got := f.Predicate.String(); got != `(col("z") > 0)` {
		t.Errorf("predicate %s", got)
	}
	if scan := f.Input.(*lazy.Scan); scan.Source != testSources[1] || scan.Limit != -1 || scan.Columns != nil {
		t.Errorf("scan %s", lazy.Explain(scan))
	}
	if srcs := lazy.Sources(p); len(srcs) != 1 || srcs[0] != testSources[1] {
		t.Errorf("Sources = %v", srcs)
	}

	// A slice without a length runs to the end.
	p, err = decodeNode(`{"kind": "slice", "offset": 4, "input": {"kind": "scan", "source": 0}}`)
	if err != nil {
		t.Fatal(err)
	}
	if s := p.(*lazy.Slice); s.Offset != 4 || s.Length != -1 {
		t.Errorf("slice %d/%d, want 4/-1", s.Offset, s.Length)
	}
}

func TestDecodeLiterals(t *testing.T) {
	cases := []struct {
		json     string
		value    any
		dtype    string
		dynamic  bool
		resolved string
	}{
		{`{"kind": "lit", "value": 3}`, int64(3), "Int64", true, "3"},
		{`{"kind": "lit", "value": -9223372036854775808}`, int64(math.MinInt64), "Int64", true, "-9223372036854775808"},
		{`{"kind": "lit", "value": 2.5}`, 2.5, "Float64", true, "2.5"},
		{`{"kind": "lit", "value": 1e3}`, 1000.0, "Float64", true, "1000.0"},
		// Python ints beyond Int64 arrive as dynamic floats.
		{`{"kind": "lit", "value": 9223372036854775808}`, 9223372036854775808.0, "Float64", true, "9.223372036854776e+18"},
		{`{"kind": "lit", "value": true}`, true, "Boolean", false, "true"},
		{`{"kind": "lit", "value": "héllo"}`, "héllo", "String", false, `"héllo"`},
		{`{"kind": "lit", "value": null}`, nil, "Null", false, "null"},
		{`{"kind": "lit"}`, nil, "Null", false, "null"},
		{`{"kind": "lit", "value": 7, "dtype": "Int8"}`, int64(7), "Int8", false, "7"},
		{`{"kind": "lit", "value": 7, "dtype": "UInt16"}`, uint64(7), "UInt16", false, "7"},
		{`{"kind": "lit", "value": 18446744073709551615, "dtype": "UInt64"}`, uint64(math.MaxUint64), "UInt64", false, "18446744073709551615"},
		{`{"kind": "lit", "value": 7, "dtype": "Float32"}`, 7.0, "Float32", false, "7.0"},
		{`{"kind": "lit", "value": 0.1, "dtype": "Float32"}`, 0.1, "Float32", false, "0.1"},
		{`{"kind": "lit", "value": 7, "dtype": "Float64"}`, 7.0, "Float64", true, "7.0"},
		{`{"kind": "lit", "value": "inf", "dtype": "Float64"}`, math.Inf(1), "Float64", true, "inf"},
		{`{"kind": "lit", "value": "-inf", "dtype": "Float32"}`, math.Inf(-1), "Float32", false, "-inf"},
		{`{"kind": "lit", "value": true, "dtype": "Boolean"}`, true, "Boolean", false, "true"},
		{`{"kind": "lit", "value": "x", "dtype": "String"}`, "x", "String", false, `"x"`},
		{`{"kind": "lit", "value": null, "dtype": "Int32"}`, nil, "Int32", false, "null"},
		{`{"kind": "lit", "value": null, "dtype": "Datetime(time_unit='ns')"}`, nil, "Datetime(time_unit='ns')", false, "null"},
	}
	for _, c := range cases {
		e := decodeExpr(t, c.json)
		l, ok := e.(*lazy.Literal)
		if !ok {
			t.Errorf("%s decoded to %T %s", c.json, e, e)
			continue
		}
		if l.Value != c.value {
			t.Errorf("%s: value %#v, want %#v", c.json, l.Value, c.value)
		}
		if got := core.DTypeName(l.Type); got != c.dtype {
			t.Errorf("%s: type %s, want %s", c.json, got, c.dtype)
		}
		if l.Dynamic != c.dynamic {
			t.Errorf("%s: dynamic %v, want %v", c.json, l.Dynamic, c.dynamic)
		}
		if got := l.String(); got != c.resolved {
			t.Errorf("%s prints %s, want %s", c.json, got, c.resolved)
		}
	}
	// NaN is not equal to itself: checked apart.
	l := decodeExpr(t, `{"kind": "lit", "value": "nan", "dtype": "Float64"}`).(*lazy.Literal)
	if v, ok := l.Value.(float64); !ok || !math.IsNaN(v) {
		t.Errorf("nan literal decoded to %#v", l.Value)
	}
}

func TestDecodeExpressions(t *testing.T) {
	cases := []struct{ json, want string }{
		{`{"kind": "col", "name": "a"}`, `col("a")`},
		{`{"kind": "alias", "name": "x", "expr": {"kind": "col", "name": "a"}}`, `col("a").alias("x")`},
		{`{"kind": "cast", "dtype": "Int8", "expr": {"kind": "col", "name": "a"}}`, `col("a").cast(Int8)`},
		{`{"kind": "unary", "op": "is_null", "expr": {"kind": "col", "name": "c"}}`, `col("c").is_null()`},
		{`{"kind": "unary", "op": "neg", "expr": {"kind": "col", "name": "e"}}`, `-col("e")`},
		{`{"kind": "binary", "op": "floordiv", "left": {"kind": "col", "name": "a"}, "right": {"kind": "lit", "value": 2}}`, `(col("a") // 2)`},
		{`{"kind": "binary", "op": "mod", "left": {"kind": "col", "name": "b"}, "right": {"kind": "lit", "value": 2}}`, `(col("b") % 2.0)`},
		{`{"kind": "binary", "op": "xor", "left": {"kind": "col", "name": "d"}, "right": {"kind": "lit", "value": null}}`, `(col("d") ^ null)`},
	}
	for _, c := range cases {
		if got := decodeExpr(t, c.json).String(); got != c.want {
			t.Errorf("%s decoded to %s, want %s", c.json, got, c.want)
		}
	}
	// Casts are strict unless the plan says otherwise.
	for js, want := range map[string]bool{
		`{"kind": "cast", "dtype": "Int8", "expr": {"kind": "col", "name": "a"}}`:                  true,
		`{"kind": "cast", "dtype": "Int8", "strict": true, "expr": {"kind": "col", "name": "a"}}`:  true,
		`{"kind": "cast", "dtype": "Int8", "strict": false, "expr": {"kind": "col", "name": "a"}}`: false,
	} {
		if c := decodeExpr(t, js).(*lazy.Cast); c.Strict != want {
			t.Errorf("%s: strict %v, want %v", js, c.Strict, want)
		}
	}
	c := decodeExpr(t, `{"kind": "cast", "dtype": "Datetime(time_unit='ms', time_zone='UTC')", "expr": {"kind": "lit", "value": null}}`)
	if want := (&arrow.TimestampType{Unit: arrow.Millisecond, TimeZone: "UTC"}); !arrow.TypeEqual(c.DataType(), want) {
		t.Errorf("cast to a zoned datetime has type %s", c.DataType())
	}
}

func TestDecodeErrors(t *testing.T) {
	cases := []struct {
		name string
		plan string // a whole document, version included
		kind core.Kind
		msg  string
	}{
		{"not json", `{"version": 1, "plan": `, core.KindInvalidInput, "malformed plan"},
		{"empty", ``, core.KindInvalidInput, "malformed plan"},
		{"array", `[]`, core.KindInvalidInput, "malformed plan"},
		{"old version", `{"version": 0, "plan": {"kind": "scan", "source": 0}}`, core.KindInvalidInput, "plan format version 0 is not supported"},
		{"new version", `{"version": 2, "plan": {"kind": "scan", "source": 0}}`, core.KindInvalidInput, "version 2"},
		{"no plan", `{"version": 1}`, core.KindInvalidInput, "missing plan node"},
		{"null plan", `{"version": 1, "plan": null}`, core.KindInvalidInput, "malformed plan"},
		{"plan not an object", `{"version": 1, "plan": 3}`, core.KindInvalidInput, "malformed plan"},
		{"kind not a string", `{"version": 1, "plan": {"kind": 1}}`, core.KindInvalidInput, "malformed plan"},
		{"scan without source", `{"version": 1, "plan": {"kind": "scan"}}`, core.KindInvalidInput, "scan without a source"},
		{"negative source", `{"version": 1, "plan": {"kind": "scan", "source": -1}}`, core.KindInvalidInput, "scan refers to source -1 of 5"},
		{"source out of range", `{"version": 1, "plan": {"kind": "scan", "source": 9}}`, core.KindInvalidInput, "scan refers to source 9 of 5"},
		{"fractional source", `{"version": 1, "plan": {"kind": "scan", "source": 0.5}}`, core.KindInvalidInput, "malformed plan"},
		{"filter without input", `{"version": 1, "plan": {"kind": "filter", "predicate": {"kind": "lit", "value": true}}}`, core.KindInvalidInput, "missing plan node"},
		{"filter without predicate", `{"version": 1, "plan": {"kind": "filter", "input": {"kind": "scan", "source": 0}}}`, core.KindInvalidInput, "missing expression"},
		{"exprs not a list", `{"version": 1, "plan": {"kind": "select", "exprs": {}, "input": {"kind": "scan", "source": 0}}}`, core.KindInvalidInput, "malformed plan"},
		{"null expr", `{"version": 1, "plan": {"kind": "select", "exprs": [null], "input": {"kind": "scan", "source": 0}}}`, core.KindInvalidInput, "malformed plan"},
		{"expr not an object", `{"version": 1, "plan": {"kind": "select", "exprs": [1], "input": {"kind": "scan", "source": 0}}}`, core.KindInvalidInput, "malformed plan"},
		{"alias without expr", `{"version": 1, "plan": {"kind": "select", "exprs": [{"kind": "alias", "name": "x"}], "input": {"kind": "scan", "source": 0}}}`, core.KindInvalidInput, "missing expression"},
		{"binary without right", `{"version": 1, "plan": {"kind": "select", "exprs": [{"kind": "binary", "op": "add", "left": {"kind": "col", "name": "a"}}], "input": {"kind": "scan", "source": 0}}}`, core.KindInvalidInput, "missing expression"},
		{"negative offset", `{"version": 1, "plan": {"kind": "slice", "offset": -1, "input": {"kind": "scan", "source": 0}}}`, core.KindInvalidInput, "must not be negative"},
		{"negative length", `{"version": 1, "plan": {"kind": "slice", "offset": 0, "length": -2, "input": {"kind": "scan", "source": 0}}}`, core.KindInvalidInput, "must not be negative"},
		{"offset not a number", `{"version": 1, "plan": {"kind": "slice", "offset": "1", "input": {"kind": "scan", "source": 0}}}`, core.KindInvalidInput, "malformed plan"},
		{"unknown dtype", `{"version": 1, "plan": {"kind": "select", "exprs": [{"kind": "cast", "dtype": "Int9", "expr": {"kind": "col", "name": "a"}}], "input": {"kind": "scan", "source": 0}}}`, core.KindInvalidInput, `unknown data type "Int9"`},
		{"literal too big for its type", `{"version": 1, "plan": {"kind": "select", "exprs": [{"kind": "lit", "value": 300, "dtype": "Int8"}], "input": {"kind": "scan", "source": 0}}}`, core.KindInvalidInput, "literal 300 does not fit in Int8"},
		{"negative unsigned literal", `{"version": 1, "plan": {"kind": "select", "exprs": [{"kind": "lit", "value": -1, "dtype": "UInt8"}], "input": {"kind": "scan", "source": 0}}}`, core.KindInvalidInput, "does not fit in UInt8"},
		{"literal of the wrong kind", `{"version": 1, "plan": {"kind": "select", "exprs": [{"kind": "lit", "value": "x", "dtype": "Int64"}], "input": {"kind": "scan", "source": 0}}}`, core.KindInvalidInput, "does not fit in Int64"},
		{"literal out of float range", `{"version": 1, "plan": {"kind": "select", "exprs": [{"kind": "lit", "value": 1e999}], "input": {"kind": "scan", "source": 0}}}`, core.KindInvalidInput, "malformed plan"},
		{"float literal from a bool", `{"version": 1, "plan": {"kind": "select", "exprs": [{"kind": "lit", "value": true, "dtype": "Float64"}], "input": {"kind": "scan", "source": 0}}}`, core.KindInvalidInput, "float literal"},
		{"float literal without value", `{"version": 1, "plan": {"kind": "select", "exprs": [{"kind": "lit", "dtype": "Float32"}], "input": {"kind": "scan", "source": 0}}}`, core.KindInvalidInput, "float literal without a value"},
		{"float literal from a word", `{"version": 1, "plan": {"kind": "select", "exprs": [{"kind": "lit", "value": "many", "dtype": "Float64"}], "input": {"kind": "scan", "source": 0}}}`, core.KindInvalidInput, "float literal"},
		{"literal list", `{"version": 1, "plan": {"kind": "select", "exprs": [{"kind": "lit", "value": [1, 2]}], "input": {"kind": "scan", "source": 0}}}`, core.KindInvalidInput, "literal of unexpected JSON type"},
		{"unknown node", `{"version": 1, "plan": {"kind": "pivot", "input": {"kind": "scan", "source": 0}}}`, core.KindNotSupported, `plan node "pivot"`},
		{"unknown expression", `{"version": 1, "plan": {"kind": "select", "exprs": [{"kind": "window"}], "input": {"kind": "scan", "source": 0}}}`, core.KindNotSupported, `expression kind "window"`},
		{"unknown binary op", `{"version": 1, "plan": {"kind": "select", "exprs": [{"kind": "binary", "op": "pow", "left": {"kind": "col", "name": "a"}, "right": {"kind": "col", "name": "a"}}], "input": {"kind": "scan", "source": 0}}}`, core.KindNotSupported, `binary operator "pow"`},
		{"unknown unary op", `{"version": 1, "plan": {"kind": "select", "exprs": [{"kind": "unary", "op": "abs", "expr": {"kind": "col", "name": "a"}}], "input": {"kind": "scan", "source": 0}}}`, core.KindNotSupported, `unary operator "abs"`},
		{"unknown column", `{"version": 1, "plan": {"kind": "filter", "predicate": {"kind": "col", "name": "dd"}, "input": {"kind": "scan", "source": 0}}}`, core.KindColumnNotFound, "column 'dd' not found; did you mean 'd'"},
		{"type error", `{"version": 1, "plan": {"kind": "filter", "predicate": {"kind": "binary", "op": "gt", "left": {"kind": "col", "name": "c"}, "right": {"kind": "lit", "value": 1}}, "input": {"kind": "scan", "source": 0}}}`, core.KindCompute, "cannot compare String and Int64"},
		{"non-boolean filter", `{"version": 1, "plan": {"kind": "filter", "predicate": {"kind": "col", "name": "b"}, "input": {"kind": "scan", "source": 0}}}`, core.KindCompute, "must be Boolean, got Float64"},
		{"duplicate output", `{"version": 1, "plan": {"kind": "select", "exprs": [{"kind": "col", "name": "a"}, {"kind": "alias", "name": "a", "expr": {"kind": "col", "name": "b"}}], "input": {"kind": "scan", "source": 0}}}`, core.KindSchema, "produced twice"},
		{"with_columns sets twice", `{"version": 1, "plan": {"kind": "with_columns", "exprs": [{"kind": "col", "name": "a"}, {"kind": "col", "name": "a"}], "input": {"kind": "scan", "source": 0}}}`, core.KindSchema, "sets 'a' twice"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := lazy.Decode([]byte(c.plan), testSources, lazy.Env{})
			if err == nil {
				t.Fatalf("decoded to\n%s", lazy.Explain(p))
			}
			ce := wantKind(t, err, c.kind)
			if !strings.Contains(ce.Message, c.msg) {
				t.Errorf("message %q does not contain %q", ce.Message, c.msg)
			}
		})
	}
}

// fuzzSeeds are the starting points of FuzzDecodePlan: valid plans of every
// node and expression kind, and broken ones.
var fuzzSeeds = []string{
	`{"version": 1, "plan": {"kind": "scan", "source": 0}}`,
	`{"version": 1, "plan": {"kind": "scan", "source": 1}}`,
	`{"version": 1, "plan": {"kind": "filter", "input": {"kind": "scan", "source": 0}, "predicate": {"kind": "binary", "op": "and", "left": {"kind": "binary", "op": "gt", "left": {"kind": "col", "name": "a"}, "right": {"kind": "lit", "value": 1}}, "right": {"kind": "unary", "op": "not", "expr": {"kind": "col", "name": "d"}}}}}`,
	`{"version": 1, "plan": {"kind": "select", "input": {"kind": "scan", "source": 0}, "exprs": [{"kind": "alias", "name": "x", "expr": {"kind": "binary", "op": "mul", "left": {"kind": "col", "name": "e"}, "right": {"kind": "lit", "value": 200}}}, {"kind": "cast", "dtype": "Float32", "strict": false, "expr": {"kind": "col", "name": "c"}}]}}`,
	`{"version": 1, "plan": {"kind": "with_columns", "input": {"kind": "scan", "source": 1}, "exprs": [{"kind": "binary", "op": "truediv", "left": {"kind": "col", "name": "x"}, "right": {"kind": "lit", "value": "nan", "dtype": "Float64"}}, {"kind": "lit", "value": null, "dtype": "Int8"}]}}`,
	`{"version": 1, "plan": {"kind": "slice", "offset": 3, "length": 4, "input": {"kind": "slice", "offset": 1, "input": {"kind": "scan", "source": 0}}}}`,
	`{"version": 1, "plan": {"kind": "select", "input": {"kind": "scan", "source": 0}, "exprs": [{"kind": "unary", "op": "is_not_null", "expr": {"kind": "binary", "op": "mod", "left": {"kind": "col", "name": "a"}, "right": {"kind": "lit", "value": -3, "dtype": "Int64"}}}, {"kind": "alias", "name": "s", "expr": {"kind": "binary", "op": "add", "left": {"kind": "col", "name": "c"}, "right": {"kind": "lit", "value": "!"}}}]}}`,
	`{"version": 1, "plan": {"kind": "filter", "input": {"kind": "select", "input": {"kind": "scan", "source": 1}, "exprs": [{"kind": "alias", "name": "q", "expr": {"kind": "col", "name": "z"}}]}, "predicate": {"kind": "binary", "op": "xor", "left": {"kind": "binary", "op": "le", "left": {"kind": "col", "name": "q"}, "right": {"kind": "lit", "value": 18446744073709551615, "dtype": "UInt64"}}, "right": {"kind": "lit", "value": true}}}}`,
	`{"version": 1, "plan": {"kind": "scan", "source": 7}}`,
	`{"version": 2, "plan": {"kind": "scan", "source": 0}}`,
	`{"version": 1, "plan": {"kind": "filter", "input": {"kind": "scan", "source": 0}, "predicate": {"kind": "col", "name": "zz"}}}`,
	`{"version": 1, "plan": {"kind": "select", "input": {"kind": "scan", "source": 0}, "exprs": [{"kind": "lit", "value": 1e999}]}}`,
	`{"version": 1, "plan": {"kind": "slice", "offset": -1, "input": {"kind": "scan", "source": 0}}}`,
	`{"version": 1, "plan": {"kind": "select", "input": {"kind": "scan", "source": 0}, "exprs": [{"kind": "cast", "dtype": "Decimal(precision=10, scale=2)", "expr": {"kind": "col", "name": "a"}}]}}`,
	`{"version": 1, "plan": [1, 2, 3]}`,
	`{"version": 1, "plan": {"kind": "filter"}}`,
	`{"version": 1`,
	`null`,
	``,
}

// FuzzDecodePlan feeds Decode arbitrary bytes. Whatever comes in, Decode must
// not panic; it returns either a plan that explains and optimizes without
// panicking, or a *core.Error whose kind tells the user what is wrong:
// never an internal error, and InvalidInputError for anything that is not
// JSON. With plain `go test` it runs the seeds here and under
// testdata/fuzz/FuzzDecodePlan (the plans of the data-driven files and
// docs/plan-format.md); explore with
//
//	go test ./lazy -run '^$' -fuzz FuzzDecodePlan -fuzztime 10m
func FuzzDecodePlan(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := lazy.Decode(data, testSources, lazy.Env{})
		if err != nil {
			k := core.KindOf(err)
			switch k {
			case core.KindInvalidInput, core.KindNotSupported, core.KindColumnNotFound, core.KindCompute, core.KindSchema:
			default:
				t.Fatalf("Decode(%q): error of kind %s: %v", data, k, err)
			}
			if !json.Valid(data) && k != core.KindInvalidInput {
				t.Fatalf("Decode(%q) of invalid JSON: kind %s, want InvalidInputError", data, k)
			}
			return
		}
		if !json.Valid(data) {
			t.Fatalf("Decode accepted invalid JSON %q", data)
		}
		want := schemaString(p.Schema())
		_ = lazy.Explain(p)
		q := exec.Optimize(p)
		_ = lazy.Explain(q)
		if got := schemaString(q.Schema()); got != want {
			t.Fatalf("Optimize changed the schema of %q from %s to %s", data, want, got)
		}
	})
}
