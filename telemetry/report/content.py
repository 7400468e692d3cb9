"""What a report says: the seed's checklist ("Output Expectations") as sections, written
from the rows of the report analyses. This module picks and words numbers; every number
comes from an analysis (and so from the marts), none is computed here.

Sections, in order: Scope, Key findings, Headline rates, Users, Events and versions,
Breakdowns, Action lifecycle, Daily trend, Top issue buckets, Repeated failures, Release
health, Product (telemetry/report/product.py), Prioritized fix suggestions (last).
"""

from __future__ import annotations

from typing import Any

from telemetry.report.data import ReportData, Row
from telemetry.report.document import (
    DASH,
    Bullets,
    Chart,
    Code,
    Document,
    Inline,
    Note,
    Paragraph,
    Rich,
    Section,
    Strong,
    Subheading,
    Table,
    count,
    day,
    interval,
    is_missing,
    one_line,
    pct,
    plural,
    seconds,
    timestamp,
)
from telemetry.report.product import product_findings, product_section

DIMENSIONS: tuple[tuple[str, str], ...] = (
    ("os_family", "OS family"),
    ("os_name", "OS name"),
    ("os_version", "OS version"),
    ("app_version", "App version"),
)
#: Rows shown per breakdown table; the rest are counted in a line below it.
BREAKDOWN_ROWS = 15
BUCKET_ROWS = 10
#: "A handful of users, much of the volume" is said only when repeaters produced at least this
#: share of the failure events and one user failed at least CONCENTRATED_MAX times.
CONCENTRATED_SHARE = 0.5
CONCENTRATED_MAX = 3
FIX_ROWS = 10

USER_DAYS_NOTE = (
    "Aptabase user ids rotate daily (a salted hash of IP and user agent), so a user here is "
    "a user-day: over a multi-day window one person active on three days counts three "
    "times, in active, affected and happy users alike."
)
#: What each source is called at the top of the report.
SOURCE_NAMES = {
    "aptabase": "Aptabase",
    "reverbcode": "ReverbCode ao.db",
    "posthog": "PostHog",
    "otlp": "OpenTelemetry logs",
}
#: What a user is, by identity horizon: (the unit counted, the scope line's explanation).
IDENTITY = {
    "user_day": ("user-days", "user ids rotate every UTC day, so a user is a user-day (see Users)"),
    "install": ("installs", "a user id is an install, stable for as long as the install exists"),
    "instance": (
        "service instances",
        "a user id is a service instance (`service.instance.id`), often one process",
    ),
}


def app_row(data: ReportData) -> dict:
    """The app, its sources and its identity horizon (dim_app), Aptabase's when unknown."""
    row = data.one("app")
    return {
        "app": row.get("app"),
        "sources": [s for s in str(row.get("event_source") or "aptabase").split(",") if s],
        "horizon": row.get("identity_horizon") or "user_day",
    }


def source_line(data: ReportData) -> str:
    """`ReverbCode ao.db telemetry of reverbcode` (the sources, then the app when known)."""
    app = app_row(data)
    names = " and ".join(SOURCE_NAMES.get(s, s) for s in app["sources"])
    return f"{names} telemetry" + (f" of {app['app']}" if app["app"] else "")


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


def _workflow_name(summary: Row) -> str:
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
    action = _workflow_name(summary)
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
    action = _workflow_name(summary)
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


# --------------------------------------------------------------------------- rates, users


def rates_section(data: ReportData) -> Section:
    s = data.one("report_summary")
    action = _workflow_name(s)
    table = Table(
        ["Metric", "Value", "From"],
        [
            [
                "Raw error rate (all failure events / all events)",
                pct(s.get("raw_error_rate")),
                f"{count(s.get('failure_events'))} / {count(s.get('events'))}",
            ],
            [
                "Runtime error rate (failures not of class user_input / all events)",
                pct(s.get("runtime_error_rate")),
                f"{count(s.get('runtime_failure_events'))} / {count(s.get('events'))}",
            ],
            [
                ["Workflow failure rate (", Code(action), " failures / starts)"],
                pct(s.get("workflow_failure_rate")),
                f"{count(s.get('primary_failures'))} / {count(s.get('primary_starts'))}",
            ],
            [
                ["Abandoned rate, crash proxy (", Code(action), " starts with no outcome / starts)"],
                pct(s.get("abandoned_rate")),
                f"{count(s.get('primary_abandoned'))} / {count(s.get('primary_starts'))}",
            ],
            ["Success events", count(s.get("success_events")), ""],
        ],
        ["l", "r", "r"],
    )
    classes = Table(
        [
            "Failure class",
            "Counts as runtime",
            "Failure events",
            "Share of failures",
            "Affected users",
        ],
        [
            [
                Code(str(r["failure_class"])),
                "yes" if r.get("counts_as_runtime") else "no",
                count(r.get("failure_events")),
                pct(r.get("share_of_failures")),
                count(r.get("affected_users")),
            ]
            for r in data.table("report_failure_classes")
        ],
        ["l", "l", "r", "r", "r"],
    )
    blocks: list[Any] = [table]
    if data.table("report_failure_classes"):
        blocks += [Subheading("Failure events by class"), classes]
    blocks.append(
        Note(
            "The raw rate counts every failure event, including users' own input mistakes, and "
            "a few users repeating one can dominate it. The runtime rate leaves out class "
            "user_input (runtime, environment, upstream and unclassified remain): it is the "
            "reliability signal."
        )
    )
    return Section("Headline rates", "rates", blocks)


def users_section(data: ReportData) -> Section:
    s = data.one("report_summary")
    table = Table(
        ["Users", "Count", "Share of active users"],
        [
            [
                "Active users (distinct user ids)",
                count(s.get("active_users")),
                pct(1.0 if s.get("active_users") else None),
            ],
            [
                "Affected users (at least one failure event)",
                count(s.get("affected_users")),
                pct(s.get("affected_user_share")),
            ],
            [
                "Users with an abandoned attempt (crash proxy)",
                count(s.get("abandoning_users")),
                pct(s.get("abandoning_user_share")),
            ],
            [
                "Failure-free users (no failure event, no abandoned attempt)",
                count(s.get("failure_free_users")),
                pct(s.get("failure_free_user_share")),
            ],
            [
                "Happy users (a success event and no failure event)",
                count(s.get("happy_users")),
                pct(s.get("happy_user_share")),
            ],
        ],
        ["l", "r", "r"],
    )
    horizon = app_row(data)["horizon"]
    note = (
        USER_DAYS_NOTE
        if horizon == "user_day"
        else f"A user here is one of the {IDENTITY[horizon][0]}: {IDENTITY[horizon][1]}."
    )
    return Section("Users", "users", [table, Note(note)])


# --------------------------------------------------------------------------- events


def events_section(data: ReportData) -> Section:
    events = Table(
        ["Event", "Roles", "Events", "Share of events", "Users"],
        [
            [
                Code(str(r["event_name"])),
                str(r.get("event_roles") or DASH),
                count(r.get("events")),
                pct(r.get("share_of_events")),
                count(r.get("active_users")),
            ]
            for r in data.table("report_event_counts")
        ],
        ["l", "l", "r", "r", "r"],
    )
    versions_rows = data.table("report_app_versions")
    kept = sum(1 for v in versions_rows if v.get("is_in_scope"))
    versions = Table(
        ["App version", "Events in the window", "In scope", "Events in scope", "Active users"],
        [
            [
                str(v["app_version"]),
                count(v.get("window_events")),
                "yes" if v.get("is_in_scope") else "no",
                count(v.get("scope_events")) if v.get("is_in_scope") else DASH,
                count(v.get("active_users")) if v.get("is_in_scope") else DASH,
            ]
            for v in versions_rows
        ],
        ["l", "r", "l", "r", "r"],
    )
    return Section(
        "Events and versions",
        "events",
        [
            Subheading(
                f"Event counts by name ({plural(len(data.table('report_event_counts')), 'event name')})"
            ),
            events,
            Subheading(
                f"Version counts ({plural(len(versions_rows), 'app version')} in the window, {kept} in scope)"
            ),
            versions,
        ],
    )


# --------------------------------------------------------------------------- breakdowns


def breakdowns_section(data: ReportData) -> Section:
    s = data.one("report_summary")
    action = _workflow_name(s)
    min_sample = data.scope.effective_min_sample
    rows = data.table("report_breakdowns")
    blocks: list[Any] = [
        Paragraph(
            [
                "Riskiest first: groups with enough sample ranked by the lower bound of the 95% "
                "Wilson interval of the ",
                Code(action),
                f" failure rate, never by the raw rate of a small group; small groups "
                f"(fewer than {min_sample} starts) follow them.",
            ]
        )
    ]
    if not data.table("report_app_versions"):
        blocks.append(
            Paragraph(
                f"No event in scope carries an app version ({source_line(data)} records none here):"
                " the version breakdowns and release health have nothing to compare."
            )
        )
    for dimension, label in DIMENSIONS:
        dim_rows = [r for r in rows if r.get("dimension") == dimension]
        blocks.append(Subheading(f"By {label}"))
        if not dim_rows:
            blocks.append(Paragraph("No rows."))
            continue
        shown = dim_rows[:BREAKDOWN_ROWS]
        blocks.append(
            Table(
                [
                    label,
                    "Starts",
                    "Failures",
                    "Workflow failure rate (95% CI)",
                    "Sample",
                    "Users",
                    "Affected users",
                    "Events",
                    "Failure events",
                    "Raw error rate",
                ],
                [
                    [
                        str(r["dimension_value"]),
                        count(r.get("primary_starts")),
                        count(r.get("primary_failures")),
                        interval(
                            r.get("workflow_failure_rate"),
                            r.get("workflow_failure_rate_low"),
                            r.get("workflow_failure_rate_high"),
                        ),
                        "small" if r.get("small_sample") else "ok",
                        count(r.get("active_users")),
                        f"{count(r.get('affected_users'))} ({pct(r.get('affected_user_share'))})",
                        count(r.get("events")),
                        count(r.get("failure_events")),
                        pct(r.get("raw_error_rate")),
                    ]
                    for r in shown
                ],
                ["l", "r", "r", "r", "l", "r", "r", "r", "r", "r"],
            )
        )
        if len(dim_rows) > len(shown):
            rest = dim_rows[len(shown) :]
            blocks.append(
                Paragraph(
                    f"{plural(len(rest), 'more value')} not shown (lower risk): "
                    f"{count(sum(int(r.get('events') or 0) for r in rest))} events, "
                    f"{count(sum(int(r.get('primary_failures') or 0) for r in rest))} failures."
                )
            )
        if dimension == "os_name":
            chart_rows = [r for r in dim_rows if r.get("primary_starts")]
            blocks.append(
                Chart(
                    "os",
                    f"{action} failure rate by OS name, with 95% Wilson intervals",
                    chart_rows,
                    {"overall": s.get("workflow_failure_rate")},
                )
            )
    return Section("Breakdowns", "breakdowns", blocks)


# --------------------------------------------------------------------------- lifecycle, daily


def lifecycle_section(data: ReportData) -> Section:
    rows = data.table("report_action_lifecycle")
    if not rows:
        return Section("Action lifecycle", "lifecycle", [Paragraph("No action attempts in scope.")])
    table = Table(
        [
            "Action",
            "Attempts",
            "Succeeded",
            "Failed",
            "Abandoned (crash proxy)",
            "Failure rate of attempts (95% CI)",
            "Outcomes that closed no start",
            "Median duration",
        ],
        [
            [
                Code(str(r["action"])),
                _attempts_text(r),
                count(r.get("successes")),
                count(r.get("failures")),
                f"{count(r.get('abandoned'))} ({pct(r.get('abandoned_rate'))})"
                if r.get("rate_basis") == "starts"
                else DASH,
                interval(r.get("failure_rate"), r.get("failure_rate_low"), r.get("failure_rate_high"))
                + (" (small)" if r.get("small_sample") and r.get("attempts") else ""),
                count(r.get("orphans")) if r.get("rate_basis") != "outcomes" else DASH,
                seconds(r.get("median_duration_seconds")),
            ]
            for r in rows
        ],
        ["l", "r", "r", "r", "r", "r", "r", "r"],
    )
    return Section(
        "Action lifecycle",
        "lifecycle",
        [
            table,
            Note(
                "Each start is paired with its outcome; abandoned = no outcome within the "
                "timeout (the crash proxy). An action without start events (a one-event "
                "lifecycle) has outcomes only: each is an attempt, and its rate is over "
                "outcomes. Outcomes that closed no start (their start fell before the window "
                "or was never sent) are counted apart and are in no rate."
            ),
        ],
    )


def _attempts_text(r: Row) -> str:
    if r.get("rate_basis") == "starts":
        return plural(r.get("starts"), "start")
    if r.get("rate_basis") == "outcomes":
        return f"{plural(r.get('attempts'), 'outcome')} (no start event)"
    return "0"


def daily_section(data: ReportData) -> Section:
    rows = data.table("report_daily")
    s = data.one("report_summary")
    table = Table(
        [
            "Day (UTC)",
            "Events",
            "Users",
            "Affected users",
            "Raw error rate",
            "Runtime error rate",
            "Workflow failure rate",
            "Starts",
        ],
        [
            [
                day(r["event_date"]) + ("†" if r.get("is_partial_day") else ""),
                count(r.get("events")),
                count(r.get("active_users")),
                count(r.get("affected_users")),
                pct(r.get("raw_error_rate")),
                pct(r.get("runtime_error_rate")),
                pct(r.get("workflow_failure_rate")),
                count(r.get("primary_starts")),
            ]
            for r in rows
        ],
        ["l", "r", "r", "r", "r", "r", "r", "r"],
    )
    return Section(
        "Daily trend",
        "daily",
        [
            table,
            Chart(
                "daily",
                "Raw, runtime and workflow failure rate per UTC day",
                rows,
                {"action": _workflow_name(s)},
            ),
            Note("† A partial day: the window cuts it, so its rates rest on fewer events."),
        ],
    )


# --------------------------------------------------------------------------- buckets


#: Versions shown per bucket in the bucket table (the newest; older ones are summed up).
BUCKET_VERSIONS = 4


def _versions_text(rows: list[Row]) -> str:
    """A bucket's failures per app version in scope, oldest first, the newest few only."""
    shown = rows[-BUCKET_VERSIONS:]
    parts = [
        f"{r['app_version']}: {count(r.get('failure_events'))} ({pct(r.get('failures_per_start'))})"
        for r in shown
    ]
    if len(rows) > len(shown):
        parts.insert(
            0,
            f"{plural(len(rows) - len(shown), 'older version')}: "
            f"{count(sum(int(r.get('failure_events') or 0) for r in rows[:-BUCKET_VERSIONS]))}",
        )
    return " · ".join(parts) if parts else DASH


def _seen_text(r: Row) -> str:
    first, last = day(r.get("first_seen")), day(r.get("last_seen"))
    return first if first == last else f"{first} → {last}"


def buckets_section(data: ReportData) -> Section:
    rows = data.table("report_issue_buckets")
    if not rows:
        return Section(
            "Top issue buckets",
            "buckets",
            [
                Paragraph("No failures in scope."),
                Chart("pareto", "Issue buckets by failure events (Pareto)", []),
            ],
        )
    by_bucket: dict[str, list[Row]] = {}
    for v in data.table("report_issue_bucket_versions"):
        by_bucket.setdefault(str(v["issue_bucket"]), []).append(v)
    shown = rows[:BUCKET_ROWS]
    table = Table(
        [
            "#",
            "Bucket",
            "Class",
            "Failure events",
            "Share of failures",
            "Affected users",
            "Seen (UTC)",
            "Failures by version (per start), oldest first",
            "Versions say",
            "OS",
            "Example (redacted)",
        ],
        [
            [
                count(r.get("bucket_rank")),
                str(r["issue_bucket"]),
                Code(str(r.get("failure_class") or "unclassified")),
                count(r.get("failure_events")),
                pct(r.get("share_of_failures")),
                count(r.get("affected_users")),
                _seen_text(r),
                _versions_text(by_bucket.get(str(r["issue_bucket"]), [])),
                _trend_text(r, short=True) or DASH,
                str(r.get("os_families") or DASH),
                [Code(one_line(r["example_message_redacted"]))]
                if r.get("example_message_redacted")
                else "(no message)",
            ]
            for r in shown
        ],
        ["r", "l", "l", "r", "r", "r", "l", "l", "l", "l", "l"],
        key_columns=2,
    )
    blocks: list[Any] = [table]
    if len(rows) > len(shown):
        rest = rows[len(shown) :]
        blocks.append(
            Paragraph(
                f"{plural(len(rest), 'more bucket')} not shown: "
                f"{plural(sum(int(r.get('failure_events') or 0) for r in rest), 'failure event')}."
            )
        )
    blocks.append(Chart("pareto", "Issue buckets by failure events (Pareto)", rows))
    blocks.append(
        Note(
            [
                "Examples are redacted: user names, paths, e-mails, ids and numbers are replaced "
                "by placeholders such as ",
                Code("<path>"),
                " and ",
                Code("<n>"),
                ". Newest version: ",
                Strong("new"),
                " = never failed on an older version (warehouse-wide) while the previous version "
                "had enough starts to show it; ",
                Strong("regressed"),
                " = back after a version without it; ",
                Strong("gone"),
                " = absent where the previous version's rate would have shown at least 3. Each "
                "is claimed only when those counts hold (kpi_issue_bucket_versions).",
            ]
        )
    )
    return Section("Top issue buckets", "buckets", blocks)


# --------------------------------------------------------------------------- repeats


def repeats_section(data: ReportData) -> Section:
    r = data.one("report_repeat_failures")
    failures = r.get("failure_events") or 0
    if not failures:
        return Section("Repeated failures", "repeats", [Paragraph("No failures in scope.")])
    if not r.get("repeat_failing_users"):
        return Section(
            "Repeated failures",
            "repeats",
            [
                Paragraph(
                    [
                        Strong("No repeats:"),
                        f" each of the {plural(r.get('failing_users'), 'failing user')} failed once; "
                        "the raw error volume is not driven by a few users.",
                    ]
                )
            ],
        )
    concentrated = (r.get("repeat_failure_share") or 0) >= CONCENTRATED_SHARE and (
        r.get("max_user_failure_events") or 0
    ) >= CONCENTRATED_MAX
    verdict = "A handful of users, much of the volume:" if concentrated else "Repeats, but no concentration:"
    callout: list[Inline] = [
        Strong(verdict),
        f" {count(r.get('repeat_failing_users'))} of {plural(r.get('failing_users'), 'failing user')} "
        f"({pct(r.get('repeat_failing_user_share'))}) failed more than once "
        f"and produced {count(r.get('repeat_failure_events'))} of {plural(failures, 'failure event')} "
        f"({pct(r.get('repeat_failure_share'))}). "
        f"The top 1% of failing users ({plural(r.get('top_1pct_users'), 'user')}) produced "
        f"{count(r.get('top_1pct_failure_events'))} ({pct(r.get('top_1pct_failure_share'))}); "
        f"the top 10 produced {count(r.get('top_10_failure_events'))} "
        f"({pct(r.get('top_10_failure_share'))}). The most by one user: "
        f"{count(r.get('max_user_failure_events'))}.",
    ]
    callout.append(
        f" Called concentrated when users who failed more than once produced "
        f"{pct(CONCENTRATED_SHARE)} of failure events or more and one user failed "
        f"{CONCENTRATED_MAX} times or more: "
        + ("both hold." if concentrated else "not so here, so a few users do not drive the raw error rate.")
    )
    if r.get("repeat_user_input_failure_events"):
        callout.append(
            f" {count(r.get('repeat_user_input_failure_events'))} of the repeaters' failures "
            "were their own input mistakes (class user_input)."
        )
    blocks: list[Any] = [Note(callout)]
    users = data.table("report_repeat_failure_users")
    if users:
        blocks.append(Subheading("Users with the most failures (user-days, by rank)"))
        blocks.append(
            Table(
                [
                    "Rank",
                    "Failure events",
                    "Of them user_input",
                    "Buckets",
                    "Main bucket",
                    "Share of failures",
                    "Cumulative share",
                ],
                [
                    [
                        count(u.get("user_rank")),
                        count(u.get("failure_events")),
                        count(u.get("user_input_failure_events")),
                        count(u.get("issue_buckets")),
                        str(u.get("top_issue_bucket") or DASH),
                        pct(u.get("share_of_failures")),
                        pct(u.get("cumulative_share_of_failures")),
                    ]
                    for u in users
                ],
                ["r", "r", "r", "r", "l", "r", "r"],
            )
        )
    return Section("Repeated failures", "repeats", blocks)


# --------------------------------------------------------------------------- releases


def release_section(data: ReportData) -> Section:
    rows = data.table("report_release_health")
    s = data.one("report_summary")
    if not rows:
        return Section(
            "Release health",
            "releases",
            [
                Paragraph("No events with an app version in scope."),
                Chart("release", f"{_workflow_name(s)} failure rate by app version", []),
            ],
        )
    table = Table(
        [
            "App version",
            "Adoption",
            "Users",
            "Failure-free users",
            "Starts",
            "Workflow failure rate (95% CI)",
            "Abandoned (crash proxy)",
            "Previous version",
            "Regression",
        ],
        [
            [
                str(r["app_version"]),
                pct(r.get("adoption")),
                count(r.get("active_users")),
                f"{count(r.get('failure_free_users'))} ({pct(r.get('failure_free_user_rate'))})",
                count(r.get("primary_starts")) + (" (small)" if r.get("small_sample") else ""),
                interval(
                    r.get("workflow_failure_rate"),
                    r.get("workflow_failure_rate_low"),
                    r.get("workflow_failure_rate_high"),
                ),
                f"{count(r.get('primary_abandoned'))} ({pct(r.get('abandoned_rate'))})",
                str(r.get("previous_app_version") or DASH),
                [Strong("REGRESSION")] if r.get("is_regression") else "no",
            ]
            for r in rows
        ],
        ["l", "r", "r", "r", "r", "r", "r", "l", "l"],
    )
    regressions = [r for r in rows if r.get("is_regression")]
    verdict: Rich = (
        [
            Strong("Regressions: "),
            ", ".join(f"{r['app_version']} (vs {r.get('previous_app_version')})" for r in regressions),
        ]
        if regressions
        else "No regressions: no version's interval lies wholly above the previous version's."
    )
    return Section(
        "Release health",
        "releases",
        [
            table,
            Paragraph(verdict),
            Chart(
                "release",
                f"{_workflow_name(s)} failure rate and failure-free users by app version",
                rows,
            ),
            Note(
                "Adoption = the version's share of active users; failure-free users = users "
                "without any failure event or abandoned attempt (Sentry's crash-free users, an "
                "abandoned attempt standing in for a crash). A regression is flagged "
                "when a version's Wilson lower bound exceeds the previous version's upper bound."
            ),
        ],
    )


# --------------------------------------------------------------------------- fixes


def _trend_text(r: Row, short: bool = False) -> str | None:
    """What the versions in scope did to a bucket, or None when nothing is claimed."""
    if r.get("is_gone_in_latest_version"):
        return f"gone in {r.get('latest_app_version')}" + ("" if short else ": likely fixed there")
    if r.get("regressed_in_latest_app_version"):
        return f"regressed in {r['regressed_in_latest_app_version']}" + (
            "" if short else ": back after a version without it"
        )
    if r.get("new_in_app_version"):
        return f"new in {r['new_in_app_version']}"
    return None


def _fix_item(r: Row) -> Rich:
    kind = (
        "UX fix, class user_input"
        if r.get("is_user_input")
        else str(r.get("failure_class") or "unclassified")
    )
    spared = (
        f"would spare {plural(r.get('affected_users'), 'affected user')} "
        f"({pct(r.get('share_of_affected_users'))} of affected users) and "
        f"{plural(r.get('failure_events'), 'failure event')}"
    )
    if not r.get("is_user_input"):
        spared += f" ({pct(r.get('share_of_runtime_failures'))} of runtime-like failures)"
    item: list[Inline] = [Strong(str(r["issue_bucket"])), f" ({kind}): {spared}"]
    trend = _trend_text(r)
    if trend:
        item += ["; ", Strong(trend)]
    if r.get("os_families"):
        item.append(f"; seen on {r['os_families']}")
    if r.get("app_versions"):
        item.append(f"; app versions {r['app_versions']}")
    item.append(". Code path: ")
    if r.get("likely_code_path"):
        item.append(Code(str(r["likely_code_path"])))
    else:
        item.append("not known (no failure rule names one for this bucket)")
    item.append(". Fix: ")
    item.append(
        str(r["fix_hint"]).rstrip(".") + "."
        if r.get("fix_hint")
        else "read the example messages of this bucket and add a rule for it to seeds/failure_rules.csv."
    )
    return item


def _code_paths_table(data: ReportData) -> Table:
    return Table(
        ["Likely code path", "Buckets", "Failure events", "Runtime-like failures", "Users"],
        [
            [
                [Code(str(r["code_path"]))] if r.get("code_path") else "not known (no rule names one)",
                count(r.get("issue_buckets")),
                count(r.get("failure_events")),
                f"{count(r.get('runtime_failure_events'))} ({pct(r.get('share_of_runtime_failures'))})",
                count(r.get("affected_users")),
            ]
            for r in data.table("report_code_paths")
        ],
        ["l", "r", "r", "r", "r"],
    )


def fixes_section(data: ReportData) -> Section:
    rows = data.table("report_fix_suggestions")
    if not rows:
        return Section(
            "Prioritized fix suggestions",
            "fixes",
            [Paragraph("No failures in scope: nothing to fix.")],
        )
    shown = rows[:FIX_ROWS]
    blocks: list[Any] = [
        Paragraph(
            "By impact: the users each fix would spare (the bucket's affected users), every "
            "class alike, so a UX fix that many users hit ranks with the crashes; among equals, "
            "buckets new or regressed in the newest version first. A bucket the newest version "
            "shows gone comes last: it is likely fixed."
        ),
        Bullets([_fix_item(r) for r in shown], ordered=True, start=1),
    ]
    if len(rows) > len(shown):
        blocks.append(Paragraph(f"{plural(len(rows) - len(shown), 'more bucket')} not listed."))
    if data.table("report_code_paths"):
        blocks += [
            Subheading("Where the failures are: by likely code path"),
            _code_paths_table(data),
            Note(
                "The code path of each failure rule (seeds/failure_rules.csv) up to its first "
                "parenthesis, so one file's buckets add up. Runtime-like = every class but "
                "user_input."
            ),
        ]
    return Section("Prioritized fix suggestions", "fixes", blocks)
