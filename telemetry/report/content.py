"""What a report says: the seed's checklist ("Output Expectations") as sections, written
from the rows of the report analyses. The section modules pick and word numbers; every
number comes from an analysis (and so from the marts), none is computed here.

Sections, in order: Scope and Key findings (overview.py); Headline rates, Users, Events and
versions, Breakdowns, Action lifecycle, Daily trend (reliability.py); Top issue buckets,
Repeated failures, Release health (issues.py); Product (product.py); Prioritized fix
suggestions (issues.py, last). What they share: common.py.
"""

from __future__ import annotations

from telemetry.report.common import source_line
from telemetry.report.data import ReportData
from telemetry.report.document import Document, Rich, Strong, timestamp
from telemetry.report.issues import buckets_section, fixes_section, release_section, repeats_section
from telemetry.report.overview import findings_section, no_events_section, scope_section
from telemetry.report.product import product_section
from telemetry.report.reliability import (
    breakdowns_section,
    daily_section,
    events_section,
    lifecycle_section,
    rates_section,
    users_section,
)


def build_document(data: ReportData, fmt: str = "md") -> Document:
    scope_row = data.one("report_scope")
    title = "Reliability report"
    window = (
        f"{timestamp(scope_row.get('window_start'))} → {timestamp(scope_row.get('window_end'))} UTC"
        if scope_row.get("window_end") is not None
        else "no events"
    )
    subtitle: Rich = [
        f"{source_line(data)}, ",
        Strong(window),
        f" · app versions: {scope_row.get('version_filter') or 'all'}",
    ]
    sections = [scope_section(data, fmt)]
    if not data.has_events:
        sections.append(no_events_section(data))
        return Document(title=title, subtitle=subtitle, sections=sections, empty=True)
    sections += [
        findings_section(data),
        rates_section(data),
        users_section(data),
        events_section(data),
        breakdowns_section(data),
        lifecycle_section(data),
        daily_section(data),
        buckets_section(data),
        repeats_section(data),
        release_section(data),
        product_section(data),
        fixes_section(data),
    ]
    return Document(title=title, subtitle=subtitle, sections=sections)
