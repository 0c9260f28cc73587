"""ax.VectorIndex: API, errors, zero copy, recall, filters, save/load, threads, Ctrl-C."""

from __future__ import annotations

import _thread
import threading
import time
from pathlib import Path

import numpy as np
import pytest

import alopex as ax

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "bigann10k"


def clustered(n: int, d: int, centres: int = 50, seed: int = 0, intrinsic: int = 16) -> np.ndarray:
    """Clustered float32 vectors with a low intrinsic dimension, like real embeddings."""
    rng = np.random.default_rng(seed)
    basis = np.random.default_rng(1000 + d)
    c = basis.standard_normal((centres, d)) * 3
    proj = basis.standard_normal((intrinsic, d)) / np.sqrt(intrinsic)
    x = c[rng.integers(0, centres, n)] + rng.standard_normal((n, intrinsic)) @ proj
    x += 0.05 * rng.standard_normal((n, d))
    return x.astype(np.float32)


def exact_knn(base: np.ndarray, queries: np.ndarray, k: int, allowed: np.ndarray | None = None) -> np.ndarray:
    d = (queries.astype(np.float64) ** 2).sum(1)[:, None] - 2 * queries.astype(np.float64) @ base.T.astype(
        np.float64) + (base.astype(np.float64) ** 2).sum(1)[None, :]
    if allowed is not None:
        d[:, ~allowed] = np.inf
    return np.argsort(d, axis=1, kind="stable")[:, :k]


def recall(got: np.ndarray, want: np.ndarray) -> float:
    hits = sum(len(set(g[g >= 0]) & set(w)) for g, w in zip(got, want))
    return hits / want.size


def read_vecs(path: Path, dtype) -> np.ndarray:
    raw = np.fromfile(path, dtype=np.uint8)
    d = int(raw[:4].view(np.int32)[0])
    width = 4 + d * np.dtype(dtype).itemsize
    rows = raw.reshape(-1, width)
    assert (rows[:, :4].copy().view(np.int32) == d).all()
    return rows[:, 4:].copy().view(dtype)


# --- API ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["flat", "hnsw"])
def test_basic_api(kind):
    idx = ax.VectorIndex(3, metric="l2", kind=kind, m=8, ef_construction=50)
    assert (idx.dim, idx.metric, idx.kind, len(idx)) == (3, "l2", kind, 0)
    idx.add(np.array([[0, 0, 0], [1, 0, 0], [0, 2, 0]], dtype=np.float32), ids=[10, 20, 30])
    idx.add(np.array([5, 5, 5], dtype=np.float32))  # one 1-D vector; gets id 31
    assert len(idx) == 4
    ids, dist = idx.search(np.array([[0.9, 0, 0], [0, 0, 0]], dtype=np.float32), k=2)
    assert ids.dtype == np.int64 and dist.dtype == np.float32 and ids.shape == (2, 2)
    assert ids.tolist() == [[20, 10], [10, 20]]
    np.testing.assert_allclose(dist, [[0.01, 0.81], [0, 1]], rtol=1e-5)  # squared L2
    ids1, dist1 = idx.search([0.9, 0, 0], k=2)  # a 1-D query gives 1-D results
    assert ids1.shape == (2,) and ids1.tolist() == [20, 10]
    # More than there is: capped at len(idx), like Polars' top_k.
    ids, dist = idx.search(np.zeros(3, np.float32), k=6)
    assert ids.shape == (4,) and sorted(ids.tolist()) == [10, 20, 30, 31] and np.isfinite(dist).all()
    assert idx.remove([20, 999]) == 1
    assert len(idx) == 3
    assert 20 not in idx.search(np.array([1, 0, 0], np.float32), k=3)[0]
    assert "VectorIndex(dim=3" in repr(idx)


def test_metrics_match_numpy():
    rng = np.random.default_rng(1)
    base = rng.standard_normal((300, 24)).astype(np.float32)
    q = rng.standard_normal((5, 24)).astype(np.float32)
    nb = base / np.linalg.norm(base, axis=1, keepdims=True)
    nq = q / np.linalg.norm(q, axis=1, keepdims=True)
    want = {
        "l2": ((q[:, None, :] - base[None]) ** 2).sum(-1),
        "ip": 1 - q @ base.T,
        "cosine": 1 - nq @ nb.T,
    }
    for metric, d in want.items():
        idx = ax.VectorIndex(24, metric=metric, kind="flat")
        idx.add(base)
        ids, dist = idx.search(q, k=5)
        np.testing.assert_allclose(dist, np.sort(d, axis=1)[:, :5], rtol=1e-4, atol=1e-4)
        np.testing.assert_array_equal(ids, np.argsort(d, axis=1, kind="stable")[:, :5])


def test_float64_and_lists_are_converted():
    idx = ax.VectorIndex(2, kind="flat")
    idx.add(np.array([[0.0, 1.0], [2.0, 3.0]]))  # float64
    idx.add([[4, 5]])  # ints in a list
    assert idx.search([[2.0, 3.0]], k=1)[0].tolist() == [[1]]


def test_default_ef_search_and_override():
    idx = ax.VectorIndex(4)
    assert idx.ef_search == 64
    idx.ef_search = 100
    assert idx.ef_search == 100
    assert ax.VectorIndex(4, kind="flat").ef_search is None


# --- errors ------------------------------------------------------------------------------


def test_errors_name_the_numbers():
    idx = ax.VectorIndex(4, kind="hnsw")
    with pytest.raises(ax.InvalidInputError, match=r"dimension 3 .* dimension 4"):
        idx.add(np.zeros((2, 3), np.float32))
    bad = np.zeros((5, 4), np.float32)
    bad[3, 2] = np.nan
    with pytest.raises(ax.InvalidInputError, match=r"row 3, dim 2") as info:
        idx.add(bad)
    assert info.value.details["row"] == 3 and info.value.details["dim"] == 2
    bad[3, 2] = np.inf
    with pytest.raises(ax.InvalidInputError, match=r"row 3, dim 2"):
        idx.add(bad)
    with pytest.raises(ax.InvalidInputError, match="no vectors"):
        idx.add(np.zeros((0, 4), np.float32))
    with pytest.raises(ax.InvalidInputError, match="shape"):
        idx.add(np.zeros((2, 2, 4), np.float32))
    with pytest.raises(ax.InvalidInputError, match="numeric"):
        idx.add(np.array([["a", "b", "c", "d"]]))
    with pytest.raises(ax.InvalidInputError, match="3 ids given for 2 vectors"):
        idx.add(np.zeros((2, 4), np.float32), ids=[1, 2, 3])
    with pytest.raises(ax.InvalidInputError, match=r"ids\[0\] is -1"):
        idx.add(np.zeros((1, 4), np.float32), ids=[-1])
    assert len(idx) == 0
    idx.add(np.ones((2, 4), np.float32), ids=[7, 8])
    with pytest.raises(ax.InvalidInputError, match="id 7 .* already in the index"):
        idx.add(np.ones((1, 4), np.float32), ids=[7])
    with pytest.raises(ax.InvalidInputError, match="dimension 5"):
        idx.search(np.zeros(5, np.float32), k=1)
    with pytest.raises(ax.InvalidInputError, match=r"row 0, dim 1"):
        idx.search(np.array([0, np.nan, 0, 0], np.float32), k=1)
    with pytest.raises(ax.InvalidInputError, match="k must be"):
        idx.search(np.zeros(4, np.float32), k=0)
    with pytest.raises(ax.InvalidInputError, match="no queries"):
        idx.search(np.zeros((0, 4), np.float32), k=1)
    with pytest.raises(ax.InvalidInputError, match="unknown metric"):
        ax.VectorIndex(4, metric="hamming")
    with pytest.raises(ax.InvalidInputError, match="unknown kind"):
        ax.VectorIndex(4, kind="ivf")
    with pytest.raises(ax.InvalidInputError, match="dim"):
        ax.VectorIndex(0)
    with pytest.raises(ax.InvalidInputError, match="m must be"):
        ax.VectorIndex(4, m=1)


def test_a_failed_chunked_add_adds_nothing():
    idx = ax.VectorIndex(8, m=4, ef_construction=16)
    idx.add(np.ones((1, 8), np.float32), ids=[9000])
    x = clustered(10_000, 8)
    ids = np.arange(10_000)
    ids[-1] = 9000  # clashes, in the last chunk
    with pytest.raises(ax.InvalidInputError, match="9000"):
        idx.add(x, ids=ids, progress=False)
    assert len(idx) == 1
    x[9_999, 5] = np.nan
    with pytest.raises(ax.InvalidInputError, match="row 9999, dim 5"):
        idx.add(x, progress=False)
    assert len(idx) == 1


# --- zero copy -----------------------------------------------------------------------------


def test_inputs_are_not_copied_on_the_python_side(monkeypatch):
    import alopex.vector as v

    seen = []
    real = v._ffi.ffi.from_buffer

    def spy(cdecl, obj, *a, **kw):
        seen.append(obj)
        return real(cdecl, obj, *a, **kw)

    monkeypatch.setattr(v._ffi.ffi, "from_buffer", spy)
    x = clustered(1000, 16)
    idx = ax.VectorIndex(16, kind="flat")
    idx.add(x)
    assert any(o is x for o in seen), "the float32 array should be handed to Go as it is"
    seen.clear()
    q = x[:10]  # a C-contiguous view
    ids, dist = idx.search(q, k=3)
    assert any(np.shares_memory(o, q) for o in seen if isinstance(o, np.ndarray))
    # The results are the very arrays Go wrote into.
    assert any(o is ids.base or o is ids for o in seen) or any(np.shares_memory(o, ids) for o in seen)
    assert any(np.shares_memory(o, dist) for o in seen)
    assert ids.flags.owndata and dist.flags.owndata


# --- recall --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bigann():
    if not DATA.is_dir():
        pytest.skip(f"shared data missing: {DATA}")
    base = read_vecs(DATA / "bigann10k_base.fvecs", np.float32)
    queries = read_vecs(DATA / "bigann10k_query.fvecs", np.float32)
    gt = read_vecs(DATA / "bigann10k_groundtruth.ivecs", np.int32)
    return base, queries, gt


def bigann_recalls(ids: np.ndarray, gt: np.ndarray, k: int = 10) -> tuple[float, float]:
    """Recall@k with the ground truth as given, and with the self-match excluded.

    The queries are the first 100 base vectors, so query i finds itself at
    distance 0; without it, the next k of the ground truth are the target.
    """
    with_self = recall(ids[:, :k], gt[:, :k])
    hits = 0
    for i in range(len(ids)):
        got = [g for g in ids[i] if g != i][:k]
        want = [w for w in gt[i] if w != i][:k]
        hits += len(set(got) & set(want))
    return with_self, hits / (len(ids) * k)


def test_bigann10k_recall_at_default_settings(bigann):
    base, queries, gt = bigann
    idx = ax.VectorIndex(128)
    idx.add(base)
    ids, dist = idx.search(queries, k=10)
    r_self, r_noself = bigann_recalls(idx.search(queries, k=11)[0], gt)
    r10 = recall(ids, gt[:, :10])
    print(f"bigann10k recall@10: {r10:.3f} (self-match excluded: {r_noself:.3f})")
    # hnswlib (m=16, ef_construction=200) reaches 1.000 from ef 48 on; so
    # does alopex at the default ef 64. One miss in 1,000 is allowed: the
    # parallel build is not deterministic.
    assert r10 >= 0.999 and r_noself >= 0.99
    # Each query is a base vector and finds itself: no node is unreachable
    # (concurrent insertions used to leave a few without in-links).
    assert (ids[:, 0] == np.arange(100)).all()
    wide = idx.search(queries, k=10, ef=256)[0]
    assert recall(wide, gt[:, :10]) == 1.0
    exact = ax.VectorIndex(128, kind="flat")
    exact.add(base)
    eids, edist = exact.search(queries, k=10)
    # Compare distances (four queries have ties in their top 100).
    b64 = base.astype(np.float64)
    gd = ((b64[gt[:, :10]] - queries.astype(np.float64)[:, None]) ** 2).sum(-1)
    np.testing.assert_allclose(edist, gd, rtol=1e-5, atol=1e-2)


def test_clustered_recall():
    x = clustered(20_000, 128)
    q = clustered(200, 128, seed=1)
    idx = ax.VectorIndex(128)
    idx.add(x, progress=False)
    r = recall(idx.search(q, k=10)[0], exact_knn(x, q, 10))
    print(f"clustered 20k×128 recall@10: {r:.3f}")
    assert r >= 0.95


@pytest.fixture(scope="module")
def filter_index():
    x = clustered(20_000, 32)
    idx = ax.VectorIndex(32)
    idx.add(x, progress=False)
    return x, idx


@pytest.mark.parametrize("frac", [0.5, 0.1, 0.01, 0.001])
def test_filtered_search(filter_index, frac):
    x, idx = filter_index
    q = clustered(50, 32, seed=2)
    rng = np.random.default_rng(3)
    mask = rng.random(len(x)) < frac
    want = exact_knn(x, q, 10, allowed=mask)
    for flt in (mask, np.flatnonzero(mask)):
        ids, dist = idx.search(q, k=10, filter=flt)
        assert mask[ids[ids >= 0]].all(), "a filtered-out id came back"
        if mask.sum() >= 10:
            assert (ids >= 0).all(), "fewer than k results while k are allowed"
        r = recall(ids, want)
        assert r >= 0.95, f"filter {frac:.1%}: recall {r:.3f}"


def test_filter_semantics():
    idx = ax.VectorIndex(2, kind="hnsw")
    idx.add(np.arange(20, dtype=np.float32).reshape(10, 2), ids=np.arange(100, 110))
    mask = np.zeros(105, bool)
    mask[[101, 103]] = True  # mask[i] is the id i; ids ≥ len(mask) are excluded
    ids, _ = idx.search(np.zeros(2, np.float32), k=3, filter=mask)
    assert ids.tolist() == [101, 103, -1]
    ids, _ = idx.search(np.zeros(2, np.float32), k=2, filter=[109, 5000])
    assert ids.tolist() == [109, -1]
    ids, _ = idx.search(np.zeros(2, np.float32), k=2, filter=np.array([], dtype=np.int64))
    assert ids.tolist() == [-1, -1]
    with pytest.raises(ax.InvalidInputError, match="filter"):
        idx.search(np.zeros(2, np.float32), k=2, filter=np.array([0.5]))


# --- persistence -----------------------------------------------------------------------------


@pytest.mark.parametrize("kind,metric", [("hnsw", "l2"), ("hnsw", "cosine"), ("flat", "ip")])
def test_save_load_round_trip(tmp_path, kind, metric):
    x = clustered(3000, 16)
    idx = ax.VectorIndex(16, metric=metric, kind=kind, m=8)
    idx.add(x, ids=np.arange(3000) * 2)
    idx.remove([0, 2, 4])
    path = tmp_path / "idx.alopex"
    idx.save(path)
    back = ax.VectorIndex.load(path)
    assert (back.dim, back.metric, back.kind, len(back)) == (16, metric, kind, len(idx))
    q = clustered(20, 16, seed=5)
    for a, b in zip(idx.search(q, k=5), back.search(q, k=5)):
        np.testing.assert_array_equal(a, b)


def test_load_errors(tmp_path):
    idx = ax.VectorIndex(4, m=4)
    idx.add(clustered(100, 4))
    path = tmp_path / "i.bin"
    idx.save(path)
    data = path.read_bytes()
    (tmp_path / "short.bin").write_bytes(data[: len(data) // 2])
    with pytest.raises(ax.InvalidInputError, match=r"short\.bin.*offset \d+.*truncated") as info:
        ax.VectorIndex.load(tmp_path / "short.bin")
    assert info.value.details["offset"] > 0
    bad = bytearray(data)
    bad[len(data) // 2] ^= 0xFF
    (tmp_path / "bad.bin").write_bytes(bytes(bad))
    with pytest.raises(ax.InvalidInputError, match="checksum"):
        ax.VectorIndex.load(tmp_path / "bad.bin")
    with pytest.raises(FileNotFoundError):
        ax.VectorIndex.load(tmp_path / "missing.bin")


# --- threads, progress, Ctrl-C ---------------------------------------------------------------


def test_eight_threads_search_like_serial():
    x = clustered(10_000, 32)
    idx = ax.VectorIndex(32)
    idx.add(x, progress=False)
    qs = [clustered(100, 32, seed=10 + i) for i in range(8)]
    expected = [idx.search(q, k=10) for q in qs]
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def work(i: int) -> None:
        try:
            barrier.wait()
            for _ in range(10):
                ids, dist = idx.search(qs[i], k=10)
                np.testing.assert_array_equal(ids, expected[i][0])
                np.testing.assert_array_equal(dist, expected[i][1])
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors


def test_progress_bar(capsys):
    pytest.importorskip("tqdm")
    idx = ax.VectorIndex(8, m=4, ef_construction=16)
    idx.add(clustered(5000, 8), progress=True)
    assert "VectorIndex.add" in capsys.readouterr().err
    idx.add(clustered(5000, 8, seed=1), progress=False)
    assert "VectorIndex.add" not in capsys.readouterr().err


def test_ctrl_c_stops_a_long_add_between_chunks():
    x = clustered(200_000, 64)
    idx = ax.VectorIndex(64)
    fired_at: list[float] = []

    def interrupt() -> None:
        fired_at.append(time.perf_counter())
        _thread.interrupt_main()

    timer = threading.Timer(0.5, interrupt)
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            idx.add(x, progress=False)
    finally:
        timer.cancel()
    stopped = time.perf_counter()
    assert fired_at, "the add finished before the interrupt"
    assert stopped - fired_at[0] < 2.0, f"add took {stopped - fired_at[0]:.2f}s to stop"
    n = len(idx)
    assert 0 < n < len(x)
    assert idx.search(x[0], k=1)[0][0] == 0  # the index still works


# Robustness: hostile k, ids and magnitudes (issue 10).

@pytest.mark.parametrize("kind", ["flat", "hnsw"])
def test_huge_k_returns_every_vector(kind):
    x = clustered(40, 4, centres=3)
    idx = ax.VectorIndex(4, kind=kind, m=4, ef_construction=16)
    idx.add(x)
    order = np.argsort(((x - x[3]) ** 2).sum(1), kind="stable").tolist()
    for k in (41, 2**31 - 1, 2**31, 2**63 - 1, 2**64):
        ids, dist = idx.search(x[3], k=k)
        assert ids.shape == (40,) and sorted(ids.tolist()) == list(range(40)), k
        assert ids[0] == 3 and set(ids[:5].tolist()) == set(order[:5]) and np.all(np.diff(dist) >= 0)
    ids, dist = idx.search(x[:3], k=2**40, filter=[1, 2, 39, 5000])
    assert ids.shape == (3, 40) and (ids[:, 3:] == -1).all() and np.isinf(dist[:, 3:]).all()
    assert sorted(ids[0, :3].tolist()) == [1, 2, 39]
    ids, _ = idx.search(x[0], k=5, ef=2**70)  # an absurd breadth is just "everything"
    assert ids[0] == 0
    empty = ax.VectorIndex(4, kind=kind)
    ids, dist = empty.search(x[:2], k=2**31)
    assert ids.shape == (2, 0) and dist.shape == (2, 0)


@pytest.mark.parametrize("kind", ["flat", "hnsw"])
@pytest.mark.parametrize("ids, shown", [([1.7], "1.7"), ([0.0, np.nan], "nan"), ([np.inf], "inf"),
                                        ([-3], "-3"), ([2**63 - 1], str(2**63 - 1)),
                                        (np.array([2**64 - 1], np.uint64), str(2**64 - 1)),
                                        ([1, 2**70], str(2**70)), ([True], "True"), ([1, "7"], "'7'"),
                                        ([1, None], "None"), ([2.0**63], "9.223372036854776e+18")])
def test_add_rejects_bad_ids(kind, ids, shown):
    idx = ax.VectorIndex(2, kind=kind)
    x = np.ones((len(ids), 2), np.float32)
    with pytest.raises(ax.InvalidInputError, match=r"ids\[\d\] is " + shown.replace("+", r"\+")) as e:
        idx.add(x, ids=ids)
    assert "row" in e.value.details
    assert len(idx) == 0


def test_add_takes_integral_ids_of_any_numeric_type():
    idx = ax.VectorIndex(2, kind="flat")
    idx.add(np.eye(2, dtype=np.float32), ids=[3.0, np.uint8(9)])
    idx.add(np.ones((1, 2), np.float32), ids=np.array([[2**63 - 2]]))
    assert sorted(idx.search([1, 1], k=3)[0].tolist()) == [3, 9, 2**63 - 2]
    with pytest.raises(ax.InvalidInputError, match="no ids left"):
        idx.add(np.ones((1, 2), np.float32))  # the next id would be 2**63 - 1
    with pytest.raises(ax.InvalidInputError, match="appears twice"):
        idx.add(np.ones((2, 2), np.float32), ids=[5, 5])
    with pytest.raises(ax.InvalidInputError, match="2 ids given for 1 vectors"):
        idx.add(np.ones((1, 2), np.float32), ids=[[5, 6]])
    assert len(idx) == 3


@pytest.mark.parametrize("kind", ["flat", "hnsw"])
@pytest.mark.parametrize("metric", ["l2", "ip"])
def test_near_overflow_vectors_are_rejected_naming_the_row(kind, metric):
    idx = ax.VectorIndex(2, metric=metric, kind=kind)
    for big in (3e38, 1e20):
        with pytest.raises(ax.InvalidInputError, match=rf"row 1 has norm .*too large for {metric}") as e:
            idx.add(np.array([[1, 1], [big, big], [2, 2]], np.float32))
        assert e.value.details["row"] == 1 and len(idx) == 0
    x = clustered(3000, 2, centres=4) * 1e17  # finite and large, but every distance fits in float32
    x[2999] = 1e20  # chunked add (hnsw): checked before the first chunk goes in
    with pytest.raises(ax.InvalidInputError, match="row 2999"):
        idx.add(x, progress=False)
    assert len(idx) == 0
    idx.add(x[:2999], progress=False)
    ids, dist = idx.search(x[:5], k=10)
    assert (ids >= 0).all() and np.isfinite(dist).all()
    with pytest.raises(ax.InvalidInputError, match="queries: row 0 has norm"):
        idx.search(np.array([3e38, 0], np.float32), k=1)


@pytest.mark.parametrize("kind", ["flat", "hnsw"])
def test_cosine_takes_vectors_near_the_float32_limit(kind):
    x = np.array([[3e38, 3e38], [1e20, 1e20], [1, 1], [-2e19, 1e19], [3e38, -3e38]], np.float32)
    idx = ax.VectorIndex(2, metric="cosine", kind=kind)
    idx.add(x)
    ids, dist = idx.search(np.array([3e38, 3e38], np.float32), k=5)
    assert sorted(ids[:3].tolist()) == [0, 1, 2] and ids[3:].tolist() == [4, 3]
    np.testing.assert_allclose(dist, [0, 0, 0, 1, 1 + 1 / np.sqrt(10)], atol=1e-6)


@pytest.mark.parametrize("d", [2, 3])
def test_hnsw_ip_low_dim_returns_k(d):
    rng = np.random.default_rng(d)
    x = rng.standard_normal((3000, d)).astype(np.float32)
    idx = ax.VectorIndex(d, metric="ip", kind="hnsw", m=4, ef_construction=50)
    idx.add(x)
    q = rng.standard_normal((20, d)).astype(np.float32)
    for k in (10, 1000, 3000):
        ids, dist = idx.search(q, k=k)
        assert (ids >= 0).all(), f"k={k}: {(ids < 0).sum()} missing"
        assert all(len(set(r)) == k for r in ids.tolist())
    mask = np.arange(3000) % 3 == 0
    ids, _ = idx.search(q, k=1500, filter=mask)
    assert ((ids[:, :1000] >= 0) & (ids[:, :1000] % 3 == 0)).all() and (ids[:, 1000:] == -1).all()
    want = np.argsort(1 - q @ x.T, axis=1, kind="stable")[:, :10]  # the top 10 stay right
    got = idx.search(q, k=10)[0]
    assert np.mean([len(set(a) & set(b)) for a, b in zip(got.tolist(), want.tolist())]) >= 9
