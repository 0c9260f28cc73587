"""Batched lookups by primary key from the DataFrame API (issue 11):
``db.table("t").filter(col(pk).is_in(keys))`` reads the distinct keys by one forward walk of the
store (explain: ``KEY SET n keys``), and a long key list travels beside the plan as an Arrow
array, not JSON. Every answer must be Polars' on the same data."""

from __future__ import annotations

import numpy as np
import polars as pl
import pyarrow as pa
import pytest

import alopex as ax
import alopex.expr as ax_expr
from alopex.exceptions import AlopexError

N = 2000


@pytest.fixture
def db():
    with ax.connect() as d:
        ids = np.arange(0, 2 * N, 2, dtype=np.int64)  # even keys only: odd ones are missing
        d.create_table("t", pa.table({"id": ids, "s": [f"row {i}" for i in ids], "v": ids * 10}),
                       primary_key="id")
        yield d


def polars_rows(table: pa.Table, expr: pl.Expr) -> list[tuple]:
    return sorted(pl.from_arrow(table).filter(expr).rows())


def rows(df: ax.DataFrame) -> list[tuple]:
    return sorted(df.rows())


def stored(db_or_tx) -> pa.Table:
    return db_or_tx.table("t").collect().to_arrow()


def keys_with_everything(rng: np.random.Generator) -> np.ndarray:
    """Unsorted keys with repeats, missing keys and keys below and above the table's."""
    k = rng.integers(-50, 2 * N + 50, 500)
    return np.concatenate([k, k[:40]])


@pytest.mark.parametrize("kind", ["numpy", "list", "pyarrow", "polars", "series", "int32"])
def test_key_set_matches_polars(db, kind):
    keys = keys_with_everything(np.random.default_rng(1))
    arg = {"numpy": keys, "list": keys.tolist(), "pyarrow": pa.array(keys), "polars": pl.Series(keys),
           "series": ax.DataFrame({"k": keys})["k"], "int32": keys.astype(np.int32)}[kind]
    lf = db.table("t").filter(ax.col("id").is_in(arg))
    want = polars_rows(stored(db), pl.col("id").is_in(keys.tolist()))
    assert rows(lf.collect()) == want
    assert 0 < len(want) < len(set(keys.tolist()))
    assert f"KEY SET {len(set(keys.tolist()))} keys" in lf.explain()


def test_explain_counts_distinct_keys(db):
    lf = db.table("t").filter(ax.col("id").is_in([5, 3, 3, 1, None] * 30))
    assert "TABLE SCAN t KEY SET 3 keys" in lf.explain()
    assert rows(lf.collect()) == []  # odd keys: none stored


def test_null_keys_match_nothing(db):
    keys = [None] * 10 + list(range(0, 400, 3))
    got = rows(db.table("t").filter(ax.col("id").is_in(keys)).collect())
    assert got == polars_rows(stored(db), pl.col("id").is_in(keys))
    assert rows(db.table("t").filter(ax.col("id").is_in([None] * 100)).collect()) == []


def test_empty_keys(db):
    for keys in ([], np.array([], dtype=np.int64), pa.array([], pa.int64())):
        assert db.table("t").filter(ax.col("id").is_in(keys)).collect().height == 0


def test_float_keys_convert_as_the_filter_does(db):
    keys = [2.0, 2.5, 4.0, 7.0, 1e300, -0.0] + [float(k) for k in range(100, 300, 2)]
    got = rows(db.table("t").filter(ax.col("id").is_in(np.array(keys))).collect())
    assert got == rows(ax.DataFrame(stored(db)).lazy().filter(ax.col("id").is_in(np.array(keys))).collect())
    assert {r[0] for r in got} >= {0, 2, 4}


def test_wrong_key_type_is_the_filters_error(db):
    keys = [f"k{i}" for i in range(100)]
    with pytest.raises(AlopexError) as stored_err:
        db.table("t").filter(ax.col("id").is_in(keys)).collect()
    with pytest.raises(AlopexError) as memory_err:
        ax.DataFrame(stored(db)).lazy().filter(ax.col("id").is_in(keys)).collect()
    assert type(stored_err.value) is type(memory_err.value)


def test_other_predicates_still_apply(db):
    keys = np.arange(0, 1000, 3)
    lf = db.table("t").filter(ax.col("id").is_in(keys) & (ax.col("v") > 3000)).select("id", "v")
    assert "KEY SET" in lf.explain()
    want = sorted(pl.from_arrow(stored(db)).filter(pl.col("id").is_in(keys.tolist()) & (pl.col("v") > 3000))
                  .select("id", "v").rows())
    assert rows(lf.collect()) == want


def test_text_keys():
    with ax.connect() as d:
        names = [f"name {i:04d}" for i in range(300)]
        d.create_table("u", pa.table({"k": names, "v": list(range(300))}), primary_key="k")
        keys = names[::-7] + ["missing", "name 0001", "", "ünïcode"]
        lf = d.table("u").filter(ax.col("k").is_in(keys))
        assert "KEY SET" in lf.explain()
        assert rows(lf.collect()) == polars_rows(d.table("u").collect().to_arrow(), pl.col("k").is_in(keys))


def test_composite_key_leading_column():
    with ax.connect() as d:
        a, b = np.repeat(np.arange(100), 3), np.tile(np.arange(3), 100)
        d.create_table("c", pa.table({"a": a, "b": b, "v": a * 10 + b}), primary_key=["a", "b"])
        keys = list(range(-5, 120, 2)) * 2
        lf = d.table("c").filter(ax.col("a").is_in(keys))
        assert "KEY SET" not in lf.explain()  # a key prefix: ranges of the leading column
        assert rows(lf.collect()) == polars_rows(d.table("c").collect().to_arrow(), pl.col("a").is_in(keys))


def test_transaction_sees_its_pending_writes(db):
    keys = np.concatenate([np.arange(0, 600, 3), [100_001, 100_002, 5000]])
    with db.transaction() as tx:
        tx.execute("INSERT INTO t VALUES (100001, 'new', 1), (3, 'odd', 2)")
        tx.execute("UPDATE t SET v = -1 WHERE id IN (6, 12, 300)")
        tx.execute("DELETE FROM t WHERE id IN (0, 18, 594)")
        got = rows(tx.table("t").filter(ax.col("id").is_in(keys)).collect())
        assert got == polars_rows(stored(tx), pl.col("id").is_in(keys.tolist()))
        assert (3, "odd", 2) in got and (100001, "new", 1) in got and (6, "row 6", -1) in got
        assert not any(r[0] in (0, 18, 594) for r in got)
    # committed: the same rows from the store
    assert rows(db.table("t").filter(ax.col("id").is_in(keys)).collect()) == got


def test_replanned_after_alter_table(db):
    lf = db.table("t").filter(ax.col("id").is_in(np.arange(0, 200, 4)))
    before = lf.collect()
    db.execute("ALTER TABLE t ADD COLUMN w BIGINT")
    db.execute("UPDATE t SET w = id + 1 WHERE id < 100")
    after = lf.collect()
    assert after.columns == before.columns + ["w"]
    assert rows(after) == polars_rows(stored(db), pl.col("id").is_in(list(range(0, 200, 4))))


def test_long_lists_travel_packed(db):
    keys = np.arange(1000)
    plan, sources = db.table("t").filter(ax.col("id").is_in(keys))._serialize()
    assert len(plan) < 1000 and len(sources) == 2  # the database, and the keys as a frame
    small, small_sources = db.table("t").filter(ax.col("id").is_in(keys[:10]))._serialize()
    assert b"[0,1,2" in small.replace(b" ", b"") and len(small_sources) == 1


@pytest.mark.parametrize("values", [
    np.array([1.5, np.nan, 3.0, np.inf, -np.inf] * 30),
    pa.array([1.5, None, float("nan"), 3.0] * 30),
    [1, 2, None, 2**63 + 5] * 30,           # a UInt64 value past Int64
    [1, 2.5] * 50,                           # ints beside floats: sent one by one, exactly
    [True, False] * 50,
    ["a", "é", None] * 30,
])
def test_packed_is_in_equals_the_json_path(monkeypatch, values):
    """In memory, a packed list gives what the same list sent as JSON gives."""
    df = ax.DataFrame({"f": [1.5, float("nan"), None, 3.0, float("inf"), 2.0],
                       "i": [1, 2, None, 3, 2**62, 0],
                       "u": pa.array([1, 2, None, 3, 2**63 + 5, 0], pa.uint64()),
                       "b": [True, None, False, True, True, False],
                       "s": ["a", "é", None, "b", "", "a"]})
    col = {"float": "f", "int": "i", "uint": "u", "bool": "b", "str": "s"}

    def outcome():
        out = {}
        for name, c in col.items():
            try:
                out[name] = df.lazy().select(ax.col(c).is_in(values)).collect()[c].to_list()
            except AlopexError as e:
                out[name] = type(e).__name__
        return out

    packed = outcome()
    monkeypatch.setattr(ax_expr, "_PACK_IS_IN_OVER", 10**9)
    assert packed == outcome()


@pytest.mark.parametrize("dtype", [ax.Int8, ax.Int32, ax.UInt8, ax.UInt32])
def test_keys_past_a_narrow_key_type(dtype):
    with ax.connect() as d:
        d.execute(f"CREATE TABLE n (k {'TINYINT' if dtype in (ax.Int8, ax.UInt8) else 'INT'}"
                  f"{' UNSIGNED' if dtype in (ax.UInt8, ax.UInt32) else ''} PRIMARY KEY, v BIGINT)")
        d.execute("INSERT INTO n VALUES (1, 10), (2, 20), (100, 30)")
        keys = [1, 100, 300, -300, 2**40, -(2**40), 2**63 + 1] * 20
        lf = d.table("n").filter(ax.col("k").is_in(keys))
        assert rows(lf.collect()) == [(1, 10), (100, 30)]


def test_search_filter_with_a_long_key_list():
    """A search filter carries no frames: a long is_in list goes inline, as JSON."""
    with ax.connect() as d:
        d.sql("CREATE TABLE docs (id INT PRIMARY KEY, emb VECTOR(2))")
        ids = np.arange(200)
        d.insert("docs", ax.DataFrame({"id": ids.astype(np.int32),
                                       "emb": np.stack([ids, ids], axis=1).astype(np.float32)}))
        allowed = np.arange(1, 200, 2)  # odd ids only
        got = d.search("docs", [[10.2, 10.2]], k=3, filter=ax.col("id").is_in(allowed), columns=["id"])
        assert [r[1] for r in got.rows()] == [11, 9, 13]
