"""The HTML report's charts, drawn as inline SVG from the analyses' rows (no script, no
library, no network). Every data mark (bar, point) has class `mark` and a `<title>` that
reads as a tooltip; intervals are drawn as whiskers.

    os_chart(rows, overall)      failure rate by OS name with 95% interval bars
    daily_chart(rows, action)    raw, runtime and workflow failure rate per day
    pareto_chart(rows)           failure events per issue bucket + cumulative share
    release_chart(rows)          workflow failure rate per app version with intervals
    funnel_chart(rows)           user-days reaching each funnel step in order, views behind
"""

from __future__ import annotations

import math
from html import escape
from typing import Any

from telemetry.report.document import count, day, interval, is_missing, pct

WIDTH = 760
FONT = 12
CLASS_COLORS = {
    "runtime": "#c0392b",
    "environment": "#8e44ad",
    "upstream": "#d68910",
    "user_input": "#7f8c8d",
    "unclassified": "#6d4c41",
}
SERIES = (
    ("raw_error_rate", "Raw error rate", "#2471a3"),
    ("runtime_error_rate", "Runtime error rate", "#c0392b"),
    ("workflow_failure_rate", "Workflow failure rate", "#1e8449"),
)
BAR = "#2e86c1"
BAR_SMALL = "#aed6f1"
REGRESSION = "#c0392b"


def _num(value: Any) -> float | None:
    return None if is_missing(value) else float(value)


def _nice_max(value: float, cap: float | None = 1.0) -> float:
    """A round axis maximum at or above `value` (rates: 1%, 2%, 5%, 10%, ... steps)."""
    if value <= 0:
        return 0.1 if cap == 1.0 else 1.0
    exponent = math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        candidate = step * 10**exponent
        if candidate >= value - 1e-12:
            return min(candidate, cap) if cap is not None else candidate
    return cap if cap is not None else value


def _ticks(maximum: float, n: int = 5) -> list[float]:
    return [maximum * i / n for i in range(n + 1)]


def _svg(width: int, height: int, label: str, body: list[str]) -> str:
    return (
        f'<svg class="chart-svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg" '
        f'font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="{FONT}">'
        f"<title>{escape(label)}</title>" + "".join(body) + "</svg>"
    )


def _text(x: float, y: float, text: str, anchor: str = "start", cls: str = "", extra: str = "") -> str:
    klass = f' class="{cls}"' if cls else ""
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{klass} {extra}>{escape(text)}</text>'


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def empty_chart(label: str, message: str) -> str:
    return _svg(WIDTH, 60, label, [_text(WIDTH / 2, 34, message, "middle", "empty")])


# --------------------------------------------------------------------------- OS


def os_chart(rows: list[dict[str, Any]], overall: Any, label: str) -> str:
    rows = [r for r in rows if _num(r.get("workflow_failure_rate")) is not None][:15]
    if not rows:
        return empty_chart(label, "No OS with workflow starts in scope")
    left, right, top, row_h = 170, 110, 28, 26
    plot_w = WIDTH - left - right
    height = top + row_h * len(rows) + 40
    # the axis fits the groups with enough sample: a one-start group's 0-100% interval would
    # squeeze every real bar; its marks are cut at the axis end and flagged with ▸
    sampled = [r for r in rows if not r.get("small_sample")] or rows
    high = max(
        _num(r.get("workflow_failure_rate_high")) or _num(r["workflow_failure_rate"]) or 0 for r in sampled
    )
    high = max(high, _num(overall) or 0)
    x_max = _nice_max(high)

    def x(value: float) -> float:
        return left + plot_w * (min(value, x_max) / x_max if x_max else 0)

    body = [_axis_x(x, x_max, top, top + row_h * len(rows))]
    if any(
        max(_num(r["workflow_failure_rate"]) or 0, _num(r.get("workflow_failure_rate_high")) or 0) > x_max
        for r in rows
    ):
        body.append(_text(WIDTH - 4, top - 10, "▸ runs past the axis (small sample)", "end", "legend"))
    for i, r in enumerate(rows):
        y = top + i * row_h
        rate = _num(r["workflow_failure_rate"]) or 0.0
        low, up = (
            _num(r.get("workflow_failure_rate_low")),
            _num(r.get("workflow_failure_rate_high")),
        )
        small = bool(r.get("small_sample"))
        name = str(r["dimension_value"])
        tip = (
            f"{name}: {interval(rate, low, up)} of {count(r.get('primary_starts'))} starts"
            f" ({count(r.get('primary_failures'))} failures)" + (", small sample" if small else "")
        )
        body.append(_text(left - 8, y + row_h / 2 + 4, _short(name, 24), "end", "label"))
        bar_w = max(x(rate) - left, 2.0)
        body.append(
            f'<rect class="mark bar{" small" if small else ""}" data-mark="os" x="{left:.1f}" '
            f'y="{y + 5:.1f}" width="{bar_w:.1f}" height="{row_h - 10:.1f}" '
            f'fill="{BAR_SMALL if small else BAR}"><title>{escape(tip)}</title></rect>'
        )
        if low is not None and up is not None:
            body.append(_whisker_h(x(low), x(up), y + row_h / 2))
        beyond = max(rate, up or 0.0) > x_max + 1e-12
        note = ("▸ " if beyond else "") + f"{pct(rate)}" + (" · small" if small else "")
        body.append(_text(x(up if up is not None else rate) + 6, y + row_h / 2 + 4, note, "start", "value"))
    if _num(overall) is not None:
        ox = x(_num(overall) or 0)
        body.append(
            f'<line class="overall" x1="{ox:.1f}" x2="{ox:.1f}" y1="{top - 6}" '
            f'y2="{top + row_h * len(rows)}" stroke="#555" stroke-dasharray="4 3"/>'
        )
        body.append(_text(ox, top - 10, f"overall {pct(overall)}", "middle", "legend"))
    return _svg(WIDTH, height, label, body)


def _axis_x(x: Any, x_max: float, y_top: float, y_bottom: float) -> str:
    parts = []
    for tick in _ticks(x_max):
        tx = x(tick)
        parts.append(
            f'<line class="grid" x1="{tx:.1f}" x2="{tx:.1f}" y1="{y_top}" y2="{y_bottom}" stroke="#e5e5e5"/>'
        )
        parts.append(_text(tx, y_bottom + 16, pct(tick, 0 if x_max >= 0.1 else 1), "middle", "tick"))
    return "".join(parts)


def _whisker_h(x1: float, x2: float, y: float) -> str:
    return (
        f'<g class="interval" stroke="#1b2631" stroke-width="1.5">'
        f'<line x1="{x1:.1f}" x2="{x2:.1f}" y1="{y:.1f}" y2="{y:.1f}"/>'
        f'<line x1="{x1:.1f}" x2="{x1:.1f}" y1="{y - 5:.1f}" y2="{y + 5:.1f}"/>'
        f'<line x1="{x2:.1f}" x2="{x2:.1f}" y1="{y - 5:.1f}" y2="{y + 5:.1f}"/></g>'
    )


def _whisker_v(x: float, y1: float, y2: float) -> str:
    return (
        f'<g class="interval" stroke="#1b2631" stroke-width="1.5">'
        f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{y1:.1f}" y2="{y2:.1f}"/>'
        f'<line x1="{x - 6:.1f}" x2="{x + 6:.1f}" y1="{y1:.1f}" y2="{y1:.1f}"/>'
        f'<line x1="{x - 6:.1f}" x2="{x + 6:.1f}" y1="{y2:.1f}" y2="{y2:.1f}"/></g>'
    )


def _axis_y(
    y: Any, y_max: float, x_left: float, x_right: float, side: str = "left", percent: bool = True
) -> str:
    parts = []
    for tick in _ticks(y_max):
        ty = y(tick)
        if side == "left":
            parts.append(
                f'<line class="grid" x1="{x_left}" x2="{x_right}" y1="{ty:.1f}" '
                f'y2="{ty:.1f}" stroke="#e5e5e5"/>'
            )
        text = (
            pct(tick, 0 if y_max >= 0.1 else 1)
            if percent
            else f"{tick:,.0f}"
            if y_max >= 5
            else f"{tick:,.1f}"
        )
        if side == "left":
            parts.append(_text(x_left - 6, ty + 4, text, "end", "tick"))
        else:
            parts.append(_text(x_right + 6, ty + 4, text, "start", "tick"))
    return "".join(parts)


# --------------------------------------------------------------------------- daily


def daily_chart(rows: list[dict[str, Any]], action: str, label: str) -> str:
    if not rows:
        return empty_chart(label, "No days in scope")
    left, right, top, bottom = 60, 20, 36, 56
    height = 300
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    values = [_num(r.get(key)) for r in rows for key, _, _ in SERIES]
    y_max = _nice_max(max([v for v in values if v is not None] + [0.0]))
    n = len(rows)

    def x(i: int) -> float:
        return left + (plot_w * (i + 0.5) / n)

    def y(value: float) -> float:
        return top + plot_h * (1 - value / y_max)

    body = [_axis_y(y, y_max, left, WIDTH - right)]
    step = max(1, math.ceil(n / 12))
    for i, r in enumerate(rows):
        if i % step == 0 or i == n - 1:
            text = day(r["event_date"])[5:] + ("*" if r.get("is_partial_day") else "")
            body.append(_text(x(i), top + plot_h + 18, text, "middle", "tick"))
    for key, name, color in SERIES:
        segments: list[list[tuple[float, float]]] = [[]]
        points = []
        for i, r in enumerate(rows):
            value = _num(r.get(key))
            if value is None:
                segments.append([])
                continue
            segments[-1].append((x(i), y(value)))
            series_name = f"{action} failure rate" if key == "workflow_failure_rate" else name.lower()
            tip = f"{day(r['event_date'])}: {series_name} {pct(value)}" + (
                " (partial day)" if r.get("is_partial_day") else ""
            )
            points.append(
                f'<circle class="mark point" data-mark="{key}" cx="{x(i):.1f}" cy="{y(value):.1f}" r="4" '
                f'fill="{"#fff" if r.get("is_partial_day") else color}" stroke="{color}" stroke-width="2">'
                f"<title>{escape(tip)}</title></circle>"
            )
        for segment in segments:
            if len(segment) > 1:
                d = "M" + " L".join(f"{px:.1f},{py:.1f}" for px, py in segment)
                body.append(
                    f'<path class="series-line" data-series="{key}" d="{d}" fill="none" '
                    f'stroke="{color}" stroke-width="2"/>'
                )
        body.extend(points)
    legend_x = left
    for key, name, color in SERIES:
        text = f"{name} ({action})" if key == "workflow_failure_rate" else name
        body.append(f'<rect x="{legend_x}" y="10" width="12" height="12" fill="{color}"/>')
        body.append(_text(legend_x + 16, 20, text, "start", "legend"))
        legend_x += 28 + len(text) * 7
    body.append(_text(WIDTH - right, height - 10, "* partial day (hollow points)", "end", "legend"))
    return _svg(WIDTH, height, label, body)


# --------------------------------------------------------------------------- pareto


def pareto_chart(rows: list[dict[str, Any]], label: str) -> str:
    if not rows:
        return empty_chart(label, "No failures in scope")
    rows = rows[:15]
    left, right, top, bottom = 120, 56, 36, 150
    height = 420
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    events_max = _nice_max(max(float(r.get("failure_events") or 0) for r in rows), cap=None)
    n = len(rows)
    band = plot_w / n

    def y_events(value: float) -> float:
        return top + plot_h * (1 - value / events_max)

    def y_share(value: float) -> float:
        return top + plot_h * (1 - value)

    body = [_axis_y(y_events, events_max, left, WIDTH - right, "left", percent=False)]
    body.append(_axis_y(y_share, 1.0, left, WIDTH - right, "right"))
    title_x = left - 40
    body.append(
        _text(
            title_x,
            top + plot_h / 2,
            "failure events",
            "middle",
            "axis-title",
            f'transform="rotate(-90 {title_x} {top + plot_h / 2:.1f})"',
        )
    )
    line_points = []
    for i, r in enumerate(rows):
        cx = left + band * (i + 0.5)
        events = float(r.get("failure_events") or 0)
        cls = str(r.get("failure_class") or "unclassified")
        color = CLASS_COLORS.get(cls, CLASS_COLORS["unclassified"])
        bar_w = max(band * 0.7, 2.0)
        y0 = y_events(events)
        tip = (
            f"#{r.get('bucket_rank')} {r['issue_bucket']} ({cls}): {count(events)} failure events, "
            f"{count(r.get('affected_users'))} users, {pct(r.get('share_of_failures'))} of failures"
        )
        body.append(
            f'<rect class="mark bar" data-mark="bucket" x="{cx - bar_w / 2:.1f}" y="{y0:.1f}" '
            f'width="{bar_w:.1f}" height="{max(top + plot_h - y0, 1.0):.1f}" fill="{color}">'
            f"<title>{escape(tip)}</title></rect>"
        )
        name = _short(f"{r.get('bucket_rank')}. {r['issue_bucket']}", 26)
        ly = top + plot_h + 12
        body.append(_text(cx, ly, name, "end", "tick", f'transform="rotate(-40 {cx:.1f} {ly:.1f})"'))
        cumulative = _num(r.get("cumulative_share_of_failures"))
        if cumulative is not None:
            line_points.append((cx, y_share(cumulative), cumulative, r))
    if line_points:
        d = "M" + " L".join(f"{px:.1f},{py:.1f}" for px, py, _, _ in line_points)
        body.append(
            f'<path class="series-line" data-series="cumulative" d="{d}" fill="none" '
            f'stroke="#1b2631" stroke-width="2"/>'
        )
        for px, py, value, r in line_points:
            tip = f"cumulative share after #{r.get('bucket_rank')}: {pct(value)}"
            body.append(
                f'<circle class="mark point" data-mark="cumulative" cx="{px:.1f}" cy="{py:.1f}" '
                f'r="3.5" fill="#1b2631"><title>{escape(tip)}</title></circle>'
            )
    legend_x = left
    for cls, color in CLASS_COLORS.items():
        if not any((r.get("failure_class") or "unclassified") == cls for r in rows):
            continue
        body.append(f'<rect x="{legend_x}" y="10" width="12" height="12" fill="{color}"/>')
        body.append(_text(legend_x + 16, 20, cls, "start", "legend"))
        legend_x += 34 + len(cls) * 7
    body.append(
        f'<line x1="{legend_x}" x2="{legend_x + 18}" y1="16" y2="16" stroke="#1b2631" stroke-width="2"/>'
    )
    body.append(_text(legend_x + 22, 20, "cumulative share of failures (right axis)", "start", "legend"))
    return _svg(WIDTH, height, label, body)


# --------------------------------------------------------------------------- releases


def release_chart(rows: list[dict[str, Any]], label: str) -> str:
    rows = rows[-20:]
    if not rows:
        return empty_chart(label, "No app versions in scope")
    left, right, top, bottom = 60, 20, 36, 70
    height = 320
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    highs = [
        _num(r.get("workflow_failure_rate_high")) or _num(r.get("workflow_failure_rate")) or 0.0 for r in rows
    ]
    y_max = _nice_max(max([*highs, 0.0]))
    n = len(rows)
    band = plot_w / n

    def y(value: float) -> float:
        return top + plot_h * (1 - value / y_max)

    body = [_axis_y(y, y_max, left, WIDTH - right)]
    for i, r in enumerate(rows):
        cx = left + band * (i + 0.5)
        rate = _num(r.get("workflow_failure_rate"))
        low, up = (
            _num(r.get("workflow_failure_rate_low")),
            _num(r.get("workflow_failure_rate_high")),
        )
        regression = bool(r.get("is_regression"))
        small = bool(r.get("small_sample"))
        color = REGRESSION if regression else (BAR_SMALL if small else BAR)
        bar_w = min(max(band * 0.5, 4.0), 80.0)
        y0 = y(rate or 0.0)
        tip = (
            f"{r['app_version']}: workflow failure rate {interval(rate, low, up)} of "
            f"{count(r.get('primary_starts'))} starts; adoption {pct(r.get('adoption'))}; "
            f"failure-free users {pct(r.get('failure_free_user_rate'))}"
            + ("; REGRESSION vs " + str(r.get("previous_app_version")) if regression else "")
            + ("; small sample" if small else "")
        )
        body.append(
            f'<rect class="mark bar{" regression" if regression else ""}" data-mark="release" '
            f'x="{cx - bar_w / 2:.1f}" y="{min(y0, top + plot_h - 2):.1f}" width="{bar_w:.1f}" '
            f'height="{max(top + plot_h - y0, 2.0):.1f}" fill="{color}"><title>{escape(tip)}</title></rect>'
        )
        if low is not None and up is not None:
            body.append(_whisker_v(cx, y(up), y(low)))
        body.append(_text(cx, top + plot_h + 16, str(r["app_version"]), "middle", "label"))
        body.append(
            _text(
                cx,
                top + plot_h + 31,
                f"ff {pct(r.get('failure_free_user_rate'))}",
                "middle",
                "tick",
            )
        )
        body.append(_text(cx, top + plot_h + 45, f"adopt. {pct(r.get('adoption'), 0)}", "middle", "tick"))
        if regression:
            body.append(_text(cx, y(up or rate or 0) - 8, "▲ regression", "middle", "alert"))
    body.append(f'<rect x="{left}" y="10" width="12" height="12" fill="{BAR}"/>')
    body.append(_text(left + 16, 20, "workflow failure rate with 95% interval", "start", "legend"))
    body.append(f'<rect x="{left + 290}" y="10" width="12" height="12" fill="{REGRESSION}"/>')
    body.append(_text(left + 306, 20, "regression", "start", "legend"))
    body.append(f'<rect x="{left + 390}" y="10" width="12" height="12" fill="{BAR_SMALL}"/>')
    body.append(_text(left + 406, 20, "small sample · ff = failure-free users", "start", "legend"))
    return _svg(WIDTH, height, label, body)


# --------------------------------------------------------------------------- funnel

VIEWED = "#d6eaf8"


def funnel_chart(rows: list[dict[str, Any]], label: str) -> str:
    """One bar per step, as wide as the share of the entered user-days that reached it in
    order, with a pale bar behind it for the user-days that viewed it in any order."""
    rows = rows[:20]
    entered = _num(rows[0].get("users_reached")) if rows else None
    if not rows or not entered:
        return empty_chart(label, "No user entered this funnel in scope")
    left, right, top, row_h = 150, 150, 34, 30
    plot_w = WIDTH - left - right
    height = top + row_h * len(rows) + 12
    widest = max([entered, *(_num(r.get("viewed_users")) or 0.0 for r in rows)])

    def x(value: float) -> float:
        return left + plot_w * value / widest

    body = [
        f'<rect x="{left}" y="10" width="12" height="12" fill="{BAR}"/>',
        _text(left + 16, 20, "reached in order", "start", "legend"),
        f'<rect x="{left + 150}" y="10" width="12" height="12" fill="{VIEWED}"/>',
        _text(left + 166, 20, "viewed in any order", "start", "legend"),
    ]
    for i, r in enumerate(rows):
        y = top + row_h * i
        reached = _num(r.get("users_reached")) or 0.0
        viewed = _num(r.get("viewed_users")) or 0.0
        tip = (
            f"{r['step_order']}. {r['step_name']}: {count(reached)} reached in order "
            f"({pct(r.get('conversion_from_start'))} of the entered, {pct(r.get('conversion_from_previous'))} "
            f"of the step before), {count(viewed)} viewed"
        )
        body.append(
            f'<rect x="{left}" y="{y:.1f}" width="{max(x(viewed) - left, 1.0):.1f}" height="{row_h - 8}" '
            f'fill="{VIEWED}"/>'
        )
        body.append(
            f'<rect class="mark bar" data-mark="funnel" x="{left}" y="{y:.1f}" '
            f'width="{max(x(reached) - left, 1.0):.1f}" height="{row_h - 8}" fill="{BAR}">'
            f"<title>{escape(tip)}</title></rect>"
        )
        body.append(
            _text(left - 8, y + row_h / 2, _short(f"{r['step_order']}. {r['step_name']}", 22), "end", "label")
        )
        body.append(
            _text(
                max(x(reached), x(viewed)) + 6,
                y + row_h / 2,
                f"{count(reached)} · {pct(r.get('conversion_from_start'), 0)}",
                "start",
                "label",
            )
        )
    return _svg(WIDTH, height, label, body)
