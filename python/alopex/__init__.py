"""alopex: lazy DataFrames, SQL, durable tables and vector search, over a Go core.

>>> import alopex as ax
>>> df = ax.DataFrame({"cat": ["a", "b", "a"], "v": [1.0, 2.0, 3.0]})
>>> df.lazy().filter(ax.col("v") > 1.5).select("cat", (ax.col("v") * 2).alias("v2")).collect().shape
(2, 2)
"""

from __future__ import annotations

from . import _ffi, _polars_api, selectors
from ._progress import progress_enabled, set_progress
from .config import Config, memory_limit, set_memory_limit, set_threads, thread_pool_size
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
    Schema,
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
from .io_arrow import read_ipc, read_ipc_stream, read_json, read_ndjson, scan_ipc, scan_ndjson
from .io_database import read_database
from .lazyframe import LazyFrame, collect_all
from .sql import SQLContext, sql
from .vector import VectorIndex

__version__ = "0.1.0"
__engine_version__ = _ffi.engine_version()

_polars_api.install()


def __getattr__(name: str) -> object:
    # A Polars function or type alopex lacks raises NotSupportedError naming it.
    import sys

    raise _polars_api.missing("module", sys.modules[__name__], name)

__all__ = [
    "DataFrame", "LazyFrame", "Series", "sql", "SQLContext", "VectorIndex", "set_memory_limit", "memory_limit", "set_threads", "thread_pool_size", "Config", "read_parquet", "scan_parquet", "read_csv", "scan_csv", "read_ipc", "read_ipc_stream", "scan_ipc", "read_ndjson", "scan_ndjson", "read_json", "read_database", "collect_all", "concat", "Expr", "col", "lit", "len", "sum", "mean", "min", "max", "count",
    "median", "n_unique", "first", "last", "std", "var", "corr", "cov", "when", "coalesce", "all", "exclude", "selectors",
    "sum_horizontal", "mean_horizontal", "min_horizontal", "max_horizontal", "any_horizontal", "all_horizontal",
    "from_arrow", "from_dict", "from_dicts", "from_numpy", "from_pandas",
    "DataType", "Schema", "Null", "Boolean", "Int8", "Int16", "Int32", "Int64",
    "UInt8", "UInt16", "UInt32", "UInt64", "Float32", "Float64", "String", "Utf8", "Binary", "Date",
    "Datetime", "Duration", "Categorical",
    "AlopexError", "ColumnNotFoundError", "ComputeError", "InternalError", "InvalidInputError",
    "NotSupportedError", "SchemaError", "SQLSyntaxError", "TableNotFoundError",
    "TransactionConflictError", "ConstraintError", "DatabaseLockedError", "StorageIOError",
    "connect", "Database", "Transaction", "set_progress", "progress_enabled",
]
