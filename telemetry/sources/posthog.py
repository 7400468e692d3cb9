"""PostHog batch exports (the S3 destination's events model): JSON Lines or Parquet.

    SOURCE.land(con, request) -> FileResult

Files: `.jsonl` (one event object a line), `.jsonl.gz` (gzip, one member per line: DuckDB
reads multi-member files), `.jsonl.zst`, and Parquet (`.parquet`, `.parquet.zst`: the codec
is inside). Columns are matched by name; extra ones are ignored, missing ones are null.
`properties` may be an object or a JSON string; timestamps are ISO 8601 with an offset
(converted to UTC) or, in Parquet, UTC instants. A file is recognised by its content: a
first line (or Parquet schema) with `uuid`, `event` and `distinct_id`.

An event is kept once by `uuid` (backfills repeat events already exported; a file may hold
an event twice). `person_properties`, `elements_chain` and the properties `$ip` and
`$geoip_*` are personal or page data no report needs: they are dropped as the file is read
and never reach the warehouse. An export does not name its app: `--app NAME` says which (needed while the warehouse
holds none).
The identity is `distinct_id` (an install id for ReverbCode's sink): horizon `install`.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from telemetry.errors import UserError
from telemetry.land.app import app_of_unnamed_export
from telemetry.land.paths import literal_path
from telemetry.land.summary import FileResult
from telemetry.sources import LandRequest, Source
from telemetry.sources.bounds import TimeBounds, event_ts_sql, time_rejection_whens
from telemetry.sources.lines import BLANK, drop_lines, first_json_line, read_lines
from telemetry.sources.parquet import column_as_text, parquet_columns
from telemetry.sql import sql_literal, transaction
from telemetry.warehouse import LANDED_AT, is_landed, record_file, time_range

NAME = "posthog"
IDENTITY_HORIZON = "install"
#: The export's fields kept (person_properties and elements_chain are dropped).
FIELDS = ("uuid", "event", "distinct_id", "person_id", "timestamp", "created_at", "_inserted_at")
REQUIRED = ("uuid", "event", "distinct_id")
#: Properties never landed (personal data PostHog adds at ingestion).
DROPPED_PROPERTY = "k = '$ip' or starts_with(k, '$geoip')"
JSONL_SUFFIXES = (".jsonl", ".ndjson")
COMPRESSED = (".gz", ".zst")

RAW_DDL = """
create schema if not exists raw;
create table if not exists raw.posthog_events (
    uuid varchar not null,
    event varchar not null,
    distinct_id varchar not null,
    person_id varchar,
    properties varchar,
    "timestamp" varchar,
    created_at varchar,
    _inserted_at varchar,
    _event_ts timestamp not null,
    _source_line bigint not null,
    _source_file varchar not null,
    _file_checksum varchar not null,
    _landed_at timestamp not null
);
"""


def _rejection_sql(bounds: TimeBounds) -> str:
    shown = "coalesce('\"' || \"timestamp\" || '\"', 'empty')"
    return (
        "case when nullif(trim(uuid), '') is null then 'NO UUID'"
        " when nullif(trim(event), '') is null then 'NO EVENT NAME'"
        " when nullif(trim(distinct_id), '') is null then 'NO DISTINCT ID'"
        f"{time_rejection_whens(bounds, shown)} end"
    )


def _kept_properties(json_expression: str) -> str:
    """SQL for the properties object without the dropped keys (an object or a JSON string
    holding one; anything else is null)."""
    obj = (
        f"case when json_type({json_expression}) = 'OBJECT' then {json_expression}"
        f" when json_type({json_expression}) = 'VARCHAR' and json_valid({json_expression} ->> '$')"
        f" and json_type(json({json_expression} ->> '$')) = 'OBJECT' then json({json_expression} ->> '$') end"
    )
    return (
        f"to_json(map_from_entries(list_filter(map_entries(cast(({obj}) as map(varchar, json))),"
        f" e -> not (e.key = '$ip' or starts_with(e.key, '$geoip')))))::varchar"
    )


# --------------------------------------------------------------------------- recognising


def _suffixes(path: Path) -> list[str]:
    return [s.lower() for s in path.suffixes]


def _is_jsonl_name(path: Path) -> bool:
    suffixes = _suffixes(path)
    if suffixes and suffixes[-1] in COMPRESSED:
        suffixes = suffixes[:-1]
    return bool(suffixes) and suffixes[-1] in JSONL_SUFFIXES


def _parquet_column_names(path: Path) -> set[str]:
    """The lower-cased column names of a Parquet file (empty when it cannot be read)."""
    try:
        with duckdb.connect() as con:
            return set(parquet_columns(con, path))
    except UserError:
        return set()


def _recognises(path: Path, head: bytes) -> bool:
    suffixes = _suffixes(path)
    if len(suffixes) > 1 and suffixes[-1] == ".br" and suffixes[-2] in JSONL_SUFFIXES:
        return True  # refused: brotli (see _refusal)
    if head.startswith(b"PAR1"):
        return set(REQUIRED) <= _parquet_column_names(path)
    if not (
        _is_jsonl_name(path)
        or head.lstrip()[:1] == b"{"
        or head.startswith((b"\x1f\x8b", b"\x28\xb5\x2f\xfd"))
    ):
        return False
    first = first_json_line(path, head)
    return first is not None and set(REQUIRED) <= set(first)


def _refusal(path: Path) -> str:
    suffixes = _suffixes(path)
    if suffixes and suffixes[-1] == ".br":
        return "compressed as .br (brotli), which DuckDB cannot read: decompress it first (brotli -d)"
    return ""


def _in_folder(path: Path) -> bool:
    suffixes = _suffixes(path)
    return _is_jsonl_name(path) or (len(suffixes) > 1 and suffixes[-2] in JSONL_SUFFIXES)


# --------------------------------------------------------------------------- landing


def land(con: duckdb.DuckDBPyConnection, request: LandRequest) -> FileResult:
    """Land one export file (a UserError naming it when it cannot land: nothing of it is
    written then)."""
    path = request.path
    app = app_of_unnamed_export(con, path, request.app, "a PostHog export")
    if is_landed(con, request.checksum):
        return FileResult(path, request.checksum, "already landed", source=NAME)
    with path.open("rb") as handle:
        is_parquet = handle.read(4) == b"PAR1"
    if is_parquet:
        columns, lines, blank = _read_parquet(con, path), None, 0
        kind = "parquet"
    else:
        columns, lines, blank = _read_jsonl(con, path)
        kind = "jsonl"
    con.execute(
        f"""
        create or replace temp table _ph_rows as
        select *, {_rejection_sql(request.bounds)} as _reject_reason
        from (select *, {event_ts_sql('"timestamp"')} as _event_ts from _ph_read);
        create or replace temp table _ph_first as
        select uuid, min(_line) as _line from _ph_rows where _reject_reason is null group by uuid;
        create or replace temp table _ph_landed_before as
        select uuid from raw.posthog_events where uuid in (select uuid from _ph_first);
        drop table _ph_read
        """
    )
    result = _count(con, path, request.checksum, lines, blank)
    _write(con, request, result, kind, columns, app)
    return result


def _read_jsonl(con: duckdb.DuckDBPyConnection, path: Path) -> tuple[list[str], int, int]:
    """`_ph_read` from a JSON Lines file: each line parsed (a line that is no JSON object is
    a row with a reason). Returns (fields found on the first line, non-blank lines, blank lines)."""
    with literal_path(path) as readable:
        read_lines(con, readable, str(path))
    fields = ", ".join(
        f"case when _object then nullif(trim(json_extract_string(j, '$.\"{f}\"')), '') end as \"{f}\""
        for f in FIELDS
    )
    con.execute(
        f"""
        create or replace temp table _ph_parsed as
        select
            _line,
            text,
            case when not _bad_encoding and json_valid(text) then cast(text as json) end as j,
            coalesce(not _bad_encoding and json_valid(text) and json_type(cast(text as json)) = 'OBJECT', false)
                as _object
        from _lines
        where not {BLANK};
        create or replace temp table _ph_read as
        select
            _line,
            {fields},
            case when _object then {_kept_properties("j -> 'properties'")} end as properties,
            case
                when not _object then 'NOT JSON: the line is not a JSON object'
            end as _parse_problem,
            case when not _object then text end as _raw_text
        from _ph_parsed
        """
    )
    lines, blank = con.execute(
        f"select count(*) filter (where not {BLANK}), count(*) filter (where {BLANK}) from _lines"
    ).fetchone()
    first = con.execute("select j from _ph_parsed where _object order by _line limit 1").fetchone()
    con.execute("drop table _ph_parsed")
    drop_lines(con)
    found = sorted(json.loads(first[0])) if first else []
    return found, lines, blank


def _read_parquet(con: duckdb.DuckDBPyConnection, path: Path) -> list[str]:
    """`_ph_read` from a Parquet export (JSON columns are strings; times are UTC instants)."""
    names = parquet_columns(con, path)
    described = [name for name, _ in names.values()]

    def as_text(field: str) -> str:
        return column_as_text(names, field, "%Y-%m-%dT%H:%M:%S.%fZ", trim=True)

    # a JSON column is a string here: given as a JSON string value, which _kept_properties parses
    properties = (
        _kept_properties(f'to_json("{names["properties"][0]}"::varchar)') if "properties" in names else "null"
    )
    con.execute(
        f"""
        create or replace temp table _ph_read as
        select
            file_row_number + 1 as _line,
            {", ".join(as_text(f) for f in FIELDS)},
            {properties} as properties,
            null::varchar as _parse_problem,
            null::varchar as _raw_text
        from read_parquet({sql_literal(str(path))}, file_row_number = true)
        """
    )
    return sorted(name for name in described if name.lower() not in ("person_properties", "elements_chain"))


def _count(
    con: duckdb.DuckDBPyConnection, path: Path, checksum: str, lines: int | None, blank: int
) -> FileResult:
    rows, landed, rejected, new = con.execute(
        """
        select
            count(*),
            count(*) filter (where _parse_problem is null and _reject_reason is null),
            count(*) filter (where _parse_problem is not null or _reject_reason is not null),
            (select count(*) from _ph_first where uuid not in (select uuid from _ph_landed_before))
        from _ph_rows
        """
    ).fetchone()
    return FileResult(
        path,
        checksum,
        "landed" if rows else "empty",
        lines_read=rows if lines is None else lines,
        rows_landed=landed,
        duplicates=landed - new,
        rejected=rejected,
        blank_lines=blank,
        source=NAME,
    )


def _write(
    con: duckdb.DuckDBPyConnection,
    request: LandRequest,
    result: FileResult,
    kind: str,
    columns: list[str],
    app: str | None,
) -> None:
    """The file's new events, its rejected rows and its manifest row, in one transaction."""
    source = sql_literal(str(request.path.resolve()))
    checksum = sql_literal(request.checksum)
    first_ts, last_ts = time_range(con, "_ph_rows", "_parse_problem is null and _reject_reason is null")
    with transaction(con):
        con.execute(
            f"""
            insert into raw.posthog_events
            select
                rows.uuid, rows.event, rows.distinct_id, rows.person_id, rows.properties,
                rows."timestamp", rows.created_at, rows._inserted_at, rows._event_ts, rows._line,
                {source}, {checksum}, {LANDED_AT}
            from _ph_rows as rows
            inner join _ph_first on rows.uuid = _ph_first.uuid and rows._line = _ph_first._line
            where rows.uuid not in (select uuid from _ph_landed_before)
            order by rows._event_ts;
            insert into raw.rejected_rows
            select {source}, {checksum}, _line, coalesce(_parse_problem, _reject_reason),
                coalesce(_raw_text, concat_ws(',', uuid, event, distinct_id, "timestamp")), {LANDED_AT}
            from _ph_rows
            where _parse_problem is not null or _reject_reason is not null
            """
        )
        record_file(
            con,
            result,
            file_format=kind,
            columns=columns,
            event_source=NAME,
            identity_horizon=IDENTITY_HORIZON,
            time_range=(first_ts, last_ts),
            app=app,
        )
    con.execute(
        "drop table if exists _ph_rows; drop table if exists _ph_first; drop table if exists _ph_landed_before"
    )


SOURCE = Source(
    name=NAME,
    identity_horizon=IDENTITY_HORIZON,
    expects="a PostHog batch export (.jsonl, .jsonl.gz or .parquet with uuid, event, distinct_id)",
    in_folder=_in_folder,
    prepare=lambda con: con.execute(RAW_DDL),
    recognises=_recognises,
    land=land,
    refusal=_refusal,
)
