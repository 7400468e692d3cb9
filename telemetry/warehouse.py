"""The warehouse and its published copy: opening them, the landing manifest, where the
published copy lives. Used by land, build, unland and report.

    open_warehouse(db_path, wait_seconds=0, echo=print) -> connection   for writing, every
                                                     source's raw tables in place
    connect(db_path, wait_seconds=0, echo=print, prepare=()) -> connection
    published_path(db_path) -> Path                  `<stem>.published.duckdb` beside it
    open_published(path) -> connection               read-only, for readers

Shared by every source (telemetry/sources/): the file manifest `raw.landed_files` (one row
per landed file, whatever its source), `raw.rejected_rows` (lines or rows that could not
land, with the reason), `raw.unlanded_files` (files taken back), the landing time and the
file checksum. Each source adds its own tables and migrations (`prepare`, its module in
telemetry/sources/); `open_warehouse` opens the warehouse with every source's in place.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import duckdb

from telemetry.duckdb_settings import apply_duckdb_settings
from telemetry.errors import UserError, error_line, exception_line
from telemetry.land.summary import FileResult
from telemetry.sql import sql_literal

#: The published copy's name beside the warehouse: `<warehouse stem>.published.duckdb`.
PUBLISHED_SUFFIX = ".published.duckdb"

MANIFEST_DDL = """
create schema if not exists raw;
create table if not exists raw.rejected_rows (
    source_file varchar not null,
    file_checksum varchar not null,
    line_number bigint,
    reason varchar not null,
    raw_text varchar,
    landed_at timestamp not null
);
create table if not exists raw.landed_files (
    file_checksum varchar primary key,
    source_file varchar not null,
    file_format varchar not null,
    columns_found varchar not null,
    bytes bigint not null,
    lines_read bigint not null,
    header_lines bigint not null,
    rows_landed bigint not null,
    duplicate_rows bigint not null,
    rejected_rows bigint not null,
    landed_at timestamp not null,
    first_event_ts timestamp,
    last_event_ts timestamp,
    blank_lines bigint not null default 0,
    app varchar,
    event_source varchar not null default 'aptabase',
    identity_horizon varchar not null default 'user_day'
);
-- landed_files of a warehouse landed before the file's time range was recorded
alter table raw.landed_files add column if not exists first_event_ts timestamp;
alter table raw.landed_files add column if not exists last_event_ts timestamp;
-- files taken back by `telemetry unland` (the next build rebuilds their days)
create table if not exists raw.unlanded_files (
    file_checksum varchar not null,
    source_file varchar not null,
    first_event_ts timestamp,
    last_event_ts timestamp,
    rows_taken_back bigint not null,
    unlanded_at timestamp not null
);
-- and before blank lines were counted apart
alter table raw.landed_files add column if not exists blank_lines bigint default 0;
-- and before the app of a file was recorded (telemetry/land/app.py)
alter table raw.landed_files add column if not exists app varchar;
-- and before a warehouse held other sources than Aptabase exports (telemetry/sources/)
alter table raw.landed_files add column if not exists event_source varchar default 'aptabase';
alter table raw.landed_files add column if not exists identity_horizon varchar default 'user_day';
"""

#: When a file is landed: the transaction's start in UTC whatever the machine's time zone,
#: and always after every file landed before, even when the clock stepped back (a DST change
#: on a clock kept in local time, a corrected clock): incremental builds take the rows landed
#: after the previous build's newest landing time, so landing times never go back (nor
#: before a file taken back: `telemetry unland` stamps its changes with this time too).
LANDED_AT = (
    "greatest(timezone('UTC', now()), coalesce((select max(t) + interval 1 microsecond from ("
    "select max(landed_at) as t from raw.landed_files"
    " union all select max(unlanded_at) from raw.unlanded_files)), timezone('UTC', now())))"
)


def connect(
    db_path: Path,
    wait_seconds: float = 0,
    echo: Callable[[str], None] = print,
    prepare: Iterable[Callable[[duckdb.DuckDBPyConnection], None]] = (),
) -> duckdb.DuckDBPyConnection:
    """Open the warehouse for writing, waiting up to `wait_seconds` for a lock another
    process holds (still locked then, a clear error), with the manifest tables in place and
    each of `prepare` run (a source's tables and migrations)."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait_seconds
    waiting = False
    while True:
        try:
            con = duckdb.connect(str(db_path))
            break
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise UserError(f"cannot open database {db_path}: {exception_line(exc)}") from None
            if time.monotonic() >= deadline:
                waited = f" after waiting {wait_seconds:g} s" if wait_seconds else ""
                raise UserError(
                    f"database {db_path} is locked by another process (a running dbt or "
                    f"telemetry command, or a BI tool holding it open){waited}; wait for it to"
                    " finish, or give --wait SECONDS"
                ) from None
            if not waiting:
                echo(f"waiting up to {wait_seconds:g} s for another process to release {db_path}")
                waiting = True
            time.sleep(min(0.5, max(0.0, deadline - time.monotonic())))
    apply_duckdb_settings(con, db_path)  # TELEMETRY_THREADS, _MEMORY_LIMIT, _TEMP_DIR
    con.execute("set preserve_insertion_order = true")
    # Each file commits on its own; checkpoint once at the end, not after every file's
    # write-ahead log passes the default 16 MiB (a checkpoint per file made landing slow).
    con.execute("set checkpoint_threshold = '1GB'")
    con.execute(MANIFEST_DDL)
    for step in prepare:
        step(con)
    return con


def open_warehouse(
    db_path: Path, wait_seconds: float = 0, echo: Callable[[str], None] = print
) -> duckdb.DuckDBPyConnection:
    """The warehouse open for writing (connect) with every source's `raw` tables in place."""
    from telemetry.sources import sources  # the sources import this module

    return connect(db_path, wait_seconds, echo, prepare=[source.prepare for source in sources()])


def published_path(warehouse: Path) -> Path:
    """Where the published copy of `warehouse` lives: beside it, `<stem>.published.duckdb`."""
    return warehouse.with_name(warehouse.stem + PUBLISHED_SUFFIX)


def open_published(published: Path) -> duckdb.DuckDBPyConnection:
    """The published copy open read-only, as readers open it (never the warehouse)."""
    if not published.is_file():
        raise UserError(
            f"no published marts at {published}: build them first (`telemetry build`), "
            "after landing exports (`telemetry land PATH`)"
        )
    try:
        con = duckdb.connect(str(published), read_only=True)
    except duckdb.Error as exc:
        raise UserError(f"cannot open the published marts {published}: {error_line(str(exc))}") from None
    apply_duckdb_settings(con, published)
    return con


def file_checksum(path: Path) -> str:
    """The SHA-256 of a file's bytes: a file is landed once per checksum."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def is_landed(con: duckdb.DuckDBPyConnection, checksum: str) -> bool:
    """Whether a file with this checksum was landed before."""
    return bool(
        con.execute(
            f"select 1 from raw.landed_files where file_checksum = {sql_literal(checksum)}"
        ).fetchone()
    )


def record_file(
    con: duckdb.DuckDBPyConnection,
    result: FileResult,
    *,
    file_format: str,
    columns: list[str],
    event_source: str,
    identity_horizon: str,
    time_range: tuple[str | None, str | None] = (None, None),
    app: str | None = None,
) -> None:
    """Add a landed file to the manifest (inside the caller's transaction)."""
    texts = ", ".join(
        sql_literal(v) for v in (result.checksum, str(result.path.resolve()), file_format, ",".join(columns))
    )
    first_ts, last_ts = (f"{sql_literal(ts)}::timestamp" if ts else "null" for ts in time_range)
    counts = ", ".join(
        str(int(v))
        for v in (
            result.path.stat().st_size,
            result.lines_read,
            result.header_lines,
            result.rows_landed,
            result.duplicates,
            result.rejected,
            result.blank_lines,
        )
    )
    source = f"{sql_literal(event_source)}, {sql_literal(identity_horizon)}"
    con.execute(
        "insert into raw.landed_files (file_checksum, source_file, file_format, columns_found,"
        " bytes, lines_read, header_lines, rows_landed, duplicate_rows, rejected_rows, blank_lines,"
        " landed_at, first_event_ts, last_event_ts, app, event_source, identity_horizon)"
        f" values ({texts}, {counts}, {LANDED_AT}, {first_ts}, {last_ts},"
        f" {'null' if app is None else sql_literal(app)}, {source})"
    )


def time_range(
    con: duckdb.DuckDBPyConnection, rows: str, where: str = "true"
) -> tuple[str | None, str | None]:
    """The first and last `_event_ts` of the rows of `rows` (a relation) that `where` keeps,
    as text to the microsecond (None, None when there are none): a landed file's range."""
    first, last = con.execute(
        "select strftime(min(_event_ts), '%Y-%m-%d %H:%M:%S.%f'), strftime(max(_event_ts), '%Y-%m-%d %H:%M:%S.%f')"
        f" from {rows} where {where}"
    ).fetchone()
    return first, last
