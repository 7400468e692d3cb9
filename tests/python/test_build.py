"""`telemetry build`: the daily dbt build, recorded, and skipped when nothing changed."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

import duckdb
from conftest import daily_exports, land, query, run_cli

DAYS = [date(2026, 2, 1), date(2026, 2, 2)]


def build(db: Path, tmp: Path, *args: str):
    env = {"DBT_TARGET_PATH": str(tmp / "target"), "DBT_LOG_PATH": str(tmp / "logs")}
    return run_cli("build", "--db", str(db), *args, env=env)


def builds(db: Path) -> list[tuple]:
    return query(
        db, "select selector, full_refresh, outcome from control.telemetry_builds order by finished_at"
    )


def test_build_runs_dbt_once_per_change_and_records_each_build(tmp_path):
    exports = daily_exports(tmp_path / "exports", 600, DAYS, seed=4, page_size=400)
    db = tmp_path / "warehouse.duckdb"
    land(db, exports["day1"])

    first = build(db, tmp_path)
    assert first.returncode == 0, first.stderr
    assert "dbt build --selector daily" in first.stdout and "build: published" in first.stdout
    assert query(db, "select count(*) > 0 from marts.fct_events") == [(True,)]
    assert builds(db) == [("daily", False, "passed")]

    # nothing landed, no project file changed: dbt does not run
    again = build(db, tmp_path)
    assert again.returncode == 0, again.stderr
    assert "nothing new since the build that passed at" in again.stdout
    assert "dbt parse" not in again.stdout and "published" not in again.stdout
    assert len(builds(db)) == 1

    # a landed day is built; so is everything with --force
    land(db, exports["day2"])
    assert "build: published" in build(db, tmp_path).stdout
    assert query(db, "select count(distinct event_date) from marts.fct_events") == [(2,)]
    assert "build: published" in build(db, tmp_path, "--force").stdout
    assert len(builds(db)) == 3


def published_events(db: Path) -> list[tuple]:
    published = db.with_name("warehouse.published.duckdb")
    return query(published, "select events, last_event_at from publication.info")


def test_a_failing_build_is_one_line_recorded_retried_and_never_published(tmp_path):
    exports = daily_exports(tmp_path / "exports", 300, DAYS, seed=5, page_size=400)
    db = tmp_path / "warehouse.duckdb"
    land(db, exports["day1"])
    assert build(db, tmp_path).returncode == 0
    before = published_events(db)

    land(db, exports["day2"])
    with duckdb.connect(str(db)) as con:  # an event without a name fails staging's checks
        con.execute(
            "update raw.events set event_name = '' where _source_line = 2 and _source_file like '%02-02%'"
        )
    failed = build(db, tmp_path)
    assert failed.returncode == 1
    errors = [line for line in failed.stderr.splitlines() if line.startswith("telemetry build: error:")]
    assert len(errors) == 1, failed.stderr
    assert errors[0].startswith("telemetry build: error: dbt build failed in test "), errors
    assert "not published: readers keep the copy published before" in errors[0]
    assert "Traceback" not in failed.stderr
    assert builds(db) == [("daily", False, "passed"), ("daily", False, "failed")]
    # the published marts are the first build's: one day, the same publication
    assert published_events(db) == before
    assert query(
        db.with_name("warehouse.published.duckdb"), "select count(distinct event_date) from marts.fct_events"
    ) == [(1,)]
    # nothing changed, but the last build failed: the next one runs dbt again
    assert "nothing new" not in build(db, tmp_path).stdout
    assert builds(db)[-1] == ("daily", False, "failed")


def test_a_build_whose_publish_fails_is_not_a_passing_build(tmp_path):
    exports = daily_exports(tmp_path / "exports", 300, DAYS[:1], seed=7, page_size=400)
    db = tmp_path / "warehouse.duckdb"
    land(db, exports["day1"])
    blocker = db.with_name("warehouse.published.duckdb")
    blocker.mkdir()
    failed = build(db, tmp_path)
    assert failed.returncode == 1
    errors = [line for line in failed.stderr.splitlines() if line.startswith("telemetry build: error:")]
    assert len(errors) == 1 and "publishing failed: cannot replace" in errors[0], failed.stderr
    assert builds(db) == [("daily", False, "publish failed")]
    blocker.rmdir()
    again = build(db, tmp_path)  # same fingerprint, but no passing build: it runs and publishes
    assert again.returncode == 0, again.stderr
    assert "build: published" in again.stdout
    assert builds(db)[-1] == ("daily", False, "passed")


def test_a_reader_holding_the_published_copy_never_blocks_a_build(tmp_path):
    exports = daily_exports(tmp_path / "exports", 300, DAYS, seed=6, page_size=400)
    db = tmp_path / "warehouse.duckdb"
    published = db.with_name("warehouse.published.duckdb")
    land(db, exports["day1"])
    assert build(db, tmp_path).returncode == 0
    reader = duckdb.connect(str(published), read_only=True)
    try:
        day_one = reader.execute("select count(*) from marts.fct_events").fetchone()
        land(db, exports["day2"])
        result = build(db, tmp_path)
        assert result.returncode == 0, result.stderr
        # the open reader keeps its consistent snapshot ...
        assert reader.execute("select count(*) from marts.fct_events").fetchone() == day_one
    finally:
        reader.close()
    # ... and sees the new day on reconnect; the published copy holds no raw data
    assert query(published, "select count(distinct event_date) from marts.fct_events") == [(2,)]
    assert query(published, "select count(*) from marts.fct_events") > [day_one]
    schemas = query(published, "select distinct schema_name from duckdb_tables() order by 1")
    assert schemas == [("marts",), ("publication",)]


def test_build_without_a_warehouse_is_one_line(tmp_path):
    result = build(tmp_path / "none.duckdb", tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip().startswith("telemetry build: error: warehouse")
    assert "land exports first" in result.stderr
    assert not (tmp_path / "none.duckdb").exists()


def test_a_reader_holding_the_warehouse_is_one_line_or_waited_for(tmp_path):
    """A BI tool pointed at the warehouse instead of the published copy: `telemetry build`
    says so in one line, or waits for it with --wait."""
    exports = daily_exports(tmp_path / "exports", 100, DAYS[:1], seed=7, page_size=400)
    db = tmp_path / "warehouse.duckdb"
    land(db, exports["day1"])
    holder = duckdb.connect(str(db))
    try:
        result = build(db, tmp_path)
    finally:
        holder.close()
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert "locked by another process" in result.stderr and "--wait" in result.stderr
    holder = duckdb.connect(str(db))
    threading.Timer(2.0, holder.close).start()
    result = build(db, tmp_path, "--wait", "60")
    assert result.returncode == 0, result.stderr
    assert builds(db) == [("daily", False, "passed")]
