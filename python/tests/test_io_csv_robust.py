"""CSV reading under hostile and everyday inputs: very wide files, unterminated quotes,
ragged rows, invalid UTF-8 and huge fields give rows or a clear InvalidInputError
naming the file and line, never a crash."""

from __future__ import annotations

import pytest

import alopex as ax


def test_wide_csv_reads_every_column(tmp_path):
    ncol = 50_000
    path = tmp_path / "wide.csv"
    lines = [",".join(f"c{i}" for i in range(ncol))]
    lines += [",".join(str(i * 10 + r) for i in range(ncol)) for r in range(3)]
    path.write_text("\n".join(lines) + "\n")
    df = ax.read_csv(path)
    assert df.shape == (3, ncol)
    assert df.columns[-1] == f"c{ncol - 1}"
    assert df[f"c{ncol - 1}"].to_list() == [(ncol - 1) * 10 + r for r in range(3)]
    assert df["c0"].to_list() == [0, 1, 2]


@pytest.mark.parametrize("name,content,message", [
    ("unterminated.csv", b'a,b\n1,"open\n2,3\n', r"line 2: a quoted field is not closed"),
    ("ragged.csv", b"a,b\n1,2,3\n", r"line 2: found 3 fields, but the header has 2"),
    ("invalid_utf8.csv", b"a,b\n\xff\xfe,1\n", r"line 2: invalid UTF-8 \(pass encoding=\"utf8-lossy\""),
])
def test_malformed_csv_is_invalid_input(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ax.InvalidInputError, match=message) as info:
        ax.read_csv(path)
    assert name in str(info.value)


def test_short_rows_and_huge_fields(tmp_path):
    short = tmp_path / "short.csv"
    short.write_bytes(b"a,b\n1\n2,3\n")  # missing trailing fields are nulls, as in Polars
    assert ax.read_csv(short).to_dict(as_series=False) == {"a": [1, 2], "b": [None, 3]}
    huge = tmp_path / "huge.csv"
    huge.write_bytes(b"a,b\n" + b"x" * (20 << 20) + b",1\n")
    df = ax.read_csv(huge)
    assert df["b"].to_list() == [1] and len(df["a"][0]) == 20 << 20
