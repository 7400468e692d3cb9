"""Where things live: the repo root, the warehouse file, the bundled sample."""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DIR = REPO_ROOT / "data" / "sample"
#: The bundled Osaurus sample (`telemetry sample --app osaurus --page-size 250`).
OSAURUS_SAMPLE_DIR = REPO_ROOT / "data" / "sample-osaurus"
#: The bundled ReverbCode fleet (`telemetry sample --app reverbcode`, 12 installs): an
#: `ao.db` per install under `ao-db/`, the same events as a PostHog export under `posthog/`.
REVERBCODE_SAMPLE_DIR = REPO_ROOT / "data" / "sample-reverbcode"


def default_db_path() -> Path:
    """`$TELEMETRY_DB`, else `warehouse.duckdb` in the repo root (relative paths are taken
    from the current directory, as a user typing them expects)."""
    value = os.environ.get("TELEMETRY_DB")
    if value:
        return Path(value).expanduser().resolve()
    return REPO_ROOT / "warehouse.duckdb"


def dbt_command() -> list[str]:
    """How to run dbt from this environment: the `dbt` script beside this Python."""
    script = Path(sys.executable).parent / "dbt"
    return [str(script)] if script.exists() else [sys.executable, "-m", "dbt.cli.main"]
