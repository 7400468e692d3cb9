"""DuckDB settings from the environment, the same for `telemetry land` and dbt (profiles.yml
reads the same variables with the same defaults):

    TELEMETRY_THREADS       DuckDB threads per query                  default 2
    TELEMETRY_MEMORY_LIMIT  DuckDB memory_limit, e.g. 2GB, 1500MB     default 2GB
    TELEMETRY_TEMP_DIR      where DuckDB spills what does not fit     default <database>.tmp

The defaults suit a 2-core, small-memory machine: a bounded memory limit makes large
de-duplications and sorts spill to disk instead of failing or swapping. The temp folder
sits next to the database (DuckDB's own default), whatever the current directory is.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path

import duckdb

from telemetry.errors import UserError

DEFAULT_THREADS = 2
DEFAULT_MEMORY_LIMIT = "2GB"
_MEMORY = re.compile(r"^\s*\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KIB|MIB|GIB|TIB)\s*$", re.IGNORECASE)


def duckdb_settings(db_path: Path, env: Mapping[str, str] = os.environ) -> dict[str, str | int]:
    """The settings for a connection to `db_path`, checked: a bad value is a UserError."""
    threads_text = (env.get("TELEMETRY_THREADS") or str(DEFAULT_THREADS)).strip()
    if not threads_text.isdigit() or int(threads_text) < 1:
        raise UserError(f"TELEMETRY_THREADS must be a whole number >= 1 (got {threads_text!r})")
    memory_limit = (env.get("TELEMETRY_MEMORY_LIMIT") or DEFAULT_MEMORY_LIMIT).strip()
    if not _MEMORY.match(memory_limit):
        raise UserError(f"TELEMETRY_MEMORY_LIMIT must be a size like 2GB or 1500MB (got {memory_limit!r})")
    temp_dir = env.get("TELEMETRY_TEMP_DIR") or f"{db_path}.tmp"
    return {
        "threads": int(threads_text),
        "memory_limit": memory_limit,
        "temp_directory": str(Path(temp_dir).expanduser().absolute()),
    }


def apply_duckdb_settings(con: duckdb.DuckDBPyConnection, db_path: Path) -> None:
    """Set threads, memory_limit and temp_directory on `con` from the environment."""
    for name, value in duckdb_settings(db_path).items():
        text = str(value).replace("'", "''")
        con.execute(f"set {name} = '{text}'")
