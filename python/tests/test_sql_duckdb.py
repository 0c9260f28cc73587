"""Differential tests: alopex SQL against DuckDB on generated tables with nulls.

Rows are compared as sorted multisets (floats to a relative tolerance) unless the query
orders them completely."""

from __future__ import annotations

import decimal
import math
import random

import pyarrow as pa
import pytest
from conftest import sorted_rows

import alopex as ax

duckdb = pytest.importorskip("duckdb")


def _table(seed: int, n: int) -> pa.Table:
    rnd = random.Random(seed)
    maybe = lambda v: None if rnd.random() < 0.15 else v  # noqa: E731
    return pa.table({
        "id": list(range(n)),
        "k": [maybe(rnd.randint(0, 5)) for _ in range(n)],
        "x": [maybe(rnd.randint(-50, 50)) for _ in range(n)],
        "f": [maybe(round(rnd.uniform(-10, 10), 3)) for _ in range(n)],
        "s": [maybe(rnd.choice(["apple", "banana", "cherry", "date", "Apple"])) for _ in range(n)],
    })


T = _table(1, 200)
U = _table(2, 60)

QUERIES = [
    "SELECT id, x + 1, x * 2, -x FROM T",
    "SELECT id, x / NULLIF(k, 0) FROM T",
    "SELECT id, COALESCE(x, k, 0), IFNULL(s, 'none') FROM T",
    "SELECT id FROM T WHERE x BETWEEN -10 AND 10 AND s LIKE 'a%'",
    "SELECT id FROM T WHERE s NOT LIKE '%an%' OR x IN (1, 2, 3)",
    "SELECT id, CASE WHEN x > 0 THEN 'pos' WHEN x < 0 THEN 'neg' ELSE 'zero' END FROM T",
    "SELECT k, COUNT(*), COUNT(x), SUM(x), AVG(f), MIN(s), MAX(x) FROM T GROUP BY k",
    "SELECT k, COUNT(DISTINCT s) FROM T GROUP BY k",
    "SELECT k, SUM(x) FROM T GROUP BY k HAVING SUM(x) > 0",
    "SELECT DISTINCT k, s FROM T",
    "SELECT T.id, U.id AS uid FROM T JOIN U ON T.k = U.k AND T.s = U.s",
    "SELECT T.id, U.x FROM T LEFT JOIN U ON T.x = U.x",
    "SELECT T.id, U.id AS uid FROM T RIGHT JOIN U ON T.x = U.x",
    "SELECT id FROM T WHERE x IN (SELECT x FROM U)",
    "SELECT id FROM T WHERE x NOT IN (SELECT x FROM U WHERE x IS NOT NULL)",
    "SELECT id FROM T WHERE k NOT IN (SELECT k FROM U)",
    "SELECT id FROM T WHERE EXISTS (SELECT 1 FROM U WHERE U.k = T.k AND U.x > T.x)",
    "SELECT id FROM T WHERE NOT EXISTS (SELECT 1 FROM U WHERE U.s = T.s)",
    # inner <> outer beside the equalities: grouped min / max, nulls on both sides
    "SELECT id FROM T WHERE EXISTS (SELECT * FROM U WHERE U.k = T.k AND U.x <> T.x)",
    "SELECT id FROM T WHERE NOT EXISTS (SELECT * FROM U WHERE U.k = T.k AND U.x <> T.x)",
    "SELECT id FROM T WHERE EXISTS (SELECT * FROM U WHERE U.k = T.k AND T.s <> U.s AND U.x > 0)",
    "SELECT id FROM T WHERE NOT EXISTS (SELECT * FROM U WHERE U.k = T.k AND T.s <> U.s AND U.x > 0)",
    "SELECT id FROM T WHERE EXISTS (SELECT * FROM U WHERE U.k = T.k AND U.x <> T.x)"
    " AND NOT EXISTS (SELECT * FROM U WHERE U.k = T.k AND U.x <> T.x AND U.f > 0)",
    "SELECT id FROM T WHERE x IN (SELECT x FROM U WHERE U.k = T.k AND U.id <> T.id)",
    "SELECT id FROM T WHERE EXISTS (SELECT * FROM U WHERE U.k = T.k AND U.x + 1 <> T.x - 1)",
    "SELECT id FROM T WHERE EXISTS (SELECT * FROM U WHERE U.f = T.f AND U.x <> T.x)",  # float key: row pairs
    "SELECT id, (SELECT MAX(x) FROM U) FROM T",
    "SELECT id FROM T WHERE f > (SELECT AVG(f) FROM U WHERE U.k = T.k)",
    # correlated scalar COUNT: 0, not null, where nothing matches (null keys included)
    "SELECT id, (SELECT COUNT(*) FROM U WHERE U.k = T.k) FROM T",
    "SELECT id, (SELECT COUNT(x) FROM U WHERE U.k = T.k AND U.x > 0) AS c FROM T",
    "SELECT id, (SELECT COUNT(DISTINCT s) FROM U WHERE U.x = T.x) FROM T",
    "SELECT id, (SELECT COUNT(*) + 1 FROM U WHERE U.s = T.s AND U.k = T.k) FROM T",
    "SELECT id, (SELECT COUNT(*) * 10 + SUM(x) FROM U WHERE U.k = T.k) FROM T",
    "SELECT id, (SELECT CASE WHEN COUNT(*) = 0 THEN 'none' ELSE MAX(s) END FROM U WHERE U.x = T.x) FROM T",
    "SELECT id FROM T WHERE (SELECT COUNT(*) FROM U WHERE U.k = T.k AND U.x > 10) = 0",
    "SELECT id FROM T WHERE x > (SELECT COUNT(*) FROM U WHERE U.k = T.k)",
    "WITH a AS (SELECT k, SUM(x) AS sx FROM T GROUP BY k) SELECT a.k, sx, U.id FROM a JOIN U ON a.k = U.k",
    "SELECT x FROM T UNION SELECT x FROM U",
    "SELECT x FROM T UNION ALL SELECT x FROM U",
    "SELECT k, s FROM T INTERSECT SELECT k, s FROM U",
    "SELECT k, s FROM T EXCEPT SELECT k, s FROM U",
    "SELECT id, UPPER(s), LOWER(s), LENGTH(s), SUBSTRING(s, 2, 3), CONCAT(s, '-', s), LEFT(s, 2), RIGHT(s, 2) FROM T"
    " WHERE s IS NOT NULL",  # DuckDB's CONCAT skips nulls; MySQL's (and alopex's) gives null
    "SELECT id, REPLACE(s, 'a', 'A'), TRIM(CONCAT(' ', s, ' ')) FROM T WHERE s IS NOT NULL",
    "SELECT id, ABS(x), ROUND(f, 1), FLOOR(f), CEIL(f), MOD(x, 7), POWER(k, 2) FROM T",
    "SELECT id, x % 7, x DIV 3 FROM T",
    "SELECT id, ROW_NUMBER() OVER (PARTITION BY k ORDER BY id) FROM T",
    "SELECT id, LAG(x) OVER (PARTITION BY k ORDER BY id), LEAD(x, 2) OVER (ORDER BY id) FROM T",
    "SELECT id, SUM(x) OVER (PARTITION BY k), COUNT(*) OVER (PARTITION BY k) FROM T",
]


@pytest.mark.parametrize("query", QUERIES)
def test_against_duckdb(query):
    con = duckdb.connect()
    con.register("T", T)
    con.register("U", U)
    want = con.sql(query.replace(" DIV ", " // ")).to_arrow_table()
    got = ax.SQLContext(T=T, U=U).execute(query, eager=True).to_arrow()
    assert got.num_columns == want.num_columns
    assert sorted_rows(got) == sorted_rows(want)


def test_min_max_with_nan_follow_each_apis_peer():
    # SQL orders NaN above every number (ORDER BY here, and DuckDB), so its
    # MAX is NaN once a NaN is present; the DataFrame API follows Polars,
    # whose max skips NaN. MIN is the least number in both (NaN when every
    # value is NaN); all-null and empty groups are NULL.
    pl = pytest.importorskip("polars")
    nan = math.nan
    t = pa.table({"g": [1, 1, 1, 2, 2, 3, 4, 4], "v": [1.0, nan, 3.0, nan, nan, None, -0.5, None]})
    t32 = t.set_column(1, "v", t.column("v").cast(pa.float32()))
    q = "SELECT g, MIN(v) AS mn, MAX(v) AS mx FROM src GROUP BY g ORDER BY g"

    def rows(res):
        return [tuple("nan" if isinstance(x, float) and math.isnan(x) else x for x in r) for r in res]

    for tbl in (t, t32):
        want = rows(duckdb.sql(q.replace("FROM src", "FROM tbl")).fetchall())
        assert want == [(1, 1.0, "nan"), (2, "nan", "nan"), (3, None, None), (4, -0.5, -0.5)]
        src = ax.DataFrame(tbl)  # noqa: F841 - read by ax.sql
        got = ax.sql(q).collect().to_arrow()
        assert rows(zip(*got.to_pydict().values())) == want
        assert got.schema.field("mx").type == tbl.schema.field("v").type
        # Without GROUP BY, with DISTINCT, over a filtered-out input, and as a window.
        assert rows(ax.sql("SELECT MIN(v), MAX(v), MAX(DISTINCT v) FROM src")
                    .collect().rows()) == [(-0.5, "nan", "nan")]
        assert ax.sql("SELECT MAX(v) FROM src WHERE g > 9").collect().rows() == [(None,)]
        win = ax.sql("SELECT g, MAX(v) OVER (PARTITION BY g) AS w FROM src ORDER BY g").collect()
        assert rows(win.rows())[:3] == [(1, "nan")] * 3
        assert rows(win.rows())[-1] == (4, -0.5)
        # Running MAX (the default RANGE frame, peers included, and ROWS) is
        # NaN from the first NaN on, as in DuckDB; running MIN skips NaN.
        src_rows = pa.table({"j": [1, 2, 3, 4, 5, 6], "i": [1, 2, 2, 3, 4, 5], "p": [1, 1, 1, 2, 2, 2],  # noqa: F841
                             "v": pa.array([1.0, None, nan, 3.0, nan, 2.0], tbl.schema.field("v").type)})
        for w in ("ORDER BY i", "PARTITION BY p ORDER BY i", "ORDER BY j ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW"):
            wq = f"SELECT j, MAX(v) OVER ({w}) AS mx, MIN(v) OVER ({w}) AS mn FROM src_rows ORDER BY j"
            assert rows(ax.sql(wq).collect().rows()) == rows(duckdb.sql(wq).fetchall()), w
        # ORDER BY puts NaN last ascending (NULL first, MySQL's order): MAX agrees.
        ordered = ax.sql("SELECT v FROM src WHERE v IS NOT NULL ORDER BY v").collect()
        assert math.isnan(ordered["v"].to_list()[-1])

    frame = ax.DataFrame(t)
    got = frame.group_by("g").agg(ax.col("v").min().alias("mn"), ax.col("v").max().alias("mx")).sort("g")
    want = pl.from_arrow(t).group_by("g").agg(pl.col("v").min().alias("mn"), pl.col("v").max().alias("mx")).sort("g")
    assert rows(got.rows()) == rows(want.rows())
    assert rows(got.rows()) == [(1, 1.0, 3.0), (2, "nan", "nan"), (3, None, None), (4, -0.5, -0.5)]


JOIN_COLUMNS = [
    # ON and comma joins keep both sides' columns; only USING merges its keys into one column.
    "SELECT * FROM T JOIN U ON T.k = U.k",
    "SELECT * FROM T LEFT JOIN U ON T.k = U.k AND T.s = U.s",
    "SELECT * FROM T RIGHT JOIN U ON T.x = U.x",
    "SELECT * FROM T, U WHERE T.k = U.k AND T.x < U.x",
    "SELECT * FROM T JOIN U USING (k)",
    "SELECT * FROM T LEFT JOIN U USING (k, s)",
    "SELECT * FROM T RIGHT JOIN U USING (x)",
    "SELECT k, T.k, U.k FROM T LEFT JOIN U USING (k)",
    "SELECT x, T.x, U.x FROM T RIGHT JOIN U USING (x)",
    "SELECT T.*, U.k FROM T JOIN U USING (k)",
    "SELECT T.k, U.k FROM T JOIN U ON T.k = U.k",
]


@pytest.mark.parametrize("query", JOIN_COLUMNS)
def test_join_columns_against_duckdb(query):
    """The columns of a join as SQL gives them (SELECT * over JOIN … ON used to drop the right key and
    LEFT/RIGHT JOIN … USING was refused as ambiguous); repeated names become name:table, as in Polars' SQL."""
    con = duckdb.connect()
    con.register("T", T)
    con.register("U", U)
    want = con.sql(query).to_arrow_table()
    got = ax.SQLContext(T=T, U=U).execute(query, eager=True).to_arrow()
    assert sorted_rows(got) == sorted_rows(want)
    names, seen = [], set()
    for n in want.column_names:
        names.append(n if n not in seen else None)
        seen.add(n)
    assert [g if w is not None else None for g, w in zip(got.column_names, names)] == names
    assert len(set(got.column_names)) == got.num_columns


def test_ambiguous_column_after_join_on():
    with pytest.raises(ax.AlopexError, match="ambiguous"):
        ax.SQLContext(T=T, U=U).execute("SELECT k FROM T JOIN U ON T.k = U.k", eager=True)
    got = ax.SQLContext(T=T, U=U).execute("SELECT id, 1 AS id FROM T LIMIT 1", eager=True)
    assert got.columns == ["id", "id:1"]


def test_cast_to_integer_rounds_as_mysql():
    """A fraction cast to an integer rounds (a truncation gave 2 for 2.5): an exact value (DECIMAL, a
    literal such as 2.5) halves away from zero, a DOUBLE halves to even (C's rint), as MySQL and DuckDB."""
    frac = pa.table({"f": [2.5, -2.5, 2.4, 1.7, -0.5, None, 0.5, 3.5]})
    q = "SELECT CAST(f AS {t}) AS i, CAST(f * 10 AS {t}) AS j FROM frac"
    got = ax.SQLContext(frac=frac).execute(q.format(t="SIGNED"), eager=True).rows()
    assert got == duckdb.sql(q.format(t="BIGINT")).fetchall()
    assert got[0] == (2, 25) and got[1] == (-2, -25) and got[-1] == (4, 35)
    dect = pa.table({"d": pa.array([decimal.Decimal("2.5"), decimal.Decimal("-2.5"), decimal.Decimal("0.49")],
                                  pa.decimal128(6, 2))})
    got = ax.SQLContext(dect=dect).execute("SELECT CAST(d AS SIGNED) FROM dect", eager=True).rows()
    assert got == [(3,), (-3,), (0,)] == duckdb.sql("SELECT CAST(d AS BIGINT) FROM dect").fetchall()
    lit = ax.sql("SELECT CAST(2.5 AS SIGNED) a, CAST(-2.5 AS SIGNED) b, CAST(2.5 AS UNSIGNED) c, "
                 "CAST(2.5e0 AS SIGNED) d, CAST(-(3.5) AS SIGNED) e").collect().rows()
    assert lit == [(3, -3, 3, 2, -4)]


def test_cast_of_a_string_reads_its_leading_number_as_mysql():
    """MySQL converts a string to a number from its leading number: ' 12abc' is 12, '2.5' AS SIGNED is 2
    (the integer prefix), 'abc' and '' are 0, a value beyond BIGINT is its bound; every one was NULL."""
    s = pa.table({"s": ["2.5", " 12abc", "abc", "", "-3.9", "1e3", "99999999999999999999",
                        "-99999999999999999999", "+7", "\t 1.5e2xyz", ".5", "5.", "1e", "-", None, "ünï"]})
    got = ax.SQLContext(s=s).execute(
        "SELECT CAST(s AS SIGNED) i, CAST(s AS UNSIGNED) u, CAST(s AS DOUBLE) d, CAST(s AS DECIMAL(8, 2)) m FROM s",
        eager=True).rows()
    i, u, d, m = (list(c) for c in zip(*got))
    assert i == [2, 12, 0, 0, -3, 1, 9223372036854775807, -9223372036854775808, 7, 1, 0, 5, 1, 0, None, 0]
    assert u[:3] == [2, 12, 0] and u[6] == 18446744073709551615
    assert d == [2.5, 12.0, 0.0, 0.0, -3.9, 1000.0, 1e20, -1e20, 7.0, 150.0, 0.5, 5.0, 1.0, 0.0, None, 0.0]
    assert m[:6] == [decimal.Decimal("2.50"), decimal.Decimal("12.00"), decimal.Decimal("0.00"),
                     decimal.Decimal("0.00"), decimal.Decimal("-3.90"), decimal.Decimal("1000.00")]
    lit = ax.sql("SELECT CAST('2.5' AS SIGNED) a, CAST(' 42 apples' AS SIGNED) b, CAST('x1' AS DOUBLE) c").collect()
    assert lit.rows() == [(2, 42, 0.0)]


def test_integer_arithmetic_is_bigint_and_checked():
    """MySQL computes + - * of integers in BIGINT (BIGINT UNSIGNED with an unsigned operand) and raises on
    overflow; the SQL path wrapped in the operands' width (2e9 + 2e9 in INT gave -294967296)."""
    t = pa.table({"a": pa.array([2_000_000_000, 5, None], pa.int32()), "b": pa.array([2_000_000_000, -7, 1], pa.int32()),
                  "u": pa.array([1, 2, 3], pa.uint8())})
    ctx = ax.SQLContext(t=t)
    got = ctx.execute("SELECT a + b, a * 3, a - b, u * 200, u + 1 FROM t", eager=True)
    want = duckdb.sql("SELECT a::BIGINT + b, a::BIGINT * 3, a::BIGINT - b, u::UBIGINT * 200, u::UBIGINT + 1 FROM t")
    assert got.rows() == want.fetchall()
    assert got.dtypes == [ax.Int64, ax.Int64, ax.Int64, ax.UInt64, ax.UInt64]
    for q, shown in [("SELECT 9223372036854775807 + 1", "9223372036854775807 + 1"),
                     ("SELECT -9223372036854775807 - 2", "-9223372036854775807 - 2"),
                     ("SELECT 4294967296 * 4294967296", "4294967296 * 4294967296"),
                     ("SELECT -9223372036854775808 * -1", "-9223372036854775808 * -1"),
                     ("SELECT u - 3 FROM t", "1 - 3"),
                     ("SELECT 18446744073709551615 + 1", "18446744073709551615 + 1")]:
        with pytest.raises(ax.ComputeError, match="out of range") as e:
            ctx.execute(q, eager=True)
        assert shown in str(e.value), q
    edge = ctx.execute("SELECT -4611686018427387904 * 2, 18446744073709551615 + 0, 3037000499 * -3037000499",
                       eager=True).rows()
    assert edge == [(-9223372036854775808, 18446744073709551615, -9223372030926249001)]


def test_cast_datetime_as_char_prints_a_fraction_only_when_there_is_one():
    """MySQL's CAST(datetime AS CHAR) has no .000000 for whole seconds (alopex printed it always)."""
    import datetime as dt

    ts = pa.table({"ts": pa.array([dt.datetime(2024, 1, 2, 3, 4, 5), dt.datetime(2024, 1, 2, 3, 4, 5, 120000), None],
                                  pa.timestamp("us"))})
    got = ax.SQLContext(ts=ts).execute("SELECT CAST(ts AS CHAR) FROM ts", eager=True).rows()
    assert got == [("2024-01-02 03:04:05",), ("2024-01-02 03:04:05.120000",), (None,)]
    assert ax.sql("SELECT CAST(TIMESTAMP '2024-05-06 07:08:09' AS CHAR)").collect().item() == "2024-05-06 07:08:09"
    # The DataFrame API keeps Polars' form.
    assert ax.DataFrame(ts).select(ax.col("ts").cast(ax.String)).item(0, 0) == "2024-01-02 03:04:05.000000"


def test_corr_and_covariance_aggregates_against_duckdb():
    """CORR, COVAR_SAMP and COVAR_POP (not MySQL's, the parser reads them as plain calls): rows where
    both values are non-null, NULL when none is, NaN propagating, also in scalar subqueries."""
    nan = float("nan")
    pt = pa.table({"g": [1, 1, 1, 2, 2, 3, 4, 4, 5, 5, 5],  # noqa: F841 - read by DuckDB
                   "x": [1.0, 2, 3, 4, 5, None, 1, 1, 1, 2, nan], "y": [2.0, 4, 7, 1, None, 3, 5, 6, 1, 2, 3],
                   "i": list(range(1, 12))})
    ctx = ax.SQLContext(pt=pt)
    for q in ["SELECT g, CORR(x, y) c, COVAR_SAMP(x, y) s, COVAR_POP(x, y) p FROM pt GROUP BY g",
              "SELECT CORR(x, y), COVAR_SAMP(i, y), COVAR_POP(y, i), corr(i, i) FROM pt",
              "SELECT CORR(x, y) FROM pt WHERE g > 9",
              "SELECT g FROM pt WHERE i > (SELECT COVAR_POP(i, y) FROM pt) GROUP BY g HAVING COVAR_SAMP(i, i) > 0"]:
        def nan_free(rows):
            return [tuple("nan" if isinstance(v, float) and math.isnan(v) else v for v in r) for r in rows]

        got, want = sorted_rows(ctx.execute(q, eager=True).to_arrow()), sorted_rows(duckdb.sql(q).to_arrow_table())
        assert nan_free(got) == nan_free(want), q
    with pytest.raises(ax.AlopexError, match="two arguments"):
        ctx.execute("SELECT CORR(x) FROM pt", eager=True)
    with pytest.raises(ax.AlopexError, match="not allowed in WHERE|aggregate"):
        ctx.execute("SELECT g FROM pt WHERE CORR(x, y) > 0", eager=True)


def test_round_of_an_exact_literal_is_exact():
    """ROUND(1.005, 2) is 1.01 in MySQL and DuckDB (1.005 is a DECIMAL); rounding the Float64 gave 1.0."""
    q = "SELECT ROUND(1.005, 2), ROUND(-1.005, 2), ROUND(2.5), ROUND(-(2.5)), ROUND(1.0049, 2), ROUND(123.456, 1)"
    got = ax.sql(q).collect().rows()
    assert got == [(1.01, -1.01, 3.0, -3.0, 1.0, 123.5)]
    assert [tuple(float(v) for v in r) for r in duckdb.sql(q).fetchall()] == got


def test_cast_as_decimal_is_exact():
    """CAST(… AS DECIMAL(p, s)) gives an exact Decimal rounded as MySQL and DuckDB (halves away from zero);
    it gave a Float64 (CAST('3.75' AS DECIMAL(4,1)) was 3.75)."""
    from decimal import Decimal as D

    lit = ax.sql("SELECT CAST('3.75' AS DECIMAL(4,1)) a, CAST(5000/7 AS DECIMAL(10,2)) b, CAST(3.65 AS DECIMAL(4,1)) c, "
                 "CAST(-2.25 AS DECIMAL(4,1)) d, CAST(12 AS DECIMAL) e, CAST(123456 AS DECIMAL(4,1)) f").collect()
    # 123456 does not fit DECIMAL(4,1): MySQL 8's SELECT clips it to the type's bound (DuckDB raises).
    assert lit.rows() == [(D("3.8"), D("714.29"), D("3.7"), D("-2.3"), D("12"), D("999.9"))]
    assert [str(t) for t in lit.dtypes][:2] == ["Decimal(precision=4, scale=1)", "Decimal(precision=10, scale=2)"]
    t = pa.table({"f": [3.65, -0.05, None, 1e9], "s": ["3.75", "-2.25", None, "x"], "i": [1, 12345, None, 7]})
    q = "SELECT CAST(f AS DECIMAL(4,1)) a, CAST(s AS DECIMAL(4,1)) b, CAST(i AS DECIMAL(6,1)) c FROM t"
    assert ax.SQLContext(t=t).execute(q, eager=True).rows() == duckdb.sql(q.replace("FROM t", "FROM t LIMIT 3")).fetchall() + [(D("999.9"), D("0.0"), D("7.0"))]  # 'x' reads as 0; 1e9 clips, as in MySQL
    with pytest.raises(ax.NotSupportedError, match="38 digits"):
        ax.sql("SELECT CAST(1 AS DECIMAL(65, 30))").collect()


def test_cast_of_a_string_as_decimal_never_goes_through_a_float():
    """A string cast to DECIMAL is read exactly and rounded halves away from zero, as MySQL and DuckDB do.
    It went through a Float64: '1.005' gave 1.00, '0.285' 0.28 and 20 digits lost their last three."""
    from decimal import Decimal as D

    strs = ["1.005", "0.285", "-1.255", "3.65", "12345678901234567.89", "2.5e-1", "0.125", None]
    t = pa.table({"s": strs})
    q = "SELECT CAST(s AS DECIMAL(20,2)) d FROM t"
    got = ax.SQLContext(t=t).execute(q, eager=True).rows()
    assert got == duckdb.sql(q).fetchall()
    assert got == [(D("1.01"),), (D("0.29"),), (D("-1.26"),), (D("3.65"),), (D("12345678901234567.89"),),
                   (D("0.25"),), (D("0.13"),), (None,)]
    # MySQL's reading of a string's number: leading space, a prefix, an exponent; no number reads as 0
    lit = ax.sql("SELECT CAST(' -1.255abc' AS DECIMAL(6,2)) a, CAST('1.5e2' AS DECIMAL(6,1)) b, "
                 "CAST('abc' AS DECIMAL(6,2)) c, CAST('1.005' AS DECIMAL(5,2)) d, CAST('1e999' AS DECIMAL(5,2)) e").collect()
    assert lit.rows() == [(D("-1.26"), D("150.0"), D("0.00"), D("1.01"), None)]


@pytest.mark.parametrize("lazy", [False, True])
def test_frame_cast_to_decimal_matches_polars(lazy):
    pl = pytest.importorskip("polars")
    vals = [3.75, 714.2857142857143, -0.05, None, 3.65, -2.25, 0.25, float("nan")]
    strs = ["3.75", " 1", "x", None, "-2.25", "3.65", "1e2", "9999"]
    ints = [1, 2, None, -5, 0, 10**6, 7, 8]

    def run(m, dec):
        df = m.DataFrame({"f": vals, "s": strs, "i": ints})
        f = df.lazy() if lazy else df
        out = f.select(m.col("f").cast(dec(4, 1), strict=False), m.col("s").cast(dec(5, 1), strict=False),
                       m.col("i").cast(dec(10, 2), strict=False))
        return (out.collect() if lazy else out).rows()

    assert run(ax, lambda p, s: f"Decimal(precision={p}, scale={s})") == run(pl, pl.Decimal)


def test_an_hour_interval_makes_a_date_a_datetime():
    """DATE + INTERVAL n HOUR/MINUTE/SECOND is a DATETIME in MySQL and DuckDB; the hours were dropped (a DATE came
    back). Day and larger units keep a DATE a DATE (MySQL). A date-only TIMESTAMP literal is its midnight."""
    import datetime as dt

    t = pa.table({"d": [dt.date(2020, 1, 1), None, dt.date(2020, 2, 29)],
                  "ts": [dt.datetime(2020, 1, 1, 23, 30), None, dt.datetime(2020, 2, 29)]})
    ctx = ax.SQLContext(t=t)
    for q in ["SELECT d + INTERVAL 2 HOUR a, d - INTERVAL 30 SECOND b, ts + INTERVAL 45 MINUTE c, "
              "DATE_ADD(d, INTERVAL 3 HOUR) e FROM t",
              "SELECT DATE '2020-01-01' + INTERVAL 2 HOUR a, DATE '2020-01-01' - INTERVAL 90 MINUTE b, "
              "timestamp '1993-07-01' c, TIMESTAMP '2020-01-01 10:00:00.25' e"]:
        assert ctx.execute(q, eager=True).rows() == duckdb.sql(q).fetchall(), q
    got = ax.sql("SELECT '1995-01-01' + INTERVAL 2 HOUR a, '1995-01-01 10:00:00' + INTERVAL 1 DAY b, "
                 "'1995-01-01' + INTERVAL 1 DAY c, d + INTERVAL 1 DAY e FROM t LIMIT 1").collect()
    assert got.rows() == [(dt.datetime(1995, 1, 1, 2), dt.datetime(1995, 1, 2, 10), dt.date(1995, 1, 2), dt.date(2020, 1, 2))]
    with pytest.raises(ax.InvalidInputError, match=r"invalid date or datetime 'x' before INTERVAL") as e:
        ax.sql("SELECT 'x' + INTERVAL 1 DAY").collect()
    assert "UTF8MB4" not in str(e.value)  # messages quote the SQL as written, not the parser's charset introducers


def test_concat_with_a_null_is_null():
    """CONCAT(s, NULL) is NULL in MySQL (and s + None null in Polars); it raised "cannot apply + to String and Null"."""
    pl = pytest.importorskip("polars")
    t = pa.table({"s": ["a", "b", None]})
    got = ax.SQLContext(t=t).execute("SELECT CONCAT(s, NULL) a, CONCAT(NULL, s) b, CONCAT(s, '-', s) c FROM t", eager=True)
    assert got.rows() == [(None, None, "a-a"), (None, None, "b-b"), (None, None, None)]
    exprs = lambda m: [(m.col("s") + m.lit(None)).alias("x"), (m.lit(None) + m.col("s")).alias("y")]  # noqa: E731
    assert ax.DataFrame(t).select(exprs(ax)).to_dicts() == pl.DataFrame(t).select(exprs(pl)).to_dicts()


def test_sum_of_integers_never_wraps():
    """SQL's SUM of an INT column is a BIGINT (it wrapped in 32 bits: 2e9 + 2e9 gave -294967296), and a sum past
    64 bits is an error naming the way out (it wrapped silently); MySQL answers with a DECIMAL, DuckDB with HUGEINT."""
    t = pa.table({"i": pa.array([2_000_000_000, 2_000_000_000], pa.int32()), "b": pa.array([2**62, 2**62], pa.int64()),
                  "u": pa.array([2**63, 2**63], pa.uint64()), "g": [1, 1],
                  "back": pa.array([2**63 - 1, 1], pa.int64())})
    ctx = ax.SQLContext(t=t)
    assert ctx.execute("SELECT SUM(i) s, SUM(g) n FROM t", eager=True).rows() == duckdb.sql("SELECT SUM(i), SUM(g) FROM t").fetchall()
    for q in ["SELECT SUM(b) FROM t", "SELECT g, SUM(b) FROM t GROUP BY g", "SELECT SUM(u) FROM t", "SELECT SUM(b) OVER () FROM t"]:
        with pytest.raises(ax.ComputeError, match=r"SUM is out of range of (Int64|UInt64); CAST its argument AS DECIMAL"):
            ctx.execute(q, eager=True)
    # a sum that passes the range and comes back is exact; DECIMAL sums beyond 64 bits
    t2 = pa.table({"x": pa.array([2**63 - 1, 1, -5], pa.int64())})
    assert ax.SQLContext(t=t2).execute("SELECT SUM(x) FROM t", eager=True).rows() == [(2**63 - 5,)]
    got = ctx.execute("SELECT SUM(CAST(b AS DECIMAL(38, 0))) FROM t", eager=True).rows()
    assert got == [(2**63,)] and got == duckdb.sql("SELECT SUM(CAST(b AS DECIMAL(38, 0))) FROM t").fetchall()
    # the DataFrame API keeps Polars' wrapping sum of Int32
    pl = pytest.importorskip("polars")
    assert ax.DataFrame(t).select(ax.col("i").sum()).rows() == pl.DataFrame(t).select(pl.col("i").sum()).rows()


def test_running_sums_of_int_columns_are_bigint():
    """SUM(i) OVER (ORDER BY …) of an INT column summed in 32 bits and wrapped (2e9 + 2e9 < 0); running and framed
    sums are BIGINT, as the plain SUM and as in MySQL and DuckDB."""
    t = pa.table({"i": pa.array([2_000_000_000, 2_000_000_000, None, 5], pa.int32()), "g": [1, 2, 3, 4]})
    ctx = ax.SQLContext(t=t)
    for q in ["SELECT g, SUM(i) OVER (ORDER BY g) s FROM t ORDER BY g",
              "SELECT g, SUM(i) OVER (ORDER BY g ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) s FROM t ORDER BY g",
              "SELECT g, AVG(i) OVER (ORDER BY g) s FROM t ORDER BY g"]:
        assert ctx.execute(q, eager=True).rows() == duckdb.sql(q).fetchall(), q
