"""Publish the marts for readers: after a build passes, its marts go into a new DuckDB file
that replaces the published copy in one rename.

Readers (BI tools, `telemetry report`) open the published copy, never the warehouse, so:
- a reader holding it open never blocks a build: DuckDB's file lock is on the warehouse,
  and `os.replace` swaps the published file under a reader, who keeps its consistent old
  snapshot until it reconnects;
- a reader never sees a half-built or failed state: a build that fails is never published;
- a reader never sees `raw`, `staging`, `intermediate`'s data or `control`: the tables of
  `marts` (facts and dimensions) are copied; the KPI models, views in the warehouse, are
  made again as views over the published copy's facts, in graph order, from the SQL the
  build compiled (the scope helpers they read in schema `intermediate`); the warehouse's
  other views read the warehouse, so they stay there.

A publish costs what changed: it starts from a copy of the previous published file (a
file copy, not a re-encoding of every row) and, for the day-partitioned facts (tables
with an `event_date` column), replaces only the days whose rows differ (per day: row
count and a hash of every row); every other marts table is small and copied whole. A
table whose columns changed, a first publish and `fresh=True` (a full refresh) copy
everything.

The published file, `<warehouse stem>.published.duckdb` beside the warehouse, also holds:
- `publication.info`: one row saying when it was published, from which build, and what
  it holds (events, first and last event time): how fresh it is;
- `publication.report_queries`: the report's SQL, compiled by dbt from the KPI models
  themselves and the report analyses, in graph order (telemetry.pipeline.report_queries), so
  `telemetry report` answers any window without dbt;
- `publication.day_digests`: per fact table and day, the row count and row-hash sum of
  what was published, so the next publish hashes only the warehouse's side.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from telemetry.duckdb_settings import apply_duckdb_settings
from telemetry.errors import UserError, error_line
from telemetry.sql import sql_literal
from telemetry.warehouse import published_path

WAREHOUSE_ALIAS = "warehouse"
PUBLISHING_ALIAS = "publishing"
#: The column that partitions the facts by day (incremental models rebuild whole days).
DAY_COLUMN = "event_date"

INFO_DDL = """
create schema {db}.publication;
create table {db}.publication.info (
    published_at timestamp not null,
    build_finished_at timestamp not null,
    marts_tables integer not null,
    events bigint not null,
    first_event_at timestamp,
    last_event_at timestamp
);
create table {db}.publication.report_queries (
    query_order integer not null,
    name varchar not null,
    kind varchar not null,
    sql varchar not null
);
"""


@dataclass(frozen=True)
class Publication:
    path: Path
    tables: int
    events: int
    seconds: float


def publish(
    warehouse: Path,
    *,
    build_finished_at: datetime,
    report_queries: Sequence[Mapping[str, str]],
    fresh: bool = False,
    only_tables: Sequence[str] | None = None,
) -> Publication:
    """Bring the warehouse's marts tables (those of `only_tables` when given: the project's,
    not what a renamed model left behind) into a new file and swap it in as the published
    copy. The warehouse is only read. Returns what was published."""
    started = time.monotonic()
    target = published_path(warehouse)
    staging = target.with_name(f"{target.name}.{os.getpid()}.new")
    _remove_stale_staging(target)
    _remove(staging)
    previous = None if fresh else _previous_publication(target)
    if previous is not None:
        shutil.copyfile(previous, staging)
    con = duckdb.connect()
    try:
        apply_duckdb_settings(con, warehouse)
        con.execute(f"attach {sql_literal(str(warehouse))} as {WAREHOUSE_ALIAS} (read_only)")
        con.execute(f"attach {sql_literal(str(staging))} as {PUBLISHING_ALIAS}")
        tables = _marts_tables(con, WAREHOUSE_ALIAS)
        if only_tables is not None:
            tables = [table for table in tables if table in only_tables]
        if "fct_events" not in tables:
            raise UserError(f"warehouse {warehouse} has no marts.fct_events: nothing to publish")
        _sync_marts(con, tables)
        _sync_views(con, report_queries)
        events = _write_info(con, len(tables), build_finished_at, report_queries)
        con.execute(f"checkpoint {PUBLISHING_ALIAS}")
        con.execute(f"detach {PUBLISHING_ALIAS}")
    except duckdb.Error as exc:
        _remove(staging)
        raise UserError(f"publishing failed: {error_line(str(exc))}") from None
    except BaseException:
        _remove(staging)
        raise
    finally:
        con.close()
    try:
        os.replace(staging, target)
    except OSError as exc:
        _remove(staging)
        raise UserError(f"publishing failed: cannot replace {target}: {exc.strerror or exc}") from None
    _remove(staging.with_name(staging.name + ".wal"))
    return Publication(path=target, tables=len(tables), events=events, seconds=time.monotonic() - started)


def _previous_publication(target: Path) -> Path | None:
    """The published file to start from, when it is one this code wrote (it has
    publication.info); None for a first publish."""
    if not target.is_file():
        return None
    try:
        with duckdb.connect(str(target), read_only=True) as con:
            con.execute("select published_at from publication.info").fetchone()
    except duckdb.Error:
        return None
    return target


def _sync_marts(con: duckdb.DuckDBPyConnection, tables: list[str]) -> None:
    """Make the publishing file's marts and publication schemas hold the warehouse's marts
    tables: day-partitioned facts by their changed days, the rest whole."""
    _keep_previous_digests(con)
    con.execute(f"drop schema if exists {PUBLISHING_ALIAS}.publication cascade")
    con.execute(f"create schema if not exists {PUBLISHING_ALIAS}.marts")
    con.execute(
        "create or replace temp table new_digests (table_name varchar, "
        f"{DAY_COLUMN} date, row_count bigint, row_hash hugeint)"
    )
    published = _marts_tables(con, PUBLISHING_ALIAS)
    for table in published:
        if table not in tables:
            con.execute(f'drop table {PUBLISHING_ALIAS}.marts."{table}"')
    for table in tables:
        columns = _columns(con, WAREHOUSE_ALIAS, table)
        names = [name for name, _ in columns]
        if DAY_COLUMN in names:
            _record_digests(con, table, names)
            if table in published and columns == _columns(con, PUBLISHING_ALIAS, table):
                _replace_changed_days(con, table, names)
                continue
        con.execute(f'drop table if exists {PUBLISHING_ALIAS}.marts."{table}"')
        con.execute(
            f'create table {PUBLISHING_ALIAS}.marts."{table}" as '
            f'select * from {WAREHOUSE_ALIAS}.marts."{table}"'
        )


def _sync_views(con: duckdb.DuckDBPyConnection, queries: Sequence[Mapping[str, str]]) -> None:
    """Make the publishing file's views the KPI models' (those of `queries` with a schema),
    in order, over its own relations; drop any other view of those schemas."""
    views = [query for query in queries if query.get("schema")]
    schemas = sorted({query["schema"] for query in views} | {"marts"})
    wanted = {(query["schema"], query["name"]) for query in views}
    for schema, name in con.execute(
        "select schema_name, view_name from duckdb_views() "
        f"where database_name = {sql_literal(PUBLISHING_ALIAS)} and not internal"
    ).fetchall():
        if (schema, name) not in wanted:
            con.execute(f'drop view {PUBLISHING_ALIAS}."{schema}"."{name}"')
    con.execute(f"use {PUBLISHING_ALIAS}")  # a view's names resolve in its own database
    try:
        for schema in schemas:
            con.execute(f'create schema if not exists "{schema}"')
        for query in views:
            con.execute(
                f'create or replace view "{query["schema"]}"."{query["name"]}" as {query["published_sql"]}'
            )
    finally:
        con.execute("use memory")


def _day_digests(database: str, table: str, columns: list[str]) -> str:
    """Per day of `table`: its row count and the sum of every row's hash."""
    row_hash = "hash(" + ", ".join(f'"{name}"' for name in columns) + ")"
    return (
        f"select {sql_literal(table)} as table_name, {DAY_COLUMN}, count(*) as row_count, "
        f'sum({row_hash}) as row_hash from {database}.marts."{table}" group by {DAY_COLUMN}'
    )


def _keep_previous_digests(con: duckdb.DuckDBPyConnection) -> None:
    """The day digests the previous publish stored (publication.day_digests: the warehouse's
    rows it published), as temp table previous_digests; empty for a first publish."""
    try:
        con.execute(
            "create or replace temp table previous_digests as "
            f"select * from {PUBLISHING_ALIAS}.publication.day_digests"
        )
    except duckdb.CatalogException:
        con.execute(
            "create or replace temp table previous_digests (table_name varchar, "
            f"{DAY_COLUMN} date, row_count bigint, row_hash hugeint)"
        )


def _record_digests(con: duckdb.DuckDBPyConnection, table: str, columns: list[str]) -> None:
    con.execute(f"insert into new_digests {_day_digests(WAREHOUSE_ALIAS, table, columns)}")


def _replace_changed_days(con: duckdb.DuckDBPyConnection, table: str, columns: list[str]) -> None:
    """Replace the days of `table` whose rows differ between the warehouse and the
    publishing file (row count or the sum of every row's hash), and only those. The
    published side's digests are the ones the previous publish stored, else computed."""
    name = sql_literal(table)
    stored = con.execute(f"select count(*) from previous_digests where table_name = {name}").fetchone()
    old = (
        f"(select * from previous_digests where table_name = {name})"
        if stored and stored[0]
        else f"({_day_digests(PUBLISHING_ALIAS, table, columns)})"
    )
    con.execute(
        "create or replace temp table changed_days as "
        f"select coalesce(fresh.{DAY_COLUMN}, old.{DAY_COLUMN}) as {DAY_COLUMN} "
        f"from (select * from new_digests where table_name = {name}) as fresh "
        f"full join {old} as old on fresh.{DAY_COLUMN} = old.{DAY_COLUMN} "
        "where fresh.row_count is distinct from old.row_count "
        "or fresh.row_hash is distinct from old.row_hash"
    )
    changed = con.execute("select count(*) from changed_days").fetchone()
    if not changed or not changed[0]:
        return  # nothing to scan for
    days = f"(select {DAY_COLUMN} from changed_days)"
    con.execute(
        f'delete from {PUBLISHING_ALIAS}.marts."{table}" where {DAY_COLUMN} in {days} or {DAY_COLUMN} is null'
    )
    con.execute(
        f'insert into {PUBLISHING_ALIAS}.marts."{table}" '
        f'select * from {WAREHOUSE_ALIAS}.marts."{table}" '
        f"where {DAY_COLUMN} in {days} or {DAY_COLUMN} is null"
    )


def _columns(con: duckdb.DuckDBPyConnection, database: str, table: str) -> list[tuple[str, str]]:
    return con.execute(
        "select column_name, data_type from duckdb_columns() "
        f"where database_name = {sql_literal(database)} and schema_name = 'marts' "
        f"and table_name = {sql_literal(table)} order by column_index"
    ).fetchall()


def _marts_tables(con: duckdb.DuckDBPyConnection, database: str) -> list[str]:
    rows = con.execute(
        "select table_name from duckdb_tables() "
        f"where database_name = {sql_literal(database)} and schema_name = 'marts' "
        "order by table_name"
    ).fetchall()
    return [row[0] for row in rows]


def _write_info(
    con: duckdb.DuckDBPyConnection,
    tables: int,
    build_finished_at: datetime,
    report_queries: Sequence[Mapping[str, str]],
) -> int:
    con.execute(INFO_DDL.format(db=PUBLISHING_ALIAS))
    published_at = datetime.now(UTC).replace(tzinfo=None)
    con.execute(
        f"insert into {PUBLISHING_ALIAS}.publication.info select "
        f"cast({sql_literal(published_at.isoformat(sep=' '))} as timestamp), "
        f"cast({sql_literal(build_finished_at.isoformat(sep=' '))} as timestamp), {tables}, "
        f"count(*), min(event_ts), max(event_ts) from {PUBLISHING_ALIAS}.marts.fct_events"
    )
    con.execute(f"create table {PUBLISHING_ALIAS}.publication.day_digests as select * from new_digests")
    for order, query in enumerate(report_queries):
        values = ", ".join(sql_literal(query[key]) for key in ("name", "kind", "sql"))
        con.execute(f"insert into {PUBLISHING_ALIAS}.publication.report_queries values ({order}, {values})")
    row = con.execute(f"select events from {PUBLISHING_ALIAS}.publication.info").fetchone()
    return int(row[0]) if row else 0


def _remove_stale_staging(target: Path) -> None:
    """Remove the half-written files of publishes that were killed (`<target>.<pid>.new`,
    and its .wal, whose process is gone); a running publish's file stays."""
    for path in target.parent.glob(f"{target.name}.*.new*"):
        pid = path.name[len(target.name) + 1 :].split(".", 1)[0]
        if pid.isdigit() and not _running(int(pid)):
            _remove(path)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by someone else
        return True
    return True


def _remove(path: Path) -> None:
    path.unlink(missing_ok=True)
