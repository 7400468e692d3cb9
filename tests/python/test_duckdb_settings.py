"""DuckDB settings from TELEMETRY_THREADS / TELEMETRY_MEMORY_LIMIT / TELEMETRY_TEMP_DIR: the
same for `telemetry land` and the dbt profile, with defaults for a small machine."""

from __future__ import annotations

import re

import pytest
from conftest import REPO_ROOT, run_cli

from telemetry.duckdb_settings import DEFAULT_MEMORY_LIMIT, DEFAULT_THREADS, duckdb_settings
from telemetry.errors import UserError
from telemetry.warehouse import open_warehouse as connect


def test_defaults_spill_next_to_the_database(tmp_path):
    db = tmp_path / "w.duckdb"
    assert duckdb_settings(db, {}) == {
        "threads": DEFAULT_THREADS,
        "memory_limit": DEFAULT_MEMORY_LIMIT,
        "temp_directory": str(tmp_path / "w.duckdb.tmp"),
    }


def test_the_environment_overrides_and_land_applies_it(tmp_path, monkeypatch):
    monkeypatch.setenv("TELEMETRY_THREADS", "1")
    monkeypatch.setenv("TELEMETRY_MEMORY_LIMIT", "300MB")
    monkeypatch.setenv("TELEMETRY_TEMP_DIR", str(tmp_path / "spill"))
    con = connect(tmp_path / "w.duckdb")
    try:
        threads, memory, temp = con.execute(
            "select current_setting('threads'), current_setting('memory_limit'),"
            " current_setting('temp_directory')"
        ).fetchone()
    finally:
        con.close()
    assert (int(threads), temp) == (1, str(tmp_path / "spill"))
    assert memory.startswith("286") or memory.startswith("300")  # 300 MB in MiB or MB


@pytest.mark.parametrize(
    "name, value, message",
    [
        ("TELEMETRY_THREADS", "0", "TELEMETRY_THREADS must be a whole number"),
        ("TELEMETRY_THREADS", "two", "TELEMETRY_THREADS must be a whole number"),
        ("TELEMETRY_MEMORY_LIMIT", "lots", "TELEMETRY_MEMORY_LIMIT must be a size"),
    ],
)
def test_bad_values_are_one_clear_error(tmp_path, name, value, message):
    with pytest.raises(UserError, match=message):
        duckdb_settings(tmp_path / "w.duckdb", {name: value})
    sample = tmp_path / "e.csv"
    sample.write_text('"timestamp","event_name"\n"2026-02-01 10:00:00","app_started"\n')
    result = run_cli("land", str(sample), "--db", str(tmp_path / "w.duckdb"), env={name: value})
    assert result.returncode != 0
    assert message in result.stderr and "Traceback" not in result.stderr


def test_the_dbt_profile_has_the_same_defaults():
    profile = (REPO_ROOT / "profiles.yml").read_text(encoding="utf-8")
    assert f"env_var('TELEMETRY_THREADS', '{DEFAULT_THREADS}')" in profile
    assert f"env_var('TELEMETRY_MEMORY_LIMIT', '{DEFAULT_MEMORY_LIMIT}')" in profile
    # the spill folder defaults to <database>.tmp, never to the current directory
    temp = re.search(r"temp_directory: \"(.*)\"", profile).group(1)
    assert "TELEMETRY_TEMP_DIR" in temp and "~ '.tmp'" in temp and ".duckdb_tmp" not in temp
