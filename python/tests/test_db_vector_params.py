"""Vector parameters of execute()/executemany() travel packed (a tag, the
dimension and raw float32s: capi/db_params.go), not as JSON: the same values
and the same errors as the JSON literal form (db.sql's parameters)."""

from __future__ import annotations

import numpy as np
import pytest

import alopex as ax
from alopex import database
from alopex.exceptions import AlopexError, InvalidInputError


@pytest.fixture
def db():
    with ax.connect() as d:
        d.execute("CREATE TABLE docs (id BIGINT PRIMARY KEY, emb VECTOR(4))")
        yield d


VECTORS = [
    np.array([0.1, -2.5, 3e-39, 1e30], np.float32),  # a subnormal, a large value
    np.array([0.1, -2.5, 1 / 3, 7.0], np.float64),  # rounded to float32 as the JSON form is
    [0.1, -2.5, 1, 2**40],  # a list of numbers (ints too)
    np.arange(4, dtype=np.int32),
    np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0], np.float32)[::2],  # not contiguous
]


@pytest.mark.parametrize("vec", VECTORS, ids=lambda v: type(v).__name__ + str(getattr(v, "dtype", "")))
def test_vector_parameter_round_trips_packed(db, vec):
    packed = database._pack_params((vec,))
    assert packed[:1] == b"v" and len(packed) == 1 + 4 + 16  # no JSON
    want = np.asarray(vec, dtype=np.float32)
    db.execute("INSERT INTO docs VALUES (?, ?)", (1, vec))
    db.sql("INSERT INTO docs VALUES (?, ?)", [2, np.asarray(vec)])  # the JSON literal form
    got = dict(db.execute("SELECT id, emb FROM docs WHERE id IN (1, 2)").fetchall())
    assert got[1].dtype == np.float32 and np.array_equal(got[1], want)
    assert np.array_equal(got[1], got[2])
    db.execute("UPDATE docs SET emb = ? WHERE id = ?", (vec[::-1], 2))
    assert np.array_equal(db.execute("SELECT emb FROM docs WHERE id = ?", (2,)).fetchone()[0], want[::-1])
    # as a query vector
    (d,) = db.execute("SELECT VEC_L2_DISTANCE(emb, ?) FROM docs WHERE id = 1", (vec,)).fetchone()
    assert d == 0.0


def test_vector_parameters_in_executemany(db):
    rng = np.random.default_rng(1)
    vecs = rng.random((50, 4)).astype(np.float32)
    db.executemany("INSERT INTO docs VALUES (?, ?)", [(i, vecs[i]) for i in range(50)])
    db.executemany("UPDATE docs SET emb = ? WHERE id = ?", [(vecs[i] * 2, i) for i in range(50)])
    got = db.execute("SELECT id, emb FROM docs ORDER BY id").fetchall()
    assert [r[0] for r in got] == list(range(50))
    assert np.array_equal(np.stack([r[1] for r in got]), vecs * 2)


@pytest.mark.filterwarnings("ignore:overflow encountered")
def test_vector_parameter_errors_are_the_json_forms(db):
    # a wrong dimension names the column, both ways
    with pytest.raises(AlopexError, match="emb") as packed:
        db.execute("INSERT INTO docs VALUES (?, ?)", (1, np.ones(3, np.float32)))
    with pytest.raises(AlopexError, match="emb") as via_json:
        db.sql("INSERT INTO docs VALUES (?, ?)", [1, np.ones(3, np.float32)])
    assert type(packed.value) is type(via_json.value)
    # NaN and infinities are refused before anything runs (as for the JSON literal)
    for bad in (np.array([1, np.nan, 0, 0], np.float32), [1.0, float("inf"), 0.0, 0.0], np.array([1e39, 0, 0, 0])):
        with pytest.raises(InvalidInputError, match="finite"):
            db.execute("INSERT INTO docs VALUES (?, ?)", (1, bad))
    with pytest.raises(InvalidInputError, match="non-empty"):
        db.execute("INSERT INTO docs VALUES (?, ?)", (1, np.array([], np.float32)))
    assert db.execute("SELECT COUNT(*) FROM docs").fetchone() == (0,)
    # lists that are not vectors keep their error
    for not_vec in ([], ["a", 1.0], [True, 1.0]):
        with pytest.raises(TypeError):
            db.execute("SELECT ?", (not_vec,))


def test_malformed_packed_vector_is_an_internal_error_not_a_crash(db):
    from alopex import _ffi

    with pytest.raises(AlopexError, match="malformed packed parameters"):
        _ffi.session_execute(db._session, b"SELECT ?", b"v\x05\x00\x00\x00" + b"\x00" * 8)
