"""The numbers of a report, read from the published copy of the marts (never the warehouse,
never dbt): the report's scope goes into a temp table `kpi_scope_params`, the compiled
`kpi_steps` (the same KPI queries the marts are built with) make the scope and KPI tables
of that scope as temp tables, and each `report_*` analysis is one section's rows. Nothing
here computes a KPI."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from telemetry.duckdb_settings import apply_duckdb_settings
from telemetry.errors import UserError, error_line
from telemetry.report.scope import ReportScope
from telemetry.sql import sql_value

Row = dict[str, Any]

#: The compiled SQL that makes the report's scope and KPI tables (analyses/report/kpi_steps.sql).
STEPS = "kpi_steps"
#: One analysis per section's rows (each must exist in analyses/report/).
ANALYSES: tuple[str, ...] = (
    "report_scope",
    "report_summary",
    "report_event_counts",
    "report_app_versions",
    "report_failure_classes",
    "report_breakdowns",
    "report_issue_buckets",
    "report_issue_bucket_versions",
    "report_repeat_failures",
    "report_repeat_failure_users",
    "report_release_health",
    "report_daily",
    "report_action_lifecycle",
    "report_fix_suggestions",
    "report_code_paths",
    "report_product_activity",
    "report_product_periods",
    "report_product_engagement",
    "report_product_breakdowns",
    "report_product_features",
    "report_product_funnels",
    "report_product_segments",
)
#: kpi_scope_params's columns and types, as the model of that name makes them from dbt vars.
PARAMS_COLUMNS = (
    ("window_hours", "integer"),
    ("window_end", "timestamp"),
    ("app_versions", "varchar"),
    ("top_app_versions", "integer"),
    ("min_sample", "integer"),
    ("min_group_users", "integer"),
)


def params_sql(scope: ReportScope) -> str:
    """The statement that makes the report's kpi_scope_params row (literals: see sql_value)."""
    columns = ",\n    ".join(
        f"cast({sql_value(value)} as {kind}) as {name}"
        for (name, kind), value in zip(PARAMS_COLUMNS, scope.params(), strict=True)
    )
    return f"create temp table kpi_scope_params as\nselect\n    {columns}"


@dataclass
class ReportData:
    """Rows of every analysis, by analysis name, the scope the report was asked for, and
    when the marts it read were published."""

    scope: ReportScope
    rows: dict[str, list[Row]] = field(default_factory=dict)
    published_at: datetime | None = None

    def table(self, name: str) -> list[Row]:
        return self.rows.get(name, [])

    def one(self, name: str) -> Row:
        rows = self.rows.get(name) or [{}]
        return rows[0]

    @property
    def has_events(self) -> bool:
        return bool(self.one("report_summary").get("events"))


def load_report_data(published: Path, scope: ReportScope) -> ReportData:
    """Compute every section's rows for `scope` from the published copy at `published`."""
    con = _open(published)
    try:
        queries, published_at = _published_queries(con, published)
        con.execute(params_sql(scope))
        _run(con, STEPS, queries[STEPS])
        data = ReportData(scope=scope, published_at=published_at)
        for name in ANALYSES:
            data.rows[name] = _rows(_run(con, name, queries[name]))
        # the app, the sources its events came from and the identity its user ids give
        data.rows["app"] = _rows(_run(con, "app", "select * from marts.dim_app"))
    finally:
        con.close()
    return data


def _open(published: Path) -> duckdb.DuckDBPyConnection:
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


def _published_queries(con: duckdb.DuckDBPyConnection, published: Path) -> tuple[dict[str, str], datetime]:
    try:
        queries = dict(con.execute("select name, sql from publication.report_queries").fetchall())
        info = con.execute("select published_at from publication.info").fetchone()
    except duckdb.CatalogException:
        queries, info = {}, None
    missing = [name for name in (STEPS, *ANALYSES) if name not in queries]
    if info is None or missing:
        raise UserError(
            f"the published marts {published} hold no report queries"
            f"{' for ' + ', '.join(missing[:3]) if info is not None else ''}: "
            "publish them again with `telemetry build --force`"
        )
    return queries, info[0]


def _run(con: duckdb.DuckDBPyConnection, name: str, sql: str) -> duckdb.DuckDBPyConnection:
    try:
        return con.execute(sql)
    except duckdb.Error as exc:
        raise UserError(f"report query {name} failed: {error_line(str(exc))}") from None


def _rows(cursor: duckdb.DuckDBPyConnection) -> list[Row]:
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row, strict=False)) for row in cursor.fetchall()]
