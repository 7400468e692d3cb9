"""The numbers of a report: the compiled `analyses/report_*.sql`, run against the report
database. Each analysis is one section's rows; nothing here computes a KPI."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from telemetry.errors import UserError
from telemetry.report.build import ReportScope

Row = dict[str, Any]

#: analysis name -> what the report calls it (each must exist in analyses/).
ANALYSES: tuple[str, ...] = (
    "report_scope",
    "report_summary",
    "report_event_counts",
    "report_app_versions",
    "report_failure_classes",
    "report_breakdowns",
    "report_issue_buckets",
    "report_repeat_failures",
    "report_repeat_failure_users",
    "report_release_health",
    "report_daily",
    "report_action_lifecycle",
    "report_fix_suggestions",
)


@dataclass
class ReportData:
    """Rows of every analysis, by analysis name, and the scope the report was asked for."""

    scope: ReportScope
    rows: dict[str, list[Row]] = field(default_factory=dict)

    def table(self, name: str) -> list[Row]:
        return self.rows.get(name, [])

    def one(self, name: str) -> Row:
        rows = self.rows.get(name) or [{}]
        return rows[0]

    @property
    def has_events(self) -> bool:
        return bool(self.one("report_summary").get("events"))


def load_report_data(report_db: Path, analyses: dict[str, str], scope: ReportScope) -> ReportData:
    missing = [name for name in ANALYSES if name not in analyses]
    if missing:
        raise UserError(
            f"dbt did not compile the report analyses {', '.join(missing)} (expected in analyses/)"
        )
    data = ReportData(scope=scope)
    con = duckdb.connect(str(report_db), read_only=True)
    try:
        for name in ANALYSES:
            data.rows[name] = _query(con, name, analyses[name])
    finally:
        con.close()
    return data


def _query(con: duckdb.DuckDBPyConnection, name: str, sql: str) -> list[Row]:
    try:
        cursor = con.execute(sql)
    except duckdb.Error as exc:
        message = " ".join(str(exc).split())
        raise UserError(f"analysis {name} failed: {message}") from None
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row, strict=False)) for row in cursor.fetchall()]
