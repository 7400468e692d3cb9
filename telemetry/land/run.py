"""Land files of any source into DuckDB schema `raw`, exactly once.

    land_paths(paths, db_path, *, echo=print) -> LandReport

Each file goes to the source that recognises it (telemetry/sources/); a file whose checksum
was landed before is skipped; a file that cannot land is named with why, nothing of it
lands, and every other file still does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import duckdb

from telemetry.errors import UserError, exception_line
from telemetry.land.paths import expand_paths
from telemetry.land.summary import FileResult, LandReport, file_line, total_line
from telemetry.sources import LandRequest, source_of
from telemetry.sources.bounds import TimeBounds
from telemetry.warehouse import file_checksum, open_warehouse

DEFAULT_BOUNDS = TimeBounds()


def land_paths(
    paths: Sequence[str | Path],
    db_path: Path,
    *,
    bounds: TimeBounds = DEFAULT_BOUNDS,
    wait_seconds: float = 0,
    echo: Callable[[str], None] = print,
    app: str | None = None,
    install_id: str | None = None,
) -> LandReport:
    """Land every file named by `paths` (files, folders, globs) into `db_path`; rows whose
    time is outside `bounds` are rejected. `app` (--app) and `install_id` (--install-id)
    are passed to each file's source. A file that cannot land is named and skipped (nothing
    of it lands); after every other file has landed, a UserError says how many could not."""
    files = expand_paths(paths)
    report = LandReport()
    con = open_warehouse(db_path, wait_seconds, echo)
    try:
        for number, path in enumerate(files, start=1):
            try:
                result = land_file(con, path, bounds, app, install_id)
            except UserError as exc:
                report.failed.append((path, str(exc).removeprefix(f"{path}: ")))
                echo(f"[{number}/{len(files)}] {path}: could not land it: {report.failed[-1][1]}")
                continue
            report.files.append(result)
            echo(file_line(result, number, len(files)))
        con.execute("checkpoint")
    finally:
        con.close()
    echo(total_line(report))
    if report.failed:
        for path, reason in report.failed:
            echo(f"could not land {path}: {reason}")
        others = "; every other file landed" if len(report.failed) < len(files) else ""
        if len(report.failed) == 1:
            path, reason = report.failed[0]
            raise UserError(f"{path}: {reason} (nothing of it landed{others})")
        raise UserError(
            f"{len(report.failed)} of {len(files)} files could not land, nothing of them landed"
            f" (listed above{others})"
        )
    return report


def land_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    bounds: TimeBounds = DEFAULT_BOUNDS,
    app: str | None = None,
    install_id: str | None = None,
) -> FileResult:
    """Land one file through its source; a UserError (naming the file) when it cannot land:
    nothing of it is written then."""
    source = source_of(path)
    try:
        checksum = file_checksum(path)
    except OSError as exc:
        raise UserError(f"{path}: cannot read it ({exc.strerror or exc})") from None
    request = LandRequest(path, checksum, bounds, app, install_id)
    try:
        return source.land(con, request)
    except duckdb.Error as exc:
        raise UserError(f"{path}: could not land it ({exception_line(exc)})") from None
