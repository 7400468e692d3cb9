"""Is a downloaded day complete? The server signals a failure half-way only by ending the
stream early (status 200 already sent), so the file itself must prove it is whole.

CSV (ClickHouse CSVWithNames): the file is empty (a day without events) or starts with the
16-column header line; it ends on a whole line; every record has all 16 fields double-quoted
(`"` doubled inside); header lines may repeat (one per page of rows); every row's timestamp
lies in the day, the next day's midnight included (the server's end is inclusive).

Parquet: DuckDB can read it, it has the 16 columns, and every timestamp is in that range.

Both checks stream the file: memory stays flat however large it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import BinaryIO

import duckdb

from telemetry.aptabase.export_format import EXPORT_COLUMNS
from telemetry.aptabase.retry import IncompleteFile

_FIELD = r'"[^"]*(?:""[^"]*)*"'
_RECORD = re.compile(rf"{_FIELD}(?:,{_FIELD})*\n")
_FIELD_VALUE = re.compile(r'"([^"]*(?:""[^"]*)*)"')
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d{1,9})?")
_RECORD_16 = re.compile(rf'"([^"]*(?:""[^"]*)*)"(?:,{_FIELD}){{{len(EXPORT_COLUMNS) - 1}}}\n')
_HEADER_LINE = ",".join(f'"{name}"' for name in EXPORT_COLUMNS) + "\n"
_MAX_RECORD_CHARS = 1 << 20  # a record longer than this is a quote that never closes


@dataclass(frozen=True)
class FileCheck:
    rows: int  # data rows, the next-midnight rows included
    header_lines: int
    next_midnight_rows: int  # rows stamped exactly at the next day's 00:00:00


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time())
    return start, start + timedelta(days=1)


def check_export(path: Path, day: date, fmt: str) -> FileCheck:
    """The file's counts when it is a complete export of `day`; IncompleteFile otherwise."""
    if fmt == "parquet":
        return check_parquet(path, day)
    return check_csv(path, day)


def check_csv(path: Path, day: date) -> FileCheck:
    start, end = day_bounds(day)
    rows = headers = midnight = 0
    with path.open("rb") as handle:
        for number, record in _records(handle):
            if record == _HEADER_LINE:
                headers += 1
                continue
            if headers == 0:
                _parse_record(record, number)  # a cut header says so
                raise IncompleteFile("the CSV does not start with the 16-column header line")
            text = _parse_record(record, number)
            stamp = _parse_timestamp(text, number)
            if not start <= stamp <= end:
                raise IncompleteFile(f"line {number}: timestamp {text} is outside {day.isoformat()}")
            rows += 1
            midnight += stamp == end
    return FileCheck(rows=rows, header_lines=headers, next_midnight_rows=midnight)


def _records(handle: BinaryIO) -> Iterator[tuple[int, str]]:
    """(first line number, text) of each CSV record; a quoted field may span lines."""
    pending: list[str] = []
    quotes = size = first = 0
    lines = iter(lambda: handle.readline(_MAX_RECORD_CHARS), b"")  # bounded reads
    for number, raw in enumerate(lines, start=1):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise IncompleteFile(f"line {number} is not UTF-8 text (cut inside a character?)") from None
        if not pending:
            first = number
        pending.append(line)
        size += len(line)
        quotes += line.count('"')
        if size > _MAX_RECORD_CHARS:
            raise IncompleteFile(f"line {first}: a quoted field never closes")
        if quotes % 2 == 0:
            yield first, "".join(pending)
            pending, quotes, size = [], 0, 0
    if pending:
        yield first, "".join(pending)


def _parse_record(record: str, number: int) -> str:
    """The first field (the timestamp) of a complete 16-field record, all fields quoted."""
    if not record.endswith("\n"):
        raise IncompleteFile(f"the file ends inside line {number} (no line end): download cut short")
    match = _RECORD_16.fullmatch(record)
    if match:
        return match.group(1).replace('""', '"')
    if not _RECORD.fullmatch(record):
        raise IncompleteFile(f"line {number} is not a CSV record with every field quoted")
    count = len(_FIELD_VALUE.findall(record))
    raise IncompleteFile(f"line {number} has {count} fields, expected {len(EXPORT_COLUMNS)}")


def _parse_timestamp(text: str, number: int) -> datetime:
    if not _TIMESTAMP.fullmatch(text):
        raise IncompleteFile(f"line {number}: {text[:40]!r} is not a timestamp")
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise IncompleteFile(f"line {number}: {text[:40]!r} is not a timestamp") from None


def check_parquet(path: Path, day: date) -> FileCheck:
    start, end = day_bounds(day)
    con = duckdb.connect()
    try:
        try:
            described = con.execute("describe select * from read_parquet(?)", [str(path)]).fetchall()
        except duckdb.Error:
            raise IncompleteFile("not a readable Parquet file (cut short?)") from None
        types = {row[0].lower(): (row[0], str(row[1]).upper()) for row in described}
        missing = [col for col in EXPORT_COLUMNS if col not in types]
        if missing:
            raise IncompleteFile(f"the Parquet file lacks columns {', '.join(missing)}")
        stamp = _parquet_timestamp(*types["timestamp"])
        try:
            rows, bad, midnight = con.execute(
                f"""
                select count(*),
                    count(*) filter (where ts is null or ts < ? or ts > ?),
                    count(*) filter (where ts = ?)
                from (select {stamp} as ts from read_parquet(?))
                """,
                [start, end, end, str(path)],
            ).fetchone()
        except duckdb.Error:
            raise IncompleteFile("the Parquet file cannot be read to the end (cut short?)") from None
    finally:
        con.close()
    if bad:
        raise IncompleteFile(f"{bad} rows have a timestamp outside {day.isoformat()}")
    return FileCheck(rows=rows, header_lines=0, next_midnight_rows=midnight)


def _parquet_timestamp(name: str, dtype: str) -> str:
    column = '"' + name.replace('"', '""') + '"'
    if dtype.startswith("TIMESTAMP"):
        return f"{column}::timestamp"
    if dtype in ("INTEGER", "UINTEGER", "BIGINT", "UBIGINT"):  # ClickHouse DateTime as epoch
        return f"make_timestamp({column}::bigint * 1000000)"
    return f"try_cast({column} as timestamp)"
