"""alopex: lazy DataFrames, SQL, durable tables and vector search, over a Go core.

>>> import alopex as ax
>>> df = ax.DataFrame({"cat": ["a", "b", "a"], "v": [1.0, 2.0, 3.0]})
>>> df.lazy().filter(ax.col("v") > 1.5).select("cat", (ax.col("v") * 2).alias("v2")).collect().shape
(2, 2)
"""

from __future__ import annotations

from . import _ffi, selectors
from ._size import parse_size
from ._validate import int_arg
from .database import Database, Transaction, connect
from .datatypes import (
    Binary,
    Boolean,
    Categorical,
    DataType,
    Date,
    Datetime,
    Duration,
    Float32,
    Float64,
    Int8,
    Int16,
    Int32,
    Int64,
    Null,
    String,
    UInt8,
    UInt16,
    UInt32,
    UInt64,
    Utf8,
)
from .exceptions import (
    AlopexError,
    ColumnNotFoundError,
    ComputeError,
    ConstraintError,
    DatabaseLockedError,
    InternalError,
    InvalidInputError,
    NotSupportedError,
    SchemaError,
    SQLSyntaxError,
    StorageIOError,
    TableNotFoundError,
    TransactionConflictError,
)
from .expr import (
    Expr,
    all,
    all_horizontal,
    any_horizontal,
    coalesce,
    col,
    corr,
    count,
    cov,
    exclude,
    first,
    last,
    len,
    lit,
    max,
    max_horizontal,
    mean,
    mean_horizontal,
    median,
    min,
    min_horizontal,
    n_unique,
    std,
    sum,
    sum_horizontal,
    var,
    when,
)
from .frame import DataFrame, Series, concat, from_arrow, from_dict, from_dicts, from_numpy, from_pandas
from .io import read_csv, read_parquet, scan_csv, scan_parquet
from .lazyframe import LazyFrame
from .sql import SQLContext, sql
from .vector import VectorIndex

__version__ = "0.1.0"


def set_memory_limit(limit: int | str | None) -> None:
    """Bound the memory queries use: bytes, or a string like "2GB" or "2GiB" (None: no bound).

    Units are read as DuckDB's ``memory_limit`` reads them (and as ``ax.connect``'s sizes):
    KB, MB, GB, TB are powers of 1000, KiB, MiB, GiB, TiB powers of 1024.

    The engine's working data stays under it (the Go heap's soft limit) and
    scans stream with one morsel per core in flight, so a scan → filter →
    aggregate over files larger than the limit completes within it. Results
    handed to Python are not counted. Embedded databases opened (``ax.connect``)
    after it is set cap the sizes left at their defaults by it: block cache at a
    quarter, each write buffer at a sixteenth, and each transaction's in-memory
    pending writes at an eighth (beyond that a transaction spills to disk).
    """
    if limit is None:
        _ffi.set_memory_limit(0)
        return
    if not isinstance(limit, str):
        limit = int_arg(limit, "the memory limit")  # a whole float or NumPy integer, else an error
    _ffi.set_memory_limit(parse_size(limit, "the memory limit"))
__engine_version__ = _ffi.engine_version()

__all__ = [
    "DataFrame", "LazyFrame", "Series", "sql", "SQLContext", "VectorIndex", "set_memory_limit", "read_parquet", "scan_parquet", "read_csv", "scan_csv", "concat", "Expr", "col", "lit", "len", "sum", "mean", "min", "max", "count",
    "median", "n_unique", "first", "last", "std", "var", "corr", "cov", "when", "coalesce", "all", "exclude", "selectors",
    "sum_horizontal", "mean_horizontal", "min_horizontal", "max_horizontal", "any_horizontal", "all_horizontal",
    "from_arrow", "from_dict", "from_dicts", "from_numpy", "from_pandas",
    "DataType", "Null", "Boolean", "Int8", "Int16", "Int32", "Int64",
    "UInt8", "UInt16", "UInt32", "UInt64", "Float32", "Float64", "String", "Utf8", "Binary", "Date",
    "Datetime", "Duration", "Categorical",
    "AlopexError", "ColumnNotFoundError", "ComputeError", "InternalError", "InvalidInputError",
    "NotSupportedError", "SchemaError", "SQLSyntaxError", "TableNotFoundError",
    "TransactionConflictError", "ConstraintError", "DatabaseLockedError", "StorageIOError",
    "connect", "Database", "Transaction",
]
