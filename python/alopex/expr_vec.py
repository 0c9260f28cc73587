"""Vector expressions: the ``Expr.vec`` namespace over ``Array(Float32, d)`` columns.

A vector column is an Arrow FixedSizeList<float32>[d]; build one from a C-contiguous
(n, d) float32 NumPy array (shared, not copied) with ``ax.DataFrame({"emb": arr})``; a
float64 array is converted to float32 once.
Distances are computed in Go by the same kernels as :class:`~alopex.VectorIndex`, one
call per batch, and are Float32 (as TiDB and pgvector return them).

``q`` is a 1-D NumPy array or list of numbers (finite: NaN or infinity raise
:class:`~alopex.InvalidInputError`), or another vector expression of the same
dimension. A dimension mismatch raises :class:`~alopex.ComputeError` naming both.

Sorting by a distance and taking the first ``k`` rows (``sort(...).head(k)``,
``top_k``/``bottom_k``) is planned as a VECTOR TOP-K: an index attached with
:meth:`DataFrame.with_vector_index` answers it, else an exact bounded-heap scan.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .expr import Expr


class ExprVectorNameSpace:
    """Vector functions of an expression: ``ax.col("emb").vec.cosine_distance(q)``.

    >>> import alopex as ax, numpy as np
    >>> df = ax.DataFrame({"emb": np.array([[1, 0], [0, 1]], dtype=np.float32)})
    >>> df.select(ax.col("emb").vec.l2_distance([1, 0]))["emb"].to_list()
    [0.0, 1.4142135381698608]
    """

    __slots__ = ("_expr",)

    def __init__(self, expr: Expr):
        self._expr = expr

    def _dist(self, name: str, q: Any) -> Expr:
        from .expr import Expr, _vector_node

        node = q._node if isinstance(q, Expr) else _vector_node(q)
        return self._expr._call_nodes("vec." + name, node)

    def l2_distance(self, q: Any) -> Expr:
        """Euclidean distance ``sqrt(sum((a - q)²))`` (pgvector ``<->``, TiDB VEC_L2_DISTANCE)."""
        return self._dist("l2_distance", q)

    def squared_l2_distance(self, q: Any) -> Expr:
        """Squared Euclidean distance (what an ``"l2"`` :class:`VectorIndex` reports)."""
        return self._dist("squared_l2_distance", q)

    def cosine_distance(self, q: Any) -> Expr:
        """``1 - cos(a, q)``; 1 when either vector is zero (TiDB VEC_COSINE_DISTANCE)."""
        return self._dist("cosine_distance", q)

    def cosine_similarity(self, q: Any) -> Expr:
        """``cos(a, q)`` (larger is closer)."""
        return self._dist("cosine_similarity", q)

    def inner_product(self, q: Any) -> Expr:
        """The dot product ``a · q`` (larger is closer)."""
        return self._dist("inner_product", q)

    def negative_inner_product(self, q: Any) -> Expr:
        """``-(a · q)`` (TiDB VEC_NEGATIVE_INNER_PRODUCT; smaller is closer)."""
        return self._dist("negative_inner_product", q)

    def l1_distance(self, q: Any) -> Expr:
        """Manhattan distance ``sum(|a - q|)``."""
        return self._dist("l1_distance", q)

    def norm(self) -> Expr:
        """The Euclidean norm of each vector (Float32)."""
        return self._expr._call("vec.norm")

    def as_text(self) -> Expr:
        """Each vector as text, ``"[1,2.5]"`` (TiDB VEC_AS_TEXT; null for a null vector)."""
        return self._expr._call("vec.as_text")

    def dims(self) -> Expr:
        """The dimension of each vector (Int64; null for a null vector)."""
        return self._expr._call("vec.dims")

    def from_text(self, dim: int) -> Expr:
        """Parse vector text (``'[1, 2.5, -3]'``, TiDB's and pgvector's form) in a String column
        into vectors of dimension ``dim`` (``Array(Float32, dim)``); SQL ``CAST(s AS VECTOR(dim))``.

        A null string gives a null vector. A row that is not vector text, has another number of
        elements, or holds NaN or infinity raises :class:`~alopex.InvalidInputError` naming the row.
        """
        if isinstance(dim, bool) or not isinstance(dim, int) or dim <= 0:
            from .exceptions import InvalidInputError

            raise InvalidInputError(f"vec.from_text needs a positive dimension, got {dim!r}")
        return self._expr._call("vec.from_text", dim=dim)
