"""Bulk loads and big transactions in the embedded database: exact round trips of
create_table/insert, transactions past ``txn_memory`` (spilled to disk, bounded memory),
duplicate keys in bulk, and the size options of ax.connect."""

from __future__ import annotations

import math
import os

import pyarrow as pa
import pytest

import alopex as ax


def _frame(n: int, start: int = 0) -> pa.Table:
    ks = list(range(start, start + n))
    return pa.table({
        "k": pa.array(ks, pa.int64()),
        "x": pa.array([k * 0.5 if k % 7 else None for k in ks], pa.float64()),
        "s": pa.array([f"row {k} ü" if k % 5 else None for k in ks], pa.string()),
    })


def _sorted(t: pa.Table, key: str = "k") -> pa.Table:
    return t.sort_by(key)


def test_bulk_round_trips_exactly(tmp_path):
    edge = pa.table({
        "k": pa.array([3, 1, 2, -(2**63), 2**63 - 1], pa.int64()),
        "x": pa.array([math.nan, -0.0, math.inf, None, 1e-308], pa.float64()),
        "s": pa.array(["", "a\x00b", "日本語 🎉", None, "x" * 1000], pa.string()),
        "b": pa.array([True, None, False, True, False], pa.bool_()),
    })
    with ax.connect(tmp_path / "db") as db:
        assert db.create_table("e", edge, primary_key="k") == 5
        got = db.table("e").collect().to_arrow()
    with ax.connect(tmp_path / "db") as db:  # and after reopening
        again = db.table("e").collect().to_arrow()
    want = _sorted(edge)
    for t in (got, again):
        assert t.column_names == want.column_names
        assert t.column("k").to_pylist() == want.column("k").to_pylist()
        assert t.column("s").to_pylist() == want.column("s").to_pylist()
        assert t.column("b").to_pylist() == want.column("b").to_pylist()
        xs = t.column("x").to_pylist()
        assert math.isnan(xs[3]) and xs[0] is None and xs[1:3] == [-0.0, math.inf] and xs[4] == 1e-308
        assert math.copysign(1, xs[1]) == -1  # the value keeps -0.0 (only keys fold it)


def test_big_transaction_spills_and_commits(tmp_path):
    """A transaction far past txn_memory: reads inside see its writes, a failing
    statement undoes only itself, the commit applies everything, rollback nothing."""
    path = tmp_path / "db"
    src = _frame(20_000)
    with ax.connect(path, txn_memory="64KiB") as db:
        db.create_table("src", src, primary_key="k")
        db.sql("CREATE TABLE dst (k BIGINT PRIMARY KEY, x DOUBLE, s TEXT)")
        with db.transaction() as tx:
            assert tx.sql("INSERT INTO dst SELECT k, x, s FROM src").item() == 20_000
            assert os.listdir(path / "alopex-tmp"), "the transaction did not spill"
            assert tx.sql("SELECT count(*) AS n FROM dst", eager=True).item() == 20_000
            with pytest.raises(ax.ConstraintError, match="duplicate"):
                tx.sql("INSERT INTO dst SELECT k + 30000, x, s FROM src UNION ALL SELECT 5, 1.0, 'dup'")
            assert tx.sql("SELECT count(*) AS n, max(k) AS m FROM dst", eager=True).row(0) == (20_000, 19_999)
            assert tx.sql("DELETE FROM dst WHERE k >= 10000").item() == 10_000
        got = db.table("dst").collect().to_arrow()
        assert got.to_pydict() == _sorted(src).slice(0, 10_000).to_pydict()
        tx = db.transaction()
        tx.sql("DELETE FROM dst WHERE k < 5000")
        tx.sql("INSERT INTO dst SELECT k + 50000, x, s FROM src")
        tx.rollback()
        assert db.table("dst").collect().to_arrow().to_pydict() == got.to_pydict()
        assert not os.listdir(path / "alopex-tmp")


def test_bulk_load_spilled_round_trip(tmp_path):
    src = _frame(30_000)
    with ax.connect(tmp_path / "db", txn_memory="32KiB") as db:
        assert db.create_table("t", src, primary_key="k") == 30_000
        assert db.insert("t", _frame(1000, start=30_000)) == 1000
        got = db.table("t").collect().to_arrow()
    assert got.to_pydict() == pa.concat_tables([src, _frame(1000, start=30_000)]).to_pydict()


@pytest.mark.parametrize("txn_memory", [None, "16KiB"])
def test_duplicate_key_in_bulk_is_constraint_error(tmp_path, txn_memory):
    data = _frame(5000)
    dup = pa.concat_tables([data, _frame(1, start=4321)])
    with ax.connect(tmp_path / "db", txn_memory=txn_memory) as db:
        with pytest.raises(ax.ConstraintError, match=r"\(k\)=\(4321\)") as e:
            db.create_table("t", dup, primary_key="k")
        assert e.value.table == "t"
        assert db.tables() == []  # the failed load left nothing
        db.create_table("t", data, primary_key="k")
        with pytest.raises(ax.ConstraintError, match=r"\(k\)=\(0\)"):
            db.insert("t", _frame(10))
        assert db.table("t").collect().height == 5000


@pytest.mark.parametrize("bad", ["lots", "-1GiB", "inf GiB", "nanMB", "", "1e400", -5, 2**70])
def test_size_options_reject_bad_values(tmp_path, bad):
    for opt in ("cache_size", "memtable_size", "txn_memory"):
        with pytest.raises(ax.InvalidInputError, match=opt):
            ax.connect(tmp_path / "db", **{opt: bad})
    assert not (tmp_path / "db").exists()


def test_size_options_types_and_units(tmp_path):
    with pytest.raises(TypeError, match="cache_size"):
        ax.connect(cache_size=1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="txn_memory"):
        ax.connect(txn_memory=True)
    with ax.connect(tmp_path / "db", cache_size="1GiB", memtable_size="8 MiB", txn_memory=1 << 20) as db:
        assert db.create_table("t", _frame(100), primary_key="k") == 100


def test_large_load_by_ingestion_round_trips(tmp_path):
    """60k rows (past the size loads are written as sstables), shuffled: stored in key
    order, exactly; a duplicate key among them is a ConstraintError and leaves nothing."""
    import numpy as np

    n = 60_000
    perm = np.random.default_rng(1).permutation(n)
    data = pa.table({
        "k": pa.array(perm, pa.int64()),
        "x": pa.array(np.where(perm % 3 == 0, np.nan, perm / 3.0)),
        "s": pa.array([f"ü{i}" if i % 11 else None for i in perm.tolist()]),
    })
    with ax.connect(tmp_path / "db") as db:
        assert db.create_table("t", data, primary_key="k") == n
        got = db.table("t").collect().to_arrow()
        want = data.sort_by("k")
        assert got.column("k").to_pylist() == list(range(n))
        assert got.column("s").to_pylist() == want.column("s").to_pylist()
        assert np.array_equal(got.column("x").to_numpy(), want.column("x").to_numpy(), equal_nan=True)
        dup = pa.concat_tables([data, data.slice(123, 1)]).combine_chunks()
        with pytest.raises(ax.ConstraintError, match=rf"\(k\)=\({perm[123]}\)"):
            db.create_table("u", dup, primary_key="k")
        assert db.tables() == ["t"]
        # without a key: hidden row ids, in input order
        assert db.create_table("h", data) == n
        assert db.table("h").collect().to_arrow().column("k").to_pylist() == perm.tolist()
    assert not os.listdir(tmp_path / "db" / "alopex-tmp")


_DISK_FULL_CHILD = r"""
import os, resource, signal, sys
import pyarrow as pa
import alopex as ax

signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # over the limit, write() fails with EFBIG
db = ax.connect(sys.argv[1], memtable_size="4MiB")
db.sql("CREATE TABLE t (k BIGINT PRIMARY KEY, s TEXT)")
db.sql("INSERT INTO t VALUES (1, 'kept'), (2, 'also kept')")
resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 20, resource.RLIM_INFINITY))
big = pa.table({"k": pa.array(range(100, 100_100), pa.int64()), "s": pa.array([os.urandom(20).hex() for _ in range(100_000)])})
for write in (lambda: db.create_table("u", big, primary_key="k"), lambda: db.insert("t", big)):
    try:
        write()
        raise SystemExit("a write past the limit succeeded")
    except ax.StorageIOError as e:  # an sstable write failed: nothing applied, the database stays usable
        assert e.reason == "disk_full" and "disk is full" in str(e), e
assert db.tables() == ["t"] and db.sql("SELECT count(*) FROM t", eager=True).item() == 2
acked = 0
try:
    for i in range(100):  # small commits until the WAL hits the limit
        db.insert("t", big.slice(i * 2000, 2000))
        acked += 1
    raise SystemExit("the WAL never hit the limit")
except ax.StorageIOError as e:
    assert e.reason == "disk_full", e
try:
    db.sql("SELECT count(*) FROM t", eager=True)
    raise SystemExit("a broken database kept reading")
except ax.StorageIOError as e:
    assert e.reason == "broken" and "open it again" in str(e), e
db.close()
print(acked)
"""


def test_full_disk_surfaces_and_committed_data_survives(tmp_path):
    """A file size limit (RLIMIT_FSIZE, in a child process) stands in for a full disk:
    failed loads and commits raise StorageIOError(reason="disk_full") and apply nothing;
    after a failed WAL write the database refuses work until reopened; reopened, it
    holds exactly the acknowledged commits."""
    import subprocess
    import sys

    resource = pytest.importorskip("resource")
    del resource
    path = tmp_path / "db"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    out = subprocess.run([sys.executable, "-c", _DISK_FULL_CHILD, str(path)], capture_output=True, text=True,
                         env=env, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    acked = int(out.stdout.split()[-1])
    with ax.connect(path) as db:
        assert db.tables() == ["t"]
        keys = db.table("t").collect().to_arrow().column("k").to_pylist()
    assert keys == [1, 2] + list(range(100, 100 + 2000 * acked))
