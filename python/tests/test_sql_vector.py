"""Vector functions in SQL (sqlexec/fn_vector.go): TiDB's VEC_* and cosine_similarity,
l2_distance, inner_product vs NumPy; `?` bound to NumPy arrays; ORDER BY distance LIMIT k as the
same VECTOR TOP-K plan (and rows) as the DataFrame pipeline, answered by an index attached with
DataFrame.with_vector_index; filtered top-k never returns a disallowed row; errors."""

from __future__ import annotations

import numpy as np
import pytest

import alopex as ax

N, D = 6_000, 16


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(11)
    X = rng.standard_normal((N, D)).astype(np.float32)
    Q = rng.standard_normal((4, D))  # float64: converted to float32 once when bound
    df = ax.DataFrame({"id": np.arange(N), "bucket": np.arange(N) % 100, "emb": X})
    idx = ax.VectorIndex(dim=D, metric="cosine", kind="hnsw", m=16, ef_construction=100)
    idx.add(X)
    return X, Q, df, df.with_vector_index("emb", idx)


def _ref(X, q, fn):
    q = np.asarray(q, np.float32)
    dot = X @ q
    return {
        "VEC_COSINE_DISTANCE": 1 - dot / (np.linalg.norm(X, axis=1) * np.linalg.norm(q)),
        "VEC_L2_DISTANCE": np.linalg.norm(X - q, axis=1),
        "VEC_NEGATIVE_INNER_PRODUCT": -dot,
        "VEC_L1_DISTANCE": np.abs(X - q).sum(axis=1),
        "cosine_similarity": dot / (np.linalg.norm(X, axis=1) * np.linalg.norm(q)),
        "l2_distance": np.linalg.norm(X - q, axis=1),
        "inner_product": dot,
    }[fn]


FUNCS = ["VEC_COSINE_DISTANCE", "VEC_L2_DISTANCE", "VEC_NEGATIVE_INNER_PRODUCT", "VEC_L1_DISTANCE",
         "cosine_similarity", "l2_distance", "inner_product"]


@pytest.mark.parametrize("fn", FUNCS)
def test_distances_match_numpy(data, fn):
    X, Q, df, _ = data
    q = Q[0]
    by_param = ax.sql(f"SELECT {fn}(emb, ?) AS d FROM df", params=[q], eager=True)
    assert by_param.schema["d"] == ax.Float32
    np.testing.assert_allclose(by_param["d"].to_numpy(), _ref(X, q, fn), rtol=2e-4, atol=2e-4)
    text = "[" + ", ".join(repr(float(v)) for v in q.astype(np.float32)) + "]"
    by_text = ax.sql(f"SELECT {fn}('{text}', emb) AS d FROM df", eager=True)
    np.testing.assert_array_equal(by_text["d"].to_numpy(), by_param["d"].to_numpy())


def test_norm_dims_text(data):
    X, _, df, _ = data
    out = ax.sql("SELECT VEC_L2_NORM(emb) AS n, VEC_DIMS(emb) AS d, VEC_AS_TEXT(emb) AS t FROM df LIMIT 50", eager=True)
    np.testing.assert_allclose(out["n"].to_numpy(), np.linalg.norm(X[:50], axis=1), rtol=1e-5)
    assert set(out["d"].to_list()) == {D}
    parsed = np.array([[float(v) for v in t.strip("[]").split(",")] for t in out["t"].to_list()], np.float32)
    np.testing.assert_array_equal(parsed, X[:50])  # shortest round-trip text of each float32
    one = ax.sql("SELECT VEC_L2_DISTANCE(VEC_FROM_TEXT('[0, 0]'), CAST('[3, 4]' AS VECTOR(2))) AS a, "
                 "VEC_AS_TEXT(CAST('[1, 2.5]' AS VECTOR)) AS b, VEC_DIMS('[1,2,3]') AS c", eager=True)
    assert one.to_dicts() == [{"a": 5.0, "b": "[1,2.5]", "c": 3}]


def test_sql_topk_same_plan_and_rows_as_dataframe(data):
    X, Q, _, t = data
    q = Q[1]
    k = 10
    sql = ax.sql("SELECT id, VEC_COSINE_DISTANCE(emb, ?) AS d FROM t WHERE bucket < 30 ORDER BY d LIMIT ?",
                 params=[q, k])
    lf = (t.lazy().filter(ax.col("bucket") < 30)
          .select("id", ax.col("emb").vec.cosine_distance(q).alias("d")).sort("d").head(k))
    plan = sql.explain()
    assert plan == lf.explain()
    assert f"VECTOR TOP-K k={k} metric=cosine_distance INDEX hnsw FILTER" in plan
    assert ax.sql("EXPLAIN SELECT id, VEC_COSINE_DISTANCE(emb, ?) AS d FROM t WHERE bucket < 30 ORDER BY d LIMIT ?",
                  params=[q, k]) == plan
    assert sql.collect().equals(lf.collect())


def test_sql_order_by_distance_expression(data):
    X, Q, df, t = data
    q = Q[2]
    query = "SELECT id FROM t WHERE bucket >= 20 AND bucket < 27 ORDER BY VEC_COSINE_DISTANCE(emb, ?) LIMIT 12"
    plan = ax.sql("EXPLAIN " + query, params=[q])
    assert "VECTOR TOP-K k=12 metric=cosine_distance INDEX hnsw FILTER" in plan
    # The DataFrame pipeline with the hidden sort column SQL computes gives the same plan.
    mirror = (t.lazy().filter((ax.col("bucket") >= 20) & (ax.col("bucket") < 27))
              .select("id", ax.col("emb").vec.cosine_distance(q).alias("__sort1"))
              .sort("__sort1").head(12).select("id"))
    assert plan == mirror.explain()
    got = ax.sql(query, params=[q], eager=True)["id"].to_list()
    natural = (t.lazy().filter((ax.col("bucket") >= 20) & (ax.col("bucket") < 27)).sort(ax.col("emb").vec.cosine_distance(q))
               .head(12).select("id"))
    assert "INDEX hnsw" in natural.explain()
    assert got == natural.collect()["id"].to_list()
    # Without the index (df has none) the answer is exact; HNSW recall stays high.
    exact = ax.sql(query.replace(" t ", " df "), params=[q], eager=True)["id"].to_list()
    assert "INDEX none" in ax.sql("EXPLAIN " + query.replace(" t ", " df "), params=[q])
    allowed = np.flatnonzero((np.arange(N) % 100 >= 20) & (np.arange(N) % 100 < 27))
    d = _ref(X[allowed], q, "VEC_COSINE_DISTANCE")
    assert exact == allowed[np.argsort(d, kind="stable")[:12]].tolist()
    assert len(set(got) & set(exact)) >= 10


def test_index_survives_sqlcontext_and_select_star(data):
    X, Q, _, t = data
    ctx = ax.SQLContext(docs=t)
    query = "SELECT * FROM docs ORDER BY VEC_COSINE_DISTANCE(emb, ?) LIMIT 5"
    assert "INDEX hnsw" in ctx.execute("EXPLAIN " + query, params=[Q[0]])
    out = ctx.execute(query, params=[Q[0]], eager=True)
    assert out.columns == ["id", "bucket", "emb"]
    np.testing.assert_array_equal(out["emb"].to_numpy(), X[out["id"].to_numpy()])
    assert "INDEX hnsw" in t.sql("EXPLAIN SELECT id FROM self ORDER BY VEC_COSINE_DISTANCE(emb, ?) LIMIT 5",
                                 params=[Q[0]])


@pytest.mark.parametrize("keep", [50, 5, 1])
def test_filtered_topk_never_returns_disallowed_row(data, keep):
    X, Q, _, t = data
    allowed = set(np.flatnonzero(np.arange(N) % 100 < keep).tolist())
    for q in Q:
        out = ax.sql("SELECT id, VEC_COSINE_DISTANCE(emb, ?) AS d FROM t WHERE bucket < ? ORDER BY d LIMIT 20",
                     params=[q, keep], eager=True)
        ids = out["id"].to_list()
        assert set(ids) <= allowed
        assert len(ids) == min(20, len(allowed))
        assert np.all(np.diff(out["d"].to_numpy()) >= 0)


def test_other_metrics_use_matching_indexes(data):
    X, Q, df, _ = data
    l2 = ax.VectorIndex(dim=D, metric="l2", kind="flat")
    l2.add(X)
    ip = ax.VectorIndex(dim=D, metric="ip", kind="flat")
    ip.add(X)
    ctx = ax.SQLContext(tl2=df.with_vector_index("emb", l2), tip=df.with_vector_index("emb", ip))
    q = Q[3]
    query = "SELECT id FROM tl2 ORDER BY VEC_L2_DISTANCE(emb, ?) LIMIT 7"
    assert "INDEX flat" in ctx.execute("EXPLAIN " + query, params=[q])
    assert ctx.execute(query, params=[q], eager=True)["id"].to_list() == \
        np.argsort(np.linalg.norm(X - q.astype(np.float32), axis=1), kind="stable")[:7].tolist()
    want = np.argsort(-(X @ q.astype(np.float32)), kind="stable")[:7].tolist()
    for query in ("SELECT id FROM tip ORDER BY VEC_NEGATIVE_INNER_PRODUCT(emb, ?) LIMIT 7",
                  "SELECT id FROM tip ORDER BY inner_product(emb, ?) DESC LIMIT 7"):
        assert "INDEX flat" in ctx.execute("EXPLAIN " + query, params=[q])
        assert ctx.execute(query, params=[q], eager=True)["id"].to_list() == want


def test_errors(data):
    _, Q, df, _ = data
    with pytest.raises(ax.ComputeError, match=f"dimensions: {D} and 3"):
        ax.sql("SELECT VEC_COSINE_DISTANCE(emb, ?) FROM df", params=[np.ones(3)])
    with pytest.raises(ax.ComputeError, match=f"dimensions: {D} and 2"):
        ax.sql("SELECT id FROM df ORDER BY VEC_L2_DISTANCE(emb, '[1, 2]') LIMIT 3")
    with pytest.raises(ax.InvalidInputError, match=r"\[1, two\]"):
        ax.sql("SELECT VEC_L2_DISTANCE(emb, '[1, two]') FROM df")
    with pytest.raises(ax.InvalidInputError, match="1, 2, 3"):
        ax.sql("SELECT CAST('1, 2, 3' AS VECTOR) AS v")
    with pytest.raises(ax.InvalidInputError, match="dimension 2 to VECTOR.3"):
        ax.sql("SELECT CAST('[1, 2]' AS VECTOR(3)) AS v")
    with pytest.raises(ax.ComputeError, match="VEC_L1_DISTANCE takes vectors.*Int64"):
        ax.sql("SELECT VEC_L1_DISTANCE(id, ?) FROM df", params=[Q[0]])
    with pytest.raises(ax.InvalidInputError, match="NaN|infinity"):
        ax.sql("SELECT VEC_L2_DISTANCE(emb, ?) FROM df", params=[np.full(D, np.nan)])
    with pytest.raises(ax.NotSupportedError, match="VEC_FROM_TEXT"):
        ax.sql("SELECT VEC_FROM_TEXT(VEC_AS_TEXT(emb)) FROM df")


def test_text_columns_parse_to_vectors(data):
    X, _, df, _ = data
    # VEC_AS_TEXT writes the shortest text that reads back to the same float32: a round trip is exact.
    back = ax.sql(f"SELECT CAST(VEC_AS_TEXT(emb) AS VECTOR({D})) AS v FROM df", eager=True)["v"].to_numpy()
    np.testing.assert_array_equal(back, X)
    t = ax.DataFrame({"id": [1, 2, 3, 4], "s": ["[1, 2, 3]", None, " [ -1.5e0,0 , 7 ] ", "[0,0,1]"]})
    got = t.select(ax.col("s").vec.from_text(3))["s"].to_list()
    assert got == [[1.0, 2.0, 3.0], None, [-1.5, 0.0, 7.0], [0.0, 0.0, 1.0]]
    # MySQL puts NULLs first in ascending order: the null row's distance is null.
    near = ax.sql("SELECT id FROM t WHERE s IS NOT NULL ORDER BY VEC_L2_DISTANCE(CAST(s AS VECTOR(3)), '[0, 0, 1]') LIMIT 2",
                  eager=True)["id"].to_list()
    assert near == [4, 1]
    # Errors name the row and the text.
    bad = ax.DataFrame({"s": ["[1, 2, 3]", "[1, 2, 3]", "[1, x, 3]"]})
    with pytest.raises(ax.InvalidInputError, match=r"row 2: .*element 1 \(\"x\"\)"):
        bad.select(ax.col("s").vec.from_text(3))
    with pytest.raises(ax.InvalidInputError, match=r"row 1: .*has 2 elements, not 3"):
        ax.DataFrame({"s": ["[1, 2, 3]", "[1, 2]"]}).select(ax.col("s").vec.from_text(3))
    with pytest.raises(ax.InvalidInputError, match="row 0: .*finite"):
        ax.DataFrame({"s": ["[1, nan, 3]"]}).select(ax.col("s").vec.from_text(3))
    long = "[" + ", ".join(["1"] * 500) + ", oops]"
    with pytest.raises(ax.InvalidInputError) as e:
        ax.DataFrame({"s": [long]}).select(ax.col("s").vec.from_text(501))
    assert len(str(e.value)) < 300 and "oops" in str(e.value)
    with pytest.raises(ax.NotSupportedError, match=r"CAST\(`s` AS VECTOR\(d\)\)"):
        ax.sql("SELECT VEC_FROM_TEXT(s) FROM t")
    with pytest.raises(ax.NotSupportedError, match="needs the dimension"):
        ax.sql("SELECT CAST(s AS VECTOR) FROM t")
    with pytest.raises(ax.ComputeError, match="takes text.*Int64"):
        t.select(ax.col("id").vec.from_text(3))
    with pytest.raises(ax.InvalidInputError, match="positive dimension"):
        ax.col("s").vec.from_text(0)


# Not 2^31-1 itself: before the fix it took 24 GB to fail; 2^40 fails at once.
@pytest.mark.parametrize("limit", ["1099511627776", "9223372036854775807", "18446744073709551615"])
def test_huge_limit_over_an_indexed_frame(limit):
    # The index used to be asked for LIMIT slots up front: 2^31-1 died with "out of memory";
    # 2^63-1 and MySQL's "all rows" 2^64-1 were refused as not non-negative.
    rng = np.random.default_rng(3)
    X = rng.standard_normal((200, 8)).astype(np.float32)
    small = ax.DataFrame({"id": np.arange(200), "emb": X})
    idx = ax.VectorIndex(dim=8, metric="cosine", m=4, ef_construction=16)
    idx.add(X)
    t = small.with_vector_index("emb", idx)  # noqa: F841 (ax.sql finds it by name)
    q = X[7]
    order = np.argsort(_ref(X, q, "VEC_COSINE_DISTANCE"), kind="stable")
    query = f"SELECT id FROM t ORDER BY VEC_COSINE_DISTANCE(emb, ?) LIMIT {limit}"
    assert "INDEX hnsw" in ax.sql("EXPLAIN " + query, params=[q])
    got = ax.sql(query, params=[q], eager=True)["id"].to_list()
    assert sorted(got) == list(range(200)) and got[:5] == order[:5].tolist()
    filtered = ax.sql(f"SELECT id FROM t WHERE id % 3 = 0 ORDER BY VEC_COSINE_DISTANCE(emb, ?) LIMIT {limit}",
                      params=[q], eager=True)["id"].to_list()
    assert sorted(filtered) == list(range(0, 200, 3))
    assert ax.sql(f"SELECT id FROM t LIMIT {limit} OFFSET 195", eager=True)["id"].to_list() == list(range(195, 200))
    assert ax.sql(f"SELECT id FROM t LIMIT {limit} OFFSET {limit}", eager=True).height == 0


def test_query_vector_may_come_first_and_as_text_is_the_python_method():
    # The registry's rule reads the constant first argument as the query and swaps it
    # behind the column (VEC_L2_DISTANCE('[…]', emb) is VEC_L2_DISTANCE(emb, '[…]')).
    emb = np.array([[1, 0, 0, 1], [0.5, -2, 3, 0]], dtype=np.float32)
    df = ax.DataFrame({"emb": emb})
    first = ax.sql("SELECT VEC_L2_DISTANCE('[1, 2, 3, 4]', emb) AS d FROM df", eager=True)["d"].to_list()
    second = ax.sql("SELECT VEC_L2_DISTANCE(emb, '[1, 2, 3, 4]') AS d FROM df", eager=True)["d"].to_list()
    assert first == second == pytest.approx(np.linalg.norm(emb - np.float32([1, 2, 3, 4]), axis=1).tolist())
    with pytest.raises(ax.ComputeError, match="different dimensions"):
        df.select(ax.col("emb").vec.l2_distance([1.0, 2.0]))
    got = df.select(ax.col("emb").vec.as_text().alias("t"))["t"].to_list()
    assert got == ax.sql("SELECT VEC_AS_TEXT(emb) AS t FROM df", eager=True)["t"].to_list() == ["[1,0,0,1]", "[0.5,-2,3,0]"]
