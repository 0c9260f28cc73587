package exec

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy"
	"github.com/apache/arrow-go/v18/arrow"
)

func strFn(name string, opts map[string]any, args ...lazy.Expr) lazy.Expr {
	return &lazy.Call{Name: "str." + name, Args: args, Opts: opts}
}

// TestStringFunctionsRun runs every string function through a plan, over
// small morsels (sliced arrays at odd offsets) and batches of different
// sizes, with the allocators checked for leaks.
func TestStringFunctionsRun(t *testing.T) {
	mem := checkLeaks(t)
	setMorselRows(t, 3)
	str, i64 := arrow.BinaryTypes.String, arrow.PrimitiveTypes.Int64
	tbl := newTable(t, mem, []column{
		{"s", str, []any{"Alopex", nil, "日本語", "", "ΟΔΟΣ", "straße", "a,b", "  x  "}},
		{"p", str, []any{"o", "x", "本", nil, "Σ$", "[", "", "x"}},
		{"n", i64, []any{int64(2), int64(1), nil, int64(0), int64(-1), int64(3), int64(1), int64(9)}},
	}, 5, 3)
	defer tbl.Release()
	scan := lazy.NewScan(tbl)
	u := func(v uint64) any { return v }
	cases := []struct {
		e    lazy.Expr
		want []any
	}{
		{strFn("to_uppercase", nil, col("s")), []any{"ALOPEX", nil, "日本語", "", "ΟΔΟΣ", "STRASSE", "A,B", "  X  "}},
		{strFn("to_lowercase", nil, col("s")), []any{"alopex", nil, "日本語", "", "οδος", "straße", "a,b", "  x  "}},
		{strFn("len_chars", nil, col("s")), []any{u(6), nil, u(3), u(0), u(4), u(6), u(3), u(5)}},
		{strFn("len_bytes", nil, col("s")), []any{u(6), nil, u(9), u(0), u(8), u(7), u(3), u(5)}},
		{strFn("reverse", nil, col("s")), []any{"xepolA", nil, "語本日", "", "ΣΟΔΟ", "eßarts", "b,a", "  x  "}},
		{strFn("contains", map[string]any{"literal": true}, col("s"), lit("o")),
			[]any{true, nil, false, false, false, false, false, false}},
		{strFn("contains", map[string]any{"strict": false}, col("s"), col("p")),
			[]any{true, nil, true, nil, true, nil, true, true}},
		{strFn("starts_with", nil, col("s"), lit("a")), []any{false, nil, false, false, false, false, true, false}},
		{strFn("ends_with", nil, col("s"), col("p")), []any{false, nil, false, nil, false, false, true, false}},
		{strFn("find", nil, col("s"), lit("[,x]")), []any{u(5), nil, nil, nil, nil, nil, u(1), u(2)}},
		{strFn("count_matches", map[string]any{"literal": true}, col("s"), lit("")),
			[]any{u(7), nil, u(4), u(1), u(5), u(7), u(4), u(6)}},
		{strFn("replace", map[string]any{"n": int64(1)}, col("s"), lit("(.)$"), lit("[$1]")),
			[]any{"Alope[x]", nil, "日本[語]", "", "ΟΔΟ[Σ]", "straß[e]", "a,[b]", "  x [ ]"}},
		{strFn("replace_all", map[string]any{"literal": true}, col("s"), lit(","), col("p")),
			[]any{"Alopex", nil, "日本語", "", "ΟΔΟΣ", "straße", "ab", "  x  "}},
		{strFn("slice", nil, col("s"), dyn(int64(-3)), dyn(int64(2))), []any{"pe", nil, "日本", "", "ΔΟ", "aß", "a,", "x "}},
		{strFn("slice", nil, col("s"), col("n"), lit(nil)), []any{"opex", nil, nil, "", "Σ", "aße", ",b", ""}},
		{strFn("head", nil, col("s"), col("n")), []any{"Al", nil, nil, "", "ΟΔΟ", "str", "a", "  x  "}},
		{strFn("tail", nil, col("s"), dyn(int64(2))), []any{"ex", nil, "本語", "", "ΟΣ", "ße", ",b", "  "}},
		{strFn("zfill", nil, col("s"), dyn(int64(4))), []any{"Alopex", nil, "0日本語", "0000", "ΟΔΟΣ", "straße", "0a,b", "  x  "}},
		{strFn("pad_end", map[string]any{"fill_char": "é"}, col("s"), dyn(int64(4))),
			[]any{"Alopex", nil, "日本語é", "éééé", "ΟΔΟΣ", "straße", "a,bé", "  x  "}},
		{strFn("strip_chars", nil, col("s"), lit(nil)), []any{"Alopex", nil, "日本語", "", "ΟΔΟΣ", "straße", "a,b", "x"}},
		{strFn("strip_chars_start", nil, col("s"), lit("A ")), []any{"lopex", nil, "日本語", "", "ΟΔΟΣ", "straße", "a,b", "x  "}},
	}
	for _, c := range cases {
		for _, p := range []lazy.Plan{sel(t, scan, alias(c.e, "out")), Optimize(sel(t, scan, alias(c.e, "out")))} {
			r := run(t, mem, p)
			if !sameValues(r.cols["out"], c.want) {
				t.Errorf("%s = %v, want %v", c.e, r.cols["out"], c.want)
			}
		}
	}

	// A string predicate filters across morsels.
	r := run(t, mem, Optimize(filter(t, scan, strFn("contains", nil, col("s"), lit(`^\w+$`)))))
	if want := []any{"Alopex", "日本語", "ΟΔΟΣ", "straße"}; !sameValues(r.cols["s"], want) {
		t.Errorf("filter by contains: %v, want %v", r.cols["s"], want)
	}

	// Integers and dates parse; the results have the resolved types.
	nums := newTable(t, mem, []column{{"s", str, []any{"12", "-7", nil, "x"}}}, 2, 2)
	defer nums.Release()
	p := sel(t, lazy.NewScan(nums),
		alias(strFn("to_integer", map[string]any{"strict": false, "dtype": "Int8"}, col("s"), dyn(int64(16))), "i"),
		alias(strFn("to_date", map[string]any{"strict": false}, col("s")), "d"),
		alias(strFn("to_datetime", map[string]any{"strict": false, "format": "%s"}, col("s")), "t"))
	if got := schemaString(p.Schema()); got != "i: Int8, d: Date, t: Datetime(time_unit='us')" {
		t.Errorf("schema %s", got)
	}
	r = run(t, mem, sel(t, p, col("i")))
	if want := []any{int64(18), int64(-7), nil, nil}; !sameValues(r.cols["i"], want) {
		t.Errorf("to_integer: %v, want %v", r.cols["i"], want)
	}
}

// TestStringFunctionErrors: literal regular expressions and formats are
// checked when the plan is built, with the kernels' compilers; patterns
// from a column fail when they run.
func TestStringFunctionErrors(t *testing.T) {
	mem := checkLeaks(t)
	str := arrow.BinaryTypes.String
	tbl := newTable(t, mem, []column{{"s", str, []any{"a", "b"}}, {"p", str, []any{"a", "("}}})
	defer tbl.Release()
	scan := lazy.NewScan(tbl)
	for _, c := range []struct {
		e    lazy.Expr
		kind core.Kind
		msg  string
	}{
		{strFn("contains", nil, col("s"), lit("(")), core.KindCompute, `invalid regular expression "("`},
		{strFn("replace_all", nil, col("s"), lit("a{2"), lit("")), core.KindCompute, `"a{2"`},
		{strFn("count_matches", nil, col("s"), lit("[a[b]]")), core.KindNotSupported, "nested character class"},
		{strFn("to_date", map[string]any{"format": "%Y-%Q"}, col("s")), core.KindCompute, "unknown directive %Q"},
		{strFn("to_datetime", map[string]any{"format": "%Y-%m-%d %H"}, col("s")), core.KindCompute, "hour and the minute"},
		{strFn("to_date", map[string]any{"format": "%Y %Z"}, col("s")), core.KindNotSupported, "%Z"},
	} {
		_, err := lazy.NewProject(scan, []lazy.Expr{c.e})
		var ce *core.Error
		if !errors.As(err, &ce) || ce.Kind != c.kind || !strings.Contains(ce.Message, c.msg) {
			t.Errorf("%s: error %v, want %s containing %q", c.e, err, c.kind, c.msg)
		}
	}
	_, err := Run(context.Background(), mem, sel(t, scan, strFn("contains", nil, col("s"), col("p"))))
	var ce *core.Error
	if !errors.As(err, &ce) || ce.Kind != core.KindCompute || !strings.Contains(ce.Message, `"("`) {
		t.Errorf("column pattern: error %v, want a ComputeError naming the pattern", err)
	}
	_, err = Run(context.Background(), mem, sel(t, scan, strFn("to_integer", nil, col("s"), dyn(int64(10)))))
	if !errors.As(err, &ce) || ce.Kind != core.KindCompute || !strings.Contains(ce.Message, "strict integer parsing") {
		t.Errorf("strict to_integer: error %v", err)
	}
}
