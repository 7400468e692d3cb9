"""ReverbCode's `ao.db`: the SQLite table `telemetry_event` one install's daemon writes.

    SOURCE.land(con, request) -> FileResult

One database is one install (reverbcode.md): the install id is not a column but the file
`telemetry_install_id` beside the database (else `--install-id`, else an id derived from
the database itself, which the summary says). The database is opened read-only and read in
one SQLite transaction, so a copy taken while the daemon runs (WAL files beside it) is read
as one consistent snapshot and the daemon is never blocked or checkpointed. SQLite writes
each row as a JSON object (its own `json_object`, chunks of rows, never row by row in
Python) into a temp file that DuckDB reads set-based into `raw.reverbcode_events`: every
column kept, columns a later version adds kept together in `_other_columns`.

The `id` column is the key: landing a later copy of the same install's database adds only
the rows not landed before. A row with no id, no name or a time that cannot be read or is
out of bounds goes to `raw.rejected_rows` with its reason.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import tempfile
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from telemetry.errors import UserError
from telemetry.land.app import app_of_file
from telemetry.land.summary import FileResult
from telemetry.sources import LandRequest, Source
from telemetry.sources.bounds import TimeBounds, event_ts_sql, time_rejection_whens
from telemetry.sql import sql_literal, transaction
from telemetry.warehouse import LANDED_AT, is_landed, record_file, time_range

NAME = "reverbcode"
#: The install id is one install for as long as it exists.
IDENTITY_HORIZON = "install"
DEFAULT_APP = "reverbcode"
SQLITE_MAGIC = b"SQLite format 3\x00"
TABLE = "telemetry_event"
INSTALL_ID_FILE = "telemetry_install_id"
#: The table's columns (migration 0015_telemetry_events.sql); `id`, `occurred_at` and
#: `name` must be there.
COLUMNS = (
    "id",
    "occurred_at",
    "name",
    "source",
    "level",
    "project_id",
    "session_id",
    "request_id",
    "payload_json",
)
REQUIRED = ("id", "occurred_at", "name")
#: Rows SQLite turns into JSON per query.
CHUNK_ROWS = 50_000

RAW_DDL = f"""
create schema if not exists raw;
create table if not exists raw.reverbcode_events (
    {", ".join(f'"{c}" varchar' for c in COLUMNS)},
    _other_columns varchar,
    _install_id varchar not null,
    _install_id_from varchar not null,
    _event_ts timestamp not null,
    _row_number bigint not null,
    _source_file varchar not null,
    _file_checksum varchar not null,
    _landed_at timestamp not null
);
"""


def occurred_at_sql(column: str = "occurred_at") -> str:
    """SQL for the UTC time of `occurred_at` as the Go driver writes it (Go's
    `time.Time.String()`: `2026-06-24 12:34:56.123456789 +0000 UTC`, 0-9 fraction digits;
    nanoseconds truncate to microseconds); any other text as every source reads a time
    (event_ts_sql: an ISO text with an offset or `Z` converted, one without is UTC)."""
    text = f"trim({column})"
    go_form = r"^(\S+ [0-9:.]+) ([+-][0-9]{2})([0-9]{2}) \S+$"
    return (
        f"case when regexp_matches({text}, '{go_form}')"
        f" then timezone('UTC', try_cast(regexp_replace({text}, '{go_form}', '\\1\\2:\\3') as timestamptz))"
        f" else {event_ts_sql(column)} end"
    )


def _rejection_sql(bounds: TimeBounds) -> str:
    shown = "coalesce('\"' || occurred_at || '\"', 'empty')"
    return (
        "case when nullif(trim(id), '') is null then 'NO ID'"
        f"{time_rejection_whens(bounds, shown)}"
        " when nullif(trim(name), '') is null then 'NO EVENT NAME' end"
    )


# --------------------------------------------------------------------------- SQLite


@contextmanager
def _snapshot(path: Path) -> Iterator[sqlite3.Connection]:
    """The database open read-only inside one read transaction (a consistent snapshot while
    the daemon writes). A database SQLite cannot open read-only where it lies (a WAL
    database in a folder this user may not write, whose shared-memory file is missing) is
    read from a copy of it and its WAL file."""
    try:
        con = _open_read_only(path)
    except sqlite3.OperationalError as exc:
        if "unable to open" not in str(exc):
            raise
        con = None
    if con is not None:
        yield from _in_transaction(con)
        return
    with tempfile.TemporaryDirectory(prefix="telemetry-aodb-") as folder:
        copy = Path(folder) / path.name
        shutil.copyfile(path, copy)
        wal = path.with_name(path.name + "-wal")
        if wal.exists():
            shutil.copyfile(wal, copy.with_name(copy.name + "-wal"))
        yield from _in_transaction(_open_read_only(copy))


def _open_read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection that has opened the file (SQLite opens lazily: the first read
    is what fails on a file it cannot open)."""
    uri = f"file:{urllib.parse.quote(str(path.resolve()))}?mode=ro"
    con = sqlite3.connect(uri, uri=True, isolation_level=None)
    con.text_factory = lambda raw: raw.decode("utf-8", "replace")
    try:
        con.execute("begin")
        con.execute("select count(*) from sqlite_master").fetchone()
    except sqlite3.Error:
        con.close()
        raise
    return con


def _in_transaction(con: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """`con` (in its read transaction) for the caller's reads, then closed."""
    try:
        yield con
        con.execute("rollback")
    finally:
        con.close()


def _columns(con: sqlite3.Connection) -> list[str]:
    return [row[1] for row in con.execute(f"pragma table_info({TABLE})")]


def _derived_install_id(con: sqlite3.Connection) -> str:
    """An id for an install whose `telemetry_install_id` is not beside its database: a hash
    of when the database was created (goose's first migration time), else of its oldest
    telemetry row; the same for every later copy of that database."""
    seed = None
    try:
        row = con.execute("select tstamp from goose_db_version order by id limit 1").fetchone()
        seed = f"goose:{row[0]}" if row else None
    except sqlite3.DatabaseError:
        seed = None
    if seed is None:
        row = con.execute(f"select id from {TABLE} order by rowid limit 1").fetchone()
        seed = f"first:{row[0] if row else ''}"
    return "ins_derived_" + hashlib.sha256(seed.encode()).hexdigest()[:32]


def _export_rows(con: sqlite3.Connection, columns: list[str], out: Path) -> int:
    """Write every row of the table as one JSON object a line (`_row_number` = rowid),
    SQLite building the JSON, a chunk of rows per query. Returns the rows written."""
    pairs = ", ".join(f"'{c}', \"{c}\"" for c in columns)
    query = (
        "select max(r), count(*), group_concat(j, char(10)) from ("
        f" select rowid as r, json_object('_row_number', rowid, {pairs}) as j"
        f" from {TABLE} where rowid > ? order by rowid limit {CHUNK_ROWS})"
    )
    written, last = 0, -(2**63)
    with out.open("w", encoding="utf-8") as handle:
        while True:
            last_rowid, count, text = con.execute(query, (last,)).fetchone()
            if not count:
                return written
            handle.write(text + "\n")
            written, last = written + count, last_rowid


# --------------------------------------------------------------------------- landing


def _install_id(path: Path, given: str | None, con: sqlite3.Connection) -> tuple[str, str]:
    """(install id, where it came from)."""
    beside = path.resolve().parent / INSTALL_ID_FILE
    if beside.is_file():
        text = beside.read_text(encoding="utf-8", errors="replace").strip()
        if text:
            return text, INSTALL_ID_FILE
    if given:
        return given, "--install-id"
    return _derived_install_id(con), "derived"


def land(con: duckdb.DuckDBPyConnection, request: LandRequest) -> FileResult:
    """Land one `ao.db` (a UserError naming it when it cannot land: nothing of it is
    written then)."""
    path = request.path
    app = app_of_file(con, path, request.app or DEFAULT_APP)
    if is_landed(con, request.checksum):
        return FileResult(path, request.checksum, "already landed", source=NAME)
    with tempfile.TemporaryDirectory(prefix="telemetry-aodb-") as folder:
        rows_file = Path(folder) / "rows.jsonl"
        try:
            with _snapshot(path) as sqlite:
                columns = _columns(sqlite)
                if not columns:
                    raise UserError(
                        f"{path}: no {TABLE} table: ReverbCode's telemetry was off (AO_TELEMETRY_EVENTS)"
                        " or the database predates it (June 2026); nothing to land"
                    )
                missing = [c for c in REQUIRED if c not in columns]
                if missing:
                    raise UserError(
                        f"{path}: {TABLE} has no {', '.join(missing)} column; not ReverbCode's table"
                    )
                install_id, install_from = _install_id(path, request.install_id, sqlite)
                rows = _export_rows(sqlite, columns, rows_file)
        except sqlite3.DatabaseError as exc:
            raise UserError(f"{path}: not a readable SQLite database ({exc})") from None
        result = FileResult(path, request.checksum, "landed", lines_read=rows, source=NAME)
        result.remark = _install_remark(install_id, install_from)
        if rows:
            _stage(con, rows_file, columns, install_id, install_from, request)
        _finish(con, result, columns, app, rows)
    return result


def _install_remark(install_id: str, install_from: str) -> str:
    if install_from == "derived":
        return (
            f"install id {install_id} derived from the database (no {INSTALL_ID_FILE} beside it;"
            " give --install-id to name it)"
        )
    return f"install id {install_id} (from {install_from})"


def _stage(
    con: duckdb.DuckDBPyConnection,
    rows_file: Path,
    columns: list[str],
    install_id: str,
    install_from: str,
    request: LandRequest,
) -> None:
    """`_rc_rows`: the file's rows keyed and checked, `_landed_before` whether each id was."""
    known = ", ".join(
        f'json_extract_string(json, \'$."{c}"\') as "{c}"' if c in columns else f'null::varchar as "{c}"'
        for c in COLUMNS
    )
    others = "{" + ", ".join(f'"{c}": null' for c in (*COLUMNS, "_row_number")) + "}"
    con.execute(
        f"""
        create or replace temp table _rc_read as
        select
            {known},
            nullif(json_merge_patch(json, '{others}')::varchar, '{{}}') as _other_columns,
            cast(json_extract(json, '$._row_number') as bigint) as _row_number
        from read_json_objects({sql_literal(str(rows_file))}, format = 'newline_delimited');
        create or replace temp table _rc_rows as
        select *, {_rejection_sql(request.bounds)} as _reject_reason
        from (select *, {occurred_at_sql()} as _event_ts from _rc_read);
        create or replace temp table _landed_before as
        select id from raw.reverbcode_events
        where id in (select id from _rc_rows where _reject_reason is null);
        drop table _rc_read
        """
    )
    con.execute(
        f"""
        create or replace temp table _rc_new as
        select
            {", ".join(f'"{c}"' for c in COLUMNS)}, _other_columns,
            {sql_literal(install_id)} as _install_id, {sql_literal(install_from)} as _install_id_from,
            _event_ts, _row_number, {sql_literal(str(request.path.resolve()))} as _source_file,
            {sql_literal(request.checksum)} as _file_checksum
        from _rc_rows
        where _reject_reason is null and id not in (select id from _landed_before)
        """
    )


def _finish(
    con: duckdb.DuckDBPyConnection, result: FileResult, columns: list[str], app: str | None, rows: int
) -> None:
    """Count what the file held and write it, the manifest row too, in one transaction."""
    first_ts = last_ts = None
    if rows:
        landed, rejected, before = con.execute(
            """
            select
                count(*) filter (where _reject_reason is null),
                count(*) filter (where _reject_reason is not null),
                (select count(*) from _landed_before)
            from _rc_rows
            """
        ).fetchone()
        first_ts, last_ts = time_range(con, "_rc_rows", "_reject_reason is null")
        result.rows_landed, result.rejected, result.duplicates = landed, rejected, before
    source = sql_literal(str(result.path.resolve()))
    checksum = sql_literal(result.checksum)
    with transaction(con):
        if rows:
            con.execute(
                f"""
                insert into raw.reverbcode_events
                select *, {LANDED_AT} from _rc_new order by _event_ts, _row_number;
                insert into raw.rejected_rows
                select {source}, {checksum}, _row_number, _reject_reason,
                    concat_ws(',', {", ".join(f'"{c}"' for c in COLUMNS)}), {LANDED_AT}
                from _rc_rows
                where _reject_reason is not null
                """
            )
        record_file(
            con,
            result,
            file_format="sqlite",
            columns=columns,
            event_source=NAME,
            identity_horizon=IDENTITY_HORIZON,
            time_range=(first_ts, last_ts),
            app=app,
        )
    con.execute(
        "drop table if exists _rc_rows; drop table if exists _rc_new; drop table if exists _landed_before"
    )


def _in_folder(path: Path) -> bool:
    return path.suffix.lower() in {".db", ".sqlite", ".sqlite3"}


SOURCE = Source(
    name=NAME,
    identity_horizon=IDENTITY_HORIZON,
    expects="a ReverbCode SQLite database (ao.db)",
    in_folder=_in_folder,
    prepare=lambda con: con.execute(RAW_DDL),
    recognises=lambda path, head: head.startswith(SQLITE_MAGIC),
    land=land,
)
