"""Aptabase exports (CSV or Parquet): the source whose user ids rotate every UTC day.

    SOURCE.land(con, request) -> FileResult

Every landed row keeps its source file, line number and the file's SHA-256. Lines that
cannot be parsed go to `raw.rejected_rows` with the reason and the raw text; the rest of
the file still lands. Each event is kept once in `raw.events` (its fullest copy), every
copy in `raw.event_copies`. All parsing is done by DuckDB (set-based); Python only walks
the list of files.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from telemetry.aptabase.export_format import EXPORT_COLUMNS
from telemetry.errors import UserError
from telemetry.land.app import app_literal, app_of_file
from telemetry.land.paths import literal_path
from telemetry.land.summary import FileResult
from telemetry.sources import LandRequest, Source
from telemetry.sources.aptabase_csv import CsvRead, read_csv_file
from telemetry.sources.aptabase_key import (
    event_id_sql,
    filled_columns_sql,
    rejection_sql,
)
from telemetry.sources.bounds import TimeBounds, event_ts_sql
from telemetry.sources.parquet import column_as_text, parquet_columns
from telemetry.sql import sql_literal, transaction
from telemetry.warehouse import LANDED_AT, is_landed, record_file

NAME = "aptabase"
#: Aptabase salts its user ids per app and UTC day: a user count over days counts user-days.
IDENTITY_HORIZON = "user_day"

RAW_DDL = f"""
create schema if not exists raw;
create table if not exists raw.events (
    {", ".join(f'"{c}" varchar' for c in EXPORT_COLUMNS)},
    _event_id varchar not null,
    _event_ts timestamp not null,
    _copies_landed integer not null,
    _source_file varchar not null,
    _source_line bigint not null,
    _file_checksum varchar not null,
    _landed_at timestamp not null
);
create table if not exists raw.event_copies (
    event_id varchar not null,
    event_ts timestamp not null,
    file_checksum varchar not null,
    source_line bigint not null,
    landed_at timestamp not null
);
"""

CSV_SUFFIXES = {".csv"}
PARQUET_SUFFIXES = {".parquet", ".pq"}
#: Compressed CSV DuckDB reads as it is.
COMPRESSIONS = {".gz", ".zst"}
#: Compressions named in a refusal (anything else is "not an export file").
UNSUPPORTED_COMPRESSIONS = {".bz2", ".xz", ".zip", ".7z", ".lz4", ".br", ".zstd", ".tgz", ".z"}


def _suffixes(path: Path) -> list[str]:
    return [suffix.lower() for suffix in path.suffixes]


def _kind(path: Path) -> str | None:
    """csv (plain, .gz or .zst: DuckDB reads both), parquet, or None."""
    suffixes = _suffixes(path)
    if suffixes and suffixes[-1] in COMPRESSIONS:
        suffixes = suffixes[:-1]
        return "csv" if suffixes and suffixes[-1] in CSV_SUFFIXES else None
    if suffixes and suffixes[-1] in CSV_SUFFIXES:
        return "csv"
    if suffixes and suffixes[-1] in PARQUET_SUFFIXES:
        return "parquet"
    return None


def _looks_like_export(path: Path) -> bool:
    """An export file, landable or not (a `.csv.bz2` is named and refused, not ignored)."""
    suffixes = _suffixes(path)
    return _kind(path) is not None or any(s in CSV_SUFFIXES | PARQUET_SUFFIXES for s in suffixes[-3:-1])


def _refusal(path: Path) -> str:
    """Why a file named like an export cannot land as it is ('' when it can)."""
    if _kind(path) is not None:
        return ""
    suffixes = _suffixes(path)
    if suffixes and suffixes[-1] in UNSUPPORTED_COMPRESSIONS | COMPRESSIONS:
        return (
            f"compressed as {suffixes[-1]}: only .csv.gz and .csv.zst land as they are; decompress it first"
        )
    if _is_parquet(path):
        return ""
    return "not a CSV or Parquet file (expected .csv, .csv.gz, .csv.zst or .parquet)"


def _is_parquet(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(4) == b"PAR1"


def _recognises(path: Path, head: bytes) -> bool:
    """A CSV export by its name (plain or compressed: its header is checked when read), a
    Parquet file by its name or its magic bytes."""
    return _looks_like_export(path) or head.startswith(b"PAR1")


def _keep_events_once(con: duckdb.DuckDBPyConnection) -> None:
    """Bring a warehouse landed before events were kept once (every copy in `raw.events`)
    to the current layout, in one transaction: each event's fullest copy stays in
    `raw.events` (the copy old staging kept: most columns filled, then landed first), every
    copy goes to `raw.event_copies`, and each file's `duplicate_rows` is recounted with the
    one event key so that the landing figures reconcile with staging."""
    has_key = con.execute(
        "select count(*) from information_schema.columns"
        " where table_schema = 'raw' and table_name = 'events' and column_name = '_event_id'"
    ).fetchone()[0]
    if (
        has_key
        or not con.execute(
            "select count(*) from information_schema.tables where table_schema = 'raw' and table_name = 'events'"
        ).fetchone()[0]
    ):
        return
    cols = ", ".join(f'"{c}"' for c in EXPORT_COLUMNS)
    provenance = "_source_file, _source_line, _file_checksum, _landed_at"
    with transaction(con):
        con.execute(
            f"""
            alter table raw.events rename to events_before_keys;
            create temp table _old as
            {_keyed("select * from raw.events_before_keys")}
            where _event_ts is not null;
            """
        )
        con.execute(RAW_DDL)
        con.execute(
            f"""
            insert into raw.event_copies
            select _event_id, _event_ts, _file_checksum, _source_line, _landed_at
            from _old
            order by _event_ts;
            insert into raw.events
            select {cols}, _event_id, _event_ts, _copies, {provenance}
            from (
                select
                    *,
                    count(*) over (partition by _event_id) as _copies,
                    row_number() over (
                        partition by _event_id
                        order by _filled desc, _landed_at, _source_file, _source_line
                    ) as _rank
                from _old
            )
            where _rank = 1
            order by _event_ts;
            create temp table _first_copies as
            select _file_checksum, count(*) as events
            from (
                select arg_min(_file_checksum, (_landed_at, _source_file, _source_line)) as _file_checksum
                from _old
                group by _event_id
            )
            group by _file_checksum;
            update raw.landed_files
            set duplicate_rows = rows_landed - coalesce(
                (select events from _first_copies where _file_checksum = landed_files.file_checksum), 0
            );
            drop table raw.events_before_keys;
            drop table _old;
            drop table _first_copies;
            """
        )


def land(con: duckdb.DuckDBPyConnection, request: LandRequest) -> FileResult:
    """Land one export file (a UserError naming it when it cannot land: nothing of it is
    written then). Its app is `--app`, else the one its name says (telemetry/land/app.py)."""
    path, checksum, bounds = request.path, request.checksum, request.bounds
    app = app_of_file(con, path, request.app)
    source = str(path.resolve())
    if is_landed(con, checksum):
        if app is not None:  # landed before its app was recorded: it is named now
            con.execute(
                f"update raw.landed_files set app = {app_literal(app)}"
                f" where file_checksum = {sql_literal(checksum)} and app is null"
            )
        return FileResult(path, checksum, "already landed")
    # Parsing fills temp tables, read through the view `_parsed`; the writes to `raw`
    # happen in one transaction (_finish).
    if _kind(path) == "csv":
        return _land_csv(con, path, source, checksum, bounds, app)
    return _land_parquet(con, path, source, checksum, bounds, app)


# --------------------------------------------------------------------------- csv


def _land_csv(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    source: str,
    checksum: str,
    bounds: TimeBounds,
    app: str | None,
) -> FileResult:
    con.execute("drop view if exists _parsed; drop table if exists _landing")
    with literal_path(path) as readable:
        read = read_csv_file(con, readable, str(path))
    if read.header is None:
        empty = FileResult(path, checksum, "empty", blank_lines=read.blank_lines)
        _record(con, empty, "csv", [], app=app)
        return empty
    header = read.header
    # Every header column was read as text under a unique name (c0, c1, ...); known ones
    # are kept.
    selected = ", ".join(
        f'c{header.index(col)} as "{col}"' if col in header else f'null::varchar as "{col}"'
        for col in EXPORT_COLUMNS
    )
    # A header line repeated on a later page: every field equals its header name. Tested
    # in full only where the timestamp field says `timestamp`, so a data row costs one
    # comparison.
    ts = header.index("timestamp")
    is_header = (
        f"case when lower(trim(coalesce(c{ts}, ''))) = 'timestamp' then "
        + " and ".join(f"lower(trim(coalesce(c{i}, ''))) = {sql_literal(h)}" for i, h in enumerate(header))
        + " else false end"
    )
    # Keyed as it is read: one copy of the file's rows, not one per step.
    rows = f"select {selected}, ({is_header}) as _is_header, _line from _csv_rows"
    con.execute(f"create temp table _landing as {_keyed(rows, bounds)}")
    con.execute(
        "drop view if exists _csv_rows; drop table if exists _csv_lined; drop table if exists _csv_read;"
        " create temp view _parsed as select * from _landing"
    )
    return _finish(con, path, source, checksum, "csv", header, app, read)


def _keyed(rows_sql: str, bounds: TimeBounds | None = None) -> str:
    """The rows of `rows_sql` (the export columns as text, `_is_header`, maybe `_line`) with
    each row's UTC time, event key (null without a time), how many columns it fills and,
    given `bounds`, why it cannot land (`_reject_reason`, null when it lands)."""
    reason = rejection_sql(bounds) if bounds is not None else "null::varchar"
    return f"""
        select *, case when _event_ts is not null then {event_id_sql()} end as _event_id,
            {filled_columns_sql()} as _filled, {reason} as _reject_reason
        from (select *, {event_ts_sql()} as _event_ts from ({rows_sql}))
    """


def _land_parquet(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    source: str,
    checksum: str,
    bounds: TimeBounds,
    app: str | None,
) -> FileResult:
    names = parquet_columns(con, path)
    if "timestamp" not in names:
        raise UserError(f"{path}: no `timestamp` column; is this an Aptabase export?")
    selected = ", ".join(column_as_text(names, col, "%Y-%m-%d %H:%M:%S") for col in EXPORT_COLUMNS)
    con.execute("drop view if exists _parsed; drop table if exists _landing")
    con.execute(
        f"""
        create temp table _landing as
        {
            _keyed(
                f"select {selected}, file_row_number + 1 as _line, false as _is_header"
                f" from read_parquet({sql_literal(str(path))}, file_row_number = true)",
                bounds,
            )
        }
        """
    )
    con.execute("create temp view _parsed as select * from _landing")
    con.execute("create or replace temp table _rejected (_line bigint, reason varchar, raw_text varchar)")
    return _finish(con, path, source, checksum, "parquet", list(names), app)


# --------------------------------------------------------------------------- common


def _finish(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    source: str,
    checksum: str,
    kind: str,
    header: list[str],
    app: str | None,
    read: CsvRead | None = None,
) -> FileResult:
    """Move the parsed rows (`_parsed`) and rejected lines (`_rejected`) into `raw`, in one
    transaction, and count what happened. A data row whose timestamp is not a timestamp is
    rejected too, and so is a row with no event name or user id or a time out of bounds
    (`_reject_reason`). Each event is kept once in `raw.events` (its fullest copy; an earlier
    landed copy wins a tie) and every copy is recorded in `raw.event_copies`."""
    cols = ", ".join(f'"{c}"' for c in EXPORT_COLUMNS)
    con.execute(
        "create or replace temp view _copies as"
        " select * from _parsed where not _is_header and _reject_reason is null"
    )
    header_lines, rows_read, bad_rows, first_ts, last_ts = con.execute(
        """
        select
            (select count(*) filter (where _is_header) from _parsed),
            (select count(*) from _parsed),
            (select count(*) from _parsed where not _is_header and _reject_reason is not null),
            strftime(min(_event_ts), '%Y-%m-%d %H:%M:%S.%f'),
            strftime(max(_event_ts), '%Y-%m-%d %H:%M:%S.%f')
        from _copies
        """
    ).fetchone()
    copies, events, landed_before = _key_copies(con, first_ts, last_ts)
    rejected_lines = con.execute("select count(*) from _rejected").fetchone()[0]
    result = FileResult(
        path,
        checksum,
        "landed",
        lines_read=read.lines if read else rows_read + rejected_lines,
        header_lines=header_lines + (1 if read else 0),
        rows_landed=copies,
        duplicates=copies - events + landed_before,
        rejected=rejected_lines + bad_rows,
        blank_lines=read.blank_lines if read else 0,
        note=line_end_note(path) if read else "",
    )
    with transaction(con):
        _keep_events(con, source, checksum, first_ts, last_ts, landed_before)
        if rejected_lines:
            con.execute(
                f"""
                insert into raw.rejected_rows
                select {sql_literal(source)}, {sql_literal(checksum)}, _line, reason, raw_text, {LANDED_AT}
                from _rejected
                """
            )
        if bad_rows:  # counted above: no second read of every row when there is none
            con.execute(
                f"""
                insert into raw.rejected_rows
                select {sql_literal(source)}, {sql_literal(checksum)}, _line, _reject_reason,
                    concat_ws(',', {cols}), {LANDED_AT}
                from _parsed
                where not _is_header and _reject_reason is not null
                """
            )
        _record(con, result, kind, header, (first_ts, last_ts), app)
    con.execute(
        "drop view if exists _parsed; drop table if exists _landing_lines;"
        " drop table if exists _landing; drop table if exists _rejected; drop view if exists _best;"
        " drop view if exists _copies; drop table if exists _repeats; drop table if exists _landed_before"
    )
    return result


def _key_copies(
    con: duckdb.DuckDBPyConnection, first_ts: str | None, last_ts: str | None
) -> tuple[int, int, int]:
    """Keep each event's fullest copy in this file (`_best`: one row per event with how many
    copies the file holds; an event is repeated within a file rarely, so only repeated keys
    are ranked) and find the events landed before (`_landed_before`, with their kept copy's
    fullness). Only raw rows in this file's time range are read: every copy of an event has
    its time. Returns (copies, distinct events, events landed before)."""
    con.execute(
        """
        create or replace temp table _repeats as
        select
            _event_id,
            count(*) as _file_copies,
            -- the fullest copy, the first line among equals
            arg_max(_line, _filled * 1000000000000 - _line) as _kept_line
        from _copies
        where _event_id is not null
        group by _event_id
        having count(*) > 1;
        create or replace temp view _best as
        select _copies.*, coalesce(_repeats._file_copies, 1) as _file_copies
        from _copies
        left join _repeats on _copies._event_id = _repeats._event_id
        where _copies._event_id is not null
            and (_repeats._event_id is null or _copies._line = _repeats._kept_line)
        """
    )
    in_range = (
        "false"
        if first_ts is None
        else f"_event_ts between {sql_literal(first_ts)} and {sql_literal(last_ts)}"
    )
    con.execute(
        f"""
        create or replace temp table _landed_before as
        select _event_id, {filled_columns_sql()} as _filled, _copies_landed
        from raw.events
        where {in_range} and _event_id in (select _event_id from _copies)
        """
    )
    return con.execute(
        "select (select count(*) from _copies where _event_id is not null),"
        " (select count(*) from _copies where _event_id is not null)"
        " - (select coalesce(sum(_file_copies - 1), 0) from _repeats),"
        " (select count(*) from _landed_before)"
    ).fetchone()


def _keep_events(
    con: duckdb.DuckDBPyConnection,
    source: str,
    checksum: str,
    first_ts: str | None,
    last_ts: str | None,
    landed_before: int,
) -> None:
    """Write this file's events into `raw.events` and its copies into `raw.event_copies`
    (inside the caller's transaction). A new event is inserted; an event landed before gets
    its copies counted, and its row replaced by this file's copy when that one is fuller."""
    cols = ", ".join(f'"{c}"' for c in EXPORT_COLUMNS)
    provenance = f"{sql_literal(source)}, _line, {sql_literal(checksum)}, {LANDED_AT}"
    if landed_before:
        in_range = f"_event_ts between {sql_literal(first_ts)} and {sql_literal(last_ts)}"
        con.execute(
            f"""
            update raw.events
            set _copies_landed = raw.events._copies_landed + _best._file_copies
            from _best
            where raw.events.{in_range} and raw.events._event_id = _best._event_id
            """
        )
        replaced = con.execute(
            f"""
            create or replace temp table _fuller as
            select {cols}, _best._event_id, _event_ts, _landed_before._copies_landed + _file_copies,
                {provenance}
            from _best
            inner join _landed_before on _best._event_id = _landed_before._event_id
            where _best._filled > _landed_before._filled;
            select count(*) from _fuller
            """
        ).fetchone()[0]
        if replaced:
            con.execute(
                f"""
                delete from raw.events
                where {in_range} and _event_id in (select _event_id from _fuller);
                insert into raw.events select * from _fuller order by _event_ts;
                drop table _fuller
                """
            )
    con.execute(
        f"""
        insert into raw.events
        select {cols}, _event_id, _event_ts, _file_copies, {provenance}
        from _best
        where _event_id not in (select _event_id from _landed_before)
        """
    )
    con.execute(
        f"""
        insert into raw.event_copies
        select _event_id, _event_ts, {sql_literal(checksum)}, _line, {LANDED_AT}
        from _copies
        where _event_id is not null
        """
    )


def _record(
    con: duckdb.DuckDBPyConnection,
    result: FileResult,
    kind: str,
    header: list[str],
    time_range: tuple[str | None, str | None] = (None, None),
    app: str | None = None,
) -> None:
    record_file(
        con,
        result,
        file_format=kind,
        columns=header,
        event_source=NAME,
        identity_horizon=IDENTITY_HORIZON,
        time_range=time_range,
        app=app,
    )


def line_end_note(path: Path) -> str:
    """Why a plain CSV's `lines read` is not `wc -l` minus its blank lines ('' when it is):
    `wc -l` counts line ends, and a cut last line or CR-only line ends have none it counts."""
    if not _suffixes(path) or _suffixes(path)[-1] not in CSV_SUFFIXES or not path.stat().st_size:
        return ""
    with path.open("rb") as handle:
        head = handle.read(1 << 16)
        handle.seek(-1, 2)
        last = handle.read(1)
    if b"\n" not in head and b"\r" in head:
        return "its line ends are CR only (old Mac style), which wc -l does not count"
    if last != b"\n":
        return "its last line has no line end (a cut export?), which wc -l does not count"
    return ""


def _prepare(con: duckdb.DuckDBPyConnection) -> None:
    _keep_events_once(con)
    con.execute(RAW_DDL)


SOURCE = Source(
    name=NAME,
    identity_horizon=IDENTITY_HORIZON,
    expects="an Aptabase export (.csv, .csv.gz, .csv.zst or .parquet)",
    in_folder=_looks_like_export,
    prepare=_prepare,
    recognises=_recognises,
    land=land,
    refusal=_refusal,
)
