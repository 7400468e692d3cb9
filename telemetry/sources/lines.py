"""Every physical line of a text file (plain, .gz or .zst), read set-based by DuckDB.

    read_lines(con, path, source)   fills the temp view `_lines` (_line, text, _bad_encoding)

Shared by the sources whose files hold one record per line (Aptabase CSV exports, PostHog
and OTLP JSON Lines): a line is numbered as an editor counts it, a line that is not UTF-8
is kept with its text as DuckDB shows it (flagged), and a blank line is text null or empty.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import IO

import duckdb

from telemetry.errors import UserError, exception_line
from telemetry.sql import sql_literal

#: An empty line (a line of spaces is a line, and is rejected for its missing columns).
BLANK_TEXT = "(text is null or text = '' or text = chr(13))"
BLANK = f"(not _bad_encoding and {BLANK_TEXT})"


def lines_of(path: Path, rejects: bool = False) -> str:
    """read_csv over the physical lines of `path`: one text column, an empty line as null."""
    keep = ", store_rejects = true, rejects_table = '_line_rejects', rejects_scan = '_line_reject_scans'"
    return (
        f"read_csv({sql_literal(str(path))}, columns = {{'text': 'VARCHAR'}}, header = false,"
        " delim = '\\0', quote = '', escape = '', auto_detect = false, strict_mode = false"
        f"{keep if rejects else ''})"
    )


def drop_lines(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        "drop view if exists _lines; drop table if exists _lines_read; drop table if exists _physical;"
        " drop table if exists _line_rejects; drop table if exists _line_reject_scans;"
        " drop table if exists _rejects; drop table if exists _reject_scans"
    )


def read_lines(con: duckdb.DuckDBPyConnection, path: Path, source: str) -> None:
    """`_lines`: every physical line (`_line`, `text`, `_bad_encoding`), blank lines as
    null text, lines that are not UTF-8 with their text as DuckDB shows it."""
    con.execute(
        "drop table if exists _physical; drop table if exists _line_rejects;"
        " drop table if exists _line_reject_scans; drop view if exists _lines; drop table if exists _lines_read"
    )
    try:
        con.execute(
            f"""
            create temp table _physical as
            select text from {lines_of(path, rejects=True)}
            """
        )
    except duckdb.Error as exc:
        raise UserError(f"{source}: cannot read it as text ({exception_line(exc)})") from None
    rejected = con.execute("select count(distinct line) from _line_rejects").fetchone()[0]
    if not rejected:
        con.execute(
            "create temp view _lines as"
            " select rowid + 1 as _line, text, false as _bad_encoding from _physical"  # rowid from 0
        )
        return
    # a line DuckDB could not read is missing from _physical: the k-th line read is the
    # k-th line number that was not rejected
    con.execute(
        f"""
        create temp table _lines_read as
        with rejected_lines as (
            select line, any_value(csv_line) as text from _line_rejects group by line
        ),
        read_lines as (
            select line, row_number() over (order by line) - 1 as ord
            from range(1, (select count(*) from _physical) + {rejected} + 1) as r (line)
            where line not in (select line from rejected_lines)
        )
        select read_lines.line as _line, physical.text, false as _bad_encoding
        from (select rowid as ord, text from _physical) as physical
        inner join read_lines on physical.ord = read_lines.ord
        union all
        select line, trim(text, chr(10) || chr(13)), true from rejected_lines;
        create temp view _lines as select * from _lines_read
        """
    )


def first_json_line(path: Path, head: bytes) -> dict | None:
    """The first non-blank line of a JSON Lines file (gzip read as such), parsed; None when
    it is not a JSON object."""
    try:
        if head.startswith(b"\x1f\x8b"):
            with gzip.open(path, "rb") as handle:
                line = _first_nonblank(handle)
        elif head.startswith(b"\x28\xb5\x2f\xfd"):  # zstd: DuckDB reads it
            with duckdb.connect() as con:
                row = con.execute(
                    f"select text from read_csv({sql_literal(str(path))}, columns = {{'text': 'VARCHAR'}},"
                    " header = false, delim = '\\0', quote = '', escape = '', auto_detect = false)"
                    " where trim(text) != '' limit 1"
                ).fetchone()
            line = row[0].encode() if row else b""
        else:
            with path.open("rb") as handle:
                line = _first_nonblank(handle)
        value = json.loads(line)
    except (OSError, EOFError, ValueError, duckdb.Error):
        return None
    return value if isinstance(value, dict) else None


def _first_nonblank(handle: IO[bytes]) -> bytes:
    for _ in range(1000):
        line = handle.readline(1 << 24)
        if not line:
            return b""
        if line.strip():
            return line
    return b""
