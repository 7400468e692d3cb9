"""The reliability sections: headline rates, users, events and versions, breakdowns with
intervals, the action lifecycle and the daily trend. Picks and words numbers from the
report analyses; computes none."""

from __future__ import annotations

from typing import Any

from telemetry.report.common import BREAKDOWN_ROWS, DIMENSIONS, IDENTITY, USER_DAYS_NOTE, app_row, source_line
from telemetry.report.data import ReportData, Row
from telemetry.report.document import (
    DASH,
    Chart,
    Code,
    Note,
    Paragraph,
    Section,
    Subheading,
    Table,
    count,
    day,
    interval,
    pct,
    plural,
    seconds,
)
from telemetry.report.overview import workflow_name

# --------------------------------------------------------------------------- rates, users


def rates_section(data: ReportData) -> Section:
    s = data.one("report_summary")
    action = workflow_name(s)
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
    action = workflow_name(s)
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
                {"action": workflow_name(s)},
            ),
            Note("† A partial day: the window cuts it, so its rates rest on fewer events."),
        ],
    )
