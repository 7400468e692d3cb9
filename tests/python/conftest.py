"""Shared helpers: run the CLI and dbt as a user would, each test on its own warehouse."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

import duckdb
import pytest

from telemetry.paths import dbt_command

REPO_ROOT = Path(__file__).resolve().parents[2]


def run_cli(
    *args: str, db: Path | None = None, cwd: Path = REPO_ROOT, env: dict | None = None, check: bool = False
) -> subprocess.CompletedProcess:
    """`telemetry ARGS` in a subprocess (the installed console script's module)."""
    full_env = {**os.environ, **(env or {})}
    if db is not None:
        full_env["TELEMETRY_DB"] = str(db)
    result = subprocess.run(
        [sys.executable, "-m", "telemetry", *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"telemetry {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def run_dbt(
    *args: str,
    db: Path,
    tmp: Path,
    vars: str | None = None,
    project_dir: Path = REPO_ROOT,
    check: bool = True,
) -> subprocess.CompletedProcess:
    """`dbt ARGS` against `db`, with target and log paths of the test's own; it must succeed
    unless `check` is false."""
    env = {
        **os.environ,
        "TELEMETRY_DB": str(db),
        "DBT_TARGET_PATH": str(tmp / "target"),
        "DBT_LOG_PATH": str(tmp / "logs"),
        "TELEMETRY_TEMP_DIR": str(tmp / "spill"),
    }
    cmd = [*dbt_command(), *args, "--project-dir", str(project_dir), "--profiles-dir", str(project_dir)]
    if vars:
        cmd += ["--vars", vars]
    result = subprocess.run(cmd, cwd=project_dir, env=env, capture_output=True, text=True)
    if check and result.returncode != 0:
        raise AssertionError(
            f"dbt {' '.join(args)} failed:\n{result.stdout[-6000:]}\n{result.stderr[-3000:]}"
        )
    return result


def land(db: Path, *paths: Path | str) -> str:
    """`telemetry land PATHS --db DB`, which must succeed; its output."""
    result = run_cli("land", *map(str, paths), "--db", str(db))
    assert result.returncode == 0, result.stderr
    return result.stdout


def daily_exports(out: Path, events: int, days: list[date], *, seed: int, page_size: int) -> dict[str, Path]:
    """Generated daily exports (benchmarks/generate.py) of `days` (consecutive), by key
    day1, day2, ..."""
    if str(REPO_ROOT / "benchmarks") not in sys.path:
        sys.path.insert(0, str(REPO_ROOT / "benchmarks"))
    import generate

    generate.generate(
        events,
        out,
        days=len(days),
        end_date=days[-1],
        seed=seed,
        page_size=page_size,
        threads=1,
        echo=lambda _: None,
    )
    return {f"day{i}": out / f"vibe-release-{d.isoformat()}.csv" for i, d in enumerate(days, 1)}


def query(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "warehouse.duckdb"


def edit_seed(path: Path, edit: Callable[[list[dict[str, str]]], None]) -> list[dict[str, str]]:
    """Rewrite the seed CSV at `path` after `edit` changed its rows in place; the rows."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    edit(rows)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return rows


def copy_project(dest: Path) -> Path:
    """A copy of the dbt project (models, macros, seeds, tests, configs) to edit freely."""
    for name in ("models", "macros", "seeds", "tests", "analyses"):
        if (REPO_ROOT / name).exists():
            shutil.copytree(
                REPO_ROOT / name,
                dest / name,
                symlinks=False,
                ignore=shutil.ignore_patterns("python", "__pycache__"),
            )
    for name in ("dbt_project.yml", "profiles.yml", "selectors.yml"):
        shutil.copy(REPO_ROOT / name, dest / name)
    return dest
