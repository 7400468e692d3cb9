"""The report's product section (kpi-definitions.md, "Product KPIs"): activity, engagement,
feature adoption and funnels of the app the warehouse holds, from the product analyses.
Like the other section modules it picks and words numbers; none is computed here."""

from __future__ import annotations

from telemetry.report.data import ReportData, Row
from telemetry.report.document import (
    DASH,
    Block,
    Chart,
    Code,
    Note,
    Paragraph,
    Rich,
    Section,
    Subheading,
    Table,
    count,
    day,
    interval,
    pct,
    plural,
    seconds,
    timestamp,
)

#: Days shown in the activity table (the newest); the rest are in the week and month lines.
ACTIVITY_ROWS = 14
#: Values shown per breakdown prop; the rest are counted below the table.
BREAKDOWN_VALUES = 8

HORIZON_NOTE = (
    "Aptabase user ids rotate daily (identity horizon: one user-day), so daily active users "
    "are exact, a week's or month's figure is the average of its days, never distinct ids, "
    "and every user count over several days counts user-days. Retention and lifecycle (new, "
    "returning, resurrecting, dormant users) need ids that outlive a day: they cannot be "
    "computed from these ids. New installs (users who fired an install marker) stand beside "
    "daily actives instead."
)


def product_section(data: ReportData) -> Section:
    """Section "Product": activity and segments always; engagement, adoption and funnels
    when the app's seed rows define them."""
    activity = data.table("report_product_activity")
    app = activity[0].get("app") if activity else None
    horizon = activity[0].get("identity_horizon") if activity else "user_day"
    blocks: list[Block] = [Paragraph(_app_line(app, horizon))]
    if horizon == "user_day":
        blocks.append(Note(HORIZON_NOTE))
    blocks += _activity_blocks(data)
    defined = [
        _engagement_blocks(data),
        _adoption_blocks(data),
        _funnel_blocks(data),
    ]
    for part in defined:
        blocks += part
    if not any(defined):
        blocks.append(Paragraph(_nothing_defined(app)))
    blocks += _segment_blocks(data)
    return Section("Product: activity, engagement, adoption, funnels, segments", "product", blocks)


def _app_line(app: object, horizon: object) -> Rich:
    if app is None:
        return [
            "The warehouse's app is unknown (no landed file named it): land its exports with ",
            Code("telemetry land --app NAME"),
            " to pick its rows of the product seeds.",
        ]
    return ["App ", Code(str(app)), f"; identity horizon: {str(horizon).replace('_', '-')}."]


def _nothing_defined(app: object) -> Rich:
    return [
        "No engagement events, features or funnels are defined for ",
        Code(str(app)) if app is not None else "an unknown app",
        ": add its rows to ",
        Code("seeds/product_events.csv"),
        ", ",
        Code("seeds/feature_events.csv"),
        " and ",
        Code("seeds/funnel_steps.csv"),
        ".",
    ]


def product_findings(data: ReportData) -> list[Rich]:
    """Key findings of the product section: the primary engagement event and each funnel's
    end-to-end conversion with its biggest drop."""
    items: list[Rich] = []
    primary = next((r for r in data.table("report_product_engagement") if r.get("is_primary")), None)
    if primary and primary.get("events"):
        per_user = primary.get("events_per_user_day")
        items.append(
            [
                Code(str(primary["event_name"])),
                f" (primary metric): {count(primary.get('events'))} events, "
                f"{DASH if per_user is None else f'{float(per_user):.1f}'} per user-day that sent it, "
                f"sent on {pct(primary.get('active_user_share'))} of active user-days.",
            ]
        )
    rows = data.table("report_product_funnels")
    for funnel in dict.fromkeys(r["funnel"] for r in rows):
        steps = [r for r in rows if r["funnel"] == funnel]
        entered, last = steps[0].get("users_reached"), steps[-1]
        if not entered or len(steps) < 2:
            continue
        drop = max(steps[1:], key=lambda r: r.get("dropped_users") or 0)
        before = steps[int(drop["step_order"]) - 2]
        text = (
            f"Funnel {funnel}: {pct(last.get('conversion_from_start'))} of {count(entered)} entered user-days "
            f"reached {last['step_name']} the same day"
        )
        if drop.get("dropped_users"):
            text += (
                f"; the biggest drop is {before['step_name']} → {drop['step_name']} "
                f"({count(drop.get('dropped_users'))} user-days"
                + (
                    f"; {count(drop.get('skipped_users'))} user-days skipped that step"
                    if drop.get("skipped_users")
                    else ""
                )
                + ")"
            )
        items.append(text + ".")
    return items


# --------------------------------------------------------------------------- activity


def _activity_blocks(data: ReportData) -> list[Block]:
    rows = data.table("report_product_activity")
    if not rows:
        return []
    primary = rows[0].get("primary_event")
    headers = ["Day (UTC)", "Events", "Active users", "Sessions", "New installs", "Launches"]
    if primary:
        headers += [f"{primary}", "Senders (share of active)"]
    shown = rows[-ACTIVITY_ROWS:]
    table_rows: list[list[Rich]] = []
    for r in shown:
        cells: list[Rich] = [
            day(r["day"]) + ("†" if r.get("is_partial_day") else ""),
            count(r.get("events")),
            count(r.get("active_users")),
            count(r.get("sessions")),
            count(r.get("new_installs")),
            count(r.get("launches")),
        ]
        if primary:
            cells += [
                count(r.get("primary_events")),
                f"{count(r.get('primary_users'))} ({pct(r.get('primary_active_user_share'))})",
            ]
        table_rows.append(cells)
    blocks: list[Block] = [
        Subheading("Activity"),
        Table(headers, table_rows, ["l"] + ["r"] * (len(headers) - 1)),
    ]
    notes = ["† A partial day: the window cuts it."]
    if len(rows) > len(shown):
        notes.append(f"The {len(rows) - len(shown)} earlier days are in the week and month averages.")
    if rows[0].get("new_installs") is None:
        notes.append(
            "No install marker is defined for the app (seeds/product_events.csv), so new installs are unknown."
        )
    blocks.append(Note(" ".join(notes)))
    periods = data.table("report_product_periods")
    if periods:
        blocks.append(Paragraph(_periods_text(periods)))
    return blocks


def _periods_text(periods: list[Row]) -> str:
    parts = []
    for p in periods:
        name = "month of" if p["period"] == "month" else "week of"
        partial = ", partial" if p.get("is_partial_period") else ""
        parts.append(
            f"{name} {day(p['period_start'])}: {float(p['avg_daily_active_users']):,.1f} "
            f"(over {count(p.get('days_with_events'))} days{partial})"
        )
    return "Average daily active users: " + "; ".join(parts) + "."


# --------------------------------------------------------------------------- engagement


def _engagement_blocks(data: ReportData) -> list[Block]:
    rows = data.table("report_product_engagement")
    if not rows:
        return []
    table = Table(
        ["Engagement event", "Events", "User-days", "Share of active user-days", "Events per user-day"],
        [
            [
                [Code(r["event_name"]), " (primary)" if r.get("is_primary") else ""],
                count(r.get("events")),
                count(r.get("user_days")),
                pct(r.get("active_user_share")),
                DASH if r.get("events_per_user_day") is None else f"{float(r['events_per_user_day']):.1f}",
            ]
            for r in rows
        ],
        ["l", "r", "r", "r", "r"],
    )
    return [Subheading("Engagement"), table, *_breakdown_blocks(data)]


def _breakdown_blocks(data: ReportData) -> list[Block]:
    rows = data.table("report_product_breakdowns")
    if not rows:
        return []
    k = rows[0].get("min_group_users")
    blocks: list[Block] = []
    for event in dict.fromkeys(r["event_name"] for r in rows):
        table_rows: list[list[Rich]] = []
        hidden = 0
        for prop in dict.fromkeys(r["prop_key"] for r in rows if r["event_name"] == event):
            values = [r for r in rows if r["event_name"] == event and r["prop_key"] == prop]
            for r in values[:BREAKDOWN_VALUES]:
                table_rows.append(_breakdown_row(r, k))
            hidden += max(0, len(values) - BREAKDOWN_VALUES)
        blocks.append(
            Table(
                [f"{event} by", "Value", "Events", "Share", "User-days", "Events per user-day"],
                table_rows,
                ["l", "l", "r", "r", "r", "r"],
                key_columns=2,
            )
        )
        if hidden:
            blocks.append(
                Paragraph(
                    f"{plural(hidden, 'less frequent value')} of {event} not shown (all are in the JSON)."
                )
            )
    blocks.append(
        Note(
            f"A value sent by fewer than {k} users (user-days) is never shown as a number "
            "(k-anonymity, --min-group-users)."
        )
    )
    return blocks


def _breakdown_row(r: Row, k: object) -> list[Rich]:
    if r.get("suppressed"):
        return [Code(r["prop_key"]), Code(r["prop_value"]), f"fewer than {k} users", DASH, DASH, DASH]
    per_user = r.get("events_per_user")
    return [
        Code(r["prop_key"]),
        Code(r["prop_value"]),
        count(r.get("events")),
        pct(r.get("share_of_events")),
        count(r.get("users")),
        DASH if per_user is None else f"{float(per_user):.1f}",
    ]


# --------------------------------------------------------------------------- adoption


def _adoption_blocks(data: ReportData) -> list[Block]:
    rows = data.table("report_product_features")
    if not rows:
        return []
    table = Table(
        ["Feature", "Adoption (95% interval)", "User-days", "First used", "Last used", "By app version"],
        [
            [
                r["feature"],
                interval(r.get("adoption_rate"), r.get("adoption_rate_low"), r.get("adoption_rate_high")),
                f"{count(r.get('adopting_users'))} of {count(r.get('active_users'))}",
                timestamp(r.get("first_seen")),
                timestamp(r.get("last_seen")),
                r.get("by_version") or DASH,
            ]
            for r in rows
        ],
        ["l", "r", "r", "l", "l", "l"],
    )
    return [
        Subheading("Feature adoption"),
        table,
        Note(
            "Adoption = user-days with the feature's event over active user-days (ids rotate "
            "daily: who used it ever cannot be counted). By app version: the newest first."
        ),
    ]


# --------------------------------------------------------------------------- funnels


def _funnel_blocks(data: ReportData) -> list[Block]:
    rows = data.table("report_product_funnels")
    blocks: list[Block] = []
    for funnel in dict.fromkeys(r["funnel"] for r in rows):
        steps = [r for r in rows if r["funnel"] == funnel]
        blocks += [
            Subheading(f"Funnel: {funnel}"),
            Table(
                [
                    "#",
                    "Step",
                    "Reached",
                    "From start",
                    "From previous",
                    "Dropped",
                    "Median time",
                    "Viewed",
                    "Skipped",
                ],
                [
                    [
                        str(r["step_order"]),
                        r["step_name"],
                        count(r.get("users_reached")),
                        pct(r.get("conversion_from_start")),
                        pct(r.get("conversion_from_previous")),
                        count(r.get("dropped_users")),
                        seconds(r.get("median_seconds_from_previous")),
                        count(r.get("viewed_users")),
                        count(r.get("skipped_users")),
                    ]
                    for r in steps
                ],
                ["r", "l", "r", "r", "r", "r", "r", "r", "r"],
                key_columns=2,
            ),
            Chart("funnel", f"Funnel {funnel}: user-days reaching each step in order", steps),
        ]
    if blocks:
        blocks.append(
            Note(
                "A user-day reaches a step when it fired every earlier step first on the same UTC "
                "day (ids rotate daily: steps taken on a later day are not followed); steps in one "
                "second count in order. Viewed and skipped count user-days with the "
                "step's event or skip event in any order; median time is from the step before."
            )
        )
    return blocks


# --------------------------------------------------------------------------- segments


def _segment_blocks(data: ReportData) -> list[Block]:
    rows = data.table("report_product_segments")
    if not rows:
        return []
    k = rows[0].get("min_group_users")
    funnel = next((r["funnel"] for r in rows if r.get("funnel")), None)
    last_step = next((r["funnel_last_step"] for r in rows if r.get("funnel_last_step")), None)
    blocks: list[Block] = [Subheading("Segments")]
    # in the analysis's order: prop dimensions (a RAM tier) first
    dimensions = list(dict.fromkeys(r["dimension"] for r in rows))
    # an app without start events (Osaurus sends none) has no workflow rate to split
    with_rates = any(r.get("primary_starts") for r in rows)
    for dimension in dimensions:
        headers = [dimension, "User-days", "New installs", "Primary per user-day", "Share sending it"]
        if funnel:
            headers.append(f"{funnel}: entered → {last_step}")
        if with_rates:
            headers.append("Workflow failure rate (95% interval)")
        table_rows = [
            _segment_row(r, k, funnel is not None, with_rates) for r in rows if r["dimension"] == dimension
        ]
        blocks.append(Table(headers, table_rows, ["l"] + ["r"] * (len(headers) - 1)))
    blocks.append(
        Note(
            f"A segment of fewer than {k} user-days shows no numbers (k-anonymity, --min-group-users). "
            "An event counts in the segment its own value says; a funnel user-day in the one its "
            "entry event said."
        )
    )
    return blocks


def _segment_row(r: Row, k: object, with_funnel: bool, with_rates: bool) -> list[Rich]:
    if r.get("suppressed"):
        cells: list[Rich] = [Code(r["segment_value"]), f"fewer than {k}", DASH, DASH, DASH]
        return cells + [DASH] * (int(with_funnel) + int(with_rates))
    per_user = r.get("primary_events_per_active_user")
    cells = [
        Code(r["segment_value"]),
        count(r.get("active_users")),
        count(r.get("new_installs")),
        DASH if per_user is None else f"{float(per_user):.1f}",
        pct(r.get("primary_active_user_share")),
    ]
    if with_funnel:
        entered = r.get("funnel_entered_users")
        if r.get("funnel_suppressed"):
            cells.append(f"fewer than {k} entered")
        else:
            cells.append(
                DASH if entered is None else f"{pct(r.get('funnel_conversion'))} of {count(entered)}"
            )
    if with_rates:
        rate = interval(
            r.get("workflow_failure_rate"),
            r.get("workflow_failure_rate_low"),
            r.get("workflow_failure_rate_high"),
        )
        cells.append(
            f"{rate} of {count(r.get('primary_starts'))} starts" if r.get("primary_starts") else DASH
        )
    return cells
