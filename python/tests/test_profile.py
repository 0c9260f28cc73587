"""Seeing what a query does: LazyFrame.profile(), explain(analyze=True) and
SQL EXPLAIN ANALYZE (rows and time per plan node), progress bars of long
queries, and plan decisions on the "alopex" logger at DEBUG."""

from __future__ import annotations

import logging
import re
import sys
import types

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import alopex as ax
from alopex import _ffi, _progress

N = 200_000


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """A fact table of N rows in several row groups (id, k = id % 10,
    fk = id % 50) and a dimension of the even fk values (25 rows)."""
    d = tmp_path_factory.mktemp("profile")
    ids = np.arange(N, dtype=np.int64)
    pq.write_table(pa.table({"id": ids, "k": ids % 10, "fk": ids % 50}), d / "fact.parquet", row_group_size=30_000)
    dk = np.arange(0, 50, 2, dtype=np.int64)
    pq.write_table(pa.table({"dk": dk, "name": [f"d{x}" for x in dk]}), d / "dim.parquet")
    return d / "fact.parquet", d / "dim.parquet"


def query(fact: ax.LazyFrame, dim: ax.LazyFrame) -> ax.LazyFrame:
    return (fact.filter(ax.col("id") % 3 == 0)
            .join(dim, left_on="fk", right_on="dk")
            .group_by("k").agg(ax.col("id").count().alias("n")))


def node_rows(prof: ax.DataFrame, prefix: str) -> list[int]:
    d = prof.to_dict(as_series=False)
    return [r for n, r in zip(d["node"], d["rows"]) if n.startswith(prefix)]


def test_profile_counts_rows_per_node(files):
    fact_path, dim_path = files
    out, prof = query(ax.scan_parquet(fact_path), ax.scan_parquet(dim_path)).profile()
    # The true counts, in NumPy.
    ids = np.arange(N)
    kept = ids[ids % 3 == 0]
    joined = kept[(kept % 50) % 2 == 0]
    assert out.sort("k").to_dict(as_series=False) == {
        "k": [0, 2, 4, 6, 8], "n": [int((joined % 10 == k).sum()) for k in (0, 2, 4, 6, 8)]}
    assert prof.columns == ["node", "start", "end", "rows", "time", "self_time"]
    assert prof.schema == {"node": ax.String, "start": ax.UInt64, "end": ax.UInt64, "rows": ax.UInt64,
                           "time": ax.UInt64, "self_time": ax.UInt64}
    assert prof["node"][0] == "optimization"
    assert node_rows(prof, "AGGREGATE") == [5]
    assert node_rows(prof, "INNER JOIN") == [len(joined)]
    scans = sorted(node_rows(prof, "SCAN"))
    # The filter is pushed into the fact scan, and the join's runtime filter
    # runs inside that scan too: it passes on at most the kept rows and at
    # least the ones that join.
    assert scans[0] == 25 and len(joined) <= scans[1] <= len(kept), scans
    rf = node_rows(prof, "RUNTIME FILTER")
    assert all(len(joined) <= r <= len(kept) for r in rf)
    d = prof.to_dict(as_series=False)
    for start, end, t, s in zip(d["start"], d["end"], d["time"], d["self_time"]):
        assert start <= end and s <= t
    # Nodes finish after their inputs: the aggregate is last.
    assert d["node"][-1].startswith("AGGREGATE")


def test_profile_matches_a_collect_on_memory_frames():
    rng = np.random.default_rng(3)
    df = ax.DataFrame({"g": rng.integers(0, 7, 50_000), "x": rng.standard_normal(50_000)})
    lf = df.lazy().filter(ax.col("x") > 0).with_columns((ax.col("x") * 2).alias("y")).group_by("g").agg(
        ax.col("y").sum())
    out, prof = lf.profile()
    assert out.sort("g").to_dict(as_series=False) == lf.collect().sort("g").to_dict(as_series=False)
    positive = int((df["x"].to_numpy() > 0).sum())
    assert node_rows(prof, "SCAN") == [positive]
    assert node_rows(prof, "SELECT") in ([positive], [])  # a projection fused into the scan has no row
    assert node_rows(prof, "AGGREGATE") == [7]


def test_profile_of_an_empty_input(tmp_path):
    path = tmp_path / "empty.parquet"
    pq.write_table(pa.table({"id": pa.array([], pa.int64()), "k": pa.array([], pa.int64()),
                             "fk": pa.array([], pa.int64())}), path)
    dim = ax.LazyFrame({"dk": [0, 2], "name": ["a", "b"]})
    out, prof = query(ax.scan_parquet(path), dim).profile()
    assert out.height == 0
    d = prof.to_dict(as_series=False)
    assert d["node"][0] == "optimization" and d["rows"][0] is None
    for node, rows in zip(d["node"][1:], d["rows"][1:]):
        assert rows == (2 if node.startswith("SCAN DF") else 0), (node, rows)


def test_explain_analyze_text(files):
    fact_path, dim_path = files
    lf = query(ax.scan_parquet(fact_path), ax.scan_parquet(dim_path))
    text = lf.explain(analyze=True)
    plain = lf.explain()
    lines = text.splitlines()
    # The plan tree of explain(), each node with its counters, then a summary.
    assert [re.sub(r"  \(actual .*\)$", "", line) for line in lines[:-1]] == plain.splitlines()
    assert re.match(r"AGGREGATE .*  \(actual rows=5 batches=1 time=\d+\.\d{3}ms self=\d+\.\d{3}ms\)$", lines[0])
    assert re.match(r"planning \d+\.\d{3}ms, execution \d+\.\d{3}ms$", lines[-1])
    with pytest.raises(ValueError, match="optimized=False"):
        lf.explain(analyze=True, optimized=False)
    with pytest.raises(TypeError, match="analyze"):
        lf.explain(analyze="yes")


def test_sql_explain_analyze(files):
    fact_path, _ = files
    fact = ax.scan_parquet(fact_path)
    q = "SELECT k, count(*) AS n FROM fact WHERE id % 3 = 0 GROUP BY k"
    text = ax.sql("EXPLAIN ANALYZE " + q)
    assert isinstance(text, str)
    lines = text.splitlines()
    assert "actual rows=10 " in lines[0] or any(line.startswith("  AGGREGATE") and "actual rows=10 " in line
                                                for line in lines)
    kept = (N + 2) // 3
    assert any(line.lstrip().startswith("SCAN") and f"actual rows={kept} " in line for line in lines), text
    ctx = ax.SQLContext(fact=fact)
    assert "actual rows=" in ctx.execute("EXPLAIN ANALYZE " + q)
    # Without ANALYZE nothing runs: the plan alone, as before.
    assert ctx.execute("EXPLAIN " + q) == ctx.execute(q).explain()
    assert ctx.execute("EXPLAIN FORMAT='brief' " + q) == ctx.execute("EXPLAIN " + q)
    with pytest.raises(ax.NotSupportedError, match="FORMAT=JSON is not supported"):
        ctx.execute("EXPLAIN FORMAT=JSON " + q)
    with pytest.raises(ax.NotSupportedError, match="FORMAT=dot"):
        ctx.execute("EXPLAIN ANALYZE FORMAT='dot' " + q)


def test_db_sql_explain_analyze():
    with ax.connect() as db:
        db.sql("CREATE TABLE t (id BIGINT PRIMARY KEY, g BIGINT)")
        db.insert("t", ax.DataFrame({"id": np.arange(1000), "g": np.arange(1000) % 4}))
        text = db.sql("EXPLAIN ANALYZE SELECT g, count(*) FROM t WHERE id < 100 GROUP BY g")
        assert "actual rows=4 " in text.splitlines()[0] or "actual rows=4 " in text
        assert re.search(r"\(actual rows=100 ", text), text


def test_logger_notes_plan_decisions_at_debug(files, caplog):
    fact_path, dim_path = files
    lf = query(ax.scan_parquet(fact_path), ax.scan_parquet(dim_path))
    with caplog.at_level(logging.INFO, logger="alopex"):
        lf.collect()
    assert [r for r in caplog.records if r.name == "alopex"] == []
    with caplog.at_level(logging.DEBUG, logger="alopex"):
        lf.collect()
    msgs = [r.getMessage() for r in caplog.records if r.name == "alopex"]
    assert all(r.levelno == logging.DEBUG for r in caplog.records if r.name == "alopex")
    assert any("hashes the right input" in m and "dk" in m for m in msgs), msgs
    assert any("runtime filter #" in m for m in msgs), msgs
    assert any("predicate pushed down" in m for m in msgs), msgs
    assert any(re.search(r"\d+ morsel\(s\) on \d+ worker\(s\)", m) for m in msgs), msgs


# --- progress ---------------------------------------------------------------


class FakeBar:
    bars: list["FakeBar"] = []

    def __init__(self, total=None, desc="", **kw):
        self.total, self.desc, self.n, self.closed, self.refreshed = total, desc, 0, False, False
        FakeBar.bars.append(self)

    def update(self, k):
        self.n += k

    def refresh(self):
        self.refreshed = True

    def close(self):
        self.closed = True


@pytest.fixture
def fake_tqdm(monkeypatch):
    FakeBar.bars = []
    fake = types.ModuleType("tqdm.auto")
    fake.tqdm = FakeBar
    monkeypatch.setitem(sys.modules, "tqdm.auto", fake)
    # Show at once and poll often, so that a query of a few tens of
    # milliseconds gets its bar.
    monkeypatch.setattr(_progress, "PROGRESS_AFTER_S", 0.0)
    monkeypatch.setattr(_ffi, "_WAIT_MS", 1)
    yield FakeBar.bars
    _progress.set_progress(None)


def slow_query(n: int = 1_000_000) -> tuple[ax.LazyFrame, int]:
    """A query of some tens of milliseconds (the bars poll every millisecond here)."""
    rng = np.random.default_rng(0)
    df = ax.DataFrame({"g": rng.integers(0, 100_000, n), "x": rng.standard_normal(n)})
    return df.lazy().group_by("g").agg(ax.col("x").std().alias("s"), ax.col("x").median().alias("m")), n


def test_progress_off_when_not_interactive(fake_tqdm):
    lf, _ = slow_query()
    assert _progress.progress_enabled() is None and not _progress.show_progress()  # pytest captures stderr
    lf.collect()
    assert [b for b in fake_tqdm if b.desc == "query"] == []
    _progress.set_progress(True)
    lf.collect(progress=False)  # the call's argument wins over the switch
    assert [b for b in fake_tqdm if b.desc == "query"] == []


def test_progress_forced_shows_a_bar_that_finishes(fake_tqdm):
    lf, n = slow_query()
    lf.collect(progress=True)
    bars = [b for b in fake_tqdm if b.desc == "query"]
    assert len(bars) == 1, "no progress bar while the query ran"
    b = bars[0]
    assert b.total == n and b.n == n and b.closed and b.refreshed
    assert _ffi.progress() == []  # the query's task ended with it
    fake_tqdm.clear()
    _progress.set_progress(True)
    lf.collect()
    assert [b.n for b in fake_tqdm if b.desc == "query"] == [n]
    _progress.set_progress(False)
    lf.collect()
    assert len([b for b in fake_tqdm if b.desc == "query"]) == 1


def test_progress_with_real_tqdm(monkeypatch, capsys):
    pytest.importorskip("tqdm")
    monkeypatch.setattr(_progress, "PROGRESS_AFTER_S", 0.0)
    monkeypatch.setattr(_ffi, "_WAIT_MS", 1)
    lf, n = slow_query()
    lf.collect(progress=True)
    err = capsys.readouterr().err
    assert "query" in err and "100%" in err, err
    lf.collect()
    assert capsys.readouterr().err == ""


def test_set_progress_switch():
    try:
        ax.set_progress(False)
        assert ax.progress_enabled() is False and not _progress.show_progress()
        assert _progress.show_progress(True)
        ax.set_progress(True)
        assert ax.progress_enabled() is True and _progress.show_progress()
        ax.set_progress(None)
        assert ax.progress_enabled() is None
        with pytest.raises(TypeError, match="True, False or None"):
            ax.set_progress("yes")
        with pytest.raises(TypeError, match="progress must be"):
            ax.LazyFrame({"a": [1]}).collect(progress=1)
    finally:
        ax.set_progress(None)


def test_set_progress_false_hides_every_bar(fake_tqdm, monkeypatch):
    """The switch also hides the bars of other long tasks a call waits for
    (building a stored vector index at its first search)."""
    n, dim = 3000, 16
    rng = np.random.default_rng(5)
    monkeypatch.setattr(_ffi, "PROGRESS_AFTER_S", 0.0)
    try:
        ax.set_progress(False)
        with ax.connect() as db:
            db.sql(f"CREATE TABLE big (id BIGINT PRIMARY KEY, emb VECTOR({dim}))")
            db.insert("big", ax.DataFrame({"id": np.arange(n), "emb": rng.standard_normal((n, dim)).astype(np.float32)}))
            db.sql("CREATE INDEX h ON big USING HNSW (emb)")
            db.sql("SELECT id FROM big ORDER BY VEC_L2_DISTANCE(emb, ?) LIMIT 3", [np.zeros(dim, np.float32)],
                   eager=True)
        assert fake_tqdm == []
        idx = ax.VectorIndex(8, m=4, ef_construction=16)
        idx.add(rng.standard_normal((20_000, 8)).astype(np.float32))
        assert fake_tqdm == []
    finally:
        ax.set_progress(None)
