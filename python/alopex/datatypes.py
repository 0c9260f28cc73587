"""Data types, named as in Polars (``ax.Int64``, ``ax.String``, ...)."""

from __future__ import annotations

from typing import Any

import pyarrow as pa


class DataType:
    """A column type. Compares equal to its name and to the same type."""

    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return self.name

    def __eq__(self, other: object) -> bool:
        if isinstance(other, DataType):
            return self.name == other.name
        if isinstance(other, str):
            return self.name == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.name)

    def is_numeric(self) -> bool:
        return self.name in _NUMERIC

    def is_integer(self) -> bool:
        return self.name in _INTEGER

    def is_float(self) -> bool:
        return self.name in ("Float32", "Float64")


Null = DataType("Null")
Boolean = DataType("Boolean")
Int8 = DataType("Int8")
Int16 = DataType("Int16")
Int32 = DataType("Int32")
Int64 = DataType("Int64")
UInt8 = DataType("UInt8")
UInt16 = DataType("UInt16")
UInt32 = DataType("UInt32")
UInt64 = DataType("UInt64")
Float32 = DataType("Float32")
Float64 = DataType("Float64")
String = DataType("String")
Utf8 = String
Binary = DataType("Binary")
Date = DataType("Date")
Categorical = DataType("Categorical")
"""Dictionary-encoded strings, as Polars' Categorical: Arrow dictionary<int32, utf8>.
Filters, comparisons, joins and sorts use the values (sorting is lexical);
grouping keeps the type; ``.cast(ax.String)`` and ``.cast(ax.Categorical)`` convert."""

class _Parametric(DataType):
    """A type family that is also its default member: ``ax.Datetime`` is
    Datetime in microseconds, ``ax.Datetime("ns")`` in nanoseconds."""

    __slots__ = ("_family", "_default_unit")

    def __init__(self, family: str, default_unit: str = "us"):
        self._family = family
        self._default_unit = default_unit
        super().__init__(f"{family}(time_unit='{default_unit}')")

    def __call__(self, time_unit: str = "us", time_zone: str | None = None) -> DataType:
        if time_unit not in ("ns", "us", "ms", "s") or (time_unit == "s" and self._family == "Datetime"):
            raise ValueError(f"time_unit must be 'ns', 'us' or 'ms', got {time_unit!r}")
        if time_zone:
            return DataType(f"{self._family}(time_unit='{time_unit}', time_zone='{time_zone}')")
        return DataType(f"{self._family}(time_unit='{time_unit}')")


Datetime = _Parametric("Datetime")
Duration = _Parametric("Duration")

_INTEGER = {"Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32", "UInt64"}
_NUMERIC = _INTEGER | {"Float32", "Float64"}

_BY_NAME = {
    t.name: t
    for t in (Null, Boolean, Int8, Int16, Int32, Int64, UInt8, UInt16, UInt32, UInt64,
              Float32, Float64, String, Binary, Date, Categorical)
}

import datetime as _dt  # noqa: E402

_PYTHON_TYPES = {int: Int64, float: Float64, str: String, bool: Boolean, _dt.date: Date,
                 _dt.datetime: Datetime, _dt.timedelta: Duration}


def from_name(name: str) -> DataType:
    """The DataType for an engine type name (unknown names keep their text)."""
    if name == Datetime.name:
        return Datetime
    if name == Duration.name:
        return Duration
    return _BY_NAME.get(name) or DataType(name)


def dtype_name(dtype: Any) -> str:
    """Normalize what a user passes as a type (ax.Int64, "Int64", int, a pyarrow type)."""
    if isinstance(dtype, DataType):
        return dtype.name
    if dtype in (_dt.date, _dt.datetime, _dt.timedelta):
        return _PYTHON_TYPES[dtype].name
    if isinstance(dtype, str):
        return from_name(dtype).name
    if dtype in _PYTHON_TYPES:
        return _PYTHON_TYPES[dtype].name
    if isinstance(dtype, pa.DataType):
        return from_arrow(dtype).name
    raise TypeError(f"cannot interpret {dtype!r} as an alopex data type; use e.g. ax.Int64 or ax.Float32")


def from_arrow(t: pa.DataType) -> DataType:
    """The alopex DataType of a pyarrow type."""
    if pa.types.is_null(t):
        return Null
    if pa.types.is_dictionary(t):
        value = from_arrow(t.value_type)
        # A dictionary of nulls is an empty pandas Categorical: no categories yet.
        return Categorical if value in (String, Null) else value
    if pa.types.is_boolean(t):
        return Boolean
    if pa.types.is_integer(t) or pa.types.is_floating(t):
        name = {
            "int8": "Int8", "int16": "Int16", "int32": "Int32", "int64": "Int64",
            "uint8": "UInt8", "uint16": "UInt16", "uint32": "UInt32", "uint64": "UInt64",
            "halffloat": "Float16", "float": "Float32", "double": "Float64",
        }[str(t)]
        return from_name(name)
    if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t):
        return String
    if pa.types.is_binary(t) or pa.types.is_large_binary(t) or pa.types.is_binary_view(t):
        return Binary
    if pa.types.is_date(t):
        return Date
    if pa.types.is_timestamp(t):
        tz = f", time_zone='{t.tz}'" if t.tz else ""
        return from_name(f"Datetime(time_unit='{t.unit}'{tz})")
    if pa.types.is_duration(t):
        return from_name(f"Duration(time_unit='{t.unit}')")
    if pa.types.is_decimal(t):
        return DataType(f"Decimal(precision={t.precision}, scale={t.scale})")
    if pa.types.is_fixed_size_list(t):
        return DataType(f"Array({from_arrow(t.value_type)}, shape={t.list_size})")
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        return DataType(f"List({from_arrow(t.value_type)})")
    return DataType(str(t))


# Short names used in table headers, as Polars prints them.
SHORT = {
    "Int8": "i8", "Int16": "i16", "Int32": "i32", "Int64": "i64",
    "UInt8": "u8", "UInt16": "u16", "UInt32": "u32", "UInt64": "u64",
    "Float32": "f32", "Float64": "f64", "String": "str", "Boolean": "bool",
    "Date": "date", "Null": "null", "Binary": "binary", "Categorical": "cat",
    "Datetime(time_unit='us')": "datetime[μs]", "Datetime(time_unit='ns')": "datetime[ns]",
    "Datetime(time_unit='ms')": "datetime[ms]", "Duration(time_unit='us')": "duration[μs]",
    "Duration(time_unit='ns')": "duration[ns]", "Duration(time_unit='ms')": "duration[ms]",
}


class Schema(dict):  # type: ignore[type-arg]
    """Column names to data types, in column order (a dict, with Polars' Schema methods).

    >>> import alopex as ax
    >>> s = ax.LazyFrame({"a": [1], "b": ["x"]}).collect_schema()
    >>> s.names(), s.len()
    (['a', 'b'], 2)
    """

    def names(self) -> list[str]:
        return list(self.keys())

    def dtypes(self) -> list[DataType]:
        return list(self.values())

    def len(self) -> int:
        return len(self)
