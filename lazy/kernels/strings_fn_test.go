package kernels_test

import (
	"fmt"
	"math"
	"math/big"
	"math/rand"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/alopexdb/alopex/core"
	"github.com/alopexdb/alopex/lazy/kernels"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/arrow/memory/mallocator"
)

// stringLayouts are the string layouts every string kernel reads.
var stringLayouts = []arrow.DataType{str, lstr, arrow.BinaryTypes.StringView}

// strKernel runs one kernel on an input array.
type strKernel func(mem memory.Allocator, a arrow.Array) (arrow.Array, error)

// checkStrKernel runs f over in, for every string layout and slice offset,
// and compares the result (of type dt) with want; the allocator must be
// empty afterwards.
func checkStrKernel(t *testing.T, what string, f strKernel, in []any, dt arrow.DataType, want []any) {
	t.Helper()
	for _, layout := range stringLayouts {
		for _, off := range offsets {
			mem := newMem()
			a := makeArray(t, mem, layout, in, off)
			got, err := f(mem, a)
			if err != nil {
				t.Fatalf("%s (%s, offset %d): %v", what, layout, off, err)
			}
			checkArray(t, got, dt, want, fmt.Sprintf("%s (%s, offset %d)", what, layout, off))
			got.Release()
			a.Release()
			mem.AssertSize(t, 0)
		}
	}
}

// checkStrError runs f over in and expects an error of the given kind.
func checkStrError(t *testing.T, what string, f strKernel, in []any, kind core.Kind) *core.Error {
	t.Helper()
	mem := newMem()
	defer mem.AssertSize(t, 0)
	a := makeArray(t, mem, str, in, 3)
	defer a.Release()
	got, err := f(mem, a)
	if err == nil {
		got.Release()
		t.Fatalf("%s: no error", what)
	}
	return wantKind(t, err, kind)
}

func scalar(v any) kernels.Value {
	switch v.(type) {
	case int64:
		return kernels.ScalarValue(v, i64)
	case nil:
		return kernels.ScalarValue(nil, str)
	}
	return kernels.ScalarValue(v, str)
}

func unaryKernel(f func(memory.Allocator, arrow.Array) arrow.Array) strKernel {
	return func(mem memory.Allocator, a arrow.Array) (arrow.Array, error) { return f(mem, a), nil }
}

var unicodeSample = anys[any]("", "a", "Zürich", nil, "日本語", "😀👍🏽", "e\u0301x", "ßﬁ", "ΣΑΣ ΟΔΟΣ.", "İ", "  pad  ")

func TestStrLengths(t *testing.T) {
	checkStrKernel(t, "len_bytes", unaryKernel(kernels.StrLenBytes), unicodeSample, u32,
		anys[any](uint64(0), uint64(1), uint64(7), nil, uint64(9), uint64(12), uint64(4), uint64(5), uint64(16), uint64(2), uint64(7)))
	checkStrKernel(t, "len_chars", unaryKernel(kernels.StrLenChars), unicodeSample, u32,
		anys[any](uint64(0), uint64(1), uint64(6), nil, uint64(3), uint64(3), uint64(3), uint64(2), uint64(9), uint64(1), uint64(7)))
	// The eight-bytes-at-a-time counting, on long strings.
	long := strings.Repeat("aé日😀", 50) + "xyz"
	checkStrKernel(t, "len_chars long", unaryKernel(kernels.StrLenChars), anys[any](long, strings.Repeat("q", 77)), u32,
		anys[any](uint64(utf8.RuneCountInString(long)), uint64(77)))
}

func TestStrCase(t *testing.T) {
	upper := func(mem memory.Allocator, a arrow.Array) (arrow.Array, error) { return kernels.StrToCase(mem, a, true) }
	lower := func(mem memory.Allocator, a arrow.Array) (arrow.Array, error) {
		return kernels.StrToCase(mem, a, false)
	}
	checkStrKernel(t, "upper", upper, unicodeSample, str,
		anys[any]("", "A", "ZÜRICH", nil, "日本語", "😀👍🏽", "E\u0301X", "SSFI", "ΣΑΣ ΟΔΟΣ.", "İ", "  PAD  "))
	checkStrKernel(t, "lower", lower, unicodeSample, str,
		anys[any]("", "a", "zürich", nil, "日本語", "😀👍🏽", "e\u0301x", "ßﬁ", "σας οδος.", "i\u0307", "  pad  "))
	// Final sigma: only after a cased letter and not before one, skipping
	// case-ignorable characters (as Rust's str::to_lowercase).
	checkStrKernel(t, "final sigma", lower, anys[any]("Σ", "ΑΣ", "AΣ'", "AΣ'A", "Σa", "A.Σ", "aΣ\u0301"), str,
		anys[any]("σ", "ας", "aς'", "aσ'a", "σa", "a.ς", "aς\u0301"))
	// All-ASCII buffers take the one-pass path, also with nulls and empty rows.
	checkStrKernel(t, "ascii upper", upper, anys[any]("abc", nil, "", "Hello, World! 123"), str,
		anys[any]("ABC", nil, "", "HELLO, WORLD! 123"))
	checkStrKernel(t, "ascii lower", lower, anys[any]("ABC", nil, "", "Hello, World! 123"), str,
		anys[any]("abc", nil, "", "hello, world! 123"))
	checkStrKernel(t, "empty", upper, nil, str, nil)
	checkStrKernel(t, "all null", upper, anys[any](nil, nil), str, anys[any](nil, nil))
}

func TestStrReverse(t *testing.T) {
	in := anys[any]("abc", "", nil, "日本語", "😀👍🏽", "e\u0301x", "नमस्ते", "👨\u200d👩\u200d👧x",
		"🇯🇵🇺🇸", "\u1100\u1161\u11A8z", "a\r\nb", "ก่ำ", "\u0600a", "a\u200db", "🏽a")
	want := anys[any]("cba", "", nil, "語本日", "👍🏽😀", "xe\u0301", "स्तेमन", "x👨\u200d👩\u200d👧",
		"🇺🇸🇯🇵", "z\u1100\u1161\u11A8", "b\r\na", "ก่ำ", "\u0600a", "ba\u200d", "a🏽")
	checkStrKernel(t, "reverse", kernels.StrReverse, in, str, want)
}

// refSlice is Polars' str.slice over a slice of characters, in exact
// (big integer) arithmetic.
func refSlice(s string, off int64, ln int64, hasLen bool) string {
	r := []rune(s)
	n := big.NewInt(int64(len(r)))
	start := big.NewInt(off)
	if off < 0 {
		start.Add(start, n)
	}
	end := new(big.Int).Set(n)
	if hasLen {
		end.Add(start, big.NewInt(ln))
	}
	clamp := func(x, lo, hi *big.Int) int {
		if x.Cmp(lo) < 0 {
			x = lo
		}
		if x.Cmp(hi) > 0 {
			x = hi
		}
		return int(x.Int64())
	}
	a := clamp(start, big.NewInt(0), n)
	b := clamp(end, big.NewInt(int64(a)), n)
	return string(r[a:b])
}

func TestStrSlice(t *testing.T) {
	words := []string{"", "a", "abcdef", "日本語", "aé日😀b", "😀👍🏽"}
	in := anys(words...)
	for _, off := range []int64{0, 1, 2, 5, 100, -1, -2, -5, -100, math.MinInt64, math.MaxInt64} {
		for _, ln := range []any{nil, int64(0), int64(1), int64(2), int64(10), int64(math.MaxInt64)} {
			want := make([]any, len(words))
			for i, w := range words {
				l, ok := ln.(int64)
				want[i] = refSlice(w, off, l, ok)
			}
			f := func(mem memory.Allocator, a arrow.Array) (arrow.Array, error) {
				return kernels.StrSlice(mem, a, scalar(off), scalar(ln))
			}
			checkStrKernel(t, fmt.Sprintf("slice(%d, %v)", off, ln), f, in, str, want)
		}
	}
	// Offsets and lengths from columns; a null offset gives null, a null
	// length means "to the end".
	mem := newMem()
	defer mem.AssertSize(t, 0)
	a := makeArray(t, mem, str, anys[any]("abc", "abcd", "xyz", nil), 1)
	defer a.Release()
	offs := makeArray(t, mem, i64, anys[any](int64(1), nil, int64(-1), int64(0)), 2)
	defer offs.Release()
	lens := makeArray(t, mem, i64, anys[any](nil, int64(1), int64(5), int64(1)), 5)
	defer lens.Release()
	got, err := kernels.StrSlice(mem, a, kernels.ArrayValue(offs), kernels.ArrayValue(lens))
	if err != nil {
		t.Fatal(err)
	}
	checkArray(t, got, str, anys[any]("bc", nil, "z", nil), "slice by columns")
	got.Release()
	checkStrError(t, "negative length", func(mem memory.Allocator, a arrow.Array) (arrow.Array, error) {
		return kernels.StrSlice(mem, a, scalar(int64(0)), scalar(int64(-1)))
	}, anys[any]("abc"), core.KindInvalidInput)
}

func TestStrHeadTail(t *testing.T) {
	words := []string{"", "abcdef", "日本語", "aé日😀b"}
	in := anys(words...)
	for _, n := range []int64{0, 2, 10, -1, -2, -10, math.MaxInt64, math.MinInt64} {
		heads, tails := make([]any, len(words)), make([]any, len(words))
		for i, w := range words {
			r := []rune(w)
			k := int(max(min(n, 1000), -1000))
			if k >= 0 {
				heads[i] = string(r[:min(k, len(r))])
				tails[i] = string(r[max(len(r)-k, 0):])
			} else {
				heads[i] = string(r[:max(len(r)+k, 0)])
				tails[i] = string(r[min(-k, len(r)):])
			}
		}
		checkStrKernel(t, fmt.Sprintf("head(%d)", n), func(mem memory.Allocator, a arrow.Array) (arrow.Array, error) {
			return kernels.StrHead(mem, a, scalar(n), false)
		}, in, str, heads)
		checkStrKernel(t, fmt.Sprintf("tail(%d)", n), func(mem memory.Allocator, a arrow.Array) (arrow.Array, error) {
			return kernels.StrHead(mem, a, scalar(n), true)
		}, in, str, tails)
	}
	checkStrKernel(t, "head(null)", func(mem memory.Allocator, a arrow.Array) (arrow.Array, error) {
		return kernels.StrHead(mem, a, scalar(nil), false)
	}, anys[any]("abc", nil), str, anys[any](nil, nil))
}

func TestStrPad(t *testing.T) {
	in := anys[any]("1", "-1", "+1", "", nil, "abc", "日本", "-", "12345", "é1")
	zfill := func(n int64) strKernel {
		return func(mem memory.Allocator, a arrow.Array) (arrow.Array, error) {
			return kernels.StrZfill(mem, a, scalar(n))
		}
	}
	checkStrKernel(t, "zfill(4)", zfill(4), in, str,
		anys[any]("0001", "-001", "+001", "0000", nil, "0abc", "00日本", "-000", "12345", "00é1"))
	checkStrKernel(t, "zfill(0)", zfill(0), in, str, in)
	padStart := func(mem memory.Allocator, a arrow.Array) (arrow.Array, error) {
		return kernels.StrPad(mem, a, scalar(int64(4)), '日', true)
	}
	checkStrKernel(t, "pad_start", padStart, in, str,
		anys[any]("日日日1", "日日-1", "日日+1", "日日日日", nil, "日abc", "日日日本", "日日日-", "12345", "日日é1"))
	padEnd := func(mem memory.Allocator, a arrow.Array) (arrow.Array, error) {
		return kernels.StrPad(mem, a, scalar(int64(3)), '*', false)
	}
	checkStrKernel(t, "pad_end", padEnd, in, str,
		anys[any]("1**", "-1*", "+1*", "***", nil, "abc", "日本*", "-**", "12345", "é1*"))
	checkStrError(t, "negative length", zfill(-1), anys[any]("1"), core.KindInvalidInput)
}

func TestStrStrip(t *testing.T) {
	in := anys[any]("  ab  ", "\t\nx\u00a0", "", nil, "xxaxx", "日本日", "\u3000z\u2028")
	strip := func(chars any, start, end bool) strKernel {
		return func(mem memory.Allocator, a arrow.Array) (arrow.Array, error) {
			return kernels.StrStrip(mem, a, scalar(chars), start, end)
		}
	}
	checkStrKernel(t, "strip", strip(nil, true, true), in, str, anys[any]("ab", "x", "", nil, "xxaxx", "日本日", "z"))
	checkStrKernel(t, "strip_start", strip(nil, true, false), in, str,
		anys[any]("ab  ", "x\u00a0", "", nil, "xxaxx", "日本日", "z\u2028"))
	checkStrKernel(t, "strip_end", strip(nil, false, true), in, str,
		anys[any]("  ab", "\t\nx", "", nil, "xxaxx", "日本日", "\u3000z"))
	checkStrKernel(t, "strip set", strip("x日", true, true), in, str,
		anys[any]("  ab  ", "\t\nx\u00a0", "", nil, "a", "本", "\u3000z\u2028"))
	checkStrKernel(t, "strip empty set", strip("", true, true), in, str, in)
}

func TestStrStartsWith(t *testing.T) {
	in := anys[any]("abc", "", nil, "日本語", "b")
	affix := func(p any, end bool) strKernel {
		return func(mem memory.Allocator, a arrow.Array) (arrow.Array, error) {
			return kernels.StrStartsWith(mem, a, scalar(p), end), nil
		}
	}
	checkStrKernel(t, "starts_with", affix("a", false), in, boo, anys[any](true, false, nil, false, false))
	checkStrKernel(t, "ends_with", affix("語", true), in, boo, anys[any](false, false, nil, true, false))
	checkStrKernel(t, "starts_with empty", affix("", false), in, boo, anys[any](true, true, nil, true, true))
	checkStrKernel(t, "starts_with null", affix(nil, false), in, boo, anys[any](nil, nil, nil, nil, nil))

	mem := newMem()
	defer mem.AssertSize(t, 0)
	a := makeArray(t, mem, str, anys[any]("abc", "b", nil, "xy"), 3)
	defer a.Release()
	p := makeArray(t, mem, lstr, anys[any]("a", nil, "x", "y"), 1)
	defer p.Release()
	got := kernels.StrStartsWith(mem, a, kernels.ArrayValue(p), false)
	checkArray(t, got, boo, anys[any](true, nil, nil, false), "starts_with column")
	got.Release()
}

func TestStrContains(t *testing.T) {
	in := anys[any]("abc", "", nil, "日本語", "xaby", "ABC", "١٢", "a_1", "a\u3000b")
	contains := func(p any, literal, strict bool) strKernel {
		return func(mem memory.Allocator, a arrow.Array) (arrow.Array, error) {
			return kernels.StrContains(mem, a, scalar(p), literal, strict)
		}
	}
	checkStrKernel(t, "literal", contains("ab", true, true), in, boo,
		anys[any](true, false, nil, false, true, false, false, false, false))
	checkStrKernel(t, "regex as literal", contains("ab", false, true), in, boo,
		anys[any](true, false, nil, false, true, false, false, false, false))
	checkStrKernel(t, "empty", contains("", false, true), in, boo,
		anys[any](true, true, nil, true, true, true, true, true, true))
	checkStrKernel(t, "regex", contains("(?i)^a.c$", false, true), in, boo,
		anys[any](true, false, nil, false, false, true, false, false, false))
	checkStrKernel(t, "unicode \\d", contains(`^\d+$`, false, true), in, boo,
		anys[any](false, false, nil, false, false, false, true, false, false))
	checkStrKernel(t, "unicode \\w", contains(`^\w+$`, false, true), in, boo,
		anys[any](true, false, nil, true, true, true, true, true, false))
	checkStrKernel(t, "unicode \\s", contains(`\s`, false, true), in, boo,
		anys[any](false, false, nil, false, false, false, false, false, true))
	checkStrKernel(t, "class with \\d", contains(`^[\d_a]+$`, false, true), in, boo,
		anys[any](false, false, nil, false, false, false, true, true, false))
	checkStrKernel(t, "null pattern", contains(nil, false, true), in, boo,
		anys[any](nil, nil, nil, nil, nil, nil, nil, nil, nil))
	checkStrKernel(t, "invalid, not strict", contains("[", false, false), in, boo,
		anys[any](nil, nil, nil, nil, nil, nil, nil, nil, nil))
	ce := checkStrError(t, "invalid", contains("[", false, true), in, core.KindCompute)
	if !strings.Contains(ce.Message, `"["`) {
		t.Errorf("message %q does not name the pattern", ce.Message)
	}
	for _, p := range []string{"[a[b]]", "[a-z&&[^b]]", `[\W]`} {
		checkStrError(t, p, contains(p, false, true), in, core.KindNotSupported)
	}
	// A '{' that starts no repetition is an error, as in Rust (RE2 reads it literally).
	for _, p := range []string{"a{2", "{", "a{,2}", "a{x}"} {
		checkStrError(t, p, contains(p, false, true), in, core.KindCompute)
	}
	// \b and \B: ASCII word characters in RE2, Unicode in Rust; rows where
	// that differs are refused.
	checkStrKernel(t, "ascii \\b", contains(`\bab`, false, true), anys[any]("ab", "x ab", "xab", nil, "— ab", "😀ab"), boo,
		anys[any](true, true, false, nil, true, true))
	ce = checkStrError(t, "unicode \\b", contains(`\bab`, false, true), anys[any]("ab", "éab"), core.KindNotSupported)
	if !strings.Contains(ce.Message, `"éab"`) {
		t.Errorf("message %q does not show the value", ce.Message)
	}
	checkStrKernel(t, "escapes with braces", contains(`^[\p{Han}\x{1F600}]|\P{L}$|\pL{3}`, false, true), in, boo,
		anys[any](true, false, nil, true, true, true, true, true, false))
	checkStrKernel(t, "repetitions", contains(`^\w{1}\w{1,}$|^[{]$|\{`, false, true), in, boo,
		anys[any](true, false, nil, true, true, true, true, true, false))

	// Patterns from a column, compiled per distinct value: null and (not
	// strict) invalid patterns give null.
	mem := newMem()
	defer mem.AssertSize(t, 0)
	a := makeArray(t, mem, str, anys[any]("abc", "b", "x", nil, "a+"), 3)
	defer a.Release()
	p := makeArray(t, mem, str, anys[any]("b", "[", nil, "a", "a+"), 5)
	defer p.Release()
	got, err := kernels.StrContains(mem, a, kernels.ArrayValue(p), false, false)
	if err != nil {
		t.Fatal(err)
	}
	checkArray(t, got, boo, anys[any](true, nil, nil, nil, true), "contains column regex")
	got.Release()
	got, err = kernels.StrContains(mem, a, kernels.ArrayValue(p), true, true)
	if err != nil {
		t.Fatal(err)
	}
	checkArray(t, got, boo, anys[any](true, false, nil, nil, true), "contains column literal")
	got.Release()
	if got, err = kernels.StrContains(mem, a, kernels.ArrayValue(p), false, true); err == nil {
		got.Release()
		t.Fatal("strict: no error for an invalid pattern in a column")
	}
}

// TestStrContainsAcrossRows checks the whole-buffer literal search against
// strings.Contains row by row, with matches that straddle row boundaries.
func TestStrContainsAcrossRows(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	alphabet := []string{"a", "b", "é", "日", ""}
	for trial := range 200 {
		n := rng.Intn(40)
		in := make([]any, n)
		for i := range in {
			if rng.Intn(10) == 0 {
				continue
			}
			var b strings.Builder
			for range rng.Intn(6) {
				b.WriteString(alphabet[rng.Intn(len(alphabet))])
			}
			in[i] = b.String()
		}
		var pb strings.Builder
		for range 1 + rng.Intn(3) {
			pb.WriteString(alphabet[rng.Intn(len(alphabet)-1)])
		}
		pat := pb.String()
		want := make([]any, n)
		for i, v := range in {
			if v != nil {
				want[i] = strings.Contains(v.(string), pat)
			}
		}
		checkStrKernel(t, fmt.Sprintf("trial %d: contains %q", trial, pat), func(mem memory.Allocator, a arrow.Array) (arrow.Array, error) {
			return kernels.StrContains(mem, a, scalar(pat), true, true)
		}, in, boo, want)
	}
}

func TestStrFindCount(t *testing.T) {
	in := anys[any]("abcbb", "", nil, "日本語", "baaac")
	find := func(p any, literal bool) strKernel {
		return func(mem memory.Allocator, a arrow.Array) (arrow.Array, error) {
			return kernels.StrFind(mem, a, scalar(p), literal, true)
		}
	}
	count := func(p any, literal bool) strKernel {
		return func(mem memory.Allocator, a arrow.Array) (arrow.Array, error) {
			return kernels.StrCountMatches(mem, a, scalar(p), literal)
		}
	}
	checkStrKernel(t, "find b", find("b", true), in, u32, anys[any](uint64(1), nil, nil, nil, uint64(0)))
	checkStrKernel(t, "find 語 (bytes)", find("語", false), in, u32, anys[any](nil, nil, nil, uint64(6), nil))
	checkStrKernel(t, "find empty", find("", false), in, u32, anys[any](uint64(0), uint64(0), nil, uint64(0), uint64(0)))
	checkStrKernel(t, "find regex", find("a+c", false), in, u32, anys[any](nil, nil, nil, nil, uint64(1)))
	checkStrKernel(t, "count b", count("b", true), in, u32, anys[any](uint64(3), uint64(0), nil, uint64(0), uint64(1)))
	checkStrKernel(t, "count empty", count("", true), in, u32, anys[any](uint64(6), uint64(1), nil, uint64(4), uint64(6)))
	checkStrKernel(t, "count a*", count("a*", false), in, u32, anys[any](uint64(5), uint64(1), nil, uint64(4), uint64(3)))
	checkStrKernel(t, "count null", count(nil, false), in, u32, anys[any](nil, nil, nil, nil, nil))
	checkStrError(t, "count invalid", count("(", false), in, core.KindCompute)
}

func TestStrReplace(t *testing.T) {
	in := anys[any]("abcbb", "", nil, "日本語", "baaac")
	replace := func(p, v any, literal bool, n int) strKernel {
		return func(mem memory.Allocator, a arrow.Array) (arrow.Array, error) {
			return kernels.StrReplace(mem, a, scalar(p), scalar(v), literal, n)
		}
	}
	cases := []struct {
		p, v    string
		literal bool
		n       int
		want    []any
	}{
		{"b", "X", true, 1, anys[any]("aXcbb", "", nil, "日本語", "Xaaac")},
		{"b", "X", true, 2, anys[any]("aXcXb", "", nil, "日本語", "Xaaac")},
		{"b", "X", true, -1, anys[any]("aXcXX", "", nil, "日本語", "Xaaac")},
		{"b", "X", false, 0, anys[any]("abcbb", "", nil, "日本語", "baaac")},
		{"b", "[$0]", true, -1, anys[any]("a[$0]c[$0][$0]", "", nil, "日本語", "[$0]aaac")},
		{"b", "[$0]", false, -1, anys[any]("a[b]c[b][b]", "", nil, "日本語", "[b]aaac")},
		{"(b)", "[$1]", false, 2, anys[any]("a[b]c[b]b", "", nil, "日本語", "[b]aaac")},
		{"(?<x>b)", "${x}$x$$", false, 1, anys[any]("abb$cbb", "", nil, "日本語", "bb$aaac")},
		{"a*", "-", false, -1, anys[any]("-b-c-b-b-", "-", nil, "-日-本-語-", "-b-c-")},
		{"", "-", true, -1, anys[any]("-a-b-c-b-b-", "-", nil, "-日-本-語-", "-b-a-a-a-c-")},
		{"", "-", true, 1, anys[any]("-abcbb", "-", nil, "-日本語", "-baaac")},
		{"本", "", false, -1, anys[any]("abcbb", "", nil, "日語", "baaac")},
		{".", "$1a", false, 1, anys[any]("bcbb", "", nil, "本語", "aaac")},
	}
	for _, c := range cases {
		checkStrKernel(t, fmt.Sprintf("replace(%q, %q, literal=%v, n=%d)", c.p, c.v, c.literal, c.n),
			replace(c.p, c.v, c.literal, c.n), in, str, c.want)
	}
	checkStrKernel(t, "null value", replace("b", nil, false, 1), in, str, in)
	checkStrError(t, "invalid", replace("(", "x", false, 1), in, core.KindCompute)

	mem := newMem()
	defer mem.AssertSize(t, 0)
	a := makeArray(t, mem, str, anys[any]("abcbb", "xbx", "b"), 3)
	defer a.Release()
	v := makeArray(t, mem, str, anys[any]("[$1]", "2", nil), 1)
	defer v.Release()
	got, err := kernels.StrReplace(mem, a, scalar("(b)"), kernels.ArrayValue(v), false, -1)
	if err != nil {
		t.Fatal(err)
	}
	checkArray(t, got, str, anys[any]("a[b]c[b][b]", "x2x", "b"), "replace by a column")
	got.Release()
}

func TestStrToInteger(t *testing.T) {
	in := anys[any]("1", "-1", "+1", "", "0x10", "ff", " 1", "1_000", "9223372036854775807",
		"9223372036854775808", "-9223372036854775808", "١٢", "00012", nil, "-", "+")
	toInt := func(base int, to arrow.DataType, strict bool) strKernel {
		return func(mem memory.Allocator, a arrow.Array) (arrow.Array, error) {
			return kernels.StrToInteger(mem, a, base, to, strict)
		}
	}
	checkStrKernel(t, "base 10", toInt(10, i64, false), in, i64,
		anys[any](int64(1), int64(-1), int64(1), nil, nil, nil, nil, nil, int64(9223372036854775807),
			nil, int64(-9223372036854775808), nil, int64(12), nil, nil, nil))
	checkStrKernel(t, "base 16", toInt(16, i64, false), in, i64,
		anys[any](int64(1), int64(-1), int64(1), nil, nil, int64(255), nil, nil, nil,
			nil, nil, nil, int64(18), nil, nil, nil))
	checkStrKernel(t, "UInt8", toInt(10, u8, false), anys[any]("1", "-1", "+255", "256", "-0", nil), u8,
		anys[any](uint64(1), nil, uint64(255), nil, nil, nil))
	checkStrKernel(t, "Int8", toInt(10, i8, false), anys[any]("127", "-128", "128", nil), i8,
		anys[any](int64(127), int64(-128), nil, nil))
	ce := checkStrError(t, "strict", toInt(10, i64, true), anys[any]("1", "x", "y"), core.KindCompute)
	if !strings.Contains(ce.Message, `"x"`) || !strings.Contains(ce.Message, "2 value") {
		t.Errorf("message %q should count the failures and show the first", ce.Message)
	}
	checkStrError(t, "base 1", toInt(1, i64, false), anys[any]("1"), core.KindCompute)
}

func TestStrToDate(t *testing.T) {
	date := func(format string, strict bool) strKernel {
		return func(mem memory.Allocator, a arrow.Array) (arrow.Array, error) {
			return kernels.StrToDate(mem, a, format, strict)
		}
	}
	d32 := arrow.FixedWidthTypes.Date32
	checkStrKernel(t, "iso", date("", false),
		anys[any]("1970-01-01", "2024-01-02", nil, "2024-02-29", "2023-02-29", "1969-12-31", "0001-01-01", "2024-1-2", "x", "2024-01-02T00:00"),
		d32, anys[any](int64(0), int64(19724), nil, int64(19782), nil, int64(-1), int64(-719162), int64(19724), nil, nil))
	checkStrKernel(t, "%d/%m/%Y", date("%d/%m/%Y", true), anys[any]("2/1/2024", "02/01/2024", nil), d32,
		anys[any](int64(19724), int64(19724), nil))
	checkStrKernel(t, "names", date("%a, %d %B %Y", false),
		anys[any]("Tue, 02 January 2024", "tue, 02 jan 2024", "Mon, 02 Jan 2024", "Tue, 02 Janu 2024"), d32,
		anys[any](int64(19724), int64(19724), nil, nil))
	checkStrKernel(t, "%y and %j", date("%y-%j", false), anys[any]("24-032", "70-001", "69-001", "24-367"), d32,
		anys[any](int64(19754), int64(0), int64(36160), nil))
	checkStrKernel(t, "%F with spaces", date(" %F ", false), anys[any]("2024-01-02", "  2024-01-02  "), d32,
		anys[any](int64(19724), int64(19724)))
	checkStrError(t, "strict", date("%Y-%m-%d", true), anys[any]("2024-02-30"), core.KindCompute)
	if _, err := kernels.CheckTimeFormat("%Y-%m-%d %Z", false); err == nil {
		t.Error("%Z accepted")
	} else {
		wantKind(t, err, core.KindNotSupported)
	}
	if _, err := kernels.CheckTimeFormat("%Y %Q", false); err == nil {
		t.Error("%Q accepted")
	} else {
		wantKind(t, err, core.KindCompute)
	}
	if _, err := kernels.CheckTimeFormat("%Y-%m-%d %H", true); err == nil {
		t.Error("an hour without minutes accepted for a datetime")
	}
}

func TestStrToDatetime(t *testing.T) {
	dt := func(format string, unit arrow.TimeUnit, tz string) (strKernel, arrow.DataType) {
		to := &arrow.TimestampType{Unit: unit, TimeZone: tz}
		return func(mem memory.Allocator, a arrow.Array) (arrow.Array, error) {
			return kernels.StrToDatetime(mem, a, format, to, false)
		}, to
	}
	const day = int64(86400)
	base := 19724 * day // 2024-01-02
	f, to := dt("", arrow.Microsecond, "")
	checkStrKernel(t, "iso", f,
		anys[any]("2024-01-02 10:20:30", "2024-01-02T10:20:30.123456789", "2024-01-02", "2024-01-02 10:20", nil,
			"2024-01-02T10:20:30Z", "1969-12-31 23:59:59.5"),
		to, anys[any]((base+37230)*1e6, (base+37230)*1e6+123456, base*1e6, (base+37200)*1e6, nil, nil, int64(-500000)))
	f, to = dt("%Y-%m-%d %H:%M:%S%.3f", arrow.Millisecond, "")
	checkStrKernel(t, "%.3f", f, anys[any]("2024-01-02 10:20:30.123", "2024-01-02 10:20:30", "2024-01-02 10:20:30.12"),
		to, anys[any]((base+37230)*1000+123, (base+37230)*1000, nil))
	f, to = dt("%Y-%m-%d %I:%M %p", arrow.Second, "")
	checkStrKernel(t, "12-hour clock", f, anys[any]("2024-01-02 10:20 pm", "2024-01-02 12:20 AM", "2024-01-02 13:20 PM"),
		to, anys[any](base+22*3600+1200, base+1200, nil))
	f, to = dt("%Y-%m-%dT%H:%M:%S%z", arrow.Second, "UTC")
	checkStrKernel(t, "offsets", f, anys[any]("2024-01-02T10:20:30+0100", "2024-01-02T10:20:30-01:30", "2024-01-02T10:20:30"),
		to, anys[any](base+37230-3600, base+37230+5400, nil))
	f, to = dt("%s", arrow.Nanosecond, "")
	checkStrKernel(t, "timestamps", f, anys[any]("1700000000", "-1", "0"), to,
		anys[any](int64(1700000000)*1e9, int64(-1e9), int64(0)))
	f, to = dt("%Y-%m-%d %H:%M:%S", arrow.Nanosecond, "")
	checkStrKernel(t, "out of range for ns", f, anys[any]("2300-01-01 00:00:00", "2024-01-02 10:20:60"), to,
		anys[any](nil, (base+37260)*1e9))
}

// benchStrings is one morsel of short strings: mixed scripts, or ASCII only.
func benchStrings(ascii bool) arrow.Array {
	words := []string{"alopex", "fox", "Zürich", "café", "日本語", "hello world", "The quick brown fox", "lorem ipsum dolor sit amet", "😀👍🏽", "abc123"}
	rng := rand.New(rand.NewSource(1))
	b := array.NewStringBuilder(memory.DefaultAllocator)
	for range 65536 {
		var sb strings.Builder
		for k := range 3 {
			if k > 0 {
				sb.WriteByte(' ')
			}
			w := words[rng.Intn(len(words))]
			if ascii {
				w = strings.Map(func(r rune) rune {
					if r > 127 {
						return -1
					}
					return r
				}, w)
			}
			sb.WriteString(w)
		}
		b.Append(sb.String())
	}
	return b.NewArray()
}

// BenchmarkStrKernels times the string kernels on one morsel (65,536 rows)
// with the C allocator the executor uses.
func BenchmarkStrKernels(b *testing.B) {
	mem := mallocator.NewMallocator()
	for _, ascii := range []bool{false, true} {
		a := benchStrings(ascii)
		name := "mixed"
		if ascii {
			name = "ascii"
		}
		run := func(op string, f func() arrow.Array) {
			b.Run(name+"/"+op, func(b *testing.B) {
				for range b.N {
					f().Release()
				}
			})
		}
		run("lower", func() arrow.Array { o, _ := kernels.StrToCase(mem, a, false); return o })
		run("len_chars", func() arrow.Array { return kernels.StrLenChars(mem, a) })
		run("slice", func() arrow.Array {
			o, _ := kernels.StrSlice(mem, a, kernels.ScalarValue(int64(2), arrow.PrimitiveTypes.Int64), kernels.ScalarValue(int64(5), arrow.PrimitiveTypes.Int64))
			return o
		})
		run("strip", func() arrow.Array {
			o, _ := kernels.StrStrip(mem, a, kernels.ScalarValue(nil, arrow.BinaryTypes.String), true, true)
			return o
		})
		run("reverse", func() arrow.Array { o, _ := kernels.StrReverse(mem, a); return o })
		run("replace_re", func() arrow.Array {
			o, _ := kernels.StrReplace(mem, a, kernels.ScalarValue(`(\w+) (\w+)`, arrow.BinaryTypes.String), kernels.ScalarValue("$2 $1", arrow.BinaryTypes.String), false, 1)
			return o
		})
		run("contains_re", func() arrow.Array {
			o, _ := kernels.StrContains(mem, a, kernels.ScalarValue(`qu.ck\s+b`, arrow.BinaryTypes.String), false, true)
			return o
		})
	}
}
