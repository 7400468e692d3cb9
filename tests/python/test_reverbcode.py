"""ReverbCode end to end, from its `ao.db` files and from its PostHog export: a generated
fleet landed and built, checked against counts computed here, independently, by reading the
files with Python (sqlite3; gzip and json; Parquet rows through DuckDB as a plain reader)."""

from __future__ import annotations

import gzip
import json
import shutil
import sqlite3
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pytest
from conftest import REPO_ROOT, land, query, run_cli, run_dbt

from telemetry.devtools.sample_reverbcode import generate_reverbcode_sample, go_time

INSTALLS = 8
#: error_kind -> class (reverbcode.md: invalid, not_found are the user's; conflict, internal the app's)
KIND_CLASS = {"invalid": "user_input", "not_found": "user_input", "usage": "user_input"}


@dataclass(frozen=True)
class Row:
    install: str
    event_id: str
    name: str
    day: date
    request_id: str
    payload: dict


def parse_go_time(text: str) -> datetime:
    """`2026-06-24 12:34:56.123456789 +0000 UTC` -> an aware datetime (microseconds)."""
    stamp, offset, _zone = text.rsplit(" ", 2)
    whole, _, fraction = stamp.partition(".")
    micros = (fraction + "000000")[:6]
    return datetime.strptime(f"{whole}.{micros} {offset}", "%Y-%m-%d %H:%M:%S.%f %z").astimezone(UTC)


def read_fleet(folder: Path) -> list[Row]:
    """Every telemetry row of every install, read straight from the files."""
    rows: list[Row] = []
    for db_file in sorted(folder.glob("ao-db/*/ao.db")):
        id_file = db_file.parent / "telemetry_install_id"
        install = id_file.read_text().strip() if id_file.exists() else f"derived:{db_file.parent.name}"
        with sqlite3.connect(f"file:{db_file}?mode=ro", uri=True) as con:
            for event_id, occurred, name, request, payload in con.execute(
                "select id, occurred_at, name, request_id, payload_json from telemetry_event"
            ):
                day = parse_go_time(occurred).date()
                rows.append(Row(install, event_id, name, day, request, json.loads(payload)))
    return rows


def read_posthog(folder: Path) -> list[Row]:
    """Every event of a PostHog export once (by uuid), read straight from the files."""
    records: dict[str, dict] = {}
    for path in sorted(folder.iterdir()):
        if path.name.endswith(".jsonl.gz"):
            with gzip.open(path, "rt", encoding="utf-8") as handle:
                found = [json.loads(line) for line in handle if line.strip()]
        else:
            with duckdb.connect() as con:
                cursor = con.execute(
                    "select uuid, event, distinct_id, properties, strftime(timezone('UTC', \"timestamp\"),"
                    f" '%Y-%m-%dT%H:%M:%S+00:00') from read_parquet('{path}')"
                )
                found = [
                    {"uuid": u, "event": e, "distinct_id": d, "properties": p, "timestamp": t}
                    for u, e, d, p, t in cursor.fetchall()
                ]
        for record in found:
            records.setdefault(record["uuid"], record)
    rows = []
    for record in records.values():
        props = record["properties"]
        props = json.loads(props) if isinstance(props, str) else props
        day = datetime.fromisoformat(record["timestamp"]).astimezone(UTC).date()
        request = props.get("request_id", "")
        rows.append(Row(record["distinct_id"], record["uuid"], record["event"], day, request, props))
    return rows


def failures_by_class_and_bucket(rows: list[Row]) -> Counter:
    """The failures as reverbcode.md describes them: a spawn failure classed by its
    error_kind, a usage error the user's, a panic the app's; a 5xx that a panic of the same
    request wrote is that panic, not a second failure; buckets by name, error code and
    fingerprint."""
    panics = {r.request_id for r in rows if r.name == "ao.daemon.panic"}
    counted: Counter = Counter()
    for r in rows:
        if r.name == "ao.http.5xx" and r.request_id in panics:
            continue
        if r.name == "ao.session.spawn_failed":
            failure_class = KIND_CLASS.get(r.payload["error_kind"], "runtime")
        elif r.name == "ao.cli.usage_errors":
            failure_class = "user_input"
        elif r.name in ("ao.daemon.panic", "ao.http.5xx"):
            failure_class = "runtime"
        else:
            continue
        bucket = r.name
        if "error_code" in r.payload:
            bucket += f" [error_code={r.payload['error_code']}]"
        if "fingerprint" in r.payload:
            bucket += f" [fingerprint={r.payload['fingerprint']}]"
        counted[(failure_class, bucket)] += 1
    return counted


def text_values(db: Path, schemas: tuple[str, ...] | None = None) -> list[str]:
    """Every distinct value of every text or JSON column of `db` (of `schemas`, else all)."""
    only = f" and table_schema in {schemas}" if schemas else ""
    columns = query(
        db,
        "select table_schema, table_name, column_name from information_schema.columns"
        f" where data_type in ('VARCHAR', 'JSON'){only}",
    )
    return [
        str(value[0])
        for schema, table, column in columns
        for value in query(db, f'select distinct "{column}" from "{schema}"."{table}"')
    ]


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("fleet")
    generate_reverbcode_sample(out, installs=INSTALLS, seed=11)
    return out


@pytest.fixture(scope="module", params=["ao.db", "posthog"])
def source(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="module")
def rows(fleet: Path, source: str) -> list[Row]:
    return read_fleet(fleet) if source == "ao.db" else read_posthog(fleet / "posthog")


@pytest.fixture(scope="module")
def built(fleet: Path, source: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("warehouse")
    db = tmp / "warehouse.duckdb"
    if source == "ao.db":
        land(db, fleet / "ao-db")
    else:
        assert run_cli("land", str(fleet / "posthog"), "--app", "reverbcode", db=db).returncode == 0
    run_dbt("build", "--selector", "ci", db=db, tmp=tmp)
    return db


def test_the_fleet_has_every_quirk(fleet: Path) -> None:
    rows = read_fleet(fleet)
    names = Counter(r.name for r in rows)
    assert {"ao.session.spawned", "ao.session.spawn_failed", "ao.daemon.panic", "ao.cli.usage_errors"} <= set(
        names
    )
    assert min(r.day for r in rows) < date(2026, 6, 21), "rows written before fingerprints existed"
    assert any("fingerprint" not in r.payload for r in rows if r.name == "ao.session.spawn_failed")
    assert any(r.payload.get("error_kind") == kind for r in rows for kind in ("invalid", "conflict"))
    assert not (fleet / "ao-db" / f"install-{INSTALLS:02d}" / "telemetry_install_id").exists()
    repeats = Counter((r.install, r.name) for r in rows if r.name == "ao.onboarding.first_project_added")
    assert max(repeats.values()) > 1, "a 'first' event that repeats"


def test_events_and_installs_match_the_files(built: Path, rows: list[Row]) -> None:
    assert dict(query(built, "select event_name, count(*) from marts.fct_events group by 1")) == Counter(
        r.name for r in rows
    )
    [(app, event_source, horizon)] = query(built, "select * from marts.dim_app")
    assert (app, horizon) == ("reverbcode", "install")
    assert event_source in ("reverbcode", "posthog")
    daily: dict[date, set[str]] = defaultdict(set)
    for r in rows:
        daily[r.day].add(r.install)
    published = dict(query(built, "select day, active_users from marts.kpi_activity_daily"))
    assert published == {day: len(installs) for day, installs in daily.items()}
    # "first" events repeat: an install is new once, on the day of its first one
    first_marker: dict[str, date] = {}
    for r in sorted(rows, key=lambda r: r.day):
        if r.name == "ao.onboarding.first_project_added":
            first_marker.setdefault(r.install, r.day)
    new_by_day = Counter(first_marker.values())
    published_new = dict(query(built, "select day, new_installs from marts.kpi_activity_daily"))
    assert published_new == {day: new_by_day.get(day, 0) for day in daily}
    assert sum(published_new.values()) == len(first_marker)


def test_spawn_attempts_failures_and_rate_match_the_files(built: Path, rows: list[Row]) -> None:
    spawned = sum(r.name == "ao.session.spawned" for r in rows)
    failed = sum(r.name == "ao.session.spawn_failed" for r in rows)
    [(attempts, failures, successes, basis, rate)] = query(
        built,
        "select attempts, failures, successes, rate_basis, failure_rate from marts.kpi_action_lifecycle"
        " where action = 'ao.session.spawn'",
    )
    assert (attempts, failures, successes, basis) == (spawned + failed, failed, spawned, "outcomes")
    assert rate == pytest.approx(failed / (spawned + failed))


def test_failures_by_class_and_bucket_match_the_files(built: Path, rows: list[Row]) -> None:
    published = query(
        built,
        "select failure_class, issue_bucket, count(*) from marts.fct_events"
        " where event_role = 'failure' group by 1, 2",
    )
    assert Counter({(c, b): n for c, b, n in published}) == failures_by_class_and_bucket(rows)


def test_a_later_copy_of_a_database_adds_only_its_new_rows(fleet: Path, tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    original = fleet / "ao-db" / "install-01"
    land(db, original / "ao.db")
    before = query(db, "select count(*) from raw.reverbcode_events")[0][0]
    later = tmp_path / "bug-report" / "install-01"
    shutil.copytree(original, later)
    new_rows = [
        (
            f"tev_{uuid.uuid4()}",
            go_time(datetime(2026, 7, 6, 9, 0, n, tzinfo=UTC)),
            "ao.daemon.started",
            "daemon",
            "info",
            None,
            None,
            "",
            '{"agent":"codex","port":3847}',
        )
        for n in range(3)
    ]
    with sqlite3.connect(later / "ao.db") as con:
        con.executemany("insert into telemetry_event values (?, ?, ?, ?, ?, ?, ?, ?, ?)", new_rows)
    con.close()
    out = land(db, later / "ao.db")
    assert (
        f"{before + 3} rows read = {before + 3} rows landed + 0 rejected; {before} of the landed rows" in out
    )
    assert query(db, "select count(*), count(distinct id) from raw.reverbcode_events") == [
        (before + 3, before + 3)
    ]
    installs = query(db, "select distinct _install_id from raw.reverbcode_events")
    assert installs == [((original / "telemetry_install_id").read_text().strip(),)]
    # rows are kept once by id, not per copy: taking a database back would lose the later copy's
    refused = run_cli("unland", str(original / "ao.db"), db=db)
    assert refused.returncode == 1
    assert "a reverbcode file cannot be taken back" in refused.stderr
    assert query(db, "select count(*) from raw.reverbcode_events") == [(before + 3,)]


def test_a_database_in_use_is_read_without_disturbing_the_daemon(fleet: Path, tmp_path: Path) -> None:
    live = tmp_path / "live"
    shutil.copytree(fleet / "ao-db" / "install-02", live)
    daemon = sqlite3.connect(live / "ao.db", isolation_level=None)
    daemon.execute("pragma journal_mode = wal")
    daemon.execute("pragma wal_autocheckpoint = 0")  # the daemon's committed rows stay in the WAL
    committed = (
        f"tev_{uuid.uuid4()}",
        go_time(datetime(2026, 7, 6, 8, tzinfo=UTC)),
        "ao.daemon.started",
        "daemon",
        "info",
        None,
        None,
        "",
        "{}",
    )
    daemon.execute("insert into telemetry_event values (?, ?, ?, ?, ?, ?, ?, ?, ?)", committed)
    daemon.execute("begin immediate")  # a write in progress: holds the write lock
    daemon.execute(
        "insert into telemetry_event values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (f"tev_{uuid.uuid4()}", *committed[1:]),
    )
    try:
        db = tmp_path / "w.duckdb"
        land(db, live / "ao.db")
        ids = {row[0] for row in query(db, "select id from raw.reverbcode_events")}
        assert committed[0] in ids, "rows committed to the WAL are read"
        with sqlite3.connect(f"file:{live / 'ao.db'}?mode=ro", uri=True) as reader:
            assert len(ids) == reader.execute("select count(*) from telemetry_event").fetchone()[0]
        daemon.execute("commit")  # the daemon was never blocked
    finally:
        daemon.close()


def test_bad_databases_fail_in_one_line_and_the_rest_lands(fleet: Path, tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    shutil.copytree(fleet / "ao-db" / "install-03", folder / "good")
    old = folder / "old" / "ao.db"
    old.parent.mkdir()
    with sqlite3.connect(old) as con:
        con.execute("create table sessions (id text)")
    con.close()
    cut = folder / "cut" / "ao.db"
    cut.parent.mkdir()
    cut.write_bytes((fleet / "ao-db" / "install-04" / "ao.db").read_bytes()[:6000])
    db = tmp_path / "w.duckdb"
    result = run_cli("land", str(folder), "--db", str(db))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    [error] = result.stderr.strip().splitlines()
    assert "2 of 3 files could not land" in error
    assert f"{old}: could not land it: no telemetry_event table" in result.stdout
    assert f"{cut}: could not land it: not a readable SQLite database" in result.stdout
    good = query(db, "select count(*) from raw.reverbcode_events")[0][0]
    with sqlite3.connect(folder / "good" / "ao.db") as con:
        assert good == con.execute("select count(*) from telemetry_event").fetchone()[0]
    con.close()
    assert query(db, "select count(*) from raw.landed_files") == [(1,)]
    run_dbt("build", "--selector", "ci", db=db, tmp=tmp_path)  # later builds are green


def test_repository_and_host_names_are_never_published(fleet: Path, tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    land(db, fleet / "ao-db")
    env = {"DBT_TARGET_PATH": str(tmp_path / "target"), "DBT_LOG_PATH": str(tmp_path / "logs")}
    assert run_cli("build", db=db, env=env).returncode == 0
    report = run_cli("report", "--out", str(tmp_path / "r.html"), db=db, env=env)
    assert report.returncode == 0, report.stderr
    html = (tmp_path / "r.html").read_text()
    assert "ReverbCode ao.db telemetry of reverbcode" in html
    assert "No event in scope carries an app version" in html
    published = tmp_path / "w.published.duckdb"
    projects: set[str] = set()
    hosts: set[str] = set()
    for db_file in fleet.glob("ao-db/*/ao.db"):
        with sqlite3.connect(f"file:{db_file}?mode=ro", uri=True) as con:
            projects |= {row[0] for row in con.execute("select project_id from telemetry_event") if row[0]}
            hosts |= {
                row[0].split("/")[0]
                for row in con.execute("select request_id from telemetry_event")
                if row[0]
            }
        con.close()
    assert "jane-doe-taxes" in projects
    personal = projects | hosts
    texts = [report.stdout, (tmp_path / "r.html").read_text(), *text_values(published)]
    leaked = {name for name in personal for text in texts if name in text}
    assert not leaked


def test_a_posthog_backfill_that_repeats_a_day_adds_nothing(fleet: Path, tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    files = sorted((fleet / "posthog").iterdir())
    [backfill] = [f for f in files if f.name.startswith("backfill-")]
    scheduled = [str(f) for f in files if f != backfill]
    assert run_cli("land", *scheduled, "--app", "reverbcode", db=db).returncode == 0
    before = query(db, "select count(*), count(distinct uuid) from raw.posthog_events")
    result = run_cli("land", str(backfill), "--app", "reverbcode", db=db)
    assert result.returncode == 0, result.stderr
    assert query(db, "select count(*), count(distinct uuid) from raw.posthog_events") == before
    assert "0 new events" in result.stdout


def test_a_posthog_export_needs_its_app_and_drops_personal_properties(fleet: Path, tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    first = sorted((fleet / "posthog").glob("*.jsonl.gz"))[0]
    result = run_cli("land", str(first), db=db)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"telemetry land: error: {first}: a PostHog export does not name its app: give --app NAME"
        " (the seeds' app key, e.g. reverbcode) (nothing of it landed)"
    ]
    with gzip.open(first, "rt") as handle:
        assert "jane.doe@example.com" in handle.read()
    land_all = run_cli("land", str(fleet / "posthog"), "--app", "reverbcode", db=db)
    assert land_all.returncode == 0, land_all.stderr
    env = {"DBT_TARGET_PATH": str(tmp_path / "target"), "DBT_LOG_PATH": str(tmp_path / "logs")}
    assert run_cli("build", db=db, env=env).returncode == 0
    report = run_cli("report", db=db, env=env)
    assert report.returncode == 0, report.stderr
    # the report says where its events came from and what a user is
    assert "PostHog telemetry of reverbcode" in report.stdout
    assert "identity horizon `install`: a user id is an install" in report.stdout
    texts = text_values(db, ("raw", "staging", "marts"))
    for personal in ("jane.doe@example.com", "Jane Doe", "203.0.113.", "Lisbon"):
        assert not [text for text in texts if personal in text], personal
        assert personal not in report.stdout


def test_the_privacy_scan_finds_a_leaked_repository_name(fleet: Path, tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    install = fleet / "ao-db" / "install-01"
    land(db, install / "ao.db")
    run_dbt("build", "--selector", "ci", db=db, tmp=tmp_path)  # the scan passes: names are hashed
    with sqlite3.connect(f"file:{install / 'ao.db'}?mode=ro", uri=True) as con:
        [(project,)] = con.execute("select project_id from telemetry_event where project_id != '' limit 1")
    con.close()
    with duckdb.connect(str(db)) as con:
        con.execute(
            f"update marts.fct_events set error_message_redacted = 'push to {project} failed'"
            " where event_id = (select min(event_id) from marts.fct_events)"
        )
    result = run_dbt("test", "--select", "marts_hold_no_personal_data", db=db, tmp=tmp_path, check=False)
    assert result.returncode != 0
    results = json.loads((tmp_path / "target" / "run_results.json").read_text())["results"]
    [outcome] = [r for r in results if r["unique_id"].endswith(".marts_hold_no_personal_data")]
    assert (outcome["status"], outcome["failures"]) == ("fail", 1)


def test_the_bundled_fleet_is_what_the_generator_writes(tmp_path: Path) -> None:
    bundled = REPO_ROOT / "data" / "sample-reverbcode"
    # the command the README and telemetry/paths.py name for it
    run_cli("sample", "--app", "reverbcode", "--out", str(tmp_path), check=True)
    assert read_fleet(bundled) == read_fleet(tmp_path)
    assert sorted(read_posthog(bundled / "posthog"), key=lambda r: r.event_id) == sorted(
        read_posthog(tmp_path / "posthog"), key=lambda r: r.event_id
    )
    for install in (bundled / "ao-db").iterdir():
        id_file = install / "telemetry_install_id"
        assert id_file.exists() == (tmp_path / "ao-db" / install.name / "telemetry_install_id").exists()
