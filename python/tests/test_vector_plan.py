"""Vectors in the one plan: vector columns, vec.* distances vs NumPy, the VECTOR TOP-K plan
(exact, and with an attached HNSW/flat index and filters), zero-copy checks and errors."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

import alopex as ax

N, D = 20_000, 32


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(7)
    X = rng.standard_normal((N, D)).astype(np.float32)
    Q = rng.standard_normal((5, D)).astype(np.float32)
    df = ax.DataFrame({"id": np.arange(N), "bucket": np.arange(N) % 1000, "emb": X})
    return X, Q, df


def _ref(X, q, metric):
    if metric == "l2_distance":
        return np.linalg.norm(X - q, axis=1)
    if metric == "cosine_distance":
        return 1 - (X @ q) / (np.linalg.norm(X, axis=1) * np.linalg.norm(q))
    if metric == "inner_product":
        return X @ q
    if metric == "negative_inner_product":
        return -(X @ q)
    if metric == "l1_distance":
        return np.abs(X - q).sum(axis=1)
    raise AssertionError(metric)


METRICS = ["l2_distance", "cosine_distance", "inner_product", "negative_inner_product", "l1_distance"]


@pytest.mark.parametrize("metric", METRICS)
def test_distances_match_numpy(data, metric):
    X, Q, df = data
    for q in (Q[0], list(map(float, Q[1]))):
        out = df.select(getattr(ax.col("emb").vec, metric)(q).alias("d"))
        assert out.schema["d"] == ax.Float32
        np.testing.assert_allclose(out["d"].to_numpy(), _ref(X, np.asarray(q, np.float32), metric), rtol=2e-4, atol=2e-4)


def test_norm_dims_and_column_vs_column(data):
    X, _, df = data
    out = df.head(100).with_columns(ax.col("emb").alias("e2")).select(
        ax.col("emb").vec.norm().alias("n"), ax.col("emb").vec.dims().alias("d"),
        ax.col("emb").vec.l2_distance(ax.col("e2")).alias("self"))
    np.testing.assert_allclose(out["n"].to_numpy(), np.linalg.norm(X[:100], axis=1), rtol=1e-5)
    assert set(out["d"].to_list()) == {D}
    assert np.all(out["self"].to_numpy() == 0)


def test_vector_column_is_zero_copy(data):
    X, _, df = data
    col = df.to_arrow().column("emb").chunk(0)
    assert col.type == pa.list_(pa.float32(), D)
    assert col.values.buffers()[1].address == X.__array_interface__["data"][0]
    view = df["emb"].to_numpy()
    assert view.shape == (N, D) and view.dtype == np.float32
    assert view.__array_interface__["data"][0] == X.__array_interface__["data"][0]
    # A pass-through column of a query result is still the caller's buffer.
    out = df.lazy().select("emb", "id").collect()
    assert out["emb"].to_numpy().__array_interface__["data"][0] == X.__array_interface__["data"][0]
    arr = pa.FixedSizeListArray.from_arrays(pa.array(X.ravel()), D)
    assert ax.DataFrame({"emb": arr})["emb"].to_numpy().__array_interface__["data"][0] == X.__array_interface__["data"][0]
    assert ax.DataFrame({"emb": X}).schema["emb"] == f"Array(Float32, shape={D})"


def test_vector_column_survives_operators(data):
    X, _, df = data
    out = df.filter(ax.col("bucket") == 3).sort("id", descending=True).head(5)
    np.testing.assert_array_equal(out["emb"].to_numpy(), X[out["id"].to_numpy()])
    j = df.head(10).join(df.head(10).select("id", ax.col("emb").alias("e")), on="id")
    np.testing.assert_array_equal(j["e"].to_numpy(), X[j["id"].to_numpy()])
    c = ax.concat([df.head(3), df.tail(2)])
    np.testing.assert_array_equal(c["emb"].to_numpy(), np.concatenate([X[:3], X[-2:]]))
    assert df.head(2).to_dicts()[0]["emb"] == pytest.approx(X[0].tolist())
    with pytest.raises(ax.NotSupportedError, match='col\\("emb"\\)'):
        df.sort("emb")


def _exact(df, q, k, metric="cosine_distance", pred=None):
    lf = df.lazy()
    if pred is not None:
        lf = lf.filter(pred)
    dist = getattr(ax.col("emb").vec, metric)(q)
    return lf.with_columns(dist.alias("dist")).select("id", "dist").collect().to_pandas()


@pytest.mark.parametrize("metric", METRICS)
def test_exact_topk_equals_sort_head(data, metric):
    X, Q, df = data
    desc = metric == "inner_product"
    dist = getattr(ax.col("emb").vec, metric)(Q[0])
    lf = df.lazy().with_columns(dist.alias("dist")).sort("dist", descending=desc).head(25).select("id", "dist")
    assert "VECTOR TOP-K k=25" in lf.explain() and "INDEX none" in lf.explain()
    full = df.lazy().with_columns(dist.alias("dist")).sort("dist", descending=desc).collect().head(25).select("id", "dist")
    assert lf.collect().equals(full)


def test_exact_topk_ties_break_by_row_order():
    emb = np.repeat(np.eye(4, dtype=np.float32), 50, axis=0)  # 4 distinct vectors, many ties
    df = ax.DataFrame({"id": np.arange(len(emb)), "emb": emb})
    q = np.array([1, 0.5, 0, 0], np.float32)
    for k in (1, 7, 60, 120, 500):
        got = df.lazy().bottom_k(k, by=ax.col("emb").vec.l2_distance(q)).collect()["id"].to_list()
        want = df.lazy().with_columns(ax.col("emb").vec.l2_distance(q).alias("d")).sort("d", nulls_last=True).collect()["id"].to_list()[:k]
        assert got == want


@pytest.mark.parametrize("kind", ["hnsw", "flat"])
@pytest.mark.parametrize("selectivity", [0.5, 0.1, 0.01, 0.001])
def test_filtered_topk_with_index(data, kind, selectivity):
    X, Q, df = data
    idx = ax.VectorIndex(dim=D, metric="cosine", kind=kind, m=16, ef_construction=100)
    idx.add(X)
    dfi = df.with_vector_index("emb", idx)
    keep = int(1000 * selectivity)
    pred = ax.col("bucket") < keep if keep else ax.col("bucket") < 1
    allowed = set(np.flatnonzero((np.arange(N) % 1000) < max(keep, 1)).tolist())
    k = 10
    recalls = []
    for q in Q:
        lf = (dfi.lazy().filter(pred).with_columns(ax.col("emb").vec.cosine_distance(q).alias("dist"))
              .sort("dist").head(k).select("id", "dist"))
        plan = lf.explain()
        assert f"VECTOR TOP-K k={k} metric=cosine_distance INDEX {kind} FILTER" in plan
        got = lf.collect()
        ids = got["id"].to_list()
        assert set(ids) <= allowed, "a filtered-out row was returned"
        assert len(ids) == min(k, len(allowed))
        d = got["dist"].to_numpy()
        assert np.all(np.diff(d) >= 0)
        exact = _exact(df, q, k, pred=pred).sort_values(["dist", "id"]).head(k)
        recalls.append(len(set(ids) & set(exact["id"])) / len(exact))
        np.testing.assert_allclose(d, _ref(X[ids], q, "cosine_distance"), rtol=1e-4, atol=1e-5)
    assert np.mean(recalls) >= 0.95, recalls


def test_flat_index_topk_is_exact(data):
    X, Q, df = data
    idx = ax.VectorIndex(dim=D, metric="l2", kind="flat")
    idx.add(X)
    dfi = df.with_vector_index("emb", idx)
    for q in Q:
        got = dfi.lazy().bottom_k(7, by=ax.col("emb").vec.l2_distance(q)).collect()["id"].to_list()
        assert got == np.argsort(np.linalg.norm(X - q, axis=1), kind="stable")[:7].tolist()


def test_k_larger_than_allowed_and_zero(data):
    X, Q, df = data
    idx = ax.VectorIndex(dim=D, metric="cosine")
    idx.add(X)
    dfi = df.with_vector_index("emb", idx)
    out = dfi.lazy().filter(ax.col("id") < 3).bottom_k(10, by=ax.col("emb").vec.cosine_distance(Q[0])).collect()
    assert sorted(out["id"].to_list()) == [0, 1, 2]
    assert dfi.lazy().bottom_k(0, by=ax.col("emb").vec.cosine_distance(Q[0])).collect().height == 0
    none = dfi.lazy().filter(ax.col("id") < 0).bottom_k(5, by=ax.col("emb").vec.cosine_distance(Q[0])).collect()
    assert none.height == 0


def test_errors(data):
    X, Q, df = data
    with pytest.raises(ax.ComputeError, match=f"{D}.*3|3.*{D}"):
        df.select(ax.col("emb").vec.l2_distance([1.0, 2.0, 3.0]))
    with pytest.raises(ax.InvalidInputError, match="NaN|infinity"):
        df.select(ax.col("emb").vec.l2_distance(np.full(D, np.nan, np.float32)))
    with pytest.raises(ax.ComputeError, match="vector"):
        df.select(ax.col("id").vec.l2_distance(Q[0]))
    idx = ax.VectorIndex(dim=D, metric="l2")
    idx.add(X[:10])
    with pytest.raises(ax.InvalidInputError, match="10 vectors"):
        df.with_vector_index("emb", idx)


def test_float64_matrix_becomes_float32_vector_column(data):
    X, Q, df = data
    X64 = X.astype(np.float64) + 1e-9  # not representable in float32: converted once
    for frame in (ax.DataFrame({"id": np.arange(N), "emb": X64}), ax.from_numpy(X64, schema=["emb"]),
                  ax.DataFrame({"emb": np.asfortranarray(X64)})):
        assert frame.schema["emb"] == f"Array(Float32, shape={D})"
        view = frame["emb"].to_numpy()
        assert view.dtype == np.float32 and view.shape == (N, D)
        np.testing.assert_array_equal(view, X64.astype(np.float32))
    out = ax.DataFrame({"emb": X64}).select(ax.col("emb").vec.l2_distance(Q[0]).alias("d"))
    np.testing.assert_allclose(out["d"].to_numpy(), _ref(X, Q[0], "l2_distance"), rtol=2e-4, atol=2e-4)
    # float32 stays shared through from_numpy too; several names keep one column per array column.
    assert ax.from_numpy(X, schema=["emb"])["emb"].to_numpy().__array_interface__["data"][0] == \
        X.__array_interface__["data"][0]
    assert ax.from_numpy(X[:, :2].astype(np.float64), schema=["a", "b"]).schema == {"a": ax.Float64, "b": ax.Float64}
    with pytest.raises(ax.InvalidInputError, match="int64.*float32"):
        ax.DataFrame({"emb": np.ones((3, 2), dtype=np.int64)})
    with pytest.raises(ax.InvalidInputError, match="1-dimensional"):
        ax.DataFrame({"emb": np.ones((3, 2, 2))})


@pytest.mark.parametrize("kind", ["hnsw", "flat"])
def test_huge_k_over_an_indexed_frame(data, kind):
    X, Q, df = data
    small, Xs = df.head(300), X[:300]
    idx = ax.VectorIndex(dim=D, metric="l2", kind=kind, m=4, ef_construction=16)
    idx.add(Xs)
    t = small.with_vector_index("emb", idx)
    want = np.argsort(_ref(Xs, Q[0], "l2_distance"), kind="stable").tolist()
    for k in (2**40, 2**62, 2**63 - 1):  # 2**31 - 1 took 24 GB to fail before the fix
        by = ax.col("emb").vec.l2_distance(Q[0])
        lf = t.lazy().bottom_k(k, by=by)
        assert "INDEX " + kind in lf.explain()
        assert lf.collect()["id"].to_list() == want
        assert t.lazy().sort(by).head(k).collect()["id"].to_list() == want
        got = t.lazy().filter(ax.col("bucket") < 10).bottom_k(k, by=by).collect()["id"].to_list()
        assert got == [i for i in want if i < 10]


def test_huge_head_tail_slice(data):
    # Row counts past int64 used to fail as a "malformed plan"; near 2^63 OFFSET + LIMIT overflowed.
    lf = data[2].head(300).lazy()
    assert lf.head(2**62).collect().height == 300
    assert lf.head(2**64).collect().height == 300
    assert lf.tail(2**63 - 1).collect().height == 300
    assert lf.tail(2**70).collect().height == 300
    assert lf.slice(2**62, 2**62).collect().height == 0
    assert lf.slice(297, 2**64).collect()["id"].to_list() == [297, 298, 299]
    assert lf.slice(5, 2**63 - 1).slice(290, 2**63 - 1).collect()["id"].to_list() == [295, 296, 297, 298, 299]
    assert lf.slice(-2**70, 2).collect().height == 0
    assert lf.top_k(2**63 - 1, by="id").collect()["id"].to_list() == list(range(299, -1, -1))
    assert lf.bottom_k(2**64, by="id").collect()["id"].to_list() == list(range(300))
