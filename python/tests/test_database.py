"""The embedded database end to end from Python: ax.connect, SQL DDL/DML, stored tables in
plans (key ranges and index scans in explain), transactions, constraints, persistence,
locking, bad input and threads."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading

import numpy as np
import pyarrow as pa
import pytest

import alopex as ax


@pytest.fixture
def db():
    with ax.connect() as d:
        yield d


def rows(df) -> list[tuple]:
    t = df.to_arrow()
    return list(zip(*(t.column(i).to_pylist() for i in range(t.num_columns))))


def test_ddl_dml_round_trip(db):
    assert db.sql("CREATE TABLE t (id BIGINT PRIMARY KEY, name VARCHAR(20) NOT NULL, score DOUBLE)").item() == 0
    assert db.sql("INSERT INTO t VALUES (1, 'a', 1.5), (2, 'b', NULL), (3, 'ü', -2)").item() == 3
    assert db.tables() == ["t"]
    assert db.sql("UPDATE t SET score = score * 2 WHERE id >= 2").item() == 2
    assert db.sql("DELETE FROM t WHERE name = 'a'").item() == 1
    out = db.sql("SELECT id, name, score FROM t ORDER BY id", eager=True)
    assert rows(out) == [(2, "b", None), (3, "ü", -4.0)]
    assert isinstance(db.sql("SELECT * FROM t"), ax.LazyFrame)
    assert {k: str(v) for k, v in db.schema("t").items()} == {"id": "Int64", "name": "String", "score": "Float64"}


def test_params_and_join_with_frame_in_scope(db):
    db.sql("CREATE TABLE users (id INT PRIMARY KEY, name TEXT)")
    db.sql("INSERT INTO users VALUES (?, ?), (?, ?)", [1, "ann", 2, "bob"])
    orders = ax.DataFrame({"user_id": [1, 1, 2], "amount": [10.0, 5.0, 7.0]})  # noqa: F841 (read by SQL)
    out = db.sql("SELECT u.name, SUM(o.amount) AS total FROM users u JOIN orders o ON u.id = o.user_id "
                 "GROUP BY u.name ORDER BY u.name", eager=True)
    assert rows(out) == [("ann", 15.0), ("bob", 7.0)]


def test_table_scan_pushdown_in_explain(db):
    db.sql("CREATE TABLE t (id BIGINT PRIMARY KEY, v DOUBLE, s TEXT)")
    db.insert("t", {"id": np.arange(100), "v": np.arange(100) * 0.5, "s": [str(i) for i in range(100)]})
    lf = db.table("t").filter((ax.col("id") >= 10) & (ax.col("id") < 20)).select("v")
    plan = lf.explain()
    assert "TABLE SCAN t KEY RANGE [id >= 10 AND id < 20]" in plan
    assert "PROJECT 2/3 COLUMNS" in plan
    assert lf.collect()["v"].to_list() == [i * 0.5 for i in range(10, 20)]
    assert "KEY RANGE [id = 5]" in db.sql("EXPLAIN SELECT s FROM t WHERE id = 5")
    got = db.table("t").filter(ax.col("id").is_in([3, 50, 7])).sort("id").collect()["id"].to_list()
    assert got == [3, 7, 50]


def test_index_scan(db):
    db.sql("CREATE TABLE t (id INT PRIMARY KEY, cat TEXT, v INT)")
    db.insert("t", {"id": list(range(50)), "cat": [f"c{i % 5}" for i in range(50)], "v": list(range(50))})
    db.sql("CREATE INDEX by_cat ON t (cat)")
    plan = db.sql("EXPLAIN SELECT id FROM t WHERE cat = 'c3'")
    assert "INDEX SCAN t USING by_cat [cat = 'c3']" in plan
    got = db.sql("SELECT id FROM t WHERE cat = 'c3' ORDER BY id", eager=True)["id"].to_list()
    assert got == list(range(3, 50, 5))
    # the index follows writes
    db.sql("UPDATE t SET cat = 'c3' WHERE id = 0")
    db.sql("DELETE FROM t WHERE id = 3")
    got = db.sql("SELECT id FROM t WHERE cat = 'c3' ORDER BY id", eager=True)["id"].to_list()
    assert got == [0] + list(range(8, 50, 5))


def test_create_table_insert_write_database(db):
    df = ax.DataFrame({"k": [1, 2], "v": ["x", "y"]})
    assert db.create_table("a", df, primary_key="k") == 2
    assert db.insert("a", pa.table({"k": [3], "v": ["z"]})) == 1
    with pytest.raises(ax.InvalidInputError, match="already exists"):
        df.write_database("a", db)
    df.write_database("a", db, if_exists="replace")
    assert sorted(db.table("a").collect()["k"].to_list()) == [1, 2]
    ax.DataFrame({"k": [9], "v": ["n"]}).write_database("a", db, if_exists="append")
    assert db.sql("SELECT COUNT(*) AS n FROM a", eager=True).item() == 3
    db.create_table("empty", {"x": ax.Int32, "y": ax.String})
    assert {k: str(v) for k, v in db.schema("empty").items()} == {"x": "Int32", "y": "String"}
    assert db.create_table("empty", {"x": ax.Int32}, if_not_exists=True) == 0


def test_transactions_commit_and_rollback(db):
    db.sql("CREATE TABLE t (id INT PRIMARY KEY, v INT)")
    with db.transaction() as tx:
        tx.sql("INSERT INTO t VALUES (1, 10)")
        assert tx.table("t").collect()["v"].to_list() == [10]  # its own writes
        assert db.table("t").collect().height == 0  # not visible outside yet
    assert db.table("t").collect()["v"].to_list() == [10]
    with pytest.raises(RuntimeError):
        with db.transaction() as tx:
            tx.sql("UPDATE t SET v = 99")
            raise RuntimeError("boom")
    assert db.table("t").collect()["v"].to_list() == [10]
    # SQL transaction control on the connection
    db.sql("BEGIN")
    assert db.in_transaction
    db.sql("INSERT INTO t VALUES (2, 20)")
    db.sql("ROLLBACK")
    db.sql("START TRANSACTION")
    db.sql("INSERT INTO t VALUES (3, 30)")
    db.sql("COMMIT")
    assert sorted(db.table("t").collect()["id"].to_list()) == [1, 3]
    with pytest.raises(ax.InvalidInputError, match="COMMIT without an open transaction"):
        db.sql("COMMIT")


def test_write_conflict_first_committer_wins(db):
    db.sql("CREATE TABLE acc (id INT PRIMARY KEY, bal INT)")
    db.sql("INSERT INTO acc VALUES (1, 100)")
    t1, t2 = db.transaction(), db.transaction()
    t1.sql("UPDATE acc SET bal = bal - 10 WHERE id = 1")
    t2.sql("UPDATE acc SET bal = bal + 50 WHERE id = 1")
    t1.commit()
    with pytest.raises(ax.TransactionConflictError):
        t2.commit()
    assert db.sql("SELECT bal FROM acc", eager=True).item() == 90


def test_constraints(db):
    db.sql("CREATE TABLE t (id INT PRIMARY KEY, email TEXT UNIQUE, name TEXT NOT NULL)")
    db.sql("INSERT INTO t VALUES (1, 'a@x', 'ann')")
    with pytest.raises(ax.ConstraintError) as e:
        db.sql("INSERT INTO t VALUES (2, 'b@x', 'bob'), (1, 'c@x', 'cat')")
    assert "t" in str(e.value) and "id" in str(e.value) and "1" in str(e.value)
    with pytest.raises(ax.ConstraintError, match="name"):
        db.sql("INSERT INTO t VALUES (3, 'd@x', NULL)")
    with pytest.raises(ax.ConstraintError, match="email"):
        db.sql("INSERT INTO t VALUES (4, 'a@x', 'dan')")
    # the failed statements had no effect
    assert db.sql("SELECT id FROM t", eager=True)["id"].to_list() == [1]
    # REPLACE counts as MySQL does: the rows deleted plus the rows inserted
    assert db.sql("REPLACE INTO t VALUES (1, 'z@x', 'zed')").item() == 2
    assert rows(db.sql("SELECT * FROM t", eager=True)) == [(1, "z@x", "zed")]
    assert db.sql("REPLACE INTO t VALUES (5, 'e@x', 'eve')").item() == 1
    # (6, 'z@x') deletes row 1 (its email), (5, 'f@x') deletes row 5 (its key)
    assert db.sql("REPLACE INTO t VALUES (6, 'z@x', 'six'), (5, 'f@x', 'fay')").item() == 4
    assert rows(db.sql("SELECT * FROM t ORDER BY id", eager=True)) == [(5, "f@x", "fay"), (6, "z@x", "six")]
    assert db.execute("REPLACE INTO t VALUES (6, 'y@x', 'six')").rowcount == 2


def test_bad_input_messages(db):
    db.sql("CREATE TABLE t (id INT PRIMARY KEY, n INT, emb VECTOR(3))")
    with pytest.raises(ax.AlopexError) as e:
        db.sql("INSERT INTO t (id, n) VALUES (1, 2), (2, 'abc')")
    assert "column n" in str(e.value) and "row 2" in str(e.value)
    assert not isinstance(e.value, ax.InternalError)
    with pytest.raises(ax.TableNotFoundError, match="did you mean 't'"):
        db.sql("SELECT * FROM tt")
    with pytest.raises(ax.ColumnNotFoundError, match="nn"):
        db.sql("INSERT INTO t (id, nn) VALUES (1, 2)")
    with pytest.raises(ax.InvalidInputError, match="VECTOR\\(3\\).*dimension 2"):
        db.sql("INSERT INTO t VALUES (1, 1, ?)", [np.array([1.0, 2.0], dtype=np.float32)])
    db.sql("INSERT INTO t VALUES (1, 1, ?)", [np.array([1.0, 2.0, 3.0], dtype=np.float32)])
    v = db.table("t").collect()["emb"].to_numpy()
    assert np.allclose(v, [[1.0, 2.0, 3.0]])
    with pytest.raises(ax.NotSupportedError):
        db.sql("CREATE TABLE g (p TIME)")


def test_no_primary_key_update_delete(db):
    db.sql("CREATE TABLE log (msg TEXT, n INT)")
    db.sql("INSERT INTO log VALUES ('a', 1), ('a', 1), ('b', 2)")
    assert db.sql("UPDATE log SET n = n + 10 WHERE msg = 'a'").item() == 2
    assert db.sql("DELETE FROM log WHERE n = 2").item() == 1
    assert sorted(rows(db.sql("SELECT * FROM log", eager=True))) == [("a", 11), ("a", 11)]
    assert "_rowid" not in db.schema("log")


def test_views_alter_truncate_drop(db):
    db.sql("CREATE TABLE t (id INT PRIMARY KEY, v INT)")
    db.sql("INSERT INTO t VALUES (1, 10), (2, 20)")
    db.sql("CREATE VIEW big AS SELECT id FROM t WHERE v > 15")
    assert db.sql("SELECT * FROM big", eager=True)["id"].to_list() == [2]
    assert db.views() == ["big"]
    db.sql("ALTER TABLE t ADD COLUMN note TEXT")
    db.sql("INSERT INTO t VALUES (3, 30, 'new')")
    assert rows(db.sql("SELECT id, note FROM t ORDER BY id", eager=True)) == [(1, None), (2, None), (3, "new")]
    db.sql("ALTER TABLE t RENAME COLUMN note TO remark")
    db.sql("ALTER TABLE t DROP COLUMN remark")
    assert list(db.schema("t")) == ["id", "v"]
    db.sql("CREATE TABLE c AS SELECT id, v * 2 AS v2 FROM t")
    assert db.sql("SELECT SUM(v2) AS s FROM c", eager=True).item() == 120
    db.sql("INSERT INTO c SELECT id + 10, v FROM t")
    assert db.sql("SELECT COUNT(*) AS n FROM c", eager=True).item() == 6
    db.sql("TRUNCATE TABLE c")
    assert db.table("c").collect().height == 0
    db.sql("RENAME TABLE c TO d")
    db.sql("DROP VIEW big")
    db.sql("DROP TABLE d")
    db.sql("DROP TABLE IF EXISTS d")
    assert db.tables() == ["t"]


def test_persistence_and_read_only(tmp_path):
    path = tmp_path / "db"
    with ax.connect(path) as db:
        db.sql("CREATE TABLE t (id BIGINT PRIMARY KEY, s TEXT, d DECIMAL(10, 2), day DATE)")
        db.sql("INSERT INTO t VALUES (1, 'x', 12.34, '2024-02-29')")
        db.sql("CREATE INDEX by_s ON t (s)")
        db.sql("CREATE VIEW v AS SELECT id FROM t")
    with ax.connect(path) as db:
        assert db.tables() == ["t"] and db.views() == ["v"]
        got = db.sql("SELECT id, s, CAST(d AS DOUBLE) AS d FROM t", eager=True)
        assert rows(got) == [(1, "x", 12.34)]
        assert "INDEX SCAN" in db.sql("EXPLAIN SELECT id FROM t WHERE s = 'x'")
    with ax.connect(path, read_only=True) as db:
        assert db.table("t").collect().height == 1
        with pytest.raises(ax.AlopexError):
            db.sql("INSERT INTO t VALUES (2, 'y', 1, '2024-01-01')")


def test_not_an_alopex_directory(tmp_path):
    (tmp_path / "notes.txt").write_text("keep me")
    with pytest.raises(ax.InvalidInputError):
        ax.connect(tmp_path)
    assert sorted(os.listdir(tmp_path)) == ["notes.txt"]


def test_locked_by_another_process(tmp_path):
    path = tmp_path / "db"
    with ax.connect(path) as db:
        db.sql("CREATE TABLE t (id INT PRIMARY KEY)")
        code = textwrap.dedent(f"""
            import alopex as ax
            try:
                ax.connect({str(path)!r})
            except ax.DatabaseLockedError as e:
                print("locked:", e)
        """)
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                             env={**os.environ})
        assert "locked:" in out.stdout, out.stderr


def test_threads_keep_the_bank_invariant(db):
    db.sql("CREATE TABLE acc (id INT PRIMARY KEY, bal BIGINT NOT NULL)")
    db.insert("acc", {"id": list(range(20)), "bal": [100] * 20})
    errors: list[BaseException] = []

    def worker(seed: int) -> None:
        rng = np.random.default_rng(seed)
        try:
            for _ in range(15):
                a, b = (int(x) for x in rng.choice(20, 2, replace=False))
                amt = int(rng.integers(1, 10))
                try:
                    with db.transaction() as tx:
                        tx.sql("UPDATE acc SET bal = bal - ? WHERE id = ?", [amt, a])
                        tx.sql("UPDATE acc SET bal = bal + ? WHERE id = ?", [amt, b])
                except ax.TransactionConflictError:
                    pass
                total = db.sql("SELECT SUM(bal) AS s FROM acc", eager=True).item()
                assert total == 2000, total
        except BaseException as e:  # reported in the main thread
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[0]
    assert db.sql("SELECT SUM(bal) AS s FROM acc", eager=True).item() == 2000


def test_closed_database(db):
    db.close()
    db.close()
    with pytest.raises(ax.InvalidInputError, match="closed"):
        db.sql("SELECT 1")


def test_constant_select_gives_a_row_per_row(db):
    # SQL's SELECT 1 FROM t repeats per row of t (the DataFrame API's select(lit(1)) gives one row)
    db.sql("CREATE TABLE t (a INT)")
    db.sql("INSERT INTO t VALUES (1), (2), (3)")
    assert db.sql("SELECT 1 FROM t", eager=True).height == 3
    assert db.sql("SELECT 1 FROM t WHERE a > 5", eager=True).height == 0
    assert db.sql("SELECT 1 FROM t WHERE 1 IN (2)", eager=True).height == 0
    assert ax.DataFrame({"a": [1, 2]}).select(ax.lit(1)).height == 1


def test_update_that_changes_the_primary_key(db):
    db.sql("CREATE TABLE t (id INT PRIMARY KEY, v TEXT)")
    db.sql("INSERT INTO t VALUES (1, 'a'), (2, 'b')")
    assert db.sql("UPDATE t SET id = id + 10 WHERE id = 1").item() == 1
    assert rows(db.sql("SELECT id, v FROM t ORDER BY id", eager=True)) == [(2, "b"), (11, "a")]
    with pytest.raises(ax.ConstraintError):
        db.sql("UPDATE t SET id = 2 WHERE id = 11")
    assert db.sql("SELECT id FROM t WHERE id = 2", eager=True)["id"].to_list() == [2]
