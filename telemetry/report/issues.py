"""What to fix: the top issue buckets, repeated failures, release health and the
prioritized fix suggestions. Picks and words numbers from the report analyses; computes
none."""

from __future__ import annotations

from typing import Any

from telemetry.report.common import BUCKET_ROWS, CONCENTRATED_MAX, CONCENTRATED_SHARE, FIX_ROWS
from telemetry.report.data import ReportData, Row
from telemetry.report.document import (
    DASH,
    Bullets,
    Chart,
    Code,
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
    one_line,
    pct,
    plural,
)
from telemetry.report.overview import workflow_name

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
                Chart("release", f"{workflow_name(s)} failure rate by app version", []),
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
                f"{workflow_name(s)} failure rate and failure-free users by app version",
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
