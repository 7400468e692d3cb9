"""Which app a landed file holds: `telemetry land --app NAME`, else the name Aptabase's
download (and `telemetry export`) gives it, `{app}-{build_mode}-{YYYY-MM-DD}.csv`. A
warehouse holds one app: the product KPIs read the app's seed rows (seeds/*.csv, column
`app`), so a file of another app is refused rather than mixed in."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from telemetry.errors import UserError
from telemetry.sql import sql_literal

#: An app name as the seeds key it: Aptabase's download slug (lower-case letters and digits),
#: `_` and `-` allowed for names given with --app.
APP_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
#: `vibe-release-2026-02-10.csv`, `osaurus-debug-2026-02-10.parquet`, `vibe-release-2026-02-12-partial.csv`.
EXPORT_FILE_NAME = re.compile(r"^(?P<app>[A-Za-z0-9]+)-(?:release|debug)-\d{4}-\d{2}-\d{2}\b")


def checked_app_name(name: str) -> str:
    """`name` lower-cased, or a UserError saying what an app name may hold."""
    app = name.strip().lower()
    if not APP_NAME.match(app):
        raise UserError(
            f"--app {name!r}: an app name is lower-case letters, digits, '_' and '-' (e.g. vibe, osaurus)"
        )
    return app


def app_from_file_name(path: Path) -> str | None:
    """The app an export file's name says (`{app}-{build_mode}-{YYYY-MM-DD}...`), else None."""
    match = EXPORT_FILE_NAME.match(path.name)
    return match.group("app").lower() if match else None


def warehouse_apps(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The apps of the files landed so far (none known: [])."""
    rows = con.execute(
        "select distinct app from raw.landed_files where app is not null order by app"
    ).fetchall()
    return [row[0] for row in rows]


def app_of_file(con: duckdb.DuckDBPyConnection, path: Path, given: str | None) -> str | None:
    """The app `path` lands as (`given` wins over its name); a UserError when the warehouse
    already holds another app's files."""
    app = given or app_from_file_name(path)
    if app is None:
        return None
    others = [held for held in warehouse_apps(con) if held != app]
    if others:
        said = "--app says" if given else "its name says"
        raise UserError(
            f"{path}: {said} app {app!r} but this warehouse holds {others[0]!r}:"
            " land each app into its own warehouse (--db)"
        )
    return app


def app_literal(app: str | None) -> str:
    """`app` as a SQL literal (null when unknown)."""
    return "null" if app is None else sql_literal(app)


def app_of_unnamed_export(con: duckdb.DuckDBPyConnection, path: Path, given: str | None, kind: str) -> str:
    """The app of a file that does not name it (a PostHog or OTLP export): `given` (--app),
    else the one app the warehouse already holds; a UserError asking for --app otherwise."""
    if given is None:
        held = warehouse_apps(con)
        if len(held) != 1:
            raise UserError(
                f"{path}: {kind} does not name its app: give --app NAME (the seeds' app key, e.g. reverbcode)"
            )
        given = held[0]
    app = app_of_file(con, path, given)
    assert app is not None  # given is not None
    return app
