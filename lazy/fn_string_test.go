package lazy_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/apache/arrow-go/v18/arrow"
)

func strCall(name string, opts map[string]any, args ...lazy.Expr) lazy.Expr {
	return &lazy.Call{Name: "str." + name, Args: args, Opts: opts}
}

func TestResolveStringFunctions(t *testing.T) {
	cases := []struct {
		e        lazy.Expr
		wantType string
		wantExpr string
	}{
		{strCall("len_chars", nil, col("s")), "UInt32", `col("s").str.len_chars()`},
		{strCall("len_bytes", nil, col("ls")), "UInt32", `col("ls").str.len_bytes()`},
		{strCall("to_uppercase", nil, col("s")), "String", `col("s").str.to_uppercase()`},
		{strCall("contains", map[string]any{"literal": false, "strict": true}, col("s"), lit("a+")),
			"Boolean", `col("s").str.contains("a+", literal=false, strict=true)`},
		{strCall("contains", nil, col("s"), col("ls")), "Boolean", `col("s").str.contains(col("ls"))`},
		{strCall("starts_with", nil, col("s"), lit(nil)), "Boolean", `col("s").str.starts_with(null)`},
		{strCall("find", nil, col("s"), lit("x")), "UInt32", `col("s").str.find("x")`},
		{strCall("count_matches", nil, col("s"), lit("x")), "UInt32", `col("s").str.count_matches("x")`},
		{strCall("replace", map[string]any{"n": int64(2)}, col("s"), lit("a"), col("ls")), "String",
			`col("s").str.replace("a", col("ls"), n=2)`},
		// Integer arguments are read as Int64; a null length means "to the end".
		{strCall("slice", nil, col("s"), dyn(int64(-2)), lit(nil)), "String", `col("s").str.slice(-2, null)`},
		{strCall("slice", nil, col("s"), col("i8"), col("u32")), "String",
			`col("s").str.slice(col("i8").cast(Int64), col("u32").cast(Int64))`},
		{strCall("head", nil, col("s"), dyn(int64(3))), "String", `col("s").str.head(3)`},
		{strCall("zfill", nil, col("s"), dyn(int64(3))), "String", `col("s").str.zfill(3)`},
		{strCall("pad_start", map[string]any{"fill_char": "*"}, col("s"), dyn(int64(3))), "String",
			`col("s").str.pad_start(3, fill_char="*")`},
		{strCall("strip_chars", nil, col("s"), lit(nil)), "String", `col("s").str.strip_chars(null)`},
		{strCall("to_integer", map[string]any{"dtype": "UInt8"}, col("s"), dyn(int64(16))), "UInt8",
			`col("s").str.to_integer(16, dtype="UInt8")`},
		{strCall("to_integer", nil, col("s"), dyn(int64(10))), "Int64", `col("s").str.to_integer(10)`},
		{strCall("to_date", nil, col("s")), "Date", `col("s").str.to_date()`},
		{strCall("to_datetime", nil, col("s")), "Datetime(time_unit='us')", `col("s").str.to_datetime()`},
		{strCall("to_datetime", map[string]any{"format": "%Y-%m-%d %H:%M:%S%.9f"}, col("s")),
			"Datetime(time_unit='ns')", `col("s").str.to_datetime(format="%Y-%m-%d %H:%M:%S%.9f")`},
		{strCall("to_datetime", map[string]any{"format": "%Y %H:%M:%S%3f"}, col("s")),
			"Datetime(time_unit='ms')", `col("s").str.to_datetime(format="%Y %H:%M:%S%3f")`},
		{strCall("to_datetime", map[string]any{"time_unit": "ms", "time_zone": "UTC"}, col("s")),
			"Datetime(time_unit='ms', time_zone='UTC')", `col("s").str.to_datetime(time_unit="ms", time_zone="UTC")`},
	}
	for _, c := range cases {
		r := mustResolve(t, c.e)
		checkTyped(t, r)
		if got := core.DTypeName(r.DataType()); got != c.wantType {
			t.Errorf("%s: type %s, want %s", c.e, got, c.wantType)
		}
		if got := r.String(); got != c.wantExpr {
			t.Errorf("%s: resolved to %s, want %s", c.e, got, c.wantExpr)
		}
	}
}

func TestResolveStringFunctionErrors(t *testing.T) {
	cases := []struct {
		e    lazy.Expr
		kind core.Kind
		msg  string
	}{
		{strCall("len_chars", nil, col("i64")), core.KindCompute, "needs a String input, got Int64"},
		{strCall("len_chars", nil, col("n")), core.KindCompute, "needs a String input, got Null"},
		{strCall("len_chars", nil, col("s"), lit("x")), core.KindInvalidInput, "takes 1 to 1 arguments"},
		{strCall("contains", nil, col("s"), dyn(int64(1))), core.KindCompute, "pattern must be a String"},
		{strCall("slice", nil, col("s"), dyn(1.5), lit(nil)), core.KindCompute, "offset must be an integer"},
		{strCall("replace", nil, col("s"), col("ls"), lit("x")), core.KindNotSupported, "pattern that is an expression"},
		{strCall("replace", nil, col("s"), lit(nil), lit("x")), core.KindCompute, "pattern must not be null"},
		{strCall("replace_all", nil, col("s"), lit("a"), lit(nil)), core.KindCompute, "value must not be null"},
		{strCall("pad_end", map[string]any{"fill_char": "ab"}, col("s"), dyn(int64(3))), core.KindInvalidInput,
			"fill_char must be a single character"},
		{strCall("to_integer", nil, col("s"), col("i64")), core.KindNotSupported, "base that is an expression"},
		{strCall("to_integer", nil, col("s"), dyn(int64(37))), core.KindCompute, "from 2 to 36"},
		{strCall("to_integer", map[string]any{"dtype": "Float64"}, col("s"), dyn(int64(10))), core.KindInvalidInput,
			"must be an integer type"},
		{strCall("to_date", map[string]any{"exact": false}, col("s")), core.KindNotSupported, "exact=False"},
		{strCall("to_datetime", map[string]any{"time_zone": "Europe/Paris"}, col("s")), core.KindNotSupported,
			"only UTC"},
		{strCall("to_datetime", map[string]any{"time_unit": "s"}, col("s")), core.KindInvalidInput, "time_unit"},
		{strCall("split", map[string]any{"literal": false}, col("s"), lit(",")), core.KindNotSupported, "literal=False"},
	}
	for _, c := range cases {
		_, err := lazy.Resolve(c.e, resolveSchema)
		ce := wantKind(t, err, c.kind)
		if !strings.Contains(ce.Message, c.msg) {
			t.Errorf("%s: message %q does not contain %q", c.e, ce.Message, c.msg)
		}
	}
}

// TestResolveChecksPatterns: literal regular expressions and formats are
// checked at plan time, with the compilers the kernels run (the registry's
// rules call them directly: planning needs no hook installed by lazy/exec).
func TestResolveChecksPatterns(t *testing.T) {
	for _, name := range []string{"contains", "find", "count_matches"} {
		_, err := lazy.Resolve(strCall(name, nil, col("s"), lit("(")), resolveSchema)
		wantKind(t, err, core.KindCompute)
	}
	_, err := lazy.Resolve(strCall("replace", nil, col("s"), lit("("), lit("x")), resolveSchema)
	wantKind(t, err, core.KindCompute)
	// Not checked: literal patterns, non-strict functions, column patterns.
	for _, e := range []lazy.Expr{
		strCall("contains", map[string]any{"literal": true}, col("s"), lit("(")),
		strCall("contains", map[string]any{"strict": false}, col("s"), lit("(")),
		strCall("find", map[string]any{"strict": false}, col("s"), lit("(")),
		strCall("contains", nil, col("s"), col("ls")),
		strCall("count_matches", map[string]any{"literal": true}, col("s"), lit("(")),
	} {
		if _, err := lazy.Resolve(e, resolveSchema); err != nil {
			t.Errorf("%s: %v", e, err)
		}
	}
	_, err = lazy.Resolve(strCall("to_date", map[string]any{"format": "%Y-%m-%"}, col("s")), resolveSchema)
	ce := wantKind(t, err, core.KindCompute)
	var want *core.Error
	if !errors.As(err, &want) || ce.Details["expression"] == nil {
		t.Errorf("error %v does not carry the expression", err)
	}
	_, err = lazy.Resolve(strCall("to_datetime", map[string]any{"format": "%Y-%m-%d %H"}, col("s")), resolveSchema)
	wantKind(t, err, core.KindCompute)
	r, err := lazy.Resolve(strCall("to_datetime", map[string]any{"format": "%Y-%m-%d %H:%M%z"}, col("s")), resolveSchema)
	if err != nil {
		t.Fatal(err)
	}
	if ts, ok := r.DataType().(*arrow.TimestampType); !ok || ts.TimeZone != "UTC" || ts.Unit != arrow.Microsecond {
		t.Errorf("to_datetime with %%z: type %s, want Datetime(us, UTC)", r.DataType())
	}
}
