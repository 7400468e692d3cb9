"""ReverbCode's `ao.db` (placeholder while the source is written)."""

from __future__ import annotations

import duckdb

from telemetry.errors import UserError
from telemetry.land.summary import FileResult
from telemetry.sources import LandRequest, Source

SQLITE_MAGIC = b"SQLite format 3\x00"


def _land(con: duckdb.DuckDBPyConnection, request: LandRequest) -> FileResult:
    raise UserError(f"{request.path}: ReverbCode databases cannot land yet")


SOURCE = Source(
    name="reverbcode",
    identity_horizon="install",
    expects="a ReverbCode SQLite database (ao.db)",
    in_folder=lambda path: path.suffix.lower() in {".db", ".sqlite", ".sqlite3"},
    prepare=lambda con: None,
    recognises=lambda path, head: head.startswith(SQLITE_MAGIC),
    land=_land,
)
