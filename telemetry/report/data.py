"""The numbers of a report, read from the published copy of the marts (never the warehouse,
never dbt). The published copy holds the report's SQL as dbt compiled it from the KPI models
and the report analyses (publication.report_queries, telemetry.pipeline.report_queries): the
scope parameters' row is made from the report's options, each KPI model (and scope helper)
runs in graph order into a temp table (a temp view where the warehouse has a view) of its
own name, and each analysis is one section's rows. Nothing here computes a KPI or lists one."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from telemetry.errors import UserError, error_line
from telemetry.pipeline.report_queries import ANALYSIS, PARAMETERS, TABLE, VIEW
from telemetry.report.scope import ReportScope
from telemetry.sql import sql_value
from telemetry.warehouse import open_published

Row = dict[str, Any]
#: The sections every published copy must answer (the report's skeleton reads them).
REQUIRED = ("report_scope", "report_summary")


@dataclass(frozen=True)
class PublishedQuery:
    name: str
    kind: str
    sql: str


def params_sql(name: str, sql: str, scope: ReportScope) -> list[str]:
    """The statements that make the report's scope parameters' row as temp table `name`:
    the columns and types of the model's own SQL (`sql`), the values of `scope`. A column
    the model has and the scope has not (or the other way) is an error: they are one row."""
    values = scope.params()
    return [
        f"create temp table {name} as select * from ({sql}) as model_row limit 0",
        f"insert into {name} by name select "
        + ", ".join(f"{sql_value(value)} as {column}" for column, value in values.items()),
    ]


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
    con = open_published(published)
    try:
        queries, published_at = _published_queries(con, published)
        data = ReportData(scope=scope, published_at=published_at)
        for query in queries:
            _run_query(con, query, scope, data)
        # the app, the sources its events came from and the identity its user ids give
        data.rows["app"] = _rows(_run(con, "app", "select * from marts.dim_app"))
    finally:
        con.close()
    return data


def _run_query(
    con: duckdb.DuckDBPyConnection, query: PublishedQuery, scope: ReportScope, data: ReportData
) -> None:
    if query.kind == PARAMETERS:
        _check_params(con, query, scope)
        for statement in params_sql(query.name, query.sql, scope):
            _run(con, query.name, statement)
    elif query.kind == TABLE:
        _run(con, query.name, f"create temp table {query.name} as ({query.sql})")
    elif query.kind == VIEW:
        _run(con, query.name, f"create temp view {query.name} as ({query.sql})")
    elif query.kind == ANALYSIS:
        data.rows[query.name] = _rows(_run(con, query.name, query.sql))
    else:
        raise UserError(f"the published report query {query.name} is of an unknown kind {query.kind!r}")


def _check_params(con: duckdb.DuckDBPyConnection, query: PublishedQuery, scope: ReportScope) -> None:
    columns = [
        row[0]
        for row in _run(con, query.name, f"describe select * from ({query.sql}) as model_row").fetchall()
    ]
    if sorted(columns) != sorted(scope.params()):
        raise UserError(
            f"the published scope parameters ({query.name}: {', '.join(columns)}) are not the ones "
            f"this telemetry fills ({', '.join(scope.params())}): publish again with this version"
            " (`telemetry build --force`)"
        )


def _published_queries(
    con: duckdb.DuckDBPyConnection, published: Path
) -> tuple[list[PublishedQuery], datetime]:
    try:
        rows = con.execute(
            "select name, kind, sql from publication.report_queries order by query_order"
        ).fetchall()
        info = con.execute("select published_at from publication.info").fetchone()
    except (duckdb.CatalogException, duckdb.BinderException):
        rows, info = [], None
    queries = [PublishedQuery(*row) for row in rows]
    names = {query.name for query in queries}
    missing = [name for name in REQUIRED if name not in names]
    if info is None or missing:
        raise UserError(
            f"the published marts {published} hold no report queries"
            f"{' for ' + ', '.join(missing) if info is not None else ''}: "
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
