"""`telemetry report`: the reliability report of the seed skill, from tested marts.

    build_report(warehouse, scope, fmt="md", echo=...) -> str

Steps: copy the warehouse's raw data into a report database and build the KPI marts there
with the report's vars (`build`), run the compiled `analyses/report_*.sql` (`data`), turn
their rows into sections (`content`) and render them (`markdown`, `html`).
"""

from __future__ import annotations

from pathlib import Path

from telemetry.errors import UserError
from telemetry.report.build import Echo, ReportScope, copy_raw, report_lock, report_paths, run_dbt
from telemetry.report.content import build_document
from telemetry.report.data import ReportData, load_report_data

__all__ = ["ReportData", "ReportScope", "build_report", "render"]


def build_report(
    warehouse: Path,
    scope: ReportScope,
    *,
    fmt: str = "md",
    run_tests: bool = True,
    echo: Echo = lambda line: None,
) -> str:
    paths = report_paths(warehouse)
    if not paths.warehouse.is_file():
        raise UserError(
            f"no warehouse at {paths.warehouse}: land exports first "
            "(`telemetry land PATH --db DB`) or point --db at the warehouse"
        )
    with report_lock(paths, echo):
        echo(f"report: copying raw data from {paths.warehouse} into {paths.report_db}")
        rows = copy_raw(paths)
        echo(f"report: {rows:,} raw rows copied")
        outcome = run_dbt(paths, scope, run_tests=run_tests, echo=echo)
        data = load_report_data(paths.report_db, outcome.analyses, scope)
    return render(data, fmt)


def render(data: ReportData, fmt: str = "md") -> str:
    document = build_document(data, fmt)
    if fmt == "html":
        from telemetry.report.html import render_html

        return render_html(document)
    from telemetry.report.markdown import render_markdown

    return render_markdown(document)
