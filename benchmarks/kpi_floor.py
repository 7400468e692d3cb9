"""The floor: the headline KPIs by one hand-written DuckDB query straight over the CSV exports.

    python benchmarks/kpi_floor.py EXPORT_DIR      -> one JSON line: kpis, seconds, peak RSS

What DuckDB can do at best for these numbers: one scan of the files, de-duplication on the
8 core columns, roles by event name (the taxonomy inlined as a CASE), the `\\'` repair and
JSON extraction only where a value is needed, and the failure rules inlined as one CASE in
priority order (constant patterns, compiled once). Nothing is stored. Same settings as the
project (TELEMETRY_THREADS, TELEMETRY_MEMORY_LIMIT, TELEMETRY_TEMP_DIR).
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()

import os  # noqa: E402
import sys  # noqa: E402

import duckdb  # noqa: E402
from kpi_common import (  # noqa: E402
    EXPORT_COLUMNS,
    FAILURE_VALUES,
    SUCCESS_VALUES,
    emit,
    export_files,
    failure_rules,
    name_roles,
    read_seed,
)


def lit(value: str | None) -> str:
    return "null" if value is None else "'" + value.replace("'", "''") + "'"


def floor_sql(files: list[str]) -> str:
    names = sorted({row["event_name"] for row in read_seed("event_taxonomy")})
    roles = name_roles(names)
    role_case = " ".join(f"when {lit(n)} then {lit(r['role'])}" for n, r in roles.items())
    action_case = " ".join(f"when {lit(n)} then {lit(r['action'])}" for n, r in roles.items())
    outcome_case = (
        " ".join(
            f"when {lit(n)} then {lit(r['outcome_prop'])}" for n, r in roles.items() if r["role"] == "outcome"
        )
        or "when null then null"
    )
    fixed_case = (
        " ".join(f"when {lit(n)} then {lit(r['fixed_class'])}" for n, r in roles.items() if r["fixed_class"])
        or "when null then null"
    )
    column = {
        "message": "error_message",
        "event_name": "event_name",
        "error_code": "error_code",
        "error_kind": "error_kind",
    }
    rule_case = " ".join(
        f"when regexp_matches({column[r['match_on']]}, {lit(r['pattern'])}, 'i') then {lit(r['failure_class'])}"
        for r in failure_rules()
    )
    columns = "{" + ", ".join(f"'{c}': 'varchar'" for c in EXPORT_COLUMNS) + "}"
    file_list = "[" + ", ".join(lit(f) for f in files) + "]"
    success = ", ".join(lit(v) for v in SUCCESS_VALUES)
    failure = ", ".join(lit(v) for v in FAILURE_VALUES)
    # hand-written for Vibe's events: a name outside the taxonomy counts as usage
    return f"""
    with raw as (
        select * from read_csv({file_list}, header = true, auto_detect = false,
            columns = {columns}, quote = '"', escape = '"', delim = ',')
    ),
    events as (
        select distinct
            cast("timestamp" as timestamp) as event_ts,
            nullif(event_name, '') as event_name,
            nullif(user_id, '') as user_id,
            nullif(app_version, '') as app_version,
            nullif(os_name, '') as os_name,
            nullif(os_version, '') as os_version,
            nullif(string_props, '') as string_props,
            nullif(numeric_props, '') as numeric_props
        from raw
        where "timestamp" != 'timestamp'
    ),
    named as (
        select
            user_id, event_name, string_props, numeric_props,
            coalesce(case event_name {action_case} end, event_name) as action,
            coalesce(case event_name {role_case} end, 'usage') as name_role
        from events
    ),
    roled as (
        select
            user_id, event_name, action, string_props,
            case
                when name_role != 'outcome' then name_role
                when lower(coalesce(
                    json_extract_string(replace(string_props, '\\''', ''''), '$.' || case event_name {outcome_case} end),
                    json_extract_string(numeric_props, '$.' || case event_name {outcome_case} end)
                )) in ({success}) then 'success'
                when lower(coalesce(
                    json_extract_string(replace(string_props, '\\''', ''''), '$.' || case event_name {outcome_case} end),
                    json_extract_string(numeric_props, '$.' || case event_name {outcome_case} end)
                )) in ({failure}) then 'failure'
                else 'usage'
            end as event_role
        from named
    ),
    failures as (
        select
            user_id, event_name,
            json_extract_string(replace(string_props, '\\''', ''''), '$.error_message') as error_message,
            json_extract_string(replace(string_props, '\\''', ''''), '$.error_code') as error_code,
            json_extract_string(replace(string_props, '\\''', ''''), '$.error_kind') as error_kind
        from roled
        where event_role = 'failure'
    ),
    classified as (
        select coalesce(case event_name {fixed_case} end, case {rule_case} end, 'unclassified')
            as failure_class
        from failures
    ),
    primary_action as (
        select action from roled where event_role = 'start'
        group by action order by count(*) desc, action limit 1
    ),
    users as (
        select
            user_id,
            bool_or(event_role = 'failure') as has_failure,
            bool_or(event_role = 'success') as has_success
        from roled
        where user_id is not null
        group by user_id
    )
    select
        count(*) as events,
        count(distinct user_id) as active_users,
        count(*) filter (where event_role = 'failure') as failure_events,
        count(*) filter (where event_role = 'success') as success_events,
        (select count(*) from classified where failure_class != 'user_input') as runtime_failure_events,
        (select action from primary_action) as primary_action,
        count(*) filter (where event_role = 'start' and action = (select action from primary_action))
            as primary_starts,
        count(*) filter (where event_role = 'failure' and action = (select action from primary_action))
            as primary_failures,
        (select count(*) filter (where has_failure) from users) as affected_users,
        (select count(*) filter (where has_success and not has_failure) from users) as happy_users
    from roled
    """


def main(folder: str) -> None:
    files = export_files(folder)
    con = duckdb.connect()
    con.execute(f"set threads = {int(os.environ.get('TELEMETRY_THREADS') or 2)}")
    con.execute(f"set memory_limit = '{os.environ.get('TELEMETRY_MEMORY_LIMIT') or '2GB'}'")
    # spill into the benchmark's work folder, never into the current directory (this
    # process ends with os._exit, so DuckDB does not clean its spill files up)
    temp_dir = os.environ.get("TELEMETRY_TEMP_DIR") or os.path.join(
        os.environ.get("BENCH_WORK") or folder, "floor.tmp"
    )
    con.execute("set temp_directory = '" + temp_dir.replace("'", "''") + "'")
    con.execute("set preserve_insertion_order = false")
    result = con.execute(floor_sql(files))
    row = dict(zip([d[0] for d in result.description], result.fetchone(), strict=False))
    events, starts = row["events"], row["primary_starts"]
    row["raw_error_rate"] = row["failure_events"] / events if events else None
    row["runtime_error_rate"] = row["runtime_failure_events"] / events if events else None
    row["workflow_failure_rate"] = row["primary_failures"] / starts if starts else None
    emit(row, STARTED, method="floor", duckdb_version=duckdb.__version__)


if __name__ == "__main__":
    main(sys.argv[1])
