"""Moving data in and out of a database: COPY, BACKUP, db.backup and the
``alopex`` command-line tool (driven as a subprocess, interactively through a
pseudo-terminal too)."""

from __future__ import annotations

import datetime as dt
import decimal
import os
import subprocess
import sys
import threading
import time

import numpy as np
import pyarrow.parquet as pq
import pytest

import alopex as ax
from alopex.cli import _complete, _split


@pytest.fixture
def db():
    with ax.connect() as d:
        d.sql("CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(20), day DATE, amt DECIMAL(10,2), ok BOOLEAN)")
        yield d


def _rows(db, q="SELECT * FROM t ORDER BY id"):
    return db.sql(q, eager=True).rows()


def test_copy_from_csv_parses_into_the_table_types(db, tmp_path):
    f = tmp_path / "in.csv"
    f.write_text("id,name,day,amt,ok\n1,a,2024-01-02,0.10,true\n2,é✓,2024-02-29,12345.67,false\n3,,,,\n",
                 encoding="utf-8")
    assert db.sql(f"COPY t FROM '{f}' (HEADER)", eager=True).item() == 3
    assert _rows(db) == [
        (1, "a", dt.date(2024, 1, 2), decimal.Decimal("0.10"), True),
        (2, "é✓", dt.date(2024, 2, 29), decimal.Decimal("12345.67"), False),
        (3, None, None, None, None),
    ]


def test_copy_from_with_options_and_column_list(db, tmp_path):
    f = tmp_path / "in.txt"
    f.write_text("7;x;NA\n8;y;2024-03-01\n")
    n = db.sql(f"COPY t (id, name, day) FROM '{f}' WITH (FORMAT csv, HEADER false, DELIMITER ';', NULL 'NA')",
               eager=True).item()
    assert n == 2
    assert _rows(db) == [(7, "x", None, None, None), (8, "y", dt.date(2024, 3, 1), None, None)]


def test_copy_round_trip_through_parquet_and_a_query(db, tmp_path):
    db.sql("INSERT INTO t VALUES (1, 'a', '2024-01-01', 1.25, true), (2, 'b', NULL, NULL, false)")
    out = tmp_path / "t.parquet"
    assert db.sql(f"COPY t TO '{out}'", eager=True).item() == 2
    assert pq.read_table(out).num_rows == 2
    db.sql("CREATE TABLE t2 (id INT PRIMARY KEY, name VARCHAR(20), day DATE, amt DECIMAL(10,2), ok BOOLEAN)")
    assert db.sql(f"COPY t2 FROM '{out}'", eager=True).item() == 2
    assert _rows(db, "SELECT * FROM t2 ORDER BY id") == _rows(db)
    csv = tmp_path / "q.csv"
    q = f"COPY (SELECT id, name FROM t WHERE id > 1 -- a comment with )\n) TO '{csv}' (DELIMITER '|')"
    assert db.sql(q, eager=True).item() == 1
    assert csv.read_text() == "id|name\n2|b\n"


def test_copy_through_the_cursor_api(db, tmp_path):
    f = tmp_path / "in.csv"
    f.write_text("id,name,day,amt,ok\n1,a,,,\n2,b,,,\n")
    assert db.execute(f"COPY t FROM '{f}'").rowcount == 2
    assert db.execute(f"  copy t TO '{tmp_path / 'out.parquet'}'").rowcount == 2
    assert db.execute("SELECT COUNT(*) FROM t").fetchone() == (2,)


def test_copy_from_is_transactional(db, tmp_path):
    f = tmp_path / "in.csv"
    f.write_text("id,name,day,amt,ok\n1,a,,,\n")
    with pytest.raises(RuntimeError):
        with db.transaction() as tx:
            tx.sql(f"COPY t FROM '{f}'")
            assert tx.sql("SELECT COUNT(*) FROM t", eager=True).item() == 1
            raise RuntimeError("roll back")
    assert _rows(db) == []
    bad = tmp_path / "dup.csv"
    bad.write_text("id,name,day,amt,ok\n5,a,,,\n5,b,,,\n")
    with pytest.raises(ax.ConstraintError, match="duplicate"):
        db.sql(f"COPY t FROM '{bad}'")
    assert _rows(db) == []  # the statement had no effect


@pytest.mark.parametrize("stmt, err, match", [
    ("COPY t FROM '{d}/x.json'", ax.InvalidInputError, "FORMAT parquet"),
    ("COPY t FROM '{d}/missing.csv'", FileNotFoundError, "missing.csv"),
    ("COPY nope FROM '{d}/in.csv'", ax.TableNotFoundError, "nope"),
    ("COPY t (id, nmae) FROM '{d}/in.csv'", ax.ColumnNotFoundError, "did you mean name"),
    ("COPY t FROM '{d}/in.csv' (FOO 1)", ax.InvalidInputError, "unknown COPY option FOO"),
    ("COPY t FROM ?", ax.NotSupportedError, "placeholder"),
    ("COPY (SELECT 1 TO '{d}/x.csv'", ax.SQLSyntaxError, "unbalanced"),
    ("COPY t TO '{d}/x.parquet' (HEADER)", ax.InvalidInputError, "does not apply to parquet"),
    ("COPY t FROM '{d}/in.csv' trailing", ax.SQLSyntaxError, "unexpected text"),
    ("COPY t FROM '{d}/in.csv' (FORMAT json)", ax.NotSupportedError, "json"),
    ("COPY t FROM '{d}/two.csv'", ax.InvalidInputError, "2 column"),
    ("COPY t FROM '{d}/bad.csv'", ax.InvalidInputError, "abc"),
])
def test_copy_errors(db, tmp_path, stmt, err, match):
    (tmp_path / "in.csv").write_text("id,name,day,amt,ok\n1,a,,,\n")
    (tmp_path / "two.csv").write_text("id,name\n1,a\n")
    (tmp_path / "bad.csv").write_text("id,name,day,amt,ok\n1,a,,abc,\n")
    with pytest.raises(err, match=match):
        db.sql(stmt.format(d=tmp_path))
    assert _rows(db) == []


def test_backup_while_writers_run(tmp_path):
    src = tmp_path / "src"
    with ax.connect(str(src)) as db:
        db.sql("CREATE TABLE acc (id INT PRIMARY KEY, bal BIGINT)")
        db.insert("acc", {"id": list(range(10)), "bal": [100] * 10})
        stop = threading.Event()
        errors: list[BaseException] = []

        def transfer() -> None:
            i = 0
            while not stop.is_set():
                a, b = i % 10, (i * 7 + 3) % 10
                i += 1
                if a == b:
                    continue
                try:
                    with db.transaction() as tx:
                        tx.sql("UPDATE acc SET bal = bal - 1 WHERE id = ?", [a])
                        tx.sql("UPDATE acc SET bal = bal + 1 WHERE id = ?", [b])
                except ax.TransactionConflictError:
                    pass
                except BaseException as e:  # noqa: BLE001 - reported below
                    errors.append(e)
                    return

        workers = [threading.Thread(target=transfer) for _ in range(2)]
        for w in workers:
            w.start()
        time.sleep(0.2)
        db.sql(f"BACKUP TO '{tmp_path / 'b1'}'")
        db.backup(tmp_path / "b2")
        stop.set()
        for w in workers:
            w.join()
        assert not errors
        with pytest.raises(ax.InvalidInputError, match="not empty"):
            db.backup(tmp_path / "b1")
        with pytest.raises(ax.InvalidInputError, match="inside a transaction"):
            with db.transaction() as tx:
                tx.sql(f"BACKUP TO '{tmp_path / 'b3'}'")
    for name in ("b1", "b2"):
        with ax.connect(str(tmp_path / name), read_only=True) as copy:
            assert copy.sql("SELECT SUM(bal) FROM acc", eager=True).item() == 1000
            assert copy.sql("SELECT COUNT(*) FROM acc", eager=True).item() == 10


def test_backup_of_an_in_memory_database(tmp_path):
    with ax.connect() as db:
        db.sql("CREATE TABLE v (id INT PRIMARY KEY, e VECTOR(3))")
        db.sql("INSERT INTO v VALUES (1, ?)", [np.array([1, 2, 3], dtype=np.float32)])
        db.backup(tmp_path / "copy")
    with ax.connect(str(tmp_path / "copy")) as copy:  # and writable
        copy.sql("INSERT INTO v VALUES (2, ?)", [np.array([0, 0, 1], dtype=np.float32)])
        assert copy.sql("SELECT COUNT(*) FROM v", eager=True).item() == 2


# The command-line tool, as a user runs it.

def _cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "alopex.cli", *args], input=stdin, capture_output=True,
                          text=True, timeout=120, env={**os.environ, "PYTHONIOENCODING": "utf-8"})


def test_cli_shell_import_export_info(tmp_path):
    path = str(tmp_path / "db")
    r = _cli("shell", path, "-c", "CREATE TABLE t (id INT PRIMARY KEY, s TEXT); "
             "INSERT INTO t VALUES (1, 'a;b'), (2, 'ü'); CREATE INDEX by_s ON t (s)")
    assert r.returncode == 0, r.stderr
    assert "OK, 2 row(s) affected" in r.stdout
    script = "SELECT *\nFROM t\nWHERE id > 1;\n.tables\n.schema t\n.indexes t\n.timer on\nSELECT 1 AS one;\n"
    r = _cli("shell", path, stdin=script)
    assert r.returncode == 0, r.stderr
    assert "ü" in r.stdout and "a;b" not in r.stdout
    assert "t (\n  id Int32,\n  s String\n)" in r.stdout
    assert "INDEX by_s ON t (s)" in r.stdout
    assert "Run Time:" in r.stdout
    r = _cli("shell", path, stdin="SELECT nope FROM t;\n.bogus\n")
    assert r.returncode == 1
    assert "ColumnNotFoundError" in r.stderr and "unknown command .bogus" in r.stderr
    out = tmp_path / "t.parquet"
    r = _cli("export", path, "t", str(out))
    assert r.returncode == 0, r.stderr
    assert pq.read_table(out).to_pydict() == {"id": [1, 2], "s": ["a;b", "ü"]}
    r = _cli("import", path, "copy", str(out), "--primary-key", "id")
    assert r.returncode == 0 and "2 row(s) imported into copy" in r.stdout, r.stderr
    r = _cli("import", path, "copy", str(out))  # appends: the keys are taken
    assert r.returncode == 1 and "ConstraintError" in r.stderr
    r = _cli("export", path, "-", str(tmp_path / "q.csv"), "--query", "SELECT s FROM t ORDER BY id DESC")
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "q.csv").read_text(encoding="utf-8") == "s\nü\na;b\n"
    r = _cli("info", path)
    assert r.returncode == 0, r.stderr
    assert "2 table(s)" in r.stdout and "by_s(s)" in r.stdout
    r = _cli("info", str(tmp_path / "nothing"))
    assert r.returncode == 1 and "no database" in r.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_cli_interactive_shell_completes_and_keeps_history(tmp_path):
    import pty
    import select

    path = str(tmp_path / "db")
    with ax.connect(path) as db:
        db.sql("CREATE TABLE measurements (sensor_id INT PRIMARY KEY, reading DOUBLE)")
        db.sql("INSERT INTO measurements VALUES (42, 1.5)")
    env = {**os.environ, "HOME": str(tmp_path), "TERM": "dumb", "PYTHONIOENCODING": "utf-8"}
    pid, fd = pty.fork()
    if pid == 0:  # the child: the shell on the terminal
        os.execvpe(sys.executable, [sys.executable, "-m", "alopex.cli", "shell", path], env)
    out = b""

    def read_until(token: bytes, timeout: float = 60) -> None:
        nonlocal out
        end = time.monotonic() + timeout
        while token not in out:
            left = end - time.monotonic()
            assert left > 0, f"no {token!r} in {out!r}"
            r, _, _ = select.select([fd], [], [], left)
            if r:
                try:
                    out += os.read(fd, 4096)
                except OSError:
                    break

    try:
        read_until(b"alopex> ")
        os.write(fd, b"SELECT sensor_id FROM measu\t")  # completes the table name
        read_until(b"measurements")
        os.write(fd, b"\n WHERE reading > 1;\n")
        read_until(b"42")
        os.write(fd, b".quit\n")
        os.waitpid(pid, 0)
    finally:
        os.close(fd)
    history = (tmp_path / ".alopex_history").read_text()
    assert "SELECT sensor_id FROM measurements" in history


def test_statement_splitting():
    assert _split("SELECT ';' AS a; SELECT 2 -- ; not here\n;") == ["SELECT ';' AS a", "SELECT 2 -- ; not here"]
    assert _complete("SELECT 1;")
    assert not _complete("SELECT ';'")
    assert not _complete("SELECT 1; SELECT")
