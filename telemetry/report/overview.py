"""The report's opening: its scope (or why it has no events) and the key findings a
maintainer reads first. Picks and words numbers from the report analyses; computes none."""

from __future__ import annotations

from typing import Any

from telemetry.report.common import IDENTITY, app_row, source_line
from telemetry.report.data import ReportData, Row
from telemetry.report.document import (
    Bullets,
    Code,
    Inline,
    Paragraph,
    Rich,
    Section,
    Strong,
    count,
    interval,
    is_missing,
    pct,
    plural,
    timestamp,
)
from telemetry.report.product import product_findings

# --------------------------------------------------------------------------- scope


def _window_text(data: ReportData) -> str:
    scope = data.scope
    if scope.window_hours is None and scope.window_end is None:
        return "all data in the warehouse"
    end = f"--window-end {scope.window_end}" if scope.window_end else "the latest event"
    if scope.window_hours is None:
        return f"all data up to {end}"
    return f"the last {plural(scope.window_hours, 'hour')}, ending at {end}"


def scope_section(data: ReportData, fmt: str) -> Section:
    row = data.one("report_scope")
    summary = data.one("report_summary")
    versions = data.table("report_app_versions")
    dropped = [v for v in versions if not v.get("is_in_scope")]

    filters: list[Inline] = [Strong("Filters:"), f" window: {_window_text(data)}; app versions: "]
    if row.get("has_version_filter"):
        filters.append(Code(str(row.get("version_filter"))))
        if data.scope.app_versions:
            filters.append(" (as listed)")
        if data.scope.top_app_versions:
            filters.append(" (the versions with the most events in the window)")
        if dropped:
            shown = ", ".join(
                f"{v['app_version']} ({plural(v['window_events'], 'event')})" for v in dropped[:8]
            )
            more = f" and {len(dropped) - 8} more versions" if len(dropped) > 8 else ""
            filters.append(f"; left out: {shown}{more}")
    else:
        filters.append("all")
        filters.append(f" ({plural(len(versions), 'version')} in the window)")

    if row.get("window_end") is None:
        time_range = " none: the warehouse holds no events"
    else:
        time_range = f" {timestamp(row.get('window_start'))} → {timestamp(row.get('window_end'))}" + (
            f" ({plural(row['window_hours'], 'hour')})" if row.get("window_hours") else ""
        )
    items: list[Rich] = [
        [Strong("Time range (UTC):"), time_range],
        filters,
        [
            Strong("Rows:"),
            f" {count(summary.get('events'))} events in scope (unique events after "
            f"de-duplication); the window holds {count(row.get('window_events'))} events of all "
            f"versions; the warehouse holds {count(row.get('warehouse_events'))} events from "
            f"{timestamp(row.get('warehouse_first_event'))} to "
            f"{timestamp(row.get('warehouse_last_event'))} UTC",
        ],
        [
            Strong("Source and identity:"),
            f" {source_line(data)}; identity horizon ",
            Code(app_row(data)["horizon"]),
            f": {IDENTITY.get(app_row(data)['horizon'], IDENTITY['user_day'])[1]}",
        ],
        [
            Strong("Active users:"),
            f" {count(summary.get('active_users'))} distinct user ids"
            f" ({IDENTITY.get(app_row(data)['horizon'], IDENTITY['user_day'])[0]})",
        ],
    ]
    if summary.get("primary_action"):
        items.append(
            [
                Strong("Primary workflow:"),
                " ",
                Code(str(summary["primary_action"])),
                f" (the action with the most start events: {count(summary.get('primary_starts'))})",
            ]
        )
    items.append(
        [
            Strong("Small samples:"),
            f" groups with fewer than {data.scope.effective_min_sample} starts of the primary "
            "workflow are flagged; their rates are shown with 95% Wilson intervals",
        ]
    )
    items.append([Strong("Reproduce:"), " ", Code(data.scope.command_line(fmt, row.get("window_end")))])
    return Section("Scope", "scope", [Bullets(items)])


def no_events_section(data: ReportData) -> Section:
    row = data.one("report_scope")
    versions = data.table("report_app_versions")
    blocks: list[Any] = [
        Paragraph(
            [
                Strong("No events"),
                " in this window and filter: there is nothing to measure, so no rates, "
                "breakdowns, buckets or fix suggestions.",
            ]
        )
    ]
    if not row.get("warehouse_events"):
        blocks.append(
            Paragraph(
                [
                    "The warehouse holds no events yet: land exports with ",
                    Code("telemetry land"),
                    ".",
                ]
            )
        )
    elif versions:
        blocks.append(
            Paragraph(
                "App versions with events in the window: "
                + ", ".join(f"{v['app_version']} ({count(v['window_events'])})" for v in versions)
                + ". Choose among them with --app-versions or --top-app-versions."
            )
        )
    else:
        blocks.append(
            Paragraph(
                f"The window holds {count(row.get('window_events'))} events. The warehouse holds "
                f"{count(row.get('warehouse_events'))} events from "
                f"{timestamp(row.get('warehouse_first_event'))} to "
                f"{timestamp(row.get('warehouse_last_event'))} UTC: widen --window-hours or "
                "move --window-end."
            )
        )
    return Section("No events", "no-events", blocks)


# --------------------------------------------------------------------------- findings


def workflow_name(summary: Row) -> str:
    return str(summary.get("primary_action") or "primary workflow")


def findings_section(data: ReportData) -> Section:
    summary = data.one("report_summary")
    items: list[Rich] = []
    action = summary.get("primary_action")
    if action:
        item: list[Inline] = [
            Strong(f"{action} failure rate {pct(summary.get('workflow_failure_rate'))}"),
            f" ({count(summary.get('primary_failures'))} failure events / "
            f"{count(summary.get('primary_starts'))} starts)",
        ]
        unpaired = _primary_lifecycle(data, str(action)).get("orphan_failures")
        if unpaired:
            item.append(
                f"; {plural(unpaired, 'of them closes', 'of them close')} no start (its start fell "
                "before the window or was never sent)"
            )
        items.append([*item, "."])
    else:
        items.append("No start events in scope: there is no workflow failure rate.")
    if summary.get("primary_abandoned"):
        items.append(_crash_proxy_finding(summary))
    user_input = summary_failures_of(data, "user_input")
    items.append(
        f"Raw error rate {pct(summary.get('raw_error_rate'))} "
        f"({count(summary.get('failure_events'))} failure events / {count(summary.get('events'))} "
        f"events); runtime-like error rate {pct(summary.get('runtime_error_rate'))} once "
        f"{plural(user_input, 'user-input failure')} are set apart."
    )
    items.append(
        f"{count(summary.get('affected_users'))} of {count(summary.get('active_users'))} users "
        f"({pct(summary.get('affected_user_share'))}) hit at least one failure"
        + (
            f" and {count(summary.get('abandoning_users'))} abandoned an attempt"
            if summary.get("abandoning_users")
            else ""
        )
        + f"; {count(summary.get('failure_free_users'))} ({pct(summary.get('failure_free_user_share'))}) "
        f"had neither (failure-free {IDENTITY.get(app_row(data)['horizon'], IDENTITY['user_day'])[0]})."
    )
    fixes = data.table("report_fix_suggestions")
    if fixes:
        top = fixes[0]
        kind = "a UX fix" if top.get("is_user_input") else str(top.get("failure_class") or "unclassified")
        items.append(
            [
                "Fix first: ",
                Strong(str(top["issue_bucket"])),
                f" ({kind}): {plural(top.get('affected_users'), 'user')}, "
                f"{plural(top.get('failure_events'), 'failure event')}",
            ]
            + ([" in ", Code(str(top["likely_code_path"]))] if top.get("likely_code_path") else [])
            + [" (see Prioritized fix suggestions)."]
        )
    paths = [
        r for r in data.table("report_code_paths") if r.get("code_path") and r.get("runtime_failure_events")
    ]
    if paths:
        items.append(
            [
                Code(str(paths[0]["code_path"])),
                f" holds {pct(paths[0].get('share_of_runtime_failures'))} of runtime-like failures "
                f"({count(paths[0].get('runtime_failure_events'))}, "
                f"{plural(paths[0].get('issue_buckets'), 'bucket')}): the file to open first.",
            ]
        )
    items.append(_os_risk_finding(data, summary))
    regressions = [r for r in data.table("report_release_health") if r.get("is_regression")]
    if regressions:
        items.append(
            "Regression: "
            + "; ".join(
                f"{r['app_version']} fails more than {r.get('previous_app_version')} beyond both "
                f"intervals ({pct(r.get('workflow_failure_rate'))})"
                for r in regressions
            )
            + "."
        )
    elif len(data.table("report_release_health")) > 1:
        items.append("No release regression between consecutive app versions in scope.")
    repeat = data.one("report_repeat_failures")
    if repeat.get("repeat_failing_users"):
        items.append(
            f"{plural(repeat.get('repeat_failing_users'), 'user')} failed more than once and "
            f"produced {pct(repeat.get('repeat_failure_share'))} of failure events; the top 10 "
            f"failing users produced {pct(repeat.get('top_10_failure_share'))}."
        )
    items += product_findings(data)
    return Section("Key findings", "findings", [Bullets(items)])


def _primary_lifecycle(data: ReportData, action: str) -> Row:
    return next((r for r in data.table("report_action_lifecycle") if r.get("action") == action), {})


def _crash_proxy_finding(summary: Row) -> Rich:
    action = workflow_name(summary)
    rate = interval(
        summary.get("abandoned_rate"),
        summary.get("abandoned_rate_low"),
        summary.get("abandoned_rate_high"),
    )
    return [
        Strong(
            f"{count(summary.get('primary_abandoned'))} of {count(summary.get('primary_starts'))} "
            f"{action} starts were abandoned: {rate}"
        ),
        " (crash proxy: a start with no success or failure, the closest thing to a crash the "
        f"telemetry holds; in no failure rate). {plural(summary.get('abandoning_users'), 'user')} "
        "abandoned at least one attempt of any action.",
    ]


def summary_failures_of(data: ReportData, failure_class: str) -> int:
    for row in data.table("report_failure_classes"):
        if row.get("failure_class") == failure_class:
            return int(row.get("failure_events") or 0)
    return 0


def _os_risk_finding(data: ReportData, summary: Row) -> Rich:
    """An OS is called riskier only when it has enough sample and its whole 95% interval lies
    above the overall workflow failure rate (`stands_out` in report_breakdowns)."""
    action = workflow_name(summary)
    overall = pct(summary.get("workflow_failure_rate"))
    rows = [r for r in data.table("report_breakdowns") if r.get("dimension") == "os_name"]
    sampled = [
        r for r in rows if not r.get("small_sample") and not is_missing(r.get("workflow_failure_rate_low"))
    ]
    if not summary.get("primary_action"):
        return "No primary workflow: OS risk is not measured."
    if not sampled:
        return (
            f"No OS has {data.scope.effective_min_sample} or more {action} starts: OS risk "
            "cannot be ranked reliably."
        )
    outliers = [r for r in sampled if r.get("stands_out")]
    if not outliers:
        return (
            f"No OS stands out: the 95% interval of every OS with enough sample "
            f"({plural(len(sampled), 'OS', 'OSes')}) reaches the overall {action} failure rate "
            f"({overall}) or lies below it."
        )
    return (
        f"{action} fails more often on "
        + "; ".join(
            f"{r['dimension_value']}: "
            + interval(
                r["workflow_failure_rate"], r["workflow_failure_rate_low"], r["workflow_failure_rate_high"]
            )
            for r in outliers
        )
        + f", whose whole 95% interval lies above the overall {overall}."
    )
