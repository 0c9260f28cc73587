"""Mapping alopex type names to pyarrow types."""

from __future__ import annotations

import pyarrow as pa

_SIMPLE = {
    "Null": pa.null(), "Boolean": pa.bool_(),
    "Int8": pa.int8(), "Int16": pa.int16(), "Int32": pa.int32(), "Int64": pa.int64(),
    "UInt8": pa.uint8(), "UInt16": pa.uint16(), "UInt32": pa.uint32(), "UInt64": pa.uint64(),
    "Float32": pa.float32(), "Float64": pa.float64(), "String": pa.string(),
    "Binary": pa.binary(), "Date": pa.date32(),
    "Categorical": pa.dictionary(pa.int32(), pa.string()),
}


def to_arrow(name: str) -> pa.DataType:
    import re

    m = re.fullmatch(r"(Datetime|Duration)\(time_unit='(\w+)'(?:, time_zone='([^']*)')?\)", name)
    if m:
        family, unit, tz = m.groups()
        return pa.timestamp(unit, tz) if family == "Datetime" else pa.duration(unit)
    m = re.fullmatch(r"Array\((\w+), (?:shape=)?\(?(\d+),?\)?\)", name)
    if m:
        return pa.list_(to_arrow(m.group(1)), int(m.group(2)))
    m = re.fullmatch(r"List\((.+)\)", name)
    if m:
        return pa.list_(to_arrow(m.group(1)))
    try:
        return _SIMPLE[name]
    except KeyError:
        from .exceptions import NotSupportedError

        raise NotSupportedError(f"data type {name} cannot be used here yet") from None
