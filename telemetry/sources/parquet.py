"""Parquet exports, as the sources that take them read them: columns matched by name
(case-insensitive), each read as text, times as UTC text."""

from __future__ import annotations

from pathlib import Path

import duckdb

from telemetry.errors import UserError, exception_line
from telemetry.sql import sql_literal

#: A file's columns by lower-cased name: (the name as written, its DuckDB type, upper-cased).
Columns = dict[str, tuple[str, str]]


def parquet_columns(con: duckdb.DuckDBPyConnection, path: Path) -> Columns:
    """The columns of a Parquet file; a UserError naming it when it cannot be read."""
    try:
        described = con.execute(f"describe select * from read_parquet({sql_literal(str(path))})").fetchall()
    except duckdb.Error as exc:
        raise UserError(f"{path}: not a readable Parquet file ({exception_line(exc)})") from None
    return {row[0].lower(): (row[0], row[1].upper()) for row in described}


def column_as_text(columns: Columns, column: str, time_format: str, trim: bool = False) -> str:
    """SQL selecting `column` as text named `column` (null when the file lacks it or it is
    empty): an instant as its UTC time, a time without zone as it is (the exports write
    UTC), both in `time_format` (strftime)."""
    if column not in columns:
        return f'null::varchar as "{column}"'
    name, dtype = columns[column]
    if dtype in ("TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ"):
        return f"strftime(timezone('UTC', \"{name}\"), '{time_format}') as \"{column}\""
    if dtype.startswith("TIMESTAMP"):
        return f'strftime("{name}"::timestamp, \'{time_format}\') as "{column}"'
    text = f'trim("{name}"::varchar)' if trim else f'"{name}"::varchar'
    return f"nullif({text}, '') as \"{column}\""
