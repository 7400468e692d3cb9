"""`telemetry report`: the reliability report of the seed skill, read from the published marts.

    build_report(warehouse, scope, formats=("md",)) -> {"md": text, ...}

Steps: compute every section's rows for the scope from the published copy (`data`: the
compiled KPI queries dbt published with the marts), turn them into sections (`content`)
and render them (`markdown`, `html`, `json`): one computation for every format asked.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from telemetry.errors import UserError
from telemetry.report.data import ReportData, load_report_data
from telemetry.report.scope import ReportScope
from telemetry.warehouse import published_path

__all__ = ["FORMATS", "ReportData", "ReportScope", "build_report", "render"]

FORMATS = ("md", "html", "json")


def build_report(warehouse: Path, scope: ReportScope, formats: Iterable[str] = ("md",)) -> dict[str, str]:
    """The report of `scope` in each of `formats`, from the marts published for `warehouse`."""
    published = published_path(warehouse)
    if not published.is_file() and not warehouse.is_file():
        raise UserError(
            f"no warehouse at {warehouse}: land exports first "
            "(`telemetry land PATH --db DB`) or point --db at the warehouse"
        )
    data = load_report_data(published, scope)
    return {fmt: render(data, fmt) for fmt in formats}


def render(data: ReportData, fmt: str = "md") -> str:
    if fmt == "json":
        from telemetry.report.json_export import render_json

        return render_json(data)
    from telemetry.report.content import build_document

    document = build_document(data, fmt)
    if fmt == "html":
        from telemetry.report.html import render_html

        return render_html(document)
    from telemetry.report.markdown import render_markdown

    return render_markdown(document)
