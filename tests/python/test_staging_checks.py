"""Staging's data tests in an incremental `dbt build` check the days landed since the last
build whose staging tests passed; `dbt test` and --full-refresh check every day.

Four invented days (benchmarks/generate.py). A bad row (no event name: staging's not-null
check fails on it) is put into raw two ways: behind the last check (as if it had been
landed before it: an incremental build's staging checks must not re-read that day, `dbt
test` must find it) and in a newly landed day (an incremental build must find it, and must
not move the checked mark past it).
"""

from __future__ import annotations

import json
import os
import subprocess
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest
from conftest import REPO_ROOT, daily_exports, land, query, run_dbt

from telemetry.paths import dbt_command

END = date(2026, 2, 4)
DAYS = [END - timedelta(days=d) for d in range(3, -1, -1)]  # day 1 .. day 4
NOT_NULL = "not_null_columns_stg_aptabase__events_"


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("exports")
    files = daily_exports(out, 800, DAYS, seed=5, page_size=500)
    # day 4 with one more row: a copy of its first row without an event name
    bad = out / "bad" / files["day4"].name
    bad.parent.mkdir()
    with duckdb.connect() as con:
        con.execute(
            f"""copy (
                    with day as (
                        select * from read_csv('{files["day4"]}', all_varchar = true, header = true)
                    )
                    select * from day
                    union all
                    (select * replace ('' as event_name) from day limit 1)
                ) to '{bad}' (header true, force_quote *)"""
        )
    files["day4_bad"] = bad
    return files


def dbt_may_fail(*args: str, db: Path, tmp: Path) -> tuple[int, dict[str, str]]:
    """Run dbt; return its exit code and each test's status by name prefix."""
    env = {
        "TELEMETRY_DB": str(db),
        "DBT_TARGET_PATH": str(tmp / "target"),
        "DBT_LOG_PATH": str(tmp / "logs"),
        "TELEMETRY_TEMP_DIR": str(tmp / "spill"),
    }
    result = subprocess.run(
        [*dbt_command(), *args, "--project-dir", str(REPO_ROOT), "--profiles-dir", str(REPO_ROOT)],
        cwd=REPO_ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
    )
    results = json.loads((tmp / "target" / "run_results.json").read_text())["results"]
    statuses = {r["unique_id"].split(".")[2]: r["status"] for r in results}
    return result.returncode, statuses


def status_of(statuses: dict[str, str], prefix: str) -> str:
    (status,) = [s for name, s in statuses.items() if name.startswith(prefix)]
    return status


def checked_through(db: Path):
    return query(db, "select checked_through from control.ctl_staging_checked_through")[0][0]


def compiled_staging_tests(tmp: Path) -> list[str]:
    folder = tmp / "target" / "compiled" / "telemetry" / "models" / "staging" / "aptabase" / "_aptabase.yml"
    texts = [p.read_text() for p in folder.glob("*.sql")]
    return [t for t in texts if '"staging"."stg_aptabase__events"' in t]


def test_incremental_build_checks_the_days_landed_since_the_last_check(tmp_path, exports):
    db = tmp_path / "warehouse.duckdb"
    land(db, exports["day1"], exports["day2"])
    run_dbt("build", db=db, tmp=tmp_path)
    first_mark = checked_through(db)
    assert first_mark == query(db, "select max(_landed_at) from raw.events")[0][0]

    # a bad day-1 row behind the mark (as if landed before the last check)
    with duckdb.connect(str(db)) as con:
        con.execute(
            """insert into raw.events
               select * replace (
                   '' as event_name, _source_line + 100000 as _source_line, md5('bad') as _event_id
               )
               from raw.events where "timestamp" like ? limit 1""",
            [f"{DAYS[0].isoformat()}%"],
        )
    land(db, exports["day3"])
    code, statuses = dbt_may_fail("build", db=db, tmp=tmp_path)
    # the event-name checks downstream read every name and fail; staging's own check
    # passes: it reads day 3 on only
    assert code != 0 and status_of(statuses, "not_null_int_event_names_classified_event_name") == "fail"
    assert status_of(statuses, NOT_NULL) == "pass"
    # the three staging checks read day 3 on only (the day landed since the last check)
    scoped = compiled_staging_tests(tmp_path)
    assert len(scoped) == 3
    assert all(f"event_ts >= cast('{DAYS[2].isoformat()}' as timestamp)" in sql for sql in scoped)
    assert checked_through(db) > first_mark

    # `dbt test` checks every day: the day-1 row is found
    code, statuses = dbt_may_fail("test", "--select", "stg_aptabase__events", db=db, tmp=tmp_path)
    assert code != 0 and status_of(statuses, NOT_NULL) == "fail"
    assert all("event_ts >=" not in sql for sql in compiled_staging_tests(tmp_path))

    # a bad row in a newly landed day fails the build; the mark stays before it
    with duckdb.connect(str(db)) as con:
        con.execute("delete from raw.events where _source_line > 100000")
    mark = checked_through(db)
    land(db, exports["day4_bad"])  # landing rejects the row without an event name ...
    assert query(db, "select reason from raw.rejected_rows") == [("NO EVENT NAME",)]
    with duckdb.connect(str(db)) as con:  # ... so a bad row that got past it is made here
        con.execute(
            "update raw.events set event_name = ''"
            " where _event_id = (select min(_event_id) from raw.events where _landed_at > ?)",
            [mark],
        )
    code, statuses = dbt_may_fail("build", db=db, tmp=tmp_path)
    assert code != 0 and status_of(statuses, NOT_NULL) == "fail"
    assert statuses["ctl_staging_checked_through"] == "skipped"
    assert checked_through(db) == mark
    # so the next build checks day 4 again (and fails again), whatever else it lands
    code, statuses = dbt_may_fail("build", db=db, tmp=tmp_path)
    assert code != 0 and status_of(statuses, NOT_NULL) == "fail"
