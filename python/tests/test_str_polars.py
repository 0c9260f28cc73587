"""The ``Expr.str`` namespace, differentially against Polars (Polars defines the right answer).

The same pyarrow table (strings drawn from a pool of ASCII, accented, CJK, emoji, combining,
Greek, ligature and whitespace samples, with nulls and empty strings) is loaded into alopex and
into Polars; each expression runs in both and the results are compared column by column:
names, dtype names, null positions and values (see conftest.py). Sizes 0, 1, 300 and 300,000
rows (several 65,536-row morsels of the parallel executor).

Known deviations are ``xfail(strict=True)`` with a short reason, and alopex-only behaviour
(where Polars raises or has no equivalent) is tested on its own.
"""

from __future__ import annotations

import functools

import numpy as np
import pyarrow as pa
import pytest

import alopex as ax

pl = pytest.importorskip("polars")

from conftest import UNICODE_POOL, assert_arrays_match, assert_frames_match, run_both  # noqa: E402

LARGE = 300_000
SIZES = [0, 1, 300, LARGE]

POOL = UNICODE_POOL + [
    "ΟΔΟΣ", "ΣΑΣ ΟΔΟΣ.", "AΣ'", "Σ", "ﬃ", "ŉ", "İstanbul", "ǅ", "ẞ", "Ⅻ", "Ⓐ", "ᾳ",
    "a\r\nb", "👨\u200d👩\u200d👧", "🇯🇵🇺🇸", "\u1100\u1161\u11a8", "नमस्ते", "ก่ำ", "a\u200db",
    "\u3000wide\u3000", "\u00a0nbsp", "x\u2028", "abcabc", "aaa", "b.c", "a+b", "$5", "a_1", "١٢",
    "-0012", "+7", "ff", "FF", "0x10", "9223372036854775807", "12345678901234567890", "ab$0",
]
PATTERNS = ["a", "", "é", "日", "(a|b)+", r"\d", "^a", "c$", "Σ", r"\w+", "[xyz]", " "]


def _strings(rng: np.random.Generator, n: int, null_frac: float = 0.1) -> pa.Array:
    """``n`` strings, each one to three pool entries glued together, with nulls."""
    k = rng.integers(1, 4, n)
    idx = rng.integers(0, len(POOL), (n, 3))
    vals = ["".join(POOL[j] for j in idx[i, : k[i]]) for i in range(n)]
    mask = rng.random(n) < null_frac if n else None
    return pa.array(vals, type=pa.string(), mask=mask)


@functools.lru_cache(maxsize=None)
def str_table(n: int, seed: int = 0) -> pa.Table:
    """Columns: s (strings), p (patterns), d (digit strings), k (small ints, some negative)."""
    rng = np.random.default_rng(seed)
    pats = [PATTERNS[i] for i in rng.integers(0, len(PATTERNS), n)]
    digits = [str(v) for v in rng.integers(-(10**6), 10**6, n)]
    mask = rng.random(n) < 0.1 if n else None
    return pa.table({
        "s": _strings(rng, n),
        "p": pa.array(pats, type=pa.string(), mask=mask),
        "d": pa.array(digits, type=pa.string(), mask=mask),
        "k": pa.array(rng.integers(-3, 8, n), type=pa.int64(), mask=mask),
    })


@functools.lru_cache(maxsize=None)
def str_frames(n: int) -> tuple[ax.DataFrame, pl.DataFrame]:
    t = str_table(n)
    return ax.DataFrame(t), pl.from_arrow(t)


def check(build, n: int = 300, *, check_dtypes: bool = True, expect_error: type | None = None):
    """Run ``build(module)`` (a list of expressions) through select in both and compare."""
    a_df, p_df = str_frames(n)
    results = []
    for mod, df in ((ax, a_df), (pl, p_df)):
        try:
            results.append(df.select(build(mod)))
        except Exception as e:  # noqa: BLE001 - compared below
            results.append(e)
    a_res, p_res = results
    if isinstance(p_res, Exception):
        assert isinstance(a_res, Exception), f"polars raised {p_res!r} but alopex returned {a_res!r}"
        if expect_error is not None:
            assert isinstance(a_res, expect_error), a_res
        return a_res
    if isinstance(a_res, Exception):
        raise AssertionError(f"alopex raised {type(a_res).__name__}: {a_res}") from a_res
    assert_frames_match(a_res, p_res, check_dtypes=check_dtypes)
    return a_res


def _xfail(reason: str) -> pytest.MarkDecorator:
    return pytest.mark.xfail(reason=reason, strict=True)


# --------------------------------------------------------------------------------------------
# Every function over every size
# --------------------------------------------------------------------------------------------

def _c(m):
    return m.col("s").str


EXPRS = {
    "contains_literal": lambda m: [_c(m).contains("a", literal=True).alias("x"),
                                   _c(m).contains("日本", literal=True).alias("y"),
                                   _c(m).contains("", literal=True).alias("z")],
    "contains_regex": lambda m: [_c(m).contains("(?i)^[a-z]+$").alias("x"), _c(m).contains(r"\d").alias("y"),
                                 _c(m).contains(r"^\w+$").alias("z"), _c(m).contains(r"\s").alias("w"),
                                 _c(m).contains("é|日|😀").alias("v"), _c(m).contains("a.c").alias("u")],
    "contains_column": lambda m: [_c(m).contains(m.col("p"), literal=True).alias("x"),
                                  _c(m).contains(m.col("p")).alias("y")],
    "starts_ends": lambda m: [_c(m).starts_with("a").alias("x"), _c(m).ends_with("é").alias("y"),
                              _c(m).starts_with("").alias("z"), _c(m).starts_with(m.col("p")).alias("w"),
                              _c(m).ends_with(m.col("p")).alias("v")],
    "case": lambda m: [_c(m).to_lowercase().alias("x"), _c(m).to_uppercase().alias("y")],
    "lengths": lambda m: [_c(m).len_chars().alias("x"), _c(m).len_bytes().alias("y")],
    "reverse": lambda m: [_c(m).reverse()],
    "slice": lambda m: [_c(m).slice(o, ln).alias(f"s{i}") for i, (o, ln) in enumerate(
        [(0, None), (1, 2), (-1, None), (-2, 1), (-5, 2), (5, 1), (1, 0), (-10, 8), (2, 100),
         (-(2**63), 2**63 - 1), (2**63 - 1, 1)])],
    "slice_column": lambda m: [_c(m).slice(m.col("k")).alias("x"), _c(m).slice(1, m.col("k").abs()).alias("y")],
    "head_tail": lambda m: [_c(m).head(n).alias(f"h{i}") for i, n in enumerate([0, 2, -1, -10, 10, -(2**63)])]
    + [_c(m).tail(n).alias(f"t{i}") for i, n in enumerate([0, 2, -1, -10, 10, 2**63 - 1])]
    + [_c(m).head(m.col("k")).alias("hk"), _c(m).tail(m.col("k")).alias("tk")],
    "replace": lambda m: [_c(m).replace("a", "<$0>").alias("x"), _c(m).replace("a", "<$0>", literal=True).alias("y"),
                          _c(m).replace("(a|b)+", "[$1]").alias("z"), _c(m).replace("a", "X", n=2).alias("w"),
                          _c(m).replace("a", "X", n=0).alias("v"), _c(m).replace("", "-", literal=True).alias("u"),
                          _c(m).replace(".", "", literal=True).alias("t"), _c(m).replace("é", m.col("p")).alias("r")],
    "replace_all": lambda m: [_c(m).replace_all("a", "-").alias("x"), _c(m).replace_all("a*", "-").alias("y"),
                              _c(m).replace_all(r"(\d)", "<$1>").alias("z"),
                              _c(m).replace_all("$", "!", literal=True).alias("w"),
                              _c(m).replace_all("(?<L>[A-Z])", "${L}${L}").alias("v")],
    "strip": lambda m: [_c(m).strip_chars().alias("x"), _c(m).strip_chars_start().alias("y"),
                        _c(m).strip_chars_end().alias("z"), _c(m).strip_chars("a 日").alias("w"),
                        _c(m).strip_chars_start("aé").alias("v"), _c(m).strip_chars_end("").alias("u"),
                        _c(m).strip_chars(m.col("p")).alias("t")],
    "pad": lambda m: [_c(m).zfill(0).alias("x"), _c(m).zfill(6).alias("y"), _c(m).pad_start(7, "*").alias("z"),
                      _c(m).pad_end(5, "日").alias("w"), _c(m).pad_start(4).alias("v"),
                      _c(m).zfill(m.col("k").abs()).alias("u")],
    "count_matches": lambda m: [_c(m).count_matches("a").alias("x"), _c(m).count_matches("", literal=True).alias("y"),
                                _c(m).count_matches(r"\w").alias("z"), _c(m).count_matches("a*").alias("w"),
                                _c(m).count_matches(m.col("p")).alias("v")],
    "find": lambda m: [_c(m).find("a").alias("x"), _c(m).find("é", literal=True).alias("y"),
                       _c(m).find(r"\d+").alias("z"), _c(m).find("").alias("w"), _c(m).find(m.col("p")).alias("v")],
    "to_integer": lambda m: [m.col("d").str.to_integer().alias("x"),
                             m.col("s").str.to_integer(strict=False).alias("y"),
                             m.col("s").str.to_integer(base=16, strict=False).alias("z"),
                             m.col("s").str.to_integer(base=36, strict=False, dtype=m.UInt32).alias("w"),
                             m.col("d").str.to_integer(dtype=m.Int32).alias("v")],
    "chained": lambda m: [_c(m).strip_chars().str.to_lowercase().str.slice(0, 3).str.len_chars().alias("x"),
                          (_c(m).len_bytes() > 5).alias("y")],
}


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("name", list(EXPRS))
def test_matches_polars(name, n):
    check(EXPRS[name], n)


@pytest.mark.parametrize("name", ["contains_literal", "case", "lengths", "slice", "find"])
@pytest.mark.parametrize("layout", [pa.large_string(), pa.string_view()])
def test_string_layouts(name, layout):
    """alopex reads large_string and string_view inputs (Polars compares on its own copy)."""
    t = str_table(300)
    t2 = t.set_column(0, "s", t.column("s").cast(layout))
    a = ax.DataFrame(t2).select(EXPRS[name](ax))
    p = pl.from_arrow(t).select(EXPRS[name](pl))
    assert_frames_match(a, p)


def test_filter_with_string_predicate():
    a_df, p_df = str_frames(LARGE)
    for build in (lambda m: m.col("s").str.contains("é|日"), lambda m: m.col("s").str.starts_with("a"),
                  lambda m: m.col("s").str.len_chars() > 4):
        a = a_df.lazy().filter(build(ax)).select("s").collect()
        p = p_df.lazy().filter(build(pl)).select("s").collect()
        assert_frames_match(a, p)


def test_literal_input():
    for build in (lambda m: m.lit("Straße").str.to_uppercase(), lambda m: m.lit("日本語").str.len_chars()):
        a_res, p_res = run_both(lambda m, df, b=build: df.select(b(m).alias("x")), 3)
        assert_frames_match(a_res, p_res)


# --------------------------------------------------------------------------------------------
# Unicode, code point by code point
# --------------------------------------------------------------------------------------------

def _codepoints(lo: int, hi: int) -> list[str]:
    return [chr(c) for c in range(lo, hi) if not 0xD800 <= c < 0xE000]


@pytest.mark.parametrize("plane", [(0, 0x10000), (0x10000, 0x20000)], ids=["BMP", "SMP"])
def test_case_mapping_every_code_point(plane):
    """Every code point (Go's tables are Unicode 15; the kernels add the pairs of 16 and 17)."""
    t = pa.table({"s": pa.array(_codepoints(*plane), type=pa.string())})
    exprs = lambda m: [m.col("s").str.to_uppercase().alias("u"), m.col("s").str.to_lowercase().alias("l"),  # noqa: E731
                       m.col("s").str.len_chars().alias("n")]
    assert_frames_match(ax.DataFrame(t).select(exprs(ax)), pl.from_arrow(t).select(exprs(pl)))


def test_final_sigma_and_special_casing():
    words = ["Σ", "ΑΣ", "AΣ'", "AΣ'A", "Σa", "A.Σ", "aΣ\u0301", "ΣΑΣ ΟΔΟΣ.", "ΌΣΟΣ", "Σ-Σ", "ß", "ﬁ", "İ", "ǰ", "ᾈ"]
    t = pa.table({"s": pa.array(words)})
    exprs = lambda m: [m.col("s").str.to_lowercase().alias("l"), m.col("s").str.to_uppercase().alias("u")]  # noqa: E731
    assert_frames_match(ax.DataFrame(t).select(exprs(ax)), pl.from_arrow(t).select(exprs(pl)))


def test_reverse_grapheme_clusters():
    words = ["e\u0301x", "नमस्ते", "क्षत्रिय", "👨\u200d👩\u200d👧x", "🇯🇵🇺🇸🇫", "\u1100\u1161\u11a8z", "각가", "a\r\nb",
             "ก่ำx", "\u0600a", "a\u200db", "🏽a", "👍🏽👍🏿", "x\u0308\u0301y", "👩\u200d❤\ufe0f\u200d💋\u200d👨",
             "\ufeffa", "\u200ca", "a\tb\n"]
    t = pa.table({"s": pa.array(words)})
    exprs = lambda m: [m.col("s").str.reverse()]  # noqa: E731
    assert_frames_match(ax.DataFrame(t).select(exprs(ax)), pl.from_arrow(t).select(exprs(pl)))


# --------------------------------------------------------------------------------------------
# Dates and datetimes (values and Arrow types; engine date support is limited elsewhere)
# --------------------------------------------------------------------------------------------

DATES = ["2024-01-02", "1970-01-01", None, "0001-01-01", "2024-02-29", "1969-12-31", "9999-12-31", "2024-1-2",
         " 2024-01-02"]
DATETIMES = ["2024-01-02 10:20:30", "2024-01-02T10:20:30.123456", "2024-01-02T10:20:30.123456789", None,
             "1969-12-31 23:59:59.999999", "1900-01-01 00:00:00", "2024-01-02 10:20"]


def _temporal(values: list, build, arrow_type: pa.DataType):
    t = pa.table({"s": pa.array(values, type=pa.string())})
    a = ax.DataFrame(t).select(build(ax)).to_arrow()
    p = pl.from_arrow(t).select(build(pl)).to_arrow()
    for name in p.column_names:
        assert a.schema.field(name).type == arrow_type, (name, a.schema.field(name).type)
        assert_arrays_match(a.column(name), p.column(name), name)
    return a


def test_to_date():
    _temporal(DATES, lambda m: [m.col("s").str.to_date().alias("iso"),
                                m.col("s").str.to_date("%Y-%m-%d").alias("fmt")], pa.date32())
    _temporal(["02/01/2024", "2/1/2024", None], lambda m: [m.col("s").str.to_date("%d/%m/%Y")], pa.date32())
    _temporal(["Jan 02, 2024", "feb 29, 2024", "February 29, 2024"],
              lambda m: [m.col("s").str.to_date("%b %d, %Y", strict=False).alias("b"),
                         m.col("s").str.to_date("%B %d, %Y").alias("B")], pa.date32())
    _temporal(["2024-032", "24-001"], lambda m: [m.col("s").str.to_date("%y-%j", strict=False)], pa.date32())
    _temporal(["20240102", "x", "2024-02-30", None],
              lambda m: [m.col("s").str.to_date("%Y%m%d", strict=False)], pa.date32())


def test_to_datetime():
    _temporal(DATETIMES, lambda m: [m.col("s").str.to_datetime()], pa.timestamp("us"))
    _temporal(["2024-01-02 10:20:30", "2024-01-02 10:20:30.5"],
              lambda m: [m.col("s").str.to_datetime("%Y-%m-%d %H:%M:%S%.f")], pa.timestamp("us"))
    _temporal(["2024-01-02 10:20:30.123", None],
              lambda m: [m.col("s").str.to_datetime("%Y-%m-%d %H:%M:%S%.3f")], pa.timestamp("ms"))
    _temporal(["2024-01-02 10:20:30.123456789"],
              lambda m: [m.col("s").str.to_datetime("%Y-%m-%d %H:%M:%S%.9f")], pa.timestamp("ns"))
    _temporal(["2024-01-02 10:20 pm", "2024-01-02 12:20 AM"],
              lambda m: [m.col("s").str.to_datetime("%Y-%m-%d %I:%M %p", time_unit="ms")], pa.timestamp("ms"))
    _temporal(["2024-01-02T10:20:30+0100", "2024-01-02T10:20:30-01:30"],
              lambda m: [m.col("s").str.to_datetime("%Y-%m-%dT%H:%M:%S%z")], pa.timestamp("us", tz="UTC"))
    _temporal(["1700000000", None], lambda m: [m.col("s").str.to_datetime("%s")], pa.timestamp("us"))
    _temporal(["2024-01-02 10:20:30"],
              lambda m: [m.col("s").str.to_datetime("%Y-%m-%d %H:%M:%S", time_zone="UTC")],
              pa.timestamp("us", tz="UTC"))
    a = _temporal(["x", "2024-13-01 00:00", None],
                  lambda m: [m.col("s").str.to_datetime(strict=False)], pa.timestamp("us"))
    assert a.column(0).null_count == 3


def test_temporal_results_feed_the_dt_namespace():
    out = ax.DataFrame({"s": ["2024-03-05"]}).select(ax.col("s").str.to_date().dt.year())
    assert out.to_arrow().column(0).to_pylist() == [2024]


# --------------------------------------------------------------------------------------------
# Errors: where Polars raises, alopex raises too (and says what to do)
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("build, error", [
    (lambda m: [m.col("s").str.contains("(")], ax.ComputeError),
    (lambda m: [m.col("s").str.contains("a{2")], ax.ComputeError),
    (lambda m: [m.col("s").str.count_matches("[")], ax.ComputeError),
    (lambda m: [m.col("s").str.replace_all("(", "x")], ax.ComputeError),
    (lambda m: [m.col("s").str.find("(")], ax.ComputeError),
    (lambda m: [m.col("s").str.replace(m.lit(None, dtype=m.String), "x")], ax.ComputeError),
    (lambda m: [m.col("k").str.len_chars()], ax.ComputeError),
    (lambda m: [m.col("k").str.contains("a")], ax.ComputeError),
    (lambda m: [m.col("d").str.to_integer()], None),  # passes in both: guards the next one
    (lambda m: [m.col("s").str.to_integer()], ax.ComputeError),
    (lambda m: [m.col("s").str.to_integer(base=1)], ax.ComputeError),
    (lambda m: [m.col("s").str.to_date()], ax.ComputeError),
    (lambda m: [m.col("s").str.zfill(-1)], ax.InvalidInputError),
    (lambda m: [m.col("s").str.slice(0, -1)], ax.InvalidInputError),
    (lambda m: [m.col("s").str.pad_end(m.col("k"))], ax.InvalidInputError),
    (lambda m: [m.col("s").str.replace(m.col("p"), "x")], ax.NotSupportedError),
])
def test_errors_like_polars(build, error):
    res = check(build, 300, expect_error=error)
    if error is not None:
        assert isinstance(res, error), res


def test_invalid_regex_not_strict_gives_null():
    check(lambda m: [m.col("s").str.contains("(", strict=False).alias("x"),
                     m.col("s").str.find("[", strict=False).alias("y")])


def test_regex_error_names_the_pattern():
    df = ax.DataFrame({"s": ["a"]})
    with pytest.raises(ax.ComputeError, match=r'invalid regular expression "\(unclosed"'):
        df.lazy().select(ax.col("s").str.contains("(unclosed")).explain()  # at plan time


def test_fill_char_must_be_one_character():
    for m in (ax, pl):
        with pytest.raises(ValueError):
            m.col("s").str.pad_start(3, "ab")


def test_split_returns_a_list_column():
    """str.split is covered in test_list_polars.py; here only its type."""
    df = ax.DataFrame({"s": ["a,b"]})
    assert df.select(ax.col("s").str.split(",")).schema["s"] == "List(String)"


@pytest.mark.parametrize("pattern, what", [("[a[b]]", "nested character class"), ("[a-z&&[^b]]", "set operation"),
                                           (r"[\W]", r"\\W inside a character class")])
def test_regex_syntax_re2_would_misread(pattern, what):
    """Rust regex syntax that RE2 reads differently is refused, never matched differently."""
    with pytest.raises(ax.NotSupportedError, match=what):
        ax.DataFrame({"s": ["a"]}).select(ax.col("s").str.contains(pattern))


# --------------------------------------------------------------------------------------------
# Known deviations and alopex-only behaviour
# --------------------------------------------------------------------------------------------

@_xfail("Polars raises 'regex replacement with n > 1 not yet supported'; alopex replaces the first n matches")
def test_regex_replace_n_greater_than_one():
    check(lambda m: [m.col("s").str.replace("(a|b)+", "<$1>", n=2)])


def test_regex_replace_n_greater_than_one_alopex():
    out = ax.DataFrame({"s": ["abcab-ab"]}).select(ax.col("s").str.replace("(a|b)+", "<$1>", n=2))
    assert out["s"].to_list() == ["<b>c<b>-ab"]


@_xfail("Polars infers a date format from the first value (e.g. %d/%m/%Y); alopex reads ISO 8601 when no "
        "format is given")
def test_to_date_inferred_non_iso_format():
    _temporal(["02/01/2024"], lambda m: [m.col("s").str.to_date()], pa.date32())


def test_word_boundary():
    """RE2's \\b knows ASCII word characters only (Rust's is Unicode): ASCII text (and text whose
    other characters are not word characters) matches Polars; other text is refused."""
    t = pa.table({"s": ["a x b", "x", "xx", None, "😀x😀", "— x —", "x-y"]})
    build = lambda m: [m.col("s").str.contains(r"\bx\b"), m.col("s").str.count_matches(r"\B").alias("n")]  # noqa: E731
    assert_frames_match(ax.DataFrame(t).select(build(ax)), pl.from_arrow(t).select(build(pl)))
    with pytest.raises(ax.NotSupportedError, match=r"éxé"):
        ax.DataFrame({"s": ["x", "éxé"]}).select(ax.col("s").str.contains(r"\bx\b"))


@_xfail("Polars casts a non-string pattern literal to String; alopex asks for a String pattern")
def test_integer_pattern():
    check(lambda m: [m.col("s").str.contains(1)])


def test_docstring_examples():
    import doctest

    import alopex.expr_str

    assert doctest.testmod(alopex.expr_str).failed == 0


def test_explain_shows_polars_names():
    lf = ax.DataFrame({"s": ["a"]}).lazy().select(ax.col("s").str.contains("a", literal=True).alias("x"))
    assert 'col("s").str.contains("a", literal=true, strict=true)' in lf.explain()
