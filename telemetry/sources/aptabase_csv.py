"""Read one CSV export (plain, .gz or .zst) into temp tables, set-based, one record per line.

    read_csv_file(con, path, source) -> CsvRead

An Aptabase export holds one record per physical line (its JSON props escape line breaks),
so every line is read on its own: a line with an unbalanced quote is rejected by itself and
never swallows the next one. The result leaves two temp tables behind:

- `_csv_rows` (a view): the header's columns as text, `c0`..`cN` in header order (the
  caller names them), and `_line`, the physical line number as an editor counts it;
- `_rejected`: `_line`, `reason`, `raw_text` of every line that could not be read.

Blank lines are skipped (counted apart). Two readers, one answer:
- a regular file (header on line 1, no blank line, valid UTF-8, no NUL byte: every export
  the server writes) is parsed by DuckDB's CSV reader, kept when its records plus its
  rejected lines are exactly the file's lines (a quote left open joins lines: then not);
- any other file is parsed line by line with a CSV-field pattern (five times slower, only
  for damaged files).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import duckdb

from telemetry.errors import UserError
from telemetry.sources.lines import BLANK, BLANK_TEXT, drop_lines, lines_of, read_lines
from telemetry.sql import sql_literal

#: A whole line of CSV fields: each quoted (quotes doubled inside) or unquoted (no quote or comma).
_FIELD = '"(?:[^"]|"")*"|[^",]*'
_LINE_PATTERN = f"(?:{_FIELD})(?:,(?:{_FIELD}))*"
#: Each field with the comma before it (none before the first).
_FIELD_PATTERN = f"(?:^|,)({_FIELD})"
_QUOTES = "(length(text) - length(replace(text, '\"', '')))"


@dataclass(frozen=True)
class CsvRead:
    """What reading a CSV file found. `lines` counts its non-blank lines (the header
    included); `header` is None for a file of blank lines only."""

    header: list[str] | None
    lines: int
    blank_lines: int


def read_csv_file(con: duckdb.DuckDBPyConnection, path: Path, source: str) -> CsvRead:
    """Fill `_csv_rows` and `_rejected` from the CSV at `path` (a name without glob
    characters: see `telemetry.land.paths.literal_path`); `source` names the file in errors."""
    first = _first_line(con, path)
    if first:  # the header is on line 1: maybe a regular file
        header = _header(first, 1, source)
        counts = _line_counts(con, path)
        if counts and not counts[1] and _read_with_duckdb(con, path, len(header), counts[0] - 1):
            return CsvRead(header, counts[0], 0)
    read_lines(con, path, source)
    blank, header_line, header_text, header_bad, total = con.execute(
        f"""
        select
            count(*) filter (where {BLANK}),
            min(_line) filter (where not {BLANK}),
            arg_min(text, _line) filter (where not {BLANK}),
            coalesce(arg_min(_bad_encoding, _line) filter (where not {BLANK}), false),
            count(*)
        from _lines
        """
    ).fetchone()
    if header_line is None:
        _empty_tables(con)
        drop_lines(con)
        return CsvRead(None, 0, blank)
    if header_bad:
        raise UserError(f"{source}: the header line (line {header_line}) is not UTF-8 text")
    header = _header(header_text, header_line, source)
    _read_line_by_line(con, len(header), header_line)
    drop_lines(con)
    return CsvRead(header, total - blank, blank)


def _first_line(con: duckdb.DuckDBPyConnection, path: Path) -> str | None:
    """Line 1's text; None when it is blank or cannot be read (the slow way tells why)."""
    try:
        row = con.execute(f"select text from {lines_of(path)} limit 1").fetchone()
    except duckdb.Error:
        return None
    return row[0] if row and row[0] is not None and row[0].strip() else None


def _line_counts(con: duckdb.DuckDBPyConnection, path: Path) -> tuple[int, int] | None:
    """(lines, irregular lines: blank or holding a NUL byte) of the file, in one scan; None
    when a line is not UTF-8 text or the file cannot be read as text (the slow way tells
    which)."""
    try:
        read, blank, irregular = con.execute(
            f"select count(*), count(*) filter (where {BLANK_TEXT}),"
            f" count(*) filter (where {BLANK_TEXT} or contains(text, chr(0))) from {lines_of(path)}"
        ).fetchone()
    except duckdb.Error:
        return None
    return read - blank, irregular


def _header(text: str, line: int, source: str) -> list[str]:
    names = next(csv.reader(io.StringIO(text.rstrip("\r").lstrip("\ufeff"))), [])
    header = [name.strip().lower() for name in names]
    if "timestamp" not in header:
        raise UserError(
            f"{source}: no `timestamp` column in the header line (line {line}; "
            f"found: {', '.join(header[:8]) or 'nothing'}); is this an Aptabase export?"
        )
    return header


def _read_with_duckdb(con: duckdb.DuckDBPyConnection, path: Path, width: int, data_lines: int) -> bool:
    """DuckDB's CSV reader over a regular file; False (nothing kept) when it fails or its
    records are not one per line."""
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width)) + "}"
    con.execute(
        "drop table if exists _rejects; drop table if exists _reject_scans;"
        " drop view if exists _csv_rows; drop table if exists _csv_lined; drop table if exists _csv_read"
    )
    try:
        con.execute(
            f"""
            create temp table _csv_read as
            select * from read_csv(
                {sql_literal(str(path))}, auto_detect = false, header = false, skip = 1,
                columns = {columns}, delim = ',', quote = '"', escape = '"',
                strict_mode = true, store_rejects = true,
                rejects_table = '_rejects', rejects_scan = '_reject_scans'
            )
            """
        )
    except (duckdb.InvalidInputException, duckdb.ConversionException):
        return False  # a state the parser cannot leave: read line by line
    read, rejected = con.execute(
        "select (select count(*) from _csv_read), (select count(distinct line) from _rejects)"
    ).fetchone()
    if read + rejected != data_lines:
        con.execute("drop table _csv_read")
        return False
    if rejected:
        # rejected lines are missing from the rows: accepted row k is the k-th line (after
        # the header) that was not rejected
        con.execute(
            f"""
            create temp table _csv_lined as
            with accepted_lines as (
                select line, row_number() over (order by line) - 1 as ord
                from range(2, {data_lines} + 2) as r (line)
                where line not in (select line from _rejects)
            )
            select read_rows.* exclude (ord), accepted_lines.line as _line
            from (select *, rowid as ord from _csv_read) as read_rows  -- a new table: rowid from 0
            inner join accepted_lines on read_rows.ord = accepted_lines.ord;
            create temp view _csv_rows as select * from _csv_lined
            """
        )
    else:
        con.execute("create temp view _csv_rows as select *, rowid + 2 as _line from _csv_read")
    # one row per rejected line (DuckDB may report several errors for one line)
    con.execute(
        """
        create or replace temp table _rejected as
        select line as _line, arg_min(error_type || ': ' || error_message, column_idx) as reason,
            any_value(csv_line) as raw_text
        from _rejects
        group by line
        """
    )
    return True


def _read_line_by_line(con: duckdb.DuckDBPyConnection, width: int, header_line: int) -> None:
    """Parse every non-blank line after the header with the CSV-field pattern."""
    fields = ", ".join(f"fields[{i + 1}] as c{i}" for i in range(width))
    con.execute(
        f"""
        create or replace temp table _split as
        select
            _line,
            rtrim(text, chr(13)) as text,
            _bad_encoding,
            case
                when _bad_encoding then 'INVALID ENCODING: the line is not UTF-8 text'
                when contains(text, chr(0)) then 'NUL BYTE: the line holds binary data'
                when {_QUOTES} % 2 = 1
                    then 'UNBALANCED QUOTES: a quoted field does not close on its line'
                when not regexp_full_match(rtrim(text, chr(13)), {sql_literal(_LINE_PATTERN)})
                    then 'MISPLACED QUOTE: a quote inside an unquoted field or after a closing quote'
            end as problem
        from _lines
        where _line > {header_line} and not {BLANK};

        create or replace temp table _fields as
        select
            _line,
            text,
            problem,
            list_transform(
                regexp_extract_all(text, {sql_literal(_FIELD_PATTERN)}, 1),
                f -> case when f[1] = '"' then replace(f[2:-2], '""', '"') else nullif(f, '') end
            ) as fields
        from _split;

        create or replace temp table _csv_lined as
        select {fields}, _line
        from _fields
        where problem is null and len(fields) = {width};
        create or replace temp view _csv_rows as select * from _csv_lined;

        create or replace temp table _rejected as
        select
            _line,
            coalesce(
                problem,
                case when len(fields) < {width} then 'MISSING COLUMNS' else 'TOO MANY COLUMNS' end
                || ': expected {width} fields, found ' || len(fields)
            ) as reason,
            text as raw_text
        from _fields
        where problem is not null or len(fields) != {width};

        drop table _split;
        drop table _fields
        """
    )


def _empty_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        "create or replace temp table _csv_lined (_line bigint);"
        " create or replace temp view _csv_rows as select * from _csv_lined;"
        " create or replace temp table _rejected (_line bigint, reason varchar, raw_text varchar)"
    )
