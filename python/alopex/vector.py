"""Vector search over NumPy embeddings: :class:`VectorIndex`.

>>> import numpy as np, alopex as ax
>>> idx = ax.VectorIndex(dim=4, metric="l2", kind="flat")
>>> idx.add(np.eye(4, dtype=np.float32))
>>> ids, dist = idx.search(np.array([1, 0, 0, 0.1], dtype=np.float32), k=2)
>>> ids.tolist(), dist.round(2).tolist()
([0, 3], [0.01, 1.81])
"""

from __future__ import annotations

import os
import weakref
from typing import Any

import numpy as np

from . import _ffi
from ._progress import progress_enabled
from ._validate import int_arg
from .exceptions import InvalidInputError

_KINDS = {"flat": 0, "hnsw": 1}
_METRICS = {"l2": 0, "ip": 1, "cosine": 2}
_KIND_NAMES = {v: k for k, v in _KINDS.items()}
_METRIC_NAMES = {v: k for k, v in _METRICS.items()}

#: Below this many vectors an add shows no progress bar unless asked to.
_PROGRESS_MIN = 20_000


def _release(value: int) -> None:
    if not _ffi._forked:
        _ffi.lib.alopex_vector_release(value)


def _as_rows(x: Any, dim: int, what: str) -> tuple[np.ndarray, bool]:
    """Return x as a C-contiguous (n, dim) float32 array and whether it was 1-D.

    A C-contiguous float32 array is used as it is (Go reads it in place);
    anything else numeric (float64, integers, a list) is converted once.
    """
    arr = np.asarray(x)
    if arr.dtype.kind not in "fiu":
        raise InvalidInputError(f"{what} must be numeric, got dtype {arr.dtype}")
    if arr.ndim not in (1, 2):
        raise InvalidInputError(f"{what} must be a 1-D vector or a 2-D (n, {dim}) array, got shape {arr.shape}")
    single = arr.ndim == 1
    if single:
        arr = arr.reshape(1, -1)
    if arr.shape[1] != dim:
        raise InvalidInputError(
            f"{what} have dimension {arr.shape[1]} but the index has dimension {dim} (shape {arr.shape})",
            {"dim": int(arr.shape[1]), "expected": dim})
    if arr.shape[0] == 0:
        raise InvalidInputError(f"no {what} given (shape {arr.shape})")
    if arr.dtype != np.float32 or not arr.flags.c_contiguous:
        arr = np.ascontiguousarray(arr, dtype=np.float32)
    return arr, single


#: The largest squared norm of an "l2" or "ip" vector: beyond it float32
#: distances overflow (Go checks the same bound on every add and search).
_MAX_SQUARED_NORM = float(np.finfo(np.float32).max) / 4

#: The largest id: the next id the index generates must stay an int64.
_MAX_ID = 2**63 - 2


def _id_ok(v: Any) -> bool:
    """Whether one element of an object array of ids is a valid id."""
    if isinstance(v, (bool, np.bool_)):
        return False
    if isinstance(v, (int, np.integer)):
        return 0 <= v <= _MAX_ID
    if isinstance(v, (float, np.floating)):
        return bool(np.isfinite(v)) and float(v).is_integer() and 0 <= v < 2.0**63
    return False


def _as_ids(ids: Any, n: int) -> np.ndarray:
    """Return ids for n vectors as a C-contiguous int64 array.

    Integers and integral floats are taken; a fractional, NaN, infinite,
    negative or too large id, a non-numeric value or a wrong count raise
    InvalidInputError naming the position and the value (a plain int64 cast
    would silently store 1 for 1.7 and wrap 2**64 - 1 to -1).
    """
    flat = np.asarray(ids).reshape(-1)
    if flat.shape[0] != n:
        raise InvalidInputError(f"{flat.shape[0]} ids given for {n} vectors")
    kind = flat.dtype.kind
    if kind == "i":
        bad = (flat < 0) | (flat > _MAX_ID)
    elif kind == "u":
        bad = flat > _MAX_ID
    elif kind == "f":
        with np.errstate(invalid="ignore"):
            bad = ~np.isfinite(flat) | (flat != np.floor(flat)) | (flat < 0) | (flat >= 2.0**63)
    else:  # objects, booleans, strings: judged one by one, as given
        flat = np.asarray(ids, dtype=object).reshape(-1)
        bad = np.array([not _id_ok(v) for v in flat], dtype=bool)
    if bad.any():
        row = int(np.argmax(bad))
        v = flat[row].item() if isinstance(flat[row], np.generic) else flat[row]
        raise InvalidInputError(f"ids must be integers between 0 and {_MAX_ID}: ids[{row}] is {v!r}", {"row": row})
    return np.ascontiguousarray(flat.astype(np.int64))


def _progress_bar(total: int, progress: Any):
    if progress is False or (progress is None and (total < _PROGRESS_MIN or progress_enabled() is False)):
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return None
    return tqdm(total=total, unit="vec", desc="VectorIndex.add", leave=False)


class _IndexRef:
    __slots__ = ("value",)

    def __init__(self, value: int):
        self.value = value


class VectorIndex:
    """A vector index over float32 embeddings, searched by Go on all cores.

    ``kind="hnsw"`` (default) is an approximate HNSW graph (parameters ``m``,
    ``ef_construction``, ``ef_search`` as in hnswlib; ``ef_search`` defaults
    to 64); ``kind="flat"`` is exact.

    Metrics (smaller is closer): ``"l2"`` is the **squared** Euclidean
    distance (as hnswlib and FAISS report it), ``"ip"`` is ``1 - a·b``,
    ``"cosine"`` is ``1 - cos(a, b)`` (vectors are normalised when added).

    Ids are integers from 0 to 2**63 - 2, given to :meth:`add` or generated
    (0, 1, 2, … after the largest id used so far).

    Vectors of ``"l2"`` and ``"ip"`` indexes must have a norm of at most
    about 9.2e18 (their float32 distances would overflow to inf otherwise);
    ``"cosine"`` takes any finite vector.
    """

    def __init__(self, dim: int, metric: str = "l2", kind: str = "hnsw", m: int = 16,
                 ef_construction: int = 200, ef_search: int | None = None):
        if metric not in _METRICS:
            raise InvalidInputError(f"unknown metric {metric!r}: use 'l2', 'cosine' or 'ip'")
        if kind not in _KINDS:
            raise InvalidInputError(f"unknown kind {kind!r}: use 'hnsw' or 'flat'")
        if isinstance(dim, bool) or not isinstance(dim, (int, np.integer)) or dim <= 0:
            raise InvalidInputError(f"dim must be a positive integer, got {dim!r}")
        _ffi.ensure_usable()
        out = _ffi.ffi.new("uint64_t*")
        _ffi.check(_ffi.lib.alopex_vector_new, _KINDS[kind], _METRICS[metric], int_arg(dim, "dim"), int_arg(m, "m"),
                   int_arg(ef_construction, "ef_construction"), int_arg(ef_search or 0, "ef_search"), out)
        self._init(int(out[0]))

    def _engine_handle(self) -> "_IndexRef":
        """The handle a query plan passes to the engine (DataFrame.with_vector_index)."""
        return _IndexRef(self._h)

    def _init(self, handle: int) -> None:
        self._h = handle
        self._finalizer = weakref.finalize(self, _release, handle)
        info = self._info()
        self._kind, self._metric, self._dim = _KIND_NAMES[info[0]], _METRIC_NAMES[info[1]], info[2]

    def _info(self) -> list[int]:
        out = _ffi.ffi.new("int64_t[7]")
        _ffi.check(_ffi.lib.alopex_vector_info, self._h, out)
        return [int(v) for v in out]

    @classmethod
    def load(cls, path: str | os.PathLike) -> VectorIndex:
        """Read an index written by :meth:`save`; a corrupt or truncated file
        raises InvalidInputError naming the file and the offset."""
        _ffi.ensure_usable()
        out = _ffi.ffi.new("uint64_t*")
        _ffi.check(_ffi.lib.alopex_vector_load, os.fsencode(os.fspath(path)), out)
        self = cls.__new__(cls)
        self._init(int(out[0]))
        return self

    def save(self, path: str | os.PathLike) -> None:
        """Write the index to ``path`` (versioned, checksummed; replaced atomically)."""
        _ffi.check(_ffi.lib.alopex_vector_save, self._h, os.fsencode(os.fspath(path)))

    @property
    def dim(self) -> int:
        return self._dim

    @property
    def metric(self) -> str:
        return self._metric

    @property
    def kind(self) -> str:
        return self._kind

    @property
    def ef_search(self) -> int | None:
        """The default search breadth of an HNSW index (None for flat)."""
        return self._info()[6] if self._kind == "hnsw" else None

    @ef_search.setter
    def ef_search(self, ef: int) -> None:
        _ffi.check(_ffi.lib.alopex_vector_set_ef, self._h, int(ef))

    def __len__(self) -> int:
        return self._info()[3]

    def __repr__(self) -> str:
        info = self._info()
        extra = f", m={info[4]}, ef_construction={info[5]}, ef_search={info[6]}" if self._kind == "hnsw" else ""
        return f"VectorIndex(dim={self._dim}, metric={self._metric!r}, kind={self._kind!r}, len={info[3]}{extra})"

    def add(self, vectors: Any, ids: Any = None, progress: bool | None = None) -> None:
        """Add vectors (an (n, dim) array or one 1-D vector) under ``ids``.

        A C-contiguous float32 array is passed to Go without a copy (Go
        copies it once into the index); float64 and other numeric input is
        converted to float32 once. NaN or infinite values, a norm too large
        for the metric, a wrong dimension, an empty array, an id that is not
        an integer in range, an id given twice or an id already present
        raise InvalidInputError and add nothing. (hnswlib's ``add_items``
        replaces the vector of a label already present instead; here that
        is an error, so that an id clash never passes silently: call
        :meth:`remove` first to replace a vector.)

        HNSW indexes are built in chunks; ``progress`` shows a tqdm bar
        (``tqdm.auto``: terminals and notebooks) for large adds when tqdm is
        installed, ``True`` for every add, ``False`` never. Ctrl-C stops
        between chunks (within a fraction of a second): the chunks already
        inserted stay in the index.
        """
        arr, _ = _as_rows(vectors, self._dim, "vectors")
        n = arr.shape[0]
        ids_arr = None if ids is None else _as_ids(ids, n)
        if self._kind == "flat" or n <= 2048:
            self._add_chunk(arr, ids_arr)
            return
        # Chunks are separate calls, so check the whole input first: a bad
        # value or id in a late chunk must not leave the early ones added.
        finite = np.isfinite(arr)
        if not finite.all():
            row, col = (int(v) for v in np.argwhere(~finite)[0])
            raise InvalidInputError(
                f"vectors: row {row}, dim {col} is {arr[row, col]}; only finite values are allowed",
                {"row": row, "dim": col})
        if self._metric != "cosine":
            # Go's bound on ||x||² for l2 and ip (vector/store.go, maxSquaredNorm):
            # float32 sums (fast, no copy) find the candidates, float64 decides.
            with np.errstate(over="ignore"):
                near = np.flatnonzero(~(np.einsum("ij,ij->i", arr, arr) < _MAX_SQUARED_NORM * 0.99))
            for row in near.tolist():
                sq = float(np.square(arr[row], dtype=np.float64).sum())
                if sq > _MAX_SQUARED_NORM:
                    raise InvalidInputError(
                        f"vectors: row {row} has norm {np.sqrt(sq):.4g}, too large for {self._metric} "
                        f"distances in float32 (the norm must be at most {np.sqrt(_MAX_SQUARED_NORM):.4g}); "
                        "scale the vectors down or use metric \"cosine\"", {"row": row})
        if ids_arr is not None:
            uniq, counts = np.unique(ids_arr, return_counts=True)
            if (counts > 1).any():
                raise InvalidInputError(f"id {uniq[counts > 1][0]} appears twice among the ids given")
        bar = _progress_bar(n, progress)
        chunk = max(2048, min(32768, n // 100))
        start = 0
        try:
            for start in range(0, n, chunk):
                stop = min(n, start + chunk)
                self._add_chunk(arr[start:stop], None if ids_arr is None else ids_arr[start:stop])
                if bar is not None:
                    bar.update(stop - start)
        except InvalidInputError:
            if ids_arr is not None and start > 0:
                self.remove(ids_arr[:start])  # e.g. an id already present in a later chunk
            raise
        finally:
            if bar is not None:
                bar.close()

    def _add_chunk(self, arr: np.ndarray, ids: np.ndarray | None) -> None:
        ffi = _ffi.ffi
        ids_ptr = ffi.NULL if ids is None else ffi.from_buffer("int64_t[]", ids)
        _ffi.check(_ffi.lib.alopex_vector_add, self._h, ffi.from_buffer("float[]", arr),
                   arr.shape[0], arr.shape[1], ids_ptr)

    def search(self, queries: Any, k: int = 10, ef: int | None = None, filter: Any = None
               ) -> tuple[np.ndarray, np.ndarray]:
        """Find the ``k`` nearest vectors of each query.

        Returns ``(ids, distances)``: int64 and float32 arrays of shape
        (n_queries, k), closest first (1-D of length k for a 1-D query).
        Go writes them straight into the NumPy arrays' memory. A ``k``
        larger than the index (``len(idx)``) is capped there, like Polars'
        ``top_k`` and SQL's ``LIMIT``: ``k=2**31`` returns every vector,
        sorted. When a filter leaves fewer than k vectors, the rest is
        padded with id -1 and distance +inf (as FAISS does).

        ``ef`` overrides the HNSW search breadth (at least k is used).
        ``filter`` restricts the results: a boolean mask where ``mask[i]``
        refers to the vector with id ``i`` (ids ≥ len(mask) are excluded), or
        an array of allowed ids. Filtered-out vectors are never returned, and
        k results come back whenever k vectors are allowed (very selective
        filters are answered by an exact scan of the allowed vectors).
        """
        q, single = _as_rows(queries, self._dim, "queries")
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k <= 0:
            raise InvalidInputError(f"k must be a positive integer, got {k!r}")
        if ef is not None and (isinstance(ef, bool) or not isinstance(ef, (int, np.integer)) or ef <= 0):
            raise InvalidInputError(f"ef must be a positive integer, got {ef!r}")
        # No more than len(self) results exist: a k beyond it (2**31, say)
        # is capped there instead of allocating k columns of padding.
        k = min(int(k), len(self))
        nq = q.shape[0]
        ffi = _ffi.ffi
        fkind, mask_ptr, ids_ptr, nfilter = 0, ffi.NULL, ffi.NULL, 0
        if filter is not None:
            f = np.asarray(filter)
            if f.dtype == np.bool_:
                f = np.ascontiguousarray(f).reshape(-1)
                fkind, nfilter = 1, f.shape[0]
                mask_ptr = ffi.from_buffer("uint8_t[]", f.view(np.uint8)) if nfilter else ffi.NULL
            elif f.dtype.kind in "iu" or f.size == 0:
                f = np.ascontiguousarray(f, dtype=np.int64).reshape(-1)
                fkind, nfilter = 2, f.shape[0]
                ids_ptr = ffi.from_buffer("int64_t[]", f) if nfilter else ffi.NULL
            else:
                raise InvalidInputError(f"filter must be a boolean mask or an array of ids, got dtype {f.dtype}")
        out_ids = np.empty((nq, k), dtype=np.int64)
        out_dist = np.empty((nq, k), dtype=np.float32)
        if k == 0:  # an empty index
            return (out_ids[0], out_dist[0]) if single else (out_ids, out_dist)
        _ffi.check(_ffi.lib.alopex_vector_search, self._h, ffi.from_buffer("float[]", q), nq, self._dim, k,
                   min(int(ef or 0), 2**62), fkind, mask_ptr, ids_ptr, nfilter,
                   ffi.from_buffer("int64_t[]", out_ids), ffi.from_buffer("float[]", out_dist))
        if single:
            return out_ids[0], out_dist[0]
        return out_ids, out_dist

    def remove(self, ids: Any) -> int:
        """Remove vectors by id; returns how many were present. HNSW keeps
        them as tombstones (never returned) until :meth:`compact`."""
        # The same checks as add(): a NaN or 1.7 must not silently become an id.
        arr = _as_ids(ids, np.asarray(ids, dtype=object).size)
        out = _ffi.ffi.new("int64_t*")
        ptr = _ffi.ffi.from_buffer("int64_t[]", arr) if arr.size else _ffi.ffi.NULL
        _ffi.check(_ffi.lib.alopex_vector_remove, self._h, ptr, arr.shape[0], out)
        return int(out[0])

    def compact(self) -> None:
        """Rebuild an HNSW graph without removed vectors (no-op for flat)."""
        _ffi.check(_ffi.lib.alopex_vector_compact, self._h)


__all__ = ["VectorIndex"]
