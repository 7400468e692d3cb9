"""What a build depends on, and the record of the builds `telemetry build` ran.

A build's inputs are the landed files (raw.landed_files), the dbt project's files (models,
macros, seeds, tests, analyses, dbt_project.yml, selectors.yml, profiles.yml), the selector
and whether it was a full refresh, plus two marks any other dbt run leaves behind: the run
window's time (`control.ctl_incremental_window`, rebuilt by every build of the daily slice)
and the KPI scope (`intermediate.kpi_scope`, changed by a build with scope vars). When they equal
those of the last build that passed, building again would change nothing.

Builds are recorded in `control.telemetry_builds` (UTC times, selector, fingerprint,
outcome), in the warehouse itself, so the record travels with the data.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from telemetry.sql import sql_literal

PROJECT_FOLDERS = ("models", "macros", "seeds", "tests", "analyses")
PROJECT_FILES = ("dbt_project.yml", "selectors.yml", "profiles.yml")

STATE_DDL = """
create schema if not exists control;
create table if not exists control.telemetry_builds (
    started_at timestamp not null,
    finished_at timestamp not null,
    selector varchar not null,
    full_refresh boolean not null,
    fingerprint varchar not null,
    outcome varchar not null
);
"""

#: Marks other dbt runs leave in the warehouse (each query returns one text, or fails when
#: the relation does not exist yet: then there is no mark).
_MARKS = (
    "select cast(max(computed_at) as varchar) from control.ctl_incremental_window",
    "select string_agg(cast(columns(*) as varchar), '|') from intermediate.kpi_scope",
)


@dataclass(frozen=True)
class LastBuild:
    finished_at: datetime
    fingerprint: str


def project_digest(root: Path) -> str:
    """SHA-256 over the dbt project's files (paths and contents, in a stable order)."""
    digest = hashlib.sha256()
    paths = [root / name for name in PROJECT_FILES if (root / name).is_file()]
    for folder in PROJECT_FOLDERS:
        paths += sorted(p for p in (root / folder).rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    for path in paths:
        if path.suffix == ".py" and "tests" in path.relative_to(root).parts[:1]:
            continue  # pytest files are not part of the dbt project
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def warehouse_digest(con: duckdb.DuckDBPyConnection) -> str:
    """SHA-256 over the landed files and the marks other dbt runs leave."""
    parts = []
    try:
        parts.append(
            con.execute(
                "select count(*) || '|' || coalesce(string_agg(file_checksum, ',' order by file_checksum), '')"
                " from raw.landed_files"
            ).fetchone()[0]
        )
    except duckdb.CatalogException:
        parts.append("no landed files")
    for sql in _MARKS:
        try:
            parts.append(str(con.execute(sql).fetchone()[0]))
        except (duckdb.CatalogException, duckdb.BinderException):
            parts.append("none")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def fingerprint(con: duckdb.DuckDBPyConnection, project_dir: Path, selector: str, full_refresh: bool) -> str:
    text = f"{selector}|{full_refresh}|{project_digest(project_dir)}|{warehouse_digest(con)}"
    return hashlib.sha256(text.encode()).hexdigest()


def last_passing_build(con: duckdb.DuckDBPyConnection) -> LastBuild | None:
    try:
        row = con.execute(
            "select finished_at, fingerprint from control.telemetry_builds"
            " where outcome = 'passed' order by finished_at desc limit 1"
        ).fetchone()
    except duckdb.CatalogException:
        return None
    return LastBuild(row[0], row[1]) if row else None


def record_build(
    con: duckdb.DuckDBPyConnection,
    *,
    started_at: datetime,
    finished_at: datetime,
    selector: str,
    full_refresh: bool,
    fingerprint_after: str,
    outcome: str,
) -> None:
    """Append one build to control.telemetry_builds (times are naive UTC)."""
    con.execute(STATE_DDL)
    values = ", ".join(
        [
            sql_literal(started_at.isoformat(sep=" ")),
            sql_literal(finished_at.isoformat(sep=" ")),
            sql_literal(selector),
            "true" if full_refresh else "false",
            sql_literal(fingerprint_after),
            sql_literal(outcome),
        ]
    )
    con.execute(f"insert into control.telemetry_builds values ({values})")
