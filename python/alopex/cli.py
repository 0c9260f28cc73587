"""The ``alopex`` command: an SQL shell and data tools for a database directory.

    alopex shell PATH [-c SQL]      interactive SQL (or one statement with -c;
                                    statements from stdin when it is not a terminal)
    alopex import PATH TABLE FILE   load a Parquet or CSV file into a table
                                    (created from the file when missing)
    alopex export PATH TABLE FILE   write a table (or --query) to Parquet or CSV
    alopex info PATH                tables, rows, sizes and indexes

The shell is built on the standard library's ``readline`` (line editing,
history in ``~/.alopex_history``, tab completion of keywords, tables and
columns). Statements end with ``;`` and may span lines; dot commands
(``.tables``, ``.schema [t]``, ``.timer on|off``, ``.help``, ``.quit``)
take one line.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import Any, Callable, Sequence, TextIO

from . import _copy
from .exceptions import AlopexError

_KEYWORDS = sorted("""SELECT FROM WHERE GROUP BY ORDER LIMIT OFFSET HAVING JOIN LEFT RIGHT FULL INNER OUTER
CROSS ON USING AS AND OR NOT NULL IS IN EXISTS BETWEEN LIKE CASE WHEN THEN ELSE END DISTINCT UNION ALL
INSERT INTO VALUES UPDATE SET DELETE CREATE TABLE INDEX VIEW DROP ALTER ADD COLUMN RENAME TO PRIMARY KEY
UNIQUE DEFAULT AUTO_INCREMENT IF BEGIN COMMIT ROLLBACK TRUNCATE EXPLAIN COPY BACKUP WITH COUNT SUM AVG MIN
MAX BIGINT INT DOUBLE VARCHAR TEXT BOOLEAN DATE DATETIME DECIMAL VECTOR REPLACE DUPLICATE""".split())

_HELP = """\
Enter SQL statements ending with ';' (they may span lines). Dot commands:
  .tables              list tables and views
  .schema [TABLE]      columns of one table, or of all
  .indexes [TABLE]     secondary indexes
  .timer on|off        print the time each statement takes
  .help                this text
  .quit / .exit        leave (Ctrl-D too)"""


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``alopex`` console script; returns the exit status."""
    parser = argparse.ArgumentParser(prog="alopex", description="alopex database tools")
    sub = parser.add_subparsers(dest="command", required=True)
    sh = sub.add_parser("shell", help="interactive SQL on a database")
    sh.add_argument("path", help="database directory (created when missing)")
    sh.add_argument("-c", "--command", dest="sql", help="run this SQL and exit")
    sh.add_argument("--read-only", action="store_true", help="open the database read-only")
    imp = sub.add_parser("import", help="load a Parquet or CSV file into a table")
    imp.add_argument("path")
    imp.add_argument("table")
    imp.add_argument("file")
    imp.add_argument("--format", choices=["parquet", "csv"], help="default: from the file's extension")
    imp.add_argument("--primary-key", help="key column(s), comma-separated, when the table is created")
    imp.add_argument("--delimiter", default=",", help="CSV field separator (default ,)")
    imp.add_argument("--no-header", action="store_true", help="the CSV file has no header line")
    exp = sub.add_parser("export", help="write a table or a query's result to Parquet or CSV")
    exp.add_argument("path")
    exp.add_argument("table", help="table name, or '-' with --query")
    exp.add_argument("file")
    exp.add_argument("--query", help="export the result of this SELECT instead of a table")
    exp.add_argument("--format", choices=["parquet", "csv"], help="default: from the file's extension")
    info = sub.add_parser("info", help="tables, rows, sizes and indexes")
    info.add_argument("path")
    args = parser.parse_args(argv)
    try:
        if args.command == "shell":
            return _shell(args)
        if args.command == "import":
            return _import(args)
        if args.command == "export":
            return _export(args)
        return _info(args)
    except (AlopexError, OSError) as e:
        print(f"alopex: {type(e).__name__}: {e}", file=sys.stderr)
        return 1


def _open(path: str, read_only: bool = False, create: bool = True) -> Any:
    from .database import connect

    if not create and not os.path.isdir(path):
        raise FileNotFoundError(f"no database at {path!r}")
    return connect(path, read_only=read_only)


def _import(args: argparse.Namespace) -> int:
    from . import io

    fmt = args.format or _copy._format(_copy.CopyStatement("from", args.file))
    with _open(args.path) as db:
        if fmt == "parquet":
            frame = io.read_parquet(args.file)
        else:
            frame = io.read_csv(args.file, separator=args.delimiter, has_header=not args.no_header)
        if args.table.lower() in {t.lower() for t in db.tables()}:
            if args.primary_key:
                raise _usage(f"table {args.table} exists; --primary-key applies only when it is created")
            opts = {"format": fmt}
            if fmt == "csv":
                opts.update(delimiter=args.delimiter, header=not args.no_header)
            st = _copy.CopyStatement("from", args.file, table=args.table, options=opts)
            rows = _copy._copy_from(db, st)
        else:
            keys = [k.strip() for k in args.primary_key.split(",")] if args.primary_key else None
            rows = db.create_table(args.table, frame, primary_key=keys)
    print(f"{rows} row(s) imported into {args.table}")
    return 0


def _export(args: argparse.Namespace) -> int:
    opts = {"format": args.format} if args.format else {}
    if args.query:
        st = _copy.CopyStatement("to", args.file, query=args.query, options=opts)
    else:
        st = _copy.CopyStatement("to", args.file, table=args.table, options=opts)
    with _open(args.path, read_only=True, create=False) as db:
        rows = _copy._copy_to(db, st, None)
    print(f"{rows} row(s) exported to {args.file}")
    return 0


def _usage(msg: str) -> Exception:
    from .exceptions import InvalidInputError

    return InvalidInputError(msg)


def _size(n: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return str(n)


def _dir_size(path: str) -> int:
    total = 0
    for root, _, files in os.walk(path):
        for f in files:
            try:
                total += os.path.getsize(os.path.join(root, f))
            except OSError:
                pass
    return total


def _info(args: argparse.Namespace) -> int:
    from . import _ffi
    from .frame import DataFrame

    with _open(args.path, read_only=True, create=False) as db:
        infos = _ffi.db_describe(db._db)
        rows = []
        for t in infos:
            n = db.sql(f"SELECT COUNT(*) AS n FROM `{t['name']}`", eager=True).item()
            idx = ", ".join([f"{'UNIQUE ' if i['unique'] else ''}{i['name']}({', '.join(i['columns'])})"
                             for i in t["indexes"]] +
                            [f"{v['kind'].upper()} {v['name']}({v['column']}, {v['metric']}"
                             f"{', ' + v['quantization'] if v.get('quantization') else ''})"
                             for v in t.get("vector_indexes") or []])
            rows.append({"table": t["name"], "rows": int(n), "columns": len(db.schema(t["name"])),
                         "primary key": ", ".join(t["primary_key"]) or "(row id)",
                         "size": _size(t["data_bytes"]), "index size": _size(t["index_bytes"]),
                         "indexes": idx})
        print(f"database {os.path.abspath(args.path)}: {len(infos)} table(s), {len(db.views())} view(s), "
              f"{_size(_dir_size(args.path))} on disk")
        if rows:
            print(DataFrame(rows))
        if db.views():
            print("views: " + ", ".join(db.views()))
    return 0


class Shell:
    """The interactive loop: reads statements, runs them, prints results."""

    def __init__(self, db: Any, out: TextIO = sys.stdout, err: TextIO = sys.stderr):
        self.db, self.out, self.err = db, out, err
        self.timer = False
        self.failed = False

    def run_text(self, text: str) -> None:
        """Runs every statement and dot command in ``text`` (a script)."""
        buf: list[str] = []
        for line in text.splitlines():
            stmt = self.feed(buf, line)
            if stmt is not None:
                self.execute(stmt)
        if "".join(buf).strip():
            self.execute("\n".join(buf))

    def feed(self, buf: list[str], line: str) -> str | None:
        """Adds a line; returns a complete statement (or dot command) when one ends."""
        if not buf and line.strip().startswith("."):
            return line.strip()
        buf.append(line)
        text = "\n".join(buf)
        if _complete(text):
            buf.clear()
            return text
        return None

    def execute(self, stmt: str) -> None:
        if stmt.startswith("."):
            self.dot(stmt)
            return
        for part in _split(stmt):
            start = time.perf_counter()
            try:
                result = self.db.sql(part, eager=True)
            except AlopexError as e:
                self.failed = True
                print(f"Error: {type(e).__name__}: {e}", file=self.err)
                continue
            self.show(result)
            if self.timer:
                print(f"Run Time: {time.perf_counter() - start:.3f} s", file=self.out)

    def show(self, result: Any) -> None:
        from .frame import DataFrame

        if isinstance(result, DataFrame):
            if result.columns == ["rows_affected"] and result.height == 1:
                print(f"OK, {result.item()} row(s) affected", file=self.out)
            else:
                with _all_rows(result):
                    print(result, file=self.out)
        else:
            print(result, file=self.out)

    def dot(self, line: str) -> None:
        cmd, *rest = line.split()
        arg = rest[0] if rest else None
        if cmd in (".quit", ".exit"):
            raise EOFError
        if cmd == ".help":
            print(_HELP, file=self.out)
        elif cmd == ".tables":
            names = self.db.tables() + self.db.views()
            print("  ".join(names) if names else "(no tables)", file=self.out)
        elif cmd == ".schema":
            names = [arg] if arg else self.db.tables() + self.db.views()
            for name in names:
                try:
                    schema = self.db.schema(name)
                except AlopexError as e:
                    self.failed = True
                    print(f"Error: {type(e).__name__}: {e}", file=self.err)
                    continue
                cols = ",\n".join(f"  {c} {t}" for c, t in schema.items())
                print(f"{name} (\n{cols}\n)", file=self.out)
        elif cmd == ".indexes":
            from . import _ffi

            for t in _ffi.db_describe(self.db._db):
                if arg is None or t["name"].lower() == arg.lower():
                    for i in t["indexes"]:
                        kind = "UNIQUE INDEX" if i["unique"] else "INDEX"
                        print(f"{kind} {i['name']} ON {t['name']} ({', '.join(i['columns'])})", file=self.out)
                    for v in t.get("vector_indexes") or []:
                        print(f"INDEX {v['name']} ON {t['name']} USING {v['kind'].upper()} ({v['column']}) "
                              f"WITH (metric='{v['metric']}'"
                              f"{', quantization=' + repr(v['quantization']) if v.get('quantization') else ''})",
                              file=self.out)
        elif cmd == ".timer":
            if arg not in ("on", "off"):
                print("usage: .timer on|off", file=self.err)
                return
            self.timer = arg == "on"
        else:
            self.failed = True
            print(f"Error: unknown command {cmd}; try .help", file=self.err)

    def completer(self) -> Callable[[str, int], str | None]:
        """A readline completer over keywords, table names and column names."""
        matches: list[str] = []

        def complete(text: str, state: int) -> str | None:
            if state == 0:
                words = list(_KEYWORDS)
                try:
                    tables = self.db.tables() + self.db.views()
                    words += tables
                    for t in tables:
                        words += list(self.db.schema(t))
                except AlopexError:
                    pass
                low = text.lower()
                matches[:] = sorted({w for w in words if w.lower().startswith(low)})
                if text.islower():
                    matches[:] = [w.lower() if w in _KEYWORDS else w for w in matches]
            return matches[state] if state < len(matches) else None

        return complete


class _all_rows:
    """Shows up to 100 rows of a result (the display's default is fewer)."""

    def __init__(self, frame: Any):
        self.frame = frame

    def __enter__(self) -> None:
        from . import _display

        self.saved = _display.MAX_ROWS
        _display.MAX_ROWS = max(self.saved, 100)

    def __exit__(self, *exc: Any) -> None:
        from . import _display

        _display.MAX_ROWS = self.saved


def _scan(text: str) -> list[int]:
    """Positions of the ';' that end statements in ``text`` (outside quotes and comments)."""
    ends, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if c in "'\"`":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            i = j + 1
        elif text.startswith("--", i) or c == "#":
            j = text.find("\n", i)
            i = n if j < 0 else j + 1
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            i = n if j < 0 else j + 2
        else:
            if c == ";":
                ends.append(i)
            i += 1
    return ends


def _complete(text: str) -> bool:
    """Whether ``text`` ends a statement: its last non-blank character is a ';' that counts."""
    ends = _scan(text)
    return bool(ends) and not text[ends[-1] + 1:].strip()


def _split(text: str) -> list[str]:
    """The statements of ``text``, split at their ';'."""
    out, start = [], 0
    for end in _scan(text):
        out.append(text[start:end])
        start = end + 1
    out.append(text[start:])
    return [s.strip() for s in out if s.strip()]


def _shell(args: argparse.Namespace) -> int:
    with _open(args.path, read_only=args.read_only) as db:
        shell = Shell(db)
        if args.sql is not None:
            shell.run_text(args.sql if _scan(args.sql) else args.sql + ";")
            return 1 if shell.failed else 0
        if not sys.stdin.isatty():
            shell.run_text(sys.stdin.read())
            return 1 if shell.failed else 0
        return _interactive(shell)


def _interactive(shell: Shell) -> int:
    try:
        import readline
    except ImportError:  # not on every platform: plain input() then
        readline = None  # type: ignore[assignment]
    history = os.path.expanduser("~/.alopex_history")
    if readline is not None:
        try:
            readline.read_history_file(history)
        except OSError:
            pass
        readline.set_completer(shell.completer())
        readline.set_completer_delims(" \t\n,()=<>;.`'\"")
        readline.parse_and_bind("tab: complete")
    from . import __version__

    print(f"alopex {__version__} — enter .help for help, end statements with ';'")
    buf: list[str] = []
    try:
        while True:
            try:
                line = input("   ...> " if buf else "alopex> ")
            except KeyboardInterrupt:
                buf.clear()
                print()
                continue
            stmt = shell.feed(buf, line)
            if stmt is not None:
                try:
                    shell.execute(stmt)
                except KeyboardInterrupt:
                    print("Interrupted", file=shell.err)
    except EOFError:
        print()
    finally:
        if readline is not None:
            try:
                readline.set_history_length(1000)
                readline.write_history_file(history)
            except OSError:
                pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
