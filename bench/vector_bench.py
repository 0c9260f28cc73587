"""Vector search: alopex beside hnswlib, FAISS and NumPy, in one run; writes a BENCHMARKS.md section.

    .venv/bin/python bench/vector_bench.py [--quick] [--n 200000]   # prints the section
    .venv/bin/python bench/run.py --vector-only                     # replaces it in BENCHMARKS.md

Data sets: bigann10k (10,000 SIFT vectors, 100 in-sample queries, ground truth as shipped)
and a synthetic clustered set (n × 128 float32, 1,000 queries drawn apart from the base,
ground truth from alopex's exact flat index, checked against NumPy on a sample).

For each HNSW library (same m=16, ef_construction=200): build time with all threads and
with one, then an ef sweep measuring recall@10 and queries/second (a batch of all queries
per call, all threads and one thread). "QPS at recall r" is interpolated between the two
sweep points around r (see at_recall). Memory per vector is the saved index size divided by n (each
library's own serialisation: vectors + graph + ids), which tracks the in-memory size.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

import numpy as np

REPO = Path(__file__).resolve().parents[1]
if importlib.util.find_spec("alopex") is None:  # a checkout without an install: its own sources
    sys.path.insert(0, str(REPO / "python"))

import alopex as ax  # noqa: E402
from alopex import _ffi  # noqa: E402

DATA = REPO.parent / "shared" / "data" / "bigann10k"
EFS = [10, 12, 16, 20, 24, 32, 40, 48, 64, 96, 128, 192, 256, 384, 512]
TARGETS = [0.90, 0.95, 0.99]
K = 10
M, EFC = 16, 200
ALL = os.cpu_count() or 1


def read_vecs(path: Path, dtype) -> np.ndarray:
    raw = np.fromfile(path, dtype=np.uint8)
    d = int(raw[:4].view(np.int32)[0])
    rows = raw.reshape(-1, 4 + d * np.dtype(dtype).itemsize)
    return rows[:, 4:].copy().view(dtype)


def clustered(n: int, d: int, centres: int = 100, seed: int = 0, intrinsic: int = 16) -> np.ndarray:
    rng = np.random.default_rng(seed)
    basis = np.random.default_rng(1000 + d)
    c = basis.standard_normal((centres, d)) * 3
    proj = basis.standard_normal((intrinsic, d)) / np.sqrt(intrinsic)
    x = np.empty((n, d), np.float32)
    for s in range(0, n, 50_000):
        e = min(n, s + 50_000)
        blk = c[rng.integers(0, centres, e - s)] + rng.standard_normal((e - s, intrinsic)) @ proj
        x[s:e] = blk + 0.05 * rng.standard_normal((e - s, d))
    return x


def recall(got: np.ndarray, want: np.ndarray) -> float:
    return sum(len(set(g) & set(w)) for g, w in zip(got[:, :K], want[:, :K])) / (len(want) * K)


def timed(fn: Callable[[], Any], min_time: float = 0.3, max_reps: int = 50) -> tuple[float, Any]:
    """Best-of time of fn (at least one call, repeated until min_time)."""
    best, out, spent, reps = float("inf"), None, 0.0, 0
    while reps < 1 or (spent < min_time and reps < max_reps):
        t = time.perf_counter()
        out = fn()
        dt = time.perf_counter() - t
        best, spent, reps = min(best, dt), spent + dt, reps + 1
    return best, out


def set_threads(n: int) -> None:
    prev = _ffi.ffi.new("int64_t*")
    _ffi.check(_ffi.lib.alopex_set_threads, n, prev)
    try:
        import faiss

        faiss.omp_set_num_threads(n)
    except ImportError:
        pass


# --- the libraries, behind one small interface ------------------------------------------------


class Alopex:
    name = "alopex"

    def build(self, x: np.ndarray, threads: int) -> None:
        set_threads(threads)
        self.idx = ax.VectorIndex(x.shape[1], m=M, ef_construction=EFC)
        self.idx.add(x, progress=False)
        set_threads(ALL)

    def search(self, q: np.ndarray, ef: int, threads: int) -> np.ndarray:
        set_threads(threads)
        try:
            return self.idx.search(q, K, ef=ef)[0]
        finally:
            set_threads(ALL)

    def size(self, path: Path) -> int:
        self.idx.save(path)
        return path.stat().st_size


class Hnswlib:
    name = "hnswlib"

    def build(self, x: np.ndarray, threads: int) -> None:
        import hnswlib

        self.idx = hnswlib.Index(space="l2", dim=x.shape[1])
        self.idx.init_index(max_elements=len(x), M=M, ef_construction=EFC)
        self.idx.add_items(x, num_threads=threads)

    def search(self, q: np.ndarray, ef: int, threads: int) -> np.ndarray:
        self.idx.set_ef(max(ef, K))
        return self.idx.knn_query(q, k=K, num_threads=threads)[0]

    def size(self, path: Path) -> int:
        self.idx.save_index(str(path))
        return path.stat().st_size


class FaissHNSW:
    name = "faiss HNSWFlat"

    def build(self, x: np.ndarray, threads: int) -> None:
        import faiss

        faiss.omp_set_num_threads(threads)
        self.idx = faiss.IndexHNSWFlat(x.shape[1], M)
        self.idx.hnsw.efConstruction = EFC
        self.idx.add(x)
        faiss.omp_set_num_threads(ALL)

    def search(self, q: np.ndarray, ef: int, threads: int) -> np.ndarray:
        import faiss

        faiss.omp_set_num_threads(threads)
        try:
            self.idx.hnsw.efSearch = max(ef, K)
            return self.idx.search(q, K)[1]
        finally:
            faiss.omp_set_num_threads(ALL)

    def size(self, path: Path) -> int:
        import faiss

        faiss.write_index(self.idx, str(path))
        return path.stat().st_size


def numpy_knn(x: np.ndarray, norms: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Exact k-NN with NumPy: one matmul per block of queries, argpartition, sort of the k."""
    out = np.empty((len(q), K), np.int64)
    for s in range(0, len(q), 256):
        blk = q[s:s + 256]
        d = norms[None, :] - 2 * (blk @ x.T)
        part = np.argpartition(d, K, axis=1)[:, :K]
        order = np.take_along_axis(d, part, 1).argsort(1)
        out[s:s + 256] = np.take_along_axis(part, order, 1)
    return out


# --- one data set ----------------------------------------------------------------------------------------------


def run_dataset(name: str, x: np.ndarray, q: np.ndarray, gt: np.ndarray | None, log: Callable[[str], None],
                single_build: bool) -> dict[str, Any]:
    res: dict[str, Any] = {"name": name, "n": len(x), "d": x.shape[1], "nq": len(q), "hnsw": {}, "exact": {}}
    # Exact search: alopex flat, FAISS IndexFlatL2, NumPy.
    flat = ax.VectorIndex(x.shape[1], kind="flat")
    flat.add(x)
    for threads in (ALL, 1):
        set_threads(threads)
        t, ids = timed(lambda flat=flat: flat.search(q, K)[0])
        res["exact"][("alopex flat", threads)] = len(q) / t
        set_threads(ALL)
    if gt is None:
        gt = ids
    try:
        import faiss

        fi = faiss.IndexFlatL2(x.shape[1])
        fi.add(x)
        for threads in (ALL, 1):
            faiss.omp_set_num_threads(threads)
            t, fids = timed(lambda fi=fi: fi.search(q, K)[1])
            res["exact"][("faiss IndexFlatL2", threads)] = len(q) / t
        faiss.omp_set_num_threads(ALL)
        res["exact_recall_faiss"] = recall(fids, gt)
    except ImportError:
        log("faiss-cpu not installed: skipped")
    norms = (x.astype(np.float32) ** 2).sum(1)
    t, nids = timed(lambda: numpy_knn(x, norms, q))
    res["exact"][("numpy matmul+argpartition", ALL)] = len(q) / t
    res["exact_recall_alopex"] = recall(ids, gt)
    res["exact_recall_numpy"] = recall(nids, gt)
    del flat
    log("  exact: " + ", ".join(f"{k[0]} ×{k[1]} {v:,.0f} q/s" for k, v in res["exact"].items()))

    libs: list[Any] = [Alopex()]
    for lib in (Hnswlib, FaissHNSW):
        try:
            __import__("hnswlib" if lib is Hnswlib else "faiss")
            libs.append(lib())
        except ImportError:
            log(f"{lib.name} not installed: skipped")
    for lib in libs:
        r: dict[str, Any] = {}
        if single_build:
            t0 = time.perf_counter()
            lib.build(x, 1)
            r["build_1"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        lib.build(x, ALL)
        r["build_all"] = time.perf_counter() - t0
        with tempfile.TemporaryDirectory() as tmp:
            r["bytes_per_vector"] = lib.size(Path(tmp) / "idx") / len(x)
        sweep = []
        for ef in EFS:
            t_all, ids = timed(lambda ef=ef, lib=lib: lib.search(q, ef, ALL), min_time=0.2, max_reps=20)
            t_one, _ = timed(lambda ef=ef, lib=lib: lib.search(q, ef, 1), min_time=0.2, max_reps=20)
            rc = recall(ids, gt)
            sweep.append((ef, rc, len(q) / t_all, len(q) / t_one))
            if rc >= 0.999:
                break
        r["sweep"] = sweep
        res["hnsw"][lib.name] = r
        log(f"  {lib.name}: build {r['build_all']:.2f} s (1 thread: {r.get('build_1', float('nan')):.2f} s), "
            f"{r['bytes_per_vector']:.0f} B/vector; " + "; ".join(
                f"ef {ef} R {rc:.3f} {qa:,.0f}/{q1:,.0f} q/s" for ef, rc, qa, q1 in sweep))
        del lib
    return res


def at_recall(sweep: list[tuple], target: float, col: int) -> str:
    """QPS at recall `target`: interpolated linearly between the two sweep points around it (the
    (recall, QPS) of the last ef below the target and of the first at or above it), or the first
    point's QPS when the smallest ef already reaches it; "—" when no ef does."""
    prev = None
    for ef, rc, qa, q1 in sweep:
        v = (qa, q1)[col - 2]
        if rc >= target:
            if prev is None:
                return f"{v:,.0f} (ef {ef})"
            ef0, r0, v0 = prev
            return f"{v0 + (target - r0) / (rc - r0) * (v - v0):,.0f} (ef {ef0}–{ef})"
        prev = (ef, rc, v)
    return "—"


def section(results: list[dict[str, Any]], machine: str, number: str = "4") -> str:
    lines = [f"## {number}. Vector search", "",
             "`bench/vector_bench.py` (`bench/run.py --vector-only` reruns this section alone). HNSW with m=16, "
             "ef_construction=200 in every library; k=10; queries in one batch per call. "
             "QPS at recall r: interpolated linearly between the two ef values of the sweep around r "
             "(the first ef's QPS when it already reaches r). "
             "Memory: saved index bytes per vector (vectors + graph + ids). "
             "NumPy runs with its BLAS's default threads.", ""]
    if machine:
        lines += [f"**Machine:** {machine}", ""]
    for res in results:
        lines += [f"### {res['name']}: {res['n']:,} × {res['d']}, {res['nq']:,} queries", ""]
        lines += ["| library | build, all threads (s) | build, 1 thread (s) | bytes / vector | "
                  + " | ".join(f"QPS @ R≥{t:.2f} all / 1 thread" for t in TARGETS) + " |",
                  "|---|---:|---:|---:|" + "---:|" * len(TARGETS)]
        for name, r in res["hnsw"].items():
            cells = [f"{at_recall(r['sweep'], t, 2)} / {at_recall(r['sweep'], t, 3)}" for t in TARGETS]
            b1 = f"{r['build_1']:.2f}" if "build_1" in r else "—"
            lines.append(f"| {name} | {r['build_all']:.2f} | {b1} | {r['bytes_per_vector']:.0f} | " + " | ".join(cells) + " |")
        lines += ["", "Exact search (queries per second): "
                  + "; ".join(f"{k[0]} ({'all threads' if k[1] == ALL else '1 thread'}) {v:,.0f}"
                              for k, v in res["exact"].items())
                  + f". Recall of the exact results against the ground truth: alopex "
                  f"{res['exact_recall_alopex']:.3f}, NumPy {res['exact_recall_numpy']:.3f}"
                  + (f", FAISS {res['exact_recall_faiss']:.3f}" if "exact_recall_faiss" in res else "") + ".", ""]
        lines += ["<details><summary>ef sweep (ef: recall@10, QPS all threads / 1 thread)</summary>", ""]
        for name, r in res["hnsw"].items():
            lines.append(f"- {name}: " + "; ".join(f"{ef}: {rc:.3f}, {qa:,.0f} / {q1:,.0f}" for ef, rc, qa, q1 in r["sweep"]))
        lines += ["", "</details>", ""]
    return "\n".join(lines)


def run(n: int, quick: bool, log: Callable[[str], None], machine: str = "") -> str:
    results = []
    if DATA.is_dir():
        base = read_vecs(DATA / "bigann10k_base.fvecs", np.float32)
        queries = read_vecs(DATA / "bigann10k_query.fvecs", np.float32)
        gt = read_vecs(DATA / "bigann10k_groundtruth.ivecs", np.int32)[:, :K]
        log("bigann10k")
        results.append(run_dataset("bigann10k (SIFT; in-sample queries, ground truth as shipped)",
                                   base, queries, gt, log, single_build=True))
    else:
        log(f"{DATA} missing: bigann10k skipped")
    if quick:
        n = min(n, 20_000)
    log(f"synthetic clustered {n} × 128")
    x = clustered(n, 128)
    q = clustered(1000, 128, seed=1)
    results.append(run_dataset("synthetic clustered (ground truth from the exact flat index)", x, q, None, log,
                               single_build=False))
    return section(results, machine)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true")
    p.add_argument("--n", type=int, default=200_000)
    args = p.parse_args(argv)
    print(run(args.n, args.quick, lambda s: print(s, file=sys.stderr, flush=True)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
