"""db.sql DML on a stored database: DEFAULT in VALUES and SET, and bad input (wrong types,
NULL into NOT NULL, duplicate keys, unknown tables and columns, vectors of the wrong dimension),
each written inline and with parameters, whose messages name the table, column, row and value."""

from __future__ import annotations

import numpy as np
import pytest

import alopex as ax


@pytest.fixture
def db():
    with ax.connect() as d:
        d.sql("CREATE TABLE t (id INT PRIMARY KEY AUTO_INCREMENT, x DECIMAL(5, 2) DEFAULT 1.5, "
              "s VARCHAR(10) DEFAULT 'hi', n INT NOT NULL, u INT UNIQUE, d DATE DEFAULT '2020-01-02')")
        d.sql("CREATE TABLE v (id INT PRIMARY KEY, e VECTOR(3))")
        yield d


def rows(db, q="SELECT * FROM t ORDER BY id"):
    return [tuple(r.values()) for r in db.sql(q, eager=True).to_arrow().to_pylist()]


def test_default_in_values(db):
    import datetime
    from decimal import Decimal
    db.sql("INSERT INTO t VALUES (DEFAULT, DEFAULT, DEFAULT, 1, DEFAULT, DEFAULT)")
    db.sql("INSERT INTO t (id, n, s) VALUES (DEFAULT, 2, DEFAULT), (DEFAULT, 3, 'x')")
    db.sql("INSERT INTO t (n, s) VALUES (4, DEFAULT(s))")
    day = datetime.date(2020, 1, 2)
    assert rows(db) == [(1, Decimal("1.50"), "hi", 1, None, day), (2, Decimal("1.50"), "hi", 2, None, day),
                        (3, Decimal("1.50"), "x", 3, None, day), (4, Decimal("1.50"), "hi", 4, None, day)]


def test_default_in_update(db):
    db.sql("INSERT INTO t (n, s, x) VALUES (1, 'a', 9), (2, 'b', 8)")
    assert db.sql("UPDATE t SET s = DEFAULT, x = DEFAULT WHERE n = 1").item() == 1
    db.sql("UPDATE t SET u = DEFAULT")
    assert [(r[2], str(r[1]), r[4]) for r in rows(db)] == [("hi", "1.50", None), ("b", "8.00", None)]


def test_default_of_column_without_default_is_null(db):
    with pytest.raises(ax.ConstraintError, match=r'row 1: NULL in NOT NULL column "n" of table "t"'):
        db.sql("INSERT INTO t (n) VALUES (DEFAULT)")
    with pytest.raises(ax.ColumnNotFoundError, match="did you mean 's'"):
        db.sql("INSERT INTO t (n, s) VALUES (1, DEFAULT(ss))")


@pytest.mark.parametrize("params", [False, True])
def test_wrong_type_names_column_row_value(db, params):
    with pytest.raises(ax.AlopexError) as e:
        if params:
            db.sql("INSERT INTO t (n, s) VALUES (?, 'a'), (?, 'b')", [1, "abc"])
        else:
            db.sql("INSERT INTO t (n, s) VALUES (1, 'a'), ('abc', 'b')")
    msg = str(e.value)
    assert "INSERT INTO t: column n (Int32), row 2: cannot store 'abc'" in msg, msg
    assert not isinstance(e.value, ax.InternalError)
    assert rows(db) == []


@pytest.mark.parametrize("params", [False, True])
def test_value_out_of_decimal_range_names_column(db, params):
    with pytest.raises(ax.AlopexError) as e:
        if params:
            db.sql("INSERT INTO t (n, x) VALUES (1, ?)", [12345.6])
        else:
            db.sql("INSERT INTO t (n, x) VALUES (1, 12345.6)")
    assert "column x (Decimal(precision=5, scale=2)), row 1: cannot store 12345.6" in str(e.value)
    assert not isinstance(e.value, ax.InternalError)


@pytest.mark.parametrize("params", [False, True])
def test_null_into_not_null_names_row(db, params):
    with pytest.raises(ax.ConstraintError, match=r'INSERT INTO t, row 3: NULL in NOT NULL column "n" of table "t"'):
        if params:
            db.sql("INSERT INTO t (n) VALUES (?), (?), (?)", [1, 2, None])
        else:
            db.sql("INSERT INTO t (n) VALUES (1), (2), (NULL)")
    db.sql("INSERT INTO t (n) VALUES (1)")
    with pytest.raises(ax.ConstraintError, match=r'^UPDATE t: NULL in NOT NULL column "n" of table "t"$'):
        db.sql("UPDATE t SET n = ?", [None]) if params else db.sql("UPDATE t SET n = NULL")


@pytest.mark.parametrize("params", [False, True])
def test_duplicate_keys_name_value(db, params):
    db.sql("INSERT INTO t (id, n, u) VALUES (1, 1, 10)")
    with pytest.raises(ax.ConstraintError, match=r'primary key violation: duplicate value \(id\)=\(1\) in table "t"'):
        db.sql("INSERT INTO t (id, n) VALUES (?, ?)", [1, 2]) if params else db.sql("INSERT INTO t (id, n) VALUES (1, 2)")
    with pytest.raises(ax.ConstraintError, match=r'unique index "u" violation: duplicate value \(u\)=\(10\)'):
        db.sql("INSERT INTO t (n, u) VALUES (?, ?)", [2, 10]) if params else db.sql("INSERT INTO t (n, u) VALUES (2, 10)")
    assert len(rows(db)) == 1


def test_unknown_table_and_column_suggest(db):
    with pytest.raises(ax.TableNotFoundError, match="did you mean \"t\""):
        db.sql("INSERT INTO tt VALUES (1)")
    with pytest.raises(ax.TableNotFoundError, match="did you mean \"t\""):
        db.sql("UPDATE tt SET n = 1")
    with pytest.raises(ax.ColumnNotFoundError, match="did you mean 'n'"):
        db.sql("INSERT INTO t (nn) VALUES (?)", [1])
    with pytest.raises(ax.ColumnNotFoundError, match="did you mean 'n'"):
        db.sql("UPDATE t SET nn = 1")
    with pytest.raises(ax.ColumnNotFoundError, match="did you mean 'n'"):
        db.sql("DELETE FROM t WHERE nn = 1")


def test_vector_dimension(db):
    with pytest.raises(ax.InvalidInputError, match=r"column e of table v is VECTOR\(3\), but row 2 gives a vector of dimension 2"):
        db.sql("INSERT INTO v VALUES (1, '[1, 2, 3]'), (2, '[1, 2]')")
    with pytest.raises(ax.InvalidInputError, match=r"VECTOR\(3\), but row 1 gives a vector of dimension 2"):
        db.sql("INSERT INTO v VALUES (?, ?)", [1, np.array([1.0, 2.0], dtype=np.float32)])
    with pytest.raises(ax.InvalidInputError, match=r"column e .*row 1: cannot store '\[1, two, 3\]'"):
        db.sql("INSERT INTO v VALUES (1, '[1, two, 3]')")
    db.sql("INSERT INTO v VALUES (1, '[1, 2, 3]')")
    with pytest.raises(ax.InvalidInputError, match=r"VECTOR\(3\).*dimension 1"):
        db.sql("UPDATE v SET e = '[1]'")
    db.sql("UPDATE v SET e = '[4, 5, 6]'")
    assert np.allclose(db.table("v").collect()["e"].to_numpy(), [[4, 5, 6]])


@pytest.fixture
def users():
    with ax.connect() as d:
        d.sql("CREATE TABLE u (id INT PRIMARY KEY, email VARCHAR(20) UNIQUE, n INT, s VARCHAR(5) DEFAULT 'dft')")
        d.sql("INSERT INTO u VALUES (1, 'a@x', 1, 'a'), (2, 'b@x', 2, 'b')")
        yield d


def test_on_duplicate_key_update_counts_as_mysql(users):
    db = users
    # a new key: inserted (1)
    assert db.sql("INSERT INTO u VALUES (3, 'c@x', 3, 'c') ON DUPLICATE KEY UPDATE n = n + 1").item() == 1
    # a duplicate primary key: updated (2), VALUES(c) is the value the row tried to insert
    assert db.sql("INSERT INTO u VALUES (1, 'z@x', 10, 'z') ON DUPLICATE KEY UPDATE n = n + VALUES(n)").item() == 2
    # an update that changes nothing: 0
    assert db.sql("INSERT INTO u VALUES (1, 'z@x', 10, 'z') ON DUPLICATE KEY UPDATE n = 11").item() == 0
    # a duplicate of a unique index (not the key) updates that row
    assert db.sql("INSERT INTO u VALUES (9, 'b@x', 0, 'q') ON DUPLICATE KEY UPDATE s = VALUES(s)").item() == 2
    # rows of one statement meet each other: insert, then update the row just inserted
    assert db.sql("INSERT INTO u VALUES (4, 'd@x', 4, 'd'), (4, 'e@x', 5, 'e') "
                  "ON DUPLICATE KEY UPDATE email = VALUES(email), s = DEFAULT").item() == 3
    assert rows(db, "SELECT * FROM u ORDER BY id") == [
        (1, "a@x", 11, "a"), (2, "b@x", 2, "q"), (3, "c@x", 3, "c"), (4, "e@x", 4, "dft")]


def test_on_duplicate_key_update_params_and_select(users):
    db = users
    assert db.sql("INSERT INTO u (id, n) VALUES (?, ?) ON DUPLICATE KEY UPDATE n = ?", [1, 100, 7]).item() == 2
    assert db.sql("INSERT INTO u (id, n) SELECT id, n FROM u ON DUPLICATE KEY UPDATE n = u.n * 10").item() == 4
    assert rows(db, "SELECT id, n FROM u ORDER BY id") == [(1, 70), (2, 20)]
    # the key itself can be moved
    assert db.sql("INSERT INTO u (id) VALUES (2) ON DUPLICATE KEY UPDATE id = 20").item() == 2
    assert rows(db, "SELECT id FROM u ORDER BY id") == [(1,), (20,)]


def test_on_duplicate_key_update_violation_has_no_effect(users):
    db = users
    with pytest.raises(ax.ConstraintError, match=r'unique index "email" violation: duplicate value \(email\)=\("b@x"\)'):
        db.sql("INSERT INTO u VALUES (5, 'e@x', 5, 'e'), (1, 'x', 0, 'x') ON DUPLICATE KEY UPDATE email = 'b@x'")
    with pytest.raises(ax.ConstraintError, match=r"primary key violation: duplicate value \(id\)=\(2\)"):
        db.sql("INSERT INTO u (id) VALUES (1) ON DUPLICATE KEY UPDATE id = 2")
    with pytest.raises(ax.ColumnNotFoundError, match="did you mean 'n'"):
        db.sql("INSERT INTO u (id) VALUES (1) ON DUPLICATE KEY UPDATE nn = 2")
    with pytest.raises(ax.ColumnNotFoundError, match="nn"):
        db.sql("INSERT INTO u (id) VALUES (1) ON DUPLICATE KEY UPDATE n = VALUES(nn)")
    assert rows(db, "SELECT * FROM u ORDER BY id") == [(1, "a@x", 1, "a"), (2, "b@x", 2, "b")]


def test_on_duplicate_key_update_failure_in_transaction_is_undone(users):
    db = users
    db.sql("CREATE TABLE a (id INT PRIMARY KEY AUTO_INCREMENT, email VARCHAR(20) UNIQUE, n INT)")
    db.sql("INSERT INTO a (email, n) VALUES ('a@x', 1), ('b@x', 1)")
    db.sql("BEGIN")
    with pytest.raises(ax.ConstraintError, match="email"):
        db.sql("INSERT INTO u VALUES (5, 'e@x', 5, 'e'), (1, 'y@x', 0, 'y'), (2, 'x', 0, 'x') "
               "ON DUPLICATE KEY UPDATE email = IF(id = 2, 'e@x', VALUES(email)), n = 99")
    # an upsert keyed by a unique column of a table with generated keys
    with pytest.raises(ax.ConstraintError, match="email"):
        db.sql("INSERT INTO a (email, n) VALUES ('c@x', 1), ('a@x', 1) ON DUPLICATE KEY UPDATE email = 'b@x'")
    assert rows(db, "SELECT * FROM u ORDER BY id") == [(1, "a@x", 1, "a"), (2, "b@x", 2, "b")]
    assert rows(db, "SELECT email, n FROM a ORDER BY id") == [("a@x", 1), ("b@x", 1)]
    assert db.sql("INSERT INTO a (email, n) VALUES ('a@x', 0) ON DUPLICATE KEY UPDATE n = n + 1").item() == 2
    db.sql("COMMIT")
    assert rows(db, "SELECT email, n FROM a ORDER BY id") == [("a@x", 2), ("b@x", 1)]


def test_insert_row_alias_as_mysql8(users):
    db = users
    # MySQL 8.0.19's row alias: new.c is the value the row tried to insert (VALUES(c))
    assert db.sql("INSERT INTO u VALUES (1, 'z@x', 10, 'z') AS new ON DUPLICATE KEY UPDATE n = u.n + new.n, "
                  "s = CONCAT(new.s, '!')").item() == 2
    assert db.sql("INSERT INTO u (id, n) VALUES (?, ?) AS `New` ON DUPLICATE KEY UPDATE n = New.n * 2", [7, 4]).item() == 1
    assert db.sql("INSERT INTO u (id, n) VALUES (?, ?) AS `New` ON DUPLICATE KEY UPDATE n = New.n * 2", [7, 4]).item() == 2
    assert rows(db, "SELECT id, n, s FROM u ORDER BY id") == [(1, 11, "z!"), (2, 2, "b"), (7, 8, "dft")]
    # a string holding the words is data, not an alias
    assert db.sql("INSERT INTO u (id, s) VALUES (8, ') AS new ON DUPLICATE KEY UPDATE')").item() == 1
    with pytest.raises(ax.NotSupportedError, match=r"AS new\(…\).*write AS new and new.column, or VALUES\(column\)"):
        db.sql("INSERT INTO u (id, n) VALUES (1, 2) AS new(a, b) ON DUPLICATE KEY UPDATE n = b")
    with pytest.raises(ax.SQLSyntaxError):
        db.sql("INSERT INTO u (id, n) VALUES (1, 2) AS ON DUPLICATE KEY UPDATE n = 1")


def test_insert_ignore_on_duplicate_key_update_as_mysql(users):
    db = users
    # the update of a duplicate that would break a unique key is skipped (MySQL: a warning);
    # the other rows are inserted or updated
    assert db.sql("INSERT IGNORE INTO u VALUES (1, 'q@x', 0, 'q'), (2, 'r@x', 0, 'r'), (3, 'c@x', 3, 'c') "
                  "ON DUPLICATE KEY UPDATE email = IF(u.id = 1, 'b@x', VALUES(email)), n = u.n + 100").item() == 3
    assert rows(db, "SELECT * FROM u ORDER BY id") == [
        (1, "a@x", 1, "a"), (2, "r@x", 102, "b"), (3, "c@x", 3, "c")]
    # a new row that duplicates a unique value of another row is updated, not ignored
    assert db.sql("INSERT IGNORE INTO u VALUES (4, 'c@x', 4, 'd') ON DUPLICATE KEY UPDATE n = 33").item() == 2
    assert rows(db, "SELECT id, n FROM u WHERE id >= 3 ORDER BY id") == [(3, 33)]


def test_update_auto_increment_to_default_is_zero_as_mysql8(db):
    db.sql("INSERT INTO t (n) VALUES (1), (2)")
    # MySQL 8: DEFAULT of an AUTO_INCREMENT column is its implicit default, 0; UPDATE never
    # generates an id (only INSERT does)
    assert db.sql("UPDATE t SET id = DEFAULT WHERE n = 2").item() == 1
    assert [(r[0], r[3]) for r in rows(db)] == [(0, 2), (1, 1)]
    with pytest.raises(ax.ConstraintError, match="primary key"):
        db.sql("UPDATE t SET id = DEFAULT")
    db.sql("INSERT INTO t (n) VALUES (3)")  # the counter goes on
    assert [(r[0], r[3]) for r in rows(db)] == [(0, 2), (1, 1), (3, 3)]


def test_one_size_parser_as_duckdb(tmp_path):
    from alopex._size import parse_size

    assert parse_size("2GB", "x") == 2 * 10**9 and parse_size("2 gib", "x") == 2 << 30
    assert parse_size("1.5KB", "x") == 1500 and parse_size("512MiB", "x") == 512 << 20
    assert parse_size("10", "x") == 10 and parse_size(4096, "x") == 4096 and parse_size("3b", "x") == 3
    for bad in ["infGB", "-1MB", "1XB", "", "GB", "1e999GB"]:
        with pytest.raises(ax.InvalidInputError, match="x"):
            parse_size(bad, "x")
    with pytest.raises(TypeError):
        parse_size([1], "x")
    # both options read the same text the same way
    ax.set_memory_limit("1GB")
    ax.set_memory_limit(None)
    with ax.connect(tmp_path / "db", cache_size="1GB", txn_memory="1.5 MB") as d:
        d.sql("CREATE TABLE k (a INT)")
    with pytest.raises(ax.InvalidInputError, match="cache_size"):
        ax.connect(tmp_path / "db2", cache_size="1 GBB")
    with pytest.raises(ax.InvalidInputError, match="memory limit"):
        ax.set_memory_limit("1 GBB")
