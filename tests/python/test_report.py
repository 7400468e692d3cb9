"""`telemetry report` end to end: land a tiny hand-written export, build and publish it
(`telemetry build`), run the report as a user would (a subprocess of the CLI, reading the
published copy), and check the numbers section by section;
the HTML opens in headless Chromium with every chart drawn and no console error.

The fixture (32 events, 7 users, two UTC days) is small enough to count by hand:

    user  day    version  OS                    events
    U6    03-01  3.0.10   Windows 10.0.19045    app, start, success, start,
                                                failed (file not found: user_input)
    U7    03-01  3.0.9    Ubuntu 22.04          app, start, failed (sona connection: runtime)
    U1    03-02  3.1.0    Windows 10.0.19045    app, start, success, start, success
    U2    03-02  3.1.0    Windows 10.0.22631    app, start, failed (sona connection), start, success
    U3    03-02  3.0.10   Ubuntu 22.04          app, sona_spawn_failed (GLIBCXX: environment),
                                                start, failed (sona connection)
    U4    03-02  3.1.0    macOS 14.5            app, (start, failed "No model selected") x 3 (user_input)
    U5    03-02  3.0.10   macOS 14.5            app, start, success (last event: 03-02 12:00:00)

All data: 32 events, 7 users, 8 failure events (25.0%), 4 of them user_input, so 4
runtime-like (12.5%); 12 transcribe starts, 7 transcribe failures (58.3%); affected U2 U3 U4
U6 U7 (5, 71.4%); happy U1 U5 (2, 28.6%). Buckets: sona connection failed 3 events / 3
users, no model selected 3 / 1, input file not found 1 / 1, GLIBCXX 1 / 1. Repeaters: U4
(3) and U3 (2): 2 of 5 failing users, 5 of 8 failure events (62.5%).
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from telemetry.land.run import land_paths
from telemetry.warehouse import published_path

REPO_ROOT = Path(__file__).resolve().parents[2]
BUNDLED_SAMPLE = REPO_ROOT / "data" / "sample"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

HEADER = "timestamp,event_name,user_id,app_version,os_name,os_version,string_props,numeric_props\n"


def _row(
    ts: str,
    event: str,
    user: str,
    version: str,
    os_name: str,
    os_version: str,
    props: str,
    numeric: str = "",
) -> str:
    string_props = '"' + props.replace('"', '""') + '"'
    numeric_props = '"' + numeric.replace('"', '""') + '"' if numeric else ""
    return f"{ts},{event},{user},{version},{os_name},{os_version},{string_props},{numeric_props}\n"


def _commit(version: str) -> str:
    return {"3.1.0": "e2a7f90", "3.0.10": "c81b5d2", "3.0.9": "9d03e6f"}[version]


def _fixture_csv() -> str:
    def app(ts, user, version, os_name, os_version):
        return _row(
            ts,
            "app_started",
            user,
            version,
            os_name,
            os_version,
            f'{{"vibe_commit":"{_commit(version)}"}}',
        )

    def start(ts, user, version, os_name, os_version):
        return _row(
            ts,
            "transcribe_started",
            user,
            version,
            os_name,
            os_version,
            f'{{"source":"home","vibe_commit":"{_commit(version)}"}}',
        )

    def success(ts, user, version, os_name, os_version):
        return _row(
            ts,
            "transcribe_succeeded",
            user,
            version,
            os_name,
            os_version,
            f'{{"source":"home","vibe_commit":"{_commit(version)}"}}',
            '{"duration_seconds":60.0,"segments_count":10}',
        )

    def failed(ts, user, version, os_name, os_version, message):
        return _row(
            ts,
            "transcribe_failed",
            user,
            version,
            os_name,
            os_version,
            f'{{"error_message":"{message}","file_ext":"mp3","source":"home",'
            f'"vibe_commit":"{_commit(version)}"}}',
        )

    win, win2, ubu, mac = (
        ("Windows", "10.0.19045"),
        ("Windows", "10.0.22631"),
        ("Ubuntu", "22.04"),
        ("macOS", "14.5"),
    )
    sona = "failed to send transcribe request to sona"
    no_model = "No model selected. Please download or select a model first."
    glibcxx = (
        r"failed to read sona ready signal: EOF\n\nsona stderr: /tmp/.mount_vibeAB12/usr/bin/sona: "
        r"/lib/x86_64-linux-gnu/libstdc++.so.6: version `GLIBCXX_3.4.32' not found"
    )
    rows = [
        app("2026-03-01 08:00:00", "U6", "3.0.10", *win),
        start("2026-03-01 08:01:00", "U6", "3.0.10", *win),
        success("2026-03-01 08:05:00", "U6", "3.0.10", *win),
        start("2026-03-01 08:10:00", "U6", "3.0.10", *win),
        failed(
            "2026-03-01 08:11:00",
            "U6",
            "3.0.10",
            *win,
            r"Audio file not found: C:\\Users\\jose\\Music\\talk.mp3",
        ),
        app("2026-03-01 09:00:00", "U7", "3.0.9", *ubu),
        start("2026-03-01 09:01:00", "U7", "3.0.9", *ubu),
        failed("2026-03-01 09:02:00", "U7", "3.0.9", *ubu, sona),
        app("2026-03-02 09:00:00", "U1", "3.1.0", *win),
        start("2026-03-02 09:01:00", "U1", "3.1.0", *win),
        success("2026-03-02 09:02:00", "U1", "3.1.0", *win),
        start("2026-03-02 09:10:00", "U1", "3.1.0", *win),
        success("2026-03-02 09:11:00", "U1", "3.1.0", *win),
        app("2026-03-02 09:00:30", "U2", "3.1.0", *win2),
        start("2026-03-02 09:05:00", "U2", "3.1.0", *win2),
        failed("2026-03-02 09:06:00", "U2", "3.1.0", *win2, sona),
        start("2026-03-02 09:20:00", "U2", "3.1.0", *win2),
        success("2026-03-02 09:21:00", "U2", "3.1.0", *win2),
        app("2026-03-02 10:00:00", "U3", "3.0.10", *ubu),
        _row(
            "2026-03-02 10:00:05",
            "sona_spawn_failed",
            "U3",
            "3.0.10",
            *ubu,
            f'{{"error_message":"{glibcxx}","vibe_commit":"c81b5d2"}}',
        ),
        start("2026-03-02 10:01:00", "U3", "3.0.10", *ubu),
        failed("2026-03-02 10:02:00", "U3", "3.0.10", *ubu, sona),
        app("2026-03-02 11:00:00", "U4", "3.1.0", *mac),
        start("2026-03-02 11:01:00", "U4", "3.1.0", *mac),
        failed("2026-03-02 11:02:00", "U4", "3.1.0", *mac, no_model),
        start("2026-03-02 11:03:00", "U4", "3.1.0", *mac),
        failed("2026-03-02 11:04:00", "U4", "3.1.0", *mac, no_model),
        start("2026-03-02 11:05:00", "U4", "3.1.0", *mac),
        failed("2026-03-02 11:06:00", "U4", "3.1.0", *mac, no_model),
        app("2026-03-02 11:30:00", "U5", "3.0.10", *mac),
        start("2026-03-02 11:31:00", "U5", "3.0.10", *mac),
        success("2026-03-02 12:00:00", "U5", "3.0.10", *mac),
    ]
    return HEADER + "".join(rows)


def wilson(failures: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """Wilson (1927), written out again here so the test does not trust the macro."""
    p = failures / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    margin = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - margin), min(1.0, centre + margin)


def ci_text(failures: int, n: int) -> str:
    low, high = wilson(failures, n)
    return f"{100 * failures / n:.1f}% ({100 * low:.1f}–{100 * high:.1f}%)"


def unwrap(markdown: str) -> str:
    """The Markdown with each paragraph, list item and note on one line again: the report
    wraps prose at 120 columns for terminals, and the tests search sentences."""
    blocks = []
    for block in markdown.split("\n\n"):
        lines = block.split("\n")
        if lines[0].startswith(("|", "#")):
            blocks.append(block)
        elif lines[0].startswith(">"):
            blocks.append("> " + " ".join(line[1:].strip() for line in lines))
        elif re.match(r"(- |\d+\. )", lines[0]):
            items: list[str] = []
            for line in lines:
                if re.match(r"(- |\d+\. )", line):
                    items.append(line)
                else:
                    items[-1] += " " + line.strip()
            blocks.append("\n".join(items))
        else:
            blocks.append(" ".join(line.strip() for line in lines))
    return "\n\n".join(blocks)


def section(markdown: str, title: str) -> str:
    """The text of one `## title` section (up to the next `## `)."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", markdown, re.S | re.M)
    assert match, f"section {title!r} missing from the report"
    return match.group(1)


def table_row(text: str, first_cell: str) -> list[str]:
    """The cells of the Markdown table row whose first cell is `first_cell`; a table split
    into parts for a 120-column terminal is joined again by its column headers (the key
    columns each part repeats count once)."""
    cells_by_header: dict[str, str] = {}
    for table in re.findall(r"(?:^\|.*\n?)+", text, re.M):
        lines = table.strip().splitlines()
        header = _cells(lines[0])
        for line in lines[2:]:
            cells = _cells(line)
            if cells and cells[0] == first_cell:
                for name, cell in zip(header, cells, strict=False):
                    cells_by_header.setdefault(name, cell)
                break
    if not cells_by_header:
        raise AssertionError(f"no table row starting with {first_cell!r} in:\n{text}")
    return list(cells_by_header.values())


def _cells(line: str) -> list[str]:
    return [c.strip() for c in re.split(r"(?<!\\)\|", line.strip().strip("|"))]


# --------------------------------------------------------------------------- running


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("report")


@pytest.fixture(scope="module")
def report_env(workdir: Path) -> dict[str, str]:
    return cli_env(workdir)


def cli_env(workdir: Path) -> dict[str, str]:
    """The CLI's environment: dbt's target and logs inside the test folder, so tests never
    touch the repo's target/ and the module's builds share dbt's partial parse."""
    env = dict(os.environ)
    env["DBT_TARGET_PATH"] = str(workdir / "target")
    env["DBT_LOG_PATH"] = str(workdir / "logs")
    env.pop("TELEMETRY_DB", None)
    return env


def run_report(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return run_telemetry(env, "report", *args)


def run_telemetry(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "telemetry", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=600,
    )


def land_and_publish(db: Path, source: Path, env: dict[str, str]) -> Path:
    """Land `source` into `db`, build and publish it; the warehouse."""
    land_paths([source], db, echo=lambda line: None)
    result = run_telemetry(env, "build", "--db", str(db))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    return db


@pytest.fixture(scope="module")
def warehouse(workdir: Path, report_env: dict[str, str]) -> Path:
    csv_path = workdir / "fixture.csv"
    csv_path.write_text(_fixture_csv(), encoding="utf-8")
    return land_and_publish(workdir / "warehouse.duckdb", csv_path, report_env)


@pytest.fixture(scope="module")
def fixture_report(warehouse: Path, report_env: dict[str, str]) -> tuple[str, str, str, str, list]:
    """(markdown, stderr, sha256 of the warehouse and the published copy before, after, the
    warehouse's schemas) of the all-data report, with --min-sample 3 so some groups are not
    small."""
    published = published_path(warehouse)
    before = [hashlib.sha256(path.read_bytes()).hexdigest() for path in (warehouse, published)]
    result = run_report(report_env, "--db", str(warehouse), "--min-sample", "3")
    assert result.returncode == 0, result.stderr
    after = [hashlib.sha256(path.read_bytes()).hexdigest() for path in (warehouse, published)]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        schemas = con.execute("select distinct schema_name from duckdb_tables() order by 1").fetchall()
    return unwrap(result.stdout), result.stderr, before, after, schemas


# --------------------------------------------------------------------------- the fixture


def test_scope_states_time_range_filters_rows_and_users(fixture_report):
    md = fixture_report[0]
    scope = section(md, "Scope")
    assert "**Time range (UTC):** 2026-03-01 08:00:00 → 2026-03-02 12:00:00" in scope
    assert (
        "**Filters:** window: all data in the warehouse; app versions: all (3 versions in the window)"
        in scope
    )
    assert "**Rows:** 32 events in scope" in scope
    assert "**Active users:** 7 distinct user ids" in scope
    assert "**Primary workflow:** `transcribe`" in scope
    assert "fewer than 3 starts" in scope
    # the window end the data gave is pinned, so the command repeats this window later
    assert "`telemetry report --window-end '2026-03-02 12:00:00' --min-sample 3`" in scope


def test_headline_rates_separate_raw_from_runtime(fixture_report):
    rates = section(fixture_report[0], "Headline rates")
    assert table_row(rates, "Raw error rate (all failure events / all events)")[1:] == [
        "25.0%",
        "8 / 32",
    ]
    assert table_row(rates, "Runtime error rate (failures not of class user_input / all events)")[1:] == [
        "12.5%",
        "4 / 32",
    ]
    assert table_row(rates, "Workflow failure rate (`transcribe` failures / starts)")[1:] == [
        "58.3%",
        "7 / 12",
    ]
    assert table_row(rates, "Success events")[1] == "5"
    assert table_row(rates, "`user_input`")[1:] == ["no", "4", "50.0%", "2"]
    assert table_row(rates, "`runtime`")[1:] == ["yes", "3", "37.5%", "3"]
    assert table_row(rates, "`environment`")[1:] == ["yes", "1", "12.5%", "1"]


def test_users_affected_and_happy_with_shares_and_the_user_day_note(fixture_report):
    users = section(fixture_report[0], "Users")
    assert table_row(users, "Active users (distinct user ids)")[1] == "7"
    assert table_row(users, "Affected users (at least one failure event)")[1:] == ["5", "71.4%"]
    assert table_row(users, "Happy users (a success event and no failure event)")[1:] == [
        "2",
        "28.6%",
    ]
    assert "rotate daily" in users and "user-day" in users


def test_event_counts_by_name_and_version_counts(fixture_report):
    events = section(fixture_report[0], "Events and versions")
    assert table_row(events, "`transcribe_started`")[1:] == ["start", "12", "37.5%", "7"]
    assert table_row(events, "`transcribe_failed`")[1:3] == ["failure", "7"]
    assert table_row(events, "`sona_spawn_failed`")[1:3] == ["failure", "1"]
    assert table_row(events, "`app_started`")[1:3] == ["usage", "7"]
    assert "3 app versions in the window, 3 in scope" in events
    assert table_row(events, "3.1.0")[1:] == ["17", "yes", "17", "3"]
    assert table_row(events, "3.0.10")[1:] == ["12", "yes", "12", "3"]
    assert table_row(events, "3.0.9")[1:] == ["3", "yes", "3", "1"]


def test_breakdowns_with_wilson_intervals_and_small_sample_flags(fixture_report):
    breakdowns = section(fixture_report[0], "Breakdowns")
    family = breakdowns.split("### By OS family")[1].split("### By OS name")[0]
    # Windows: U1 U2 U6 = 15 events, 2 failures, 6 starts, 2 transcribe failures.
    assert table_row(family, "Windows") == [
        "Windows",
        "6",
        "2",
        ci_text(2, 6),
        "ok",
        "3",
        "2 (66.7%)",
        "15",
        "2",
        "13.3%",
    ]
    # macOS: U4 U5 = 10 events; 4 starts, 3 failures.
    assert table_row(family, "macOS")[1:5] == ["4", "3", ci_text(3, 4), "ok"]
    # Linux: U3 U7 = 2 starts (< 3): small sample, 2 failures of 2.
    assert table_row(family, "Linux")[1:5] == ["2", "2", ci_text(2, 2), "small"]
    # Riskiest first among groups with enough sample: macOS's lower bound (30.1%) > Windows
    # (9.7%); Linux's is higher (34.2%) but rests on 2 starts, so it comes after them.
    first_part = re.search(r"(?:^\|.*\n?)+", family, re.M).group(0)
    order = [line.split("|")[1].strip() for line in first_part.splitlines()[2:]]
    assert order == ["macOS", "Windows", "Linux"]
    os_name = breakdowns.split("### By OS name")[1].split("### By OS version")[0]
    assert table_row(os_name, "Ubuntu")[7] == "7"  # events
    os_version = breakdowns.split("### By OS version")[1].split("### By App version")[0]
    assert table_row(os_version, "Windows 11 23H2 (10.0.22631)")[1:5] == ["2", "1", ci_text(1, 2), "small"]
    assert table_row(os_version, "Windows 10 22H2 (10.0.19045)")[1:5] == ["4", "1", ci_text(1, 4), "ok"]
    app_version = breakdowns.split("### By App version")[1]
    assert table_row(app_version, "3.1.0")[1:5] == ["7", "4", ci_text(4, 7), "ok"]
    assert table_row(app_version, "3.0.9")[1:5] == ["1", "1", ci_text(1, 1), "small"]


def test_issue_buckets_with_class_events_users_and_a_redacted_example(fixture_report):
    buckets = section(fixture_report[0], "Top issue buckets")
    first = table_row(buckets, "1")
    # one failure on each version (U7 3.0.9, U3 3.0.10, U2 3.1.0) over 1, 4 and 7 starts
    assert first[1:9] == [
        "sona connection failed",
        "`runtime`",
        "3",
        "37.5%",
        "3",
        "2026-03-01 → 2026-03-02",
        "3.0.9: 1 (100.0%) · 3.0.10: 1 (25.0%) · 3.1.0: 1 (14.3%)",
        "–",
    ]
    assert first[10] == "`failed to send transcribe request to sona`"
    no_model = table_row(buckets, "2")
    assert no_model[1:6] == ["no model selected", "`user_input`", "3", "37.5%", "1"]
    # U4's on 3.1.0, never before, and 3.0.10 had enough starts (4 >= 3) to show it
    assert no_model[7:9] == ["3.0.9: 0 (0.0%) · 3.0.10: 0 (0.0%) · 3.1.0: 3 (42.9%)", "new in 3.1.0"]
    not_found = table_row(buckets, "3")
    assert not_found[1:3] == ["input file not found", "`user_input`"]
    assert "<path>" in not_found[10] and "jose" not in not_found[10]
    glibcxx = table_row(buckets, "4")
    assert glibcxx[2] == "`environment`" and "GLIBCXX_3.4.32" in glibcxx[10]
    assert "jose" not in fixture_report[0]


def test_repeated_failure_call_out(fixture_report):
    repeats = section(fixture_report[0], "Repeated failures")
    assert (
        "2 of 5 failing users (40.0%) failed more than once and produced 5 of 8 failure events "
        "(62.5%)" in repeats
    )
    assert "The top 1% of failing users (1 user) produced 3 (37.5%)" in repeats
    assert "3 of the repeaters' failures were their own input mistakes" in repeats
    assert table_row(repeats, "1")[1:5] == ["3", "3", "1", "no model selected"]


def test_release_health_and_regressions(fixture_report):
    releases = section(fixture_report[0], "Release health")
    assert table_row(releases, "3.1.0") == [
        "3.1.0",
        "42.9%",
        "3",
        "1 (33.3%)",
        "7",
        ci_text(4, 7),
        "0 (0.0%)",  # abandoned starts (crash proxy): every start has an outcome
        "3.0.10",
        "no",
    ]
    assert table_row(releases, "3.0.9")[4] == "1 (small)"
    assert "No regressions" in releases


def test_fix_suggestions_come_last_ordered_by_impact(fixture_report):
    """By users spared, every class alike (user input marked as a UX fix); among equals a
    bucket new in the newest version first, then by failure events, then by name."""
    md = fixture_report[0]
    assert md.rstrip().split("\n## ")[-1].startswith("Prioritized fix suggestions")
    fixes = section(md, "Prioritized fix suggestions")
    items = re.findall(r"^(\d+)\. \*\*(.+?)\*\* \(([^)]*)\): would spare (\d+) affected users?", fixes, re.M)
    assert items == [
        ("1", "sona connection failed", "runtime", "3"),
        ("2", "no model selected", "UX fix, class user_input", "1"),
        ("3", "input file not found", "UX fix, class user_input", "1"),
        ("4", "sona spawn: libstdc++ too old (GLIBCXX)", "environment", "1"),
    ]
    assert "**new in 3.1.0**" in fixes.split("\n2. ")[1].split("\n")[0]
    first = fixes.split("\n1. ")[1].split("\n")[0]
    assert "(60.0% of affected users)" in first
    # 3 of the 4 failures outside user_input
    assert "(75.0% of runtime-like failures)" in first
    # the code-path roll-up: sona/mod.rs holds sona connection's 3 runtime failures
    paths = fixes.split("### Where the failures are: by likely code path")[1]
    assert table_row(paths, "`desktop/src-tauri/src/sona/mod.rs`")[1:] == ["1", "3", "3 (75.0%)", "3"]
    assert "Code path: `desktop/src-tauri/src/sona/mod.rs" in first
    assert "Fix: " in first


def test_the_report_reads_the_published_copy_and_writes_nothing(fixture_report, workdir):
    md, stderr, before, after, warehouse_schemas = fixture_report
    assert stderr == ""  # no dbt run, no progress: the report is a read
    # neither the warehouse nor the published copy BI tools read is written, and no
    # database of the report's own is made
    assert before == after
    assert "raw" in [schema for (schema,) in warehouse_schemas]
    assert not list(workdir.rglob("report.duckdb"))
    assert "**Rows:** 32 events in scope" in md


# --------------------------------------------------------------------------- other runs


def test_empty_window_gives_a_no_events_report(warehouse, report_env):
    result = run_report(
        report_env,
        "--db",
        str(warehouse),
        "--window-hours",
        "1",
        "--window-end",
        "2026-02-01 00:00:00",
    )
    assert result.returncode == 0, result.stderr
    md = unwrap(result.stdout)
    assert "**Time range (UTC):** 2026-01-31 23:00:00 → 2026-02-01 00:00:00" in md
    assert "**Rows:** 0 events in scope" in md
    assert "**No events** in this window and filter" in md
    assert "the warehouse holds 32 events from 2026-03-01 08:00:00 to 2026-03-02 12:00:00 UTC" in md
    assert "## Headline rates" not in md
    assert "Traceback" not in result.stderr


def test_a_warehouse_never_published_is_one_line(workdir, report_env):
    """Landed but never built: the report says what to run, in one line, no traceback."""
    db = workdir / "unbuilt.duckdb"
    csv_path = workdir / "unbuilt.csv"
    csv_path.write_text(_fixture_csv(), encoding="utf-8")
    land_paths([csv_path], db, echo=lambda line: None)
    result = run_report(report_env, "--db", str(db))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"telemetry report: error: no published marts at {published_path(db)}: build them first "
        "(`telemetry build`), after landing exports (`telemetry land PATH`)"
    ]
    assert result.stdout == ""


@pytest.fixture(scope="module")
def fixture_html(warehouse, report_env, workdir) -> tuple[Path, str]:
    out = workdir / "out" / "report.html"
    result = run_report(
        report_env,
        "--db",
        str(warehouse),
        "--window-hours",
        "24",
        "--top-app-versions",
        "1",
        "--out",
        str(out),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert f"report: wrote {out}" in result.stderr
    return out, out.read_text(encoding="utf-8")


def test_html_is_self_contained_and_states_the_filters(fixture_html):
    _, html = fixture_html
    assert html.startswith("<!DOCTYPE html>")
    assert "<script" not in html and "<link" not in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    # --window-hours 24 ends at 03-02 12:00 and drops 03-01; top 1 version keeps 3.1.0
    # (17 events; 3.0.10 has 7 in the window): U1 U2 U4, 7 starts, 4 failures.
    assert "2026-03-01 12:00:00 → 2026-03-02 12:00:00" in html
    assert "top 1: 3.1.0" in html
    assert "left out: 3.0.10 (7 events)" in html
    assert "<strong>Rows:</strong> 17 events in scope" in html
    assert "4 / 7" in html and "57.1%" in html


def require_chromium() -> None:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing in CI: install Debian's chromium package")
        pytest.skip(f"{CHROMIUM} not installed (apt-get install -y chromium); runs in CI")


def open_in_chromium(path: Path) -> dict:
    """Open the file in headless Chromium; return each chart's size and its marks' sizes,
    the console errors and every URL the page requested."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    requests: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("request", lambda r: requests.append(r.url))
            page.goto(path.resolve().as_uri(), wait_until="load")
            charts = page.evaluate(
                """() => [...document.querySelectorAll('figure.chart')].map(figure => {
                    const svg = figure.querySelector('svg');
                    const box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
                    const marks = svg ? [...svg.querySelectorAll('.mark')].map(mark => {
                        const b = mark.getBoundingClientRect();
                        return {kind: mark.dataset.mark, width: b.width, height: b.height};
                    }) : [];
                    return {chart: figure.dataset.chart, width: box.width, height: box.height, marks};
                })"""
            )
            headings = page.eval_on_selector_all("h2", "els => els.map(e => e.textContent)")
        finally:
            browser.close()
    return {"charts": charts, "errors": errors, "requests": requests, "headings": headings}


def assert_charts_drawn(result: dict, *, funnels: bool = False) -> dict[str, dict]:
    """Every chart drawn with marks; a funnel chart only when the app defines a funnel."""
    charts = {c["chart"]: c for c in result["charts"]}
    expected = {"os", "daily", "pareto", "release"} | ({"funnel"} if funnels else set())
    assert set(charts) == expected, result["charts"]
    for name, chart in charts.items():
        assert chart["width"] > 100 and chart["height"] > 40, (name, chart)
        assert chart["marks"], f"chart {name} has no data marks"
        for mark in chart["marks"]:
            assert mark["width"] > 0 and mark["height"] > 0, (name, mark)
    assert result["errors"] == []
    assert all(url.startswith("file://") for url in result["requests"]), result["requests"]
    return charts


def test_html_charts_render_in_chromium(fixture_html):
    path, _ = fixture_html
    result = open_in_chromium(path)
    charts = assert_charts_drawn(result)
    # In scope: Windows (U1 U2) and macOS (U4); one day; buckets: no model selected,
    # sona connection failed; one version.
    assert len([m for m in charts["os"]["marks"] if m["kind"] == "os"]) == 2
    daily_kinds = sorted(m["kind"] for m in charts["daily"]["marks"])
    assert daily_kinds == ["raw_error_rate", "runtime_error_rate", "workflow_failure_rate"]
    assert len([m for m in charts["pareto"]["marks"] if m["kind"] == "bucket"]) == 2
    assert len([m for m in charts["pareto"]["marks"] if m["kind"] == "cumulative"]) == 2
    assert len([m for m in charts["release"]["marks"] if m["kind"] == "release"]) == 1
    assert result["headings"][-1] == "Prioritized fix suggestions"


# --------------------------------------------------------------------------- the sample


CHECKLIST = {
    # seed "Output Expectations" -> what the report must show for it
    "exact time range": ["**Time range (UTC):**"],
    "filters": ["**Filters:**", "top 2: "],
    "row count": ["**Rows:**", "events in scope"],
    "active users": ["**Active users:**"],
    "event counts": ["### Event counts by name"],
    "version counts": ["### Version counts"],
    "raw vs runtime error rate": ["Raw error rate", "Runtime error rate"],
    "workflow failure rate": ["Workflow failure rate"],
    "affected users with share": ["Affected users (at least one failure event)"],
    "happy users with share": ["Happy users (a success event and no failure event)"],
    "user ids rotate daily": ["rotate daily"],
    "OS family": ["### By OS family"],
    "OS name": ["### By OS name"],
    "OS version": ["### By OS version"],
    "app version": ["### By App version"],
    "intervals and small samples": ["(95% CI)", "| small"],
    "issue buckets": ["## Top issue buckets", "Example (redacted)"],
    "repeated failures": ["## Repeated failures", "failed more than once"],
    "release health": ["## Release health", "Regression"],
    "fix suggestions tied to code paths": ["## Prioritized fix suggestions", "Code path: `"],
}


@pytest.fixture(scope="module")
def sample_warehouse(workdir: Path, report_env: dict[str, str]) -> Path:
    """The bundled sample, or the same sample generated when it is not bundled yet."""
    source = BUNDLED_SAMPLE
    if not any(source.glob("*.csv")):
        sample = pytest.importorskip("telemetry.devtools.sample", reason="no bundled sample and no generator")
        source = workdir / "sample"
        sample.generate_sample(source, page_size=250)
    return land_and_publish(workdir / "sample.duckdb", source, report_env)


@pytest.fixture(scope="module")
def sample_report(sample_warehouse: Path, report_env: dict[str, str], workdir: Path):
    """The acceptance run: `telemetry report --window-hours 48 --top-app-versions 2` on the
    sample, in Markdown, HTML and JSON from one call; returns the Markdown, the rows it was
    written from (computed again from the published copy) and the paths written."""
    from telemetry.report.data import load_report_data
    from telemetry.report.scope import ReportScope

    outs = {fmt: workdir / "sample-report" / f"report.{fmt}" for fmt in ("md", "html", "json")}
    args = ["--db", str(sample_warehouse), "--window-hours", "48", "--top-app-versions", "2"]
    result = run_report(report_env, *args, *[part for out in outs.values() for part in ("--out", str(out))])
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    scope = ReportScope(window_hours=48, top_app_versions=2)
    return (
        unwrap(outs["md"].read_text(encoding="utf-8")),
        load_report_data(published_path(sample_warehouse), scope),
        outs,
    )


def test_sample_report_meets_the_seed_checklist(sample_report):
    from telemetry.report import render

    md, data, outs = sample_report
    # raw, the Markdown reads in a 120-column terminal: prose wrapped, wide tables split
    raw_lines = outs["md"].read_text(encoding="utf-8").splitlines()
    assert max(len(line) for line in raw_lines) <= 120
    missing = {
        item: needles for item, needles in CHECKLIST.items() if not all(needle in md for needle in needles)
    }
    assert not missing, f"checklist items missing: {missing}"
    sections = re.findall(r"^## (.+)$", md, re.M)
    assert sections[0] == "Scope"
    assert sections[-1] == "Prioritized fix suggestions"
    assert re.search(r"\*\*Time range \(UTC\):\*\* \d{4}-\d\d-\d\d \d\d:\d\d:\d\d → .* \(48 hours\)", md)
    assert re.search(
        r"^1\. \*\*.+\*\* \((runtime|environment|upstream|unclassified|UX fix, class user_input)\)", md, re.M
    )
    assert unwrap(render(data, "md")) == md  # the rows below are the ones this report shows


def test_sample_html_report_renders_in_chromium(sample_report, workdir):
    """The acceptance run's report as HTML (rendered from the same rows, no second dbt
    build) opens in Chromium with every chart drawn."""
    from telemetry.report import render

    _, data, _ = sample_report
    html_path = workdir / "sample.html"
    html_path.write_text(render(data, "html"), encoding="utf-8")
    charts = assert_charts_drawn(open_in_chromium(html_path), funnels=True)
    assert len(charts["daily"]["marks"]) >= 6
    assert len([m for m in charts["pareto"]["marks"] if m["kind"] == "bucket"]) >= 5
    assert len([m for m in charts["os"]["marks"] if m["kind"] == "os"]) >= 3


#: Read in the browser at a phone's width and a wide screen's (issue 17).
SCREEN_WIDTHS = (400, 1400)
MIN_TEXT_PX = 8

LAYOUT_JS = """() => {
    const viewport = document.documentElement.clientWidth;
    // every piece of visible text and the size it is drawn at (SVG text: its font size
    // times the scale the SVG is drawn at)
    let smallest = null;
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const el = node.parentElement;
        if (!node.textContent.trim() || !el || el.closest('title')) continue;
        let size = parseFloat(getComputedStyle(el).fontSize);
        if (el instanceof SVGElement) { const m = el.getScreenCTM(); size *= Math.hypot(m.a, m.b); }
        if (smallest === null || size < smallest.size) smallest = {size, text: node.textContent.slice(0, 40)};
    }
    // each table scrolled to its far right: its key cells still lie inside the screen
    const offscreen = [];
    for (const wrap of document.querySelectorAll('.table-wrap')) {
        wrap.scrollLeft = wrap.scrollWidth;
        const box = wrap.getBoundingClientRect();
        for (const cell of wrap.querySelectorAll('.key')) {
            const r = cell.getBoundingClientRect();
            if (r.left < Math.max(box.left, 0) - 1 || r.right > Math.min(box.right, viewport) + 1) {
                offscreen.push(cell.textContent.slice(0, 40));
            }
        }
        wrap.scrollLeft = 0;
    }
    const keyed = [...document.querySelectorAll('table')].filter(t => t.querySelector('td.key')).length;
    return {viewport, pageWidth: document.documentElement.scrollWidth, smallest, offscreen, keyed,
            tables: document.querySelectorAll('table').length};
}"""


def read_at_widths(path: Path, shots: Path) -> dict[int, dict]:
    """Open the HTML at each of SCREEN_WIDTHS: a full-page screenshot (its PNG width must be
    the screen's: nothing overflows the page) and the layout measured in the page."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    shots.mkdir(parents=True, exist_ok=True)
    layouts: dict[int, dict] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            for width in SCREEN_WIDTHS:
                page = browser.new_page(viewport={"width": width, "height": 900})
                page.goto(path.resolve().as_uri(), wait_until="load")
                png = shots / f"{path.stem}-{width}.png"
                page.screenshot(path=str(png), full_page=True)
                layout = page.evaluate(LAYOUT_JS)
                layout["png_width"] = int.from_bytes(png.read_bytes()[16:20], "big")
                layouts[width] = layout
                page.close()
        finally:
            browser.close()
    return layouts


def assert_reads_at_every_width(layouts: dict[int, dict]) -> None:
    for width, layout in layouts.items():
        assert layout["png_width"] == width, (width, layout)
        assert layout["pageWidth"] <= layout["viewport"], (width, layout)
        assert layout["smallest"]["size"] >= MIN_TEXT_PX, (width, layout["smallest"])
        assert layout["offscreen"] == [], (width, layout["offscreen"])
        assert layout["keyed"] == layout["tables"], (width, layout)


def test_sample_html_reads_at_phone_and_wide_screen_widths(sample_report, workdir):
    """At 400 px and 1400 px: no text drawn under 8 px (charts keep their size and scroll),
    the page never scrolls sideways, and every table's key columns stay on screen when the
    table is scrolled to its far right."""
    from telemetry.report import render

    _, data, _ = sample_report
    html_path = workdir / "sample-widths.html"
    html_path.write_text(render(data, "html"), encoding="utf-8")
    assert_reads_at_every_width(read_at_widths(html_path, workdir / "screenshots"))


def test_fixture_html_reads_at_phone_and_wide_screen_widths(fixture_html, workdir):
    path, _ = fixture_html
    assert_reads_at_every_width(read_at_widths(path, workdir / "screenshots"))
