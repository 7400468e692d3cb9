"""`telemetry report` as a decision tool (issue 17), end to end on a small export counted by
hand: the crash proxy, attempts apart from starts and unpaired outcomes, claims only where
the counts carry them, the fix order by impact with a code-path roll-up, what each version
did to each bucket, generic failure signals, OS marketing names and a pinned window end.

Three app versions, 24 users (each a user id of one day), report with --min-sample 3:

    version  OS                      user     events
    1.0.0    Windows 10.0.19045      A1       app, start, failed "failed to send transcribe request to sona"
    (03-01)                          A2 A3    app, start, success
    1.1.0    macOS 14.5              B1-B3    app, start, failed "sona load_model failed: ..."
    (03-01)                          B4-B9    app, start, success
                                     B10      app, failed "No model selected..." (no start)
    1.2.0    Ubuntu 24.04            C1-C3    app, start, failed "failed to send transcribe request to sona"
    (03-02)  Windows 10.0.22631      D1       app, start, failed "transcription error: ... 503 Service Unavailable"
                                     D2       app, start (no outcome: abandoned)
                                     D3-D6    app, start, failed "No model selected..."
                                     F1       app, handoff_transcribe success=true
                                     F2       app, handoff_transcribe success=false error_code=503 (last event, 11:59)

68 events, 24 users, 14 failure events (5 user_input, so 9 runtime-like). transcribe: 21
starts, 13 failure events (61.9%); attempts: 8 succeeded, 12 failed, 1 abandoned (D2: 1/21
= 4.8%), and B10's failure closed no start (an orphan outcome). handoff_transcribe has no
start event: 2 outcomes, 1 failed. Affected: 14 users; failure-free and happy: A2 A3 B4-B9
F1 = 9 (D2 abandoned, so neither).

Buckets (starts per version 3, 9, 9; none small):
- no model selected (user_input): B10 on 1.1.0, D3-D6 on 1.2.0: 5 users, new in 1.1.0.
- sona connection failed (runtime, sona/mod.rs): A1 on 1.0.0, none on 1.1.0, C1-C3 on 1.2.0:
  regressed in 1.2.0 (at 3 per 9 starts 1.1.0 would have shown 3).
- sona load_model failed: {'error':'bad magic'} (runtime, the broad load_model rule, which
  names no bucket, sona/mod.rs): B1-B3 on 1.1.0, none of 9 starts on 1.2.0: gone.
- the download 503 (generic HTTP 5xx signal) and handoff_transcribe [error_code=503] (generic
  error-code signal): upstream, new in 1.2.0.
Fix order: no model selected (5 users, a UX fix), sona connection failed (4), the two new
1-user buckets (by name), the load_model bucket last (gone). sona/mod.rs holds 7 of the 9
runtime-like failures (77.8%).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_report import (
    HEADER,
    _row,
    ci_text,
    cli_env,
    land_and_publish,
    run_report,
    section,
    table_row,
    unwrap,
)

CONNECTION = "failed to send transcribe request to sona"
MODEL_LOAD = "sona load_model failed: {'error':'bad magic'}"
#: the broad load_model rule names no bucket: the message template is the bucket
MODEL_LOAD_BUCKET = "sona load_model failed: {'error':'bad magic'}"
NO_MODEL = "No model selected. Please download or select a model first."
DOWNLOAD_503 = (
    "transcription error: failed to download model from https://example.com/m.bin: 503 Service Unavailable"
)

WINDOWS_10 = ("Windows", "10.0.19045")
WINDOWS_11 = ("Windows", "10.0.22631")
MACOS = ("macOS", "14.5")
UBUNTU = ("Ubuntu", "24.04")


def _events(
    user: str, day: str, minute: int, version: str, os: tuple[str, str], steps: list[tuple]
) -> list[str]:
    """One user's events, a minute apart from `minute` past 08:00 on `day`."""
    rows = []
    for offset, (event, props) in enumerate(steps):
        total = minute + offset
        ts = f"2026-03-{day} {8 + total // 60:02d}:{total % 60:02d}:00"
        rows.append(_row(ts, event, user, version, os[0], os[1], props))
    return rows


def _app() -> tuple[str, str]:
    return ("app_started", "{}")


def _start() -> tuple[str, str]:
    return ("transcribe_started", '{"source":"home"}')


def _success() -> tuple[str, str]:
    return ("transcribe_succeeded", '{"source":"home"}')


def _failed(message: str) -> tuple[str, str]:
    return ("transcribe_failed", f'{{"error_message":"{message}","source":"home"}}')


def _fixture_csv() -> str:
    rows: list[str] = []
    rows += _events("A1", "01", 0, "1.0.0", WINDOWS_10, [_app(), _start(), _failed(CONNECTION)])
    for i, user in enumerate(("A2", "A3")):
        rows += _events(user, "01", 10 + 10 * i, "1.0.0", WINDOWS_10, [_app(), _start(), _success()])
    for i in range(1, 4):
        rows += _events(f"B{i}", "01", 60 + 5 * i, "1.1.0", MACOS, [_app(), _start(), _failed(MODEL_LOAD)])
    for i in range(4, 10):
        rows += _events(f"B{i}", "01", 60 + 5 * i, "1.1.0", MACOS, [_app(), _start(), _success()])
    rows += _events("B10", "01", 120, "1.1.0", MACOS, [_app(), _failed(NO_MODEL)])
    for i in range(1, 4):
        rows += _events(f"C{i}", "02", 5 * i, "1.2.0", UBUNTU, [_app(), _start(), _failed(CONNECTION)])
    rows += _events("D1", "02", 30, "1.2.0", WINDOWS_11, [_app(), _start(), _failed(DOWNLOAD_503)])
    rows += _events("D2", "02", 35, "1.2.0", WINDOWS_11, [_app(), _start()])
    for i in range(3, 7):
        rows += _events(
            f"D{i}", "02", 30 + 10 * i, "1.2.0", WINDOWS_11, [_app(), _start(), _failed(NO_MODEL)]
        )
    handoff = "handoff_transcribe"
    rows += _events("F1", "02", 200, "1.2.0", WINDOWS_11, [_app(), (handoff, '{"success":"true"}')])
    rows += _events(
        "F2", "02", 238, "1.2.0", WINDOWS_11, [_app(), (handoff, '{"error_code":"503","success":"false"}')]
    )
    return HEADER + "".join(rows)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("decisions")


@pytest.fixture(scope="module")
def report_env(workdir: Path) -> dict[str, str]:
    return cli_env(workdir)


@pytest.fixture(scope="module")
def report(workdir: Path, report_env: dict[str, str]) -> str:
    """The all-data Markdown report of the fixture, --min-sample 3."""
    csv_path = workdir / "decisions.csv"
    csv_path.write_text(_fixture_csv(), encoding="utf-8")
    warehouse = land_and_publish(workdir / "warehouse.duckdb", csv_path, report_env)
    result = run_report(report_env, "--db", str(warehouse), "--min-sample", "3")
    assert result.returncode == 0, result.stderr
    return unwrap(result.stdout)


def _findings(md: str) -> list[str]:
    return [line[2:] for line in section(md, "Key findings").splitlines() if line.startswith("- ")]


def test_crash_proxy_in_headline_users_findings_and_release_health(report):
    rates = section(report, "Headline rates")
    assert table_row(rates, "Workflow failure rate (`transcribe` failures / starts)")[1:] == [
        "61.9%",
        "13 / 21",
    ]
    assert table_row(rates, "Abandoned rate, crash proxy (`transcribe` starts with no outcome / starts)")[
        1:
    ] == [
        "4.8%",
        "1 / 21",
    ]
    users = section(report, "Users")
    assert table_row(users, "Users with an abandoned attempt (crash proxy)")[1:] == ["1", "4.2%"]
    assert table_row(users, "Failure-free users (no failure event, no abandoned attempt)")[1:] == [
        "9",
        "37.5%",
    ]
    assert table_row(users, "Happy users (a success event and no failure event)")[1:] == [
        "9",
        "37.5%",
    ]
    assert (
        "14 of 24 users (58.3%) hit at least one failure and 1 abandoned an attempt; 9 (37.5%) had "
        "neither (failure-free user-days)."
    ) in _findings(report)
    crash = [f for f in _findings(report) if "abandoned" in f and "crash proxy" in f]
    assert crash == [
        f"**1 of 21 transcribe starts were abandoned: {ci_text(1, 21)}** (crash proxy: a start with "
        "no success or failure, the closest thing to a crash the telemetry holds; in no failure "
        "rate). 1 user abandoned at least one attempt of any action."
    ]
    releases = section(report, "Release health")
    # 1.2.0: 11 users, 9 with a failure, D2 abandoned: only F1 is failure-free
    assert table_row(releases, "1.2.0")[3:7] == ["1 (9.1%)", "9", ci_text(8, 9), "1 (11.1%)"]
    assert table_row(releases, "1.1.0")[3:7] == ["6 (60.0%)", "9", ci_text(4, 9), "0 (0.0%)"]


def test_attempts_starts_and_unpaired_outcomes_counted_apart(report):
    lifecycle = section(report, "Action lifecycle")
    assert table_row(lifecycle, "`transcribe`")[1:7] == [
        "21 starts",
        "8",
        "12",
        "1 (4.8%)",
        ci_text(12, 21),
        "1",  # B10's failure closed no start: counted apart, in no rate
    ]
    # no start event at all: its attempts are its outcomes, and no rate is called "of starts"
    assert table_row(lifecycle, "`handoff_transcribe`")[1:7] == [
        "2 outcomes (no start event)",
        "1",
        "1",
        "–",
        ci_text(1, 2) + " (small)",
        "–",
    ]
    assert "of starts" not in lifecycle
    # the headline's failure events over starts says how many failures closed no start
    assert (
        "**transcribe failure rate 61.9%** (13 failure events / 21 starts); 1 of them closes no "
        "start (its start fell before the window or was never sent)."
    ) in _findings(report)


def test_claims_only_where_the_counts_carry_them(report):
    findings = _findings(report)
    # Ubuntu 3/3 (low 43.8%), Windows 6/9 and macOS 4/9 all reach below the overall 61.9%
    assert (
        "No OS stands out: the 95% interval of every OS with enough sample (3 OSes) reaches the "
        "overall transcribe failure rate (61.9%) or lies below it."
    ) in findings
    assert not any("fails more often on" in f for f in findings)
    repeats = section(report, "Repeated failures")
    assert "**No repeats:** each of the 14 failing users failed once" in repeats
    assert "A handful of users" not in report


def test_fix_order_by_impact_with_ux_fixes_and_code_paths(report):
    fixes = section(report, "Prioritized fix suggestions")
    items = re.findall(r"^(\d+)\. \*\*(.+?)\*\* \(([^)]*)\): would spare (\d+) affected users?", fixes, re.M)
    assert [item[1:] for item in items] == [
        ("no model selected", "UX fix, class user_input", "5"),
        ("sona connection failed", "runtime", "4"),
        (r"handoff_transcribe \[error_code=503]", "upstream", "1"),  # Markdown-escaped
        (items[3][1], "upstream", "1"),
        (MODEL_LOAD_BUCKET, "runtime", "3"),
    ]
    assert items[3][1].startswith("transcription error: failed to download model from")
    lines = {item[1]: line for item, line in zip(items, re.findall(r"^\d+\. .*$", fixes, re.M), strict=True)}
    assert "(35.7% of affected users) and 5 failure events;" in lines["no model selected"]
    assert (
        "(28.6% of affected users) and 4 failure events (44.4% of runtime-like failures)"
        in lines["sona connection failed"]
    )
    assert "**regressed in 1.2.0: back after a version without it**" in lines["sona connection failed"]
    assert "**new in 1.2.0**" in lines[r"handoff_transcribe \[error_code=503]"]
    assert "**gone in 1.2.0: likely fixed there**" in lines[MODEL_LOAD_BUCKET]
    paths = fixes.split("### Where the failures are: by likely code path")[1]
    assert table_row(paths, "`desktop/src-tauri/src/sona/mod.rs`")[1:] == ["2", "7", "7 (77.8%)", "7"]
    assert table_row(paths, "not known (no rule names one)")[1:] == ["2", "2", "2 (22.2%)", "2"]
    assert table_row(paths, "`desktop/src/pages/**`")[1:] == ["1", "5", "0 (0.0%)", "5"]
    findings = _findings(report)
    assert any(
        f.startswith("Fix first: **no model selected** (a UX fix): 5 users, 5 failure events")
        for f in findings
    )
    assert (
        "`desktop/src-tauri/src/sona/mod.rs` holds 77.8% of runtime-like failures (7, 2 buckets): "
        "the file to open first."
    ) in findings


def test_buckets_per_version_with_new_regressed_and_gone(report):
    buckets = section(report, "Top issue buckets")
    rows = {cells[1]: cells for cells in (table_row(buckets, str(rank)) for rank in range(1, 6))}
    no_model = rows["no model selected"]
    assert no_model[2:7] == ["`user_input`", "5", "35.7%", "5", "2026-03-01 → 2026-03-02"]
    # first on 1.1.0, whose previous version (3 starts) was used enough to have shown it
    assert no_model[7:9] == ["1.0.0: 0 (0.0%) · 1.1.0: 1 (11.1%) · 1.2.0: 4 (44.4%)", "new in 1.1.0"]
    assert rows["sona connection failed"][7:9] == [
        "1.0.0: 1 (33.3%) · 1.1.0: 0 (0.0%) · 1.2.0: 3 (33.3%)",
        "regressed in 1.2.0",
    ]
    assert rows[MODEL_LOAD_BUCKET][7:9] == [
        "1.0.0: 0 (0.0%) · 1.1.0: 3 (33.3%) · 1.2.0: 0 (0.0%)",
        "gone in 1.2.0",
    ]
    handoff = rows[r"handoff_transcribe \[error_code=503]"]
    assert handoff[2] == "`upstream`" and handoff[8] == "new in 1.2.0"


def test_generic_signals_classify_what_no_app_rule_names(report):
    classes = section(report, "Headline rates")
    # runtime: A1 C1-C3 B1-B3; user_input: B10 D3-D6; upstream: D1's HTTP 503, F2's error code 503
    assert table_row(classes, "`runtime`")[1:] == ["yes", "7", "50.0%", "7"]
    assert table_row(classes, "`upstream`")[1:] == ["yes", "2", "14.3%", "2"]
    assert table_row(classes, "`user_input`")[1:] == ["no", "5", "35.7%", "5"]
    assert "| `unclassified`" not in classes


def test_os_versions_by_name_and_a_pinned_reproduce_line(report):
    os_version = section(report, "Breakdowns").split("### By OS version")[1].split("### By App version")[0]
    for label in (
        "Windows 10 22H2 (10.0.19045)",
        "Windows 11 23H2 (10.0.22631)",
        "macOS Sonoma (14.5)",
        "Ubuntu 24.04",
    ):
        table_row(os_version, label)
    scope = section(report, "Scope")
    assert "**Reproduce:** `telemetry report --window-end '2026-03-02 11:59:00' --min-sample 3`" in scope


def test_daily_trend_marks_days_the_window_cuts(report):
    daily = section(report, "Daily trend")
    # the window runs from the first event (03-01 08:00) to the last (03-02 11:59): both cut
    assert table_row(daily, "2026-03-01†")[1:3] == ["38", "13"]
    assert table_row(daily, "2026-03-02†")[1:3] == ["30", "11"]
    assert "† A partial day" in daily
