"""OTLP logs as the OpenTelemetry Collector's file exporter writes them (JSON, uncompressed):
JSON Lines, one `LogsData` object a line (`resourceLogs[] -> scopeLogs[] -> logRecords[]`).

    SOURCE.land(con, request) -> FileResult

One event per log record, flattened set-based by DuckDB: the record's time
(`timeUnixNano`, else `observedTimeUnixNano` when it is 0 or missing; 64-bit integers as
decimal strings or plain numbers), `eventName`, severity, body, trace and span ids, and the
record's and its resource's attributes as JSON objects (AnyValue decoded: strings, booleans,
numbers; arrays and key-value lists kept as OTLP writes them). The identity is the resource's
`service.instance.id` where present (its horizon `instance`: one service instance). A line
that is not a JSON object is rejected with its line number; the rest of the file lands.

A record carries no id: its key is an md5 over everything it holds (resource, scope,
time, name, body, attributes, trace and span), so a record landed twice (a file copied
before rotation) is kept once.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from telemetry.land.app import app_of_unnamed_export
from telemetry.land.paths import literal_path
from telemetry.land.summary import FileResult
from telemetry.sources import LandRequest, Source
from telemetry.sources.bounds import TimeBounds, time_rejection_whens
from telemetry.sources.lines import BLANK, drop_lines, first_json_line, read_lines
from telemetry.sql import sql_literal, transaction
from telemetry.warehouse import LANDED_AT, is_landed, record_file, time_range

NAME = "otlp"
#: `service.instance.id` names one instance of a service (a process or a machine).
IDENTITY_HORIZON = "instance"
SUFFIXES = (".json", ".jsonl", ".ndjson")

RAW_DDL = """
create schema if not exists raw;
create table if not exists raw.otel_log_records (
    event_name varchar,
    time_unix_nano varchar,
    observed_time_unix_nano varchar,
    severity_number integer,
    severity_text varchar,
    body varchar,
    attributes varchar,
    resource_attributes varchar,
    scope_name varchar,
    scope_version varchar,
    trace_id varchar,
    span_id varchar,
    service_instance_id varchar,
    _event_id varchar not null,
    _event_ts timestamp not null,
    _source_line bigint not null,
    _record_number integer not null,
    _source_file varchar not null,
    _file_checksum varchar not null,
    _landed_at timestamp not null
);
"""


def any_value_sql(value: str) -> str:
    """SQL for an OTLP AnyValue (a JSON expression) as a plain JSON value."""

    def field(name: str) -> str:
        return f"json_extract({value}, '$.{name}')"

    int_text = f"json_extract_string({value}, '$.intValue')"
    return (
        f"case when {field('stringValue')} is not null"
        f" then to_json(json_extract_string({value}, '$.stringValue'))"
        f" when {field('boolValue')} is not null then {field('boolValue')}"
        f" when {field('intValue')} is not null then"
        f" case when regexp_full_match({int_text}, '-?[0-9]+') then json({int_text}) end"
        f" when {field('doubleValue')} is not null then {field('doubleValue')}"
        f" when {field('arrayValue')} is not null then {field('arrayValue')}"
        f" when {field('kvlistValue')} is not null then {field('kvlistValue')}"
        f" when {field('bytesValue')} is not null then to_json(json_extract_string({value}, '$.bytesValue')) end"
    )


def nanos_sql(value: str) -> str:
    """SQL for a 64-bit nanosecond count written as a decimal string or a number (null when
    it is neither, or 0: unknown)."""
    text = f"trim(json_extract_string({value}, '$'), '\"')"
    return f"nullif(case when regexp_full_match({text}, '[0-9]+') then cast({text} as hugeint) end, 0)"


def _rejection_sql(bounds: TimeBounds) -> str:
    shown = "coalesce(nullif(time_unix_nano, '0'), observed_time_unix_nano, 'no timeUnixNano or observedTimeUnixNano')"
    return f"case{time_rejection_whens(bounds, shown)} end"


def _recognises(path: Path, head: bytes) -> bool:
    if head.lstrip()[:1] != b"{":
        return False
    first = first_json_line(path, head)
    return first is not None and "resourceLogs" in first


def _in_folder(path: Path) -> bool:
    """A file in a folder is tried when it holds OTLP logs (a `.json` file may be anything:
    a manifest beside exports is skipped, not refused)."""
    if path.suffix.lower() not in SUFFIXES:
        return False
    try:
        with path.open("rb") as handle:
            head = handle.read(64)
    except OSError:
        return True  # named, so that why it cannot be read is said
    return _recognises(path, head)


def land(con: duckdb.DuckDBPyConnection, request: LandRequest) -> FileResult:
    """Land one file exporter file (a UserError naming it when it cannot land: nothing of
    it is written then). Its app is --app, else the warehouse's (a first file needs --app)."""
    path = request.path
    app = app_of_unnamed_export(con, path, request.app, "an OTLP log file")
    if is_landed(con, request.checksum):
        return FileResult(path, request.checksum, "already landed", source=NAME)
    with literal_path(path) as readable:
        read_lines(con, readable, str(path))
    con.execute(_flatten_sql(request.bounds))
    lines, blank = con.execute(
        f"select count(*) filter (where not {BLANK}), count(*) filter (where {BLANK}) from _lines"
    ).fetchone()
    drop_lines(con)
    result = _count(con, request, lines, blank)
    _write(con, request, result, app)
    return result


def _flatten_sql(bounds: TimeBounds) -> str:
    """`_ot_rows` (one row per log record, keyed and checked) and `_ot_bad_lines` from `_lines`."""
    return f"""
        create or replace temp table _ot_lines as
        select
            _line,
            text,
            case
                when not _bad_encoding and json_valid(text) and json_type(cast(text as json)) = 'OBJECT'
                    then cast(text as json)
            end as j
        from _lines
        where not {BLANK};

        create or replace temp table _ot_bad_lines as
        select _line, 'NOT JSON: the line is not a JSON object' as reason, text as raw_text
        from _ot_lines where j is null
        union all
        select _line, 'NO LOG RECORDS: the line holds no resourceLogs', text
        from _ot_lines where j is not null and json_array_length(json_extract(j, '$.resourceLogs')) is null;

        create or replace temp table _ot_records as
        select
            lines._line,
            row_number() over (partition by lines._line order by r.i, s.i, l.i) as _record_number,
            json_extract(r.resource, '$.resource') as resource,
            json_extract(s.scope, '$.scope') as scope,
            l.record
        from _ot_lines as lines,
            unnest(json_extract(lines.j, '$.resourceLogs[*]')) with ordinality as r (resource, i),
            unnest(json_extract(r.resource, '$.scopeLogs[*]')) with ordinality as s (scope, i),
            unnest(json_extract(s.scope, '$.logRecords[*]')) with ordinality as l (record, i)
        where lines.j is not null;

        create or replace temp table _ot_attributes as
        select _line, _record_number, 'record' as owner, json_extract_string(a, '$.key') as k, {any_value_sql("json_extract(a, '$.value')")} as v
        from _ot_records, unnest(json_extract(record, '$.attributes[*]')) as t (a)
        union all
        select _line, _record_number, 'resource', json_extract_string(a, '$.key'), {any_value_sql("json_extract(a, '$.value')")}
        from _ot_records, unnest(json_extract(resource, '$.attributes[*]')) as t (a);

        create or replace temp table _ot_attribute_objects as
        with record_objects as (
            select _line, _record_number, json_group_object(k, v) as attributes
            from _ot_attributes
            where owner = 'record' and k is not null
            group by _line, _record_number
        ),
        resource_objects as (
            select
                _line,
                _record_number,
                json_group_object(k, v) as resource_attributes,
                any_value(json_extract_string(v, '$')) filter (where k = 'service.instance.id')
                    as service_instance_id
            from _ot_attributes
            where owner = 'resource' and k is not null
            group by _line, _record_number
        )
        select
            coalesce(record_objects._line, resource_objects._line) as _line,
            coalesce(record_objects._record_number, resource_objects._record_number) as _record_number,
            record_objects.attributes,
            resource_objects.resource_attributes,
            resource_objects.service_instance_id
        from record_objects
        full outer join resource_objects
            on record_objects._line = resource_objects._line
            and record_objects._record_number = resource_objects._record_number;

        create or replace temp table _ot_rows as
        select *, {_rejection_sql(bounds)} as _reject_reason
        from (
            select
                records._line,
                records._record_number,
                nullif(trim(json_extract_string(records.record, '$.eventName')), '') as event_name,
                json_extract_string(records.record, '$.timeUnixNano') as time_unix_nano,
                json_extract_string(records.record, '$.observedTimeUnixNano') as observed_time_unix_nano,
                try_cast(json_extract_string(records.record, '$.severityNumber') as integer) as severity_number,
                nullif(json_extract_string(records.record, '$.severityText'), '') as severity_text,
                case when json_extract(records.record, '$.body') is not null
                    then {any_value_sql("json_extract(records.record, '$.body')")}::varchar end as body,
                coalesce(objects.attributes, '{{}}')::varchar as attributes,
                coalesce(objects.resource_attributes, '{{}}')::varchar as resource_attributes,
                nullif(json_extract_string(records.scope, '$.name'), '') as scope_name,
                nullif(json_extract_string(records.scope, '$.version'), '') as scope_version,
                nullif(json_extract_string(records.record, '$.traceId'), '') as trace_id,
                nullif(json_extract_string(records.record, '$.spanId'), '') as span_id,
                objects.service_instance_id,
                make_timestamp(cast(coalesce(
                    {nanos_sql("json_extract(records.record, '$.timeUnixNano')")},
                    {nanos_sql("json_extract(records.record, '$.observedTimeUnixNano')")}
                ) // 1000 as bigint)) as _event_ts
            from _ot_records as records
            left join _ot_attribute_objects as objects
                on records._line = objects._line and records._record_number = objects._record_number
        );

        create or replace temp table _ot_keyed as
        select
            *,
            md5(concat_ws('|', resource_attributes, scope_name, scope_version, time_unix_nano,
                observed_time_unix_nano, event_name, severity_number, severity_text, body, attributes,
                trace_id, span_id)) as _event_id
        from _ot_rows
        where _reject_reason is null;

        create or replace temp table _ot_first as
        select _event_id, min(struct_pack(l := _line, r := _record_number)) as _first from _ot_keyed group by _event_id;

        create or replace temp table _ot_landed_before as
        select _event_id from raw.otel_log_records where _event_id in (select _event_id from _ot_first);

        drop table _ot_lines; drop table _ot_records; drop table _ot_attributes; drop table _ot_attribute_objects
    """


def _count(con: duckdb.DuckDBPyConnection, request: LandRequest, lines: int, blank: int) -> FileResult:
    landed, rejected_records, bad_lines, new = con.execute(
        """
        select
            (select count(*) from _ot_keyed),
            (select count(*) from _ot_rows where _reject_reason is not null),
            (select count(*) from _ot_bad_lines),
            (select count(*) from _ot_first where _event_id not in (select _event_id from _ot_landed_before))
        """
    ).fetchone()
    rows = landed + rejected_records
    note = f"{rows} log records in {lines - bad_lines} lines" if rows != lines - bad_lines else ""
    return FileResult(
        request.path,
        request.checksum,
        "landed" if lines else "empty",
        lines_read=rows + bad_lines,
        rows_landed=landed,
        duplicates=landed - new,
        rejected=rejected_records + bad_lines,
        blank_lines=blank,
        source=NAME,
        note=note,
    )


def _write(con: duckdb.DuckDBPyConnection, request: LandRequest, result: FileResult, app: str | None) -> None:
    source = sql_literal(str(request.path.resolve()))
    checksum = sql_literal(request.checksum)
    first_ts, last_ts = time_range(con, "_ot_keyed")
    with transaction(con):
        con.execute(
            f"""
            insert into raw.otel_log_records
            select
                keyed.event_name, keyed.time_unix_nano, keyed.observed_time_unix_nano,
                keyed.severity_number, keyed.severity_text, keyed.body, keyed.attributes,
                keyed.resource_attributes, keyed.scope_name, keyed.scope_version, keyed.trace_id,
                keyed.span_id, keyed.service_instance_id, keyed._event_id, keyed._event_ts, keyed._line,
                keyed._record_number, {source}, {checksum}, {LANDED_AT}
            from _ot_keyed as keyed
            inner join _ot_first
                on keyed._event_id = _ot_first._event_id
                and struct_pack(l := keyed._line, r := keyed._record_number) = _ot_first._first
            where keyed._event_id not in (select _event_id from _ot_landed_before)
            order by keyed._event_ts;
            insert into raw.rejected_rows
            select {source}, {checksum}, _line, reason, raw_text, {LANDED_AT} from _ot_bad_lines
            union all
            select {source}, {checksum}, _line, _reject_reason,
                concat_ws(',', event_name, time_unix_nano, observed_time_unix_nano), {LANDED_AT}
            from _ot_rows where _reject_reason is not null
            """
        )
        record_file(
            con,
            result,
            file_format="otlp-json",
            columns=["resourceLogs"],
            event_source=NAME,
            identity_horizon=IDENTITY_HORIZON,
            time_range=(first_ts, last_ts),
            app=app,
        )
    con.execute(
        "drop table if exists _ot_rows; drop table if exists _ot_keyed; drop table if exists _ot_first;"
        " drop table if exists _ot_landed_before; drop table if exists _ot_bad_lines"
    )


SOURCE = Source(
    name=NAME,
    identity_horizon=IDENTITY_HORIZON,
    expects="an OpenTelemetry Collector file export of logs (JSON Lines of resourceLogs)",
    in_folder=_in_folder,
    prepare=lambda con: con.execute(RAW_DDL),
    recognises=_recognises,
    land=land,
)
