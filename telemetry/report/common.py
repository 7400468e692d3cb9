"""What the report's sections share: the breakdown dimensions, how many rows a table shows,
what each source and identity horizon is called, and the app a report is about."""

from __future__ import annotations

from telemetry.report.data import ReportData

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
