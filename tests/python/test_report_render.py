"""The report's formatting, without dbt: analysis rows written by hand go through the
document, the Markdown and the HTML renderers; the CLI's own checks fail as one line."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
from test_report import table_row, unwrap

from telemetry.cli.report import parse_app_versions, parse_window_end
from telemetry.errors import UserError
from telemetry.pipeline.run import _failure_text, _node_line
from telemetry.report import render
from telemetry.report.charts import daily_chart, os_chart, pareto_chart, release_chart
from telemetry.report.data import ReportData
from telemetry.report.scope import ReportScope

REPO_ROOT = Path(__file__).resolve().parents[2]
START, END = datetime(2026, 2, 14, 0, 0, 0), datetime(2026, 2, 15, 23, 59, 59)


def scope_row(events: int, **extra) -> dict:
    return {
        "window_hours": 48,
        "window_start": START,
        "window_end": END,
        "version_filter": "top 1: 3.1.0",
        "has_version_filter": True,
        "window_events": events + 5,
        "warehouse_events": 100,
        "warehouse_first_event": datetime(2026, 2, 1),
        "warehouse_last_event": END,
        **extra,
    }


def data_with_events() -> ReportData:
    rows: dict[str, list[dict]] = {}
    rows["report_scope"] = [scope_row(10)]
    rows["report_summary"] = [
        {
            "events": 10,
            "active_users": 4,
            "failure_events": 3,
            "success_events": 2,
            "raw_error_rate": 0.3,
            "runtime_failure_events": 2,
            "runtime_error_rate": 0.2,
            "primary_action": "transcribe",
            "primary_starts": 4,
            "primary_failures": 2,
            "workflow_failure_rate": 0.5,
            "affected_users": 2,
            "happy_users": 1,
            "affected_user_share": 0.5,
            "happy_user_share": 0.25,
        }
    ]
    rows["report_app_versions"] = [
        {
            "app_version": "3.1.0",
            "window_events": 10,
            "is_in_scope": True,
            "scope_events": 10,
            "active_users": 4,
        },
        {
            "app_version": "3.0.9",
            "window_events": 5,
            "is_in_scope": False,
            "scope_events": None,
            "active_users": None,
        },
    ]
    rows["report_issue_buckets"] = [
        {
            "bucket_rank": 1,
            "issue_bucket": "odd | bucket *name*",
            "failure_class": "runtime",
            "failure_events": 3,
            "affected_users": 2,
            "share_of_failures": 1.0,
            "cumulative_share_of_failures": 1.0,
            "app_versions": "3.1.0",
            "os_families": "Windows",
            "example_message_redacted": "error | with `ticks`\n\nand <path> on a second line",
            "likely_code_path": None,
            "fix_hint": None,
        }
    ]
    rows["report_fix_suggestions"] = [
        {
            "priority": 1,
            "issue_bucket": "odd | bucket *name*",
            "failure_class": "runtime",
            "is_user_input": False,
            "affected_users": 2,
            "share_of_affected_users": 1.0,
            "failure_events": 3,
            "share_of_failures": 1.0,
            "app_versions": "3.1.0",
            "os_families": "Windows",
            "likely_code_path": None,
            "fix_hint": None,
        }
    ]
    rows["report_breakdowns"] = [
        {
            "dimension": "os_name",
            "dimension_value": "Windows",
            "events": 10,
            "failure_events": 3,
            "raw_error_rate": 0.3,
            "active_users": 4,
            "affected_users": 2,
            "affected_user_share": 0.5,
            "primary_starts": 4,
            "primary_failures": 0,
            "workflow_failure_rate": 0.0,
            "workflow_failure_rate_low": 0.0,
            "workflow_failure_rate_high": 0.49,
            "small_sample": True,
            "risk_rank": 1,
        }
    ]
    rows["report_daily"] = [
        {
            "event_date": date(2026, 2, 15),
            "is_partial_day": True,
            "events": 10,
            "active_users": 4,
            "affected_users": 2,
            "failure_events": 3,
            "runtime_failure_events": 2,
            "primary_starts": 4,
            "primary_failures": 2,
            "raw_error_rate": 0.3,
            "runtime_error_rate": 0.2,
            "workflow_failure_rate": None,
        }
    ]
    rows["report_repeat_failures"] = [
        {
            "failure_events": 3,
            "failing_users": 2,
            "repeat_failing_users": 0,
            "repeat_failing_user_share": 0.0,
            "repeat_failure_events": 0,
        }
    ]
    return ReportData(scope=ReportScope(window_hours=48, top_app_versions=1), rows=rows)


def empty_data() -> ReportData:
    rows: dict[str, list[dict]] = {}
    rows["report_scope"] = [scope_row(0, window_events=0, version_filter="all", has_version_filter=False)]
    rows["report_summary"] = [{"events": 0, "active_users": 0, "failure_events": 0}]
    return ReportData(scope=ReportScope(window_hours=48), rows=rows)


def test_markdown_escapes_data_text_and_keeps_tables_intact():
    md = unwrap(render(data_with_events(), "md"))
    # the pipe inside data is escaped, so the row keeps its 11 cells (over the parts a
    # 120-column terminal splits the table into)
    row = table_row(md, "1")
    assert len(row) == 11
    assert row[1] == r"odd \| bucket \*name\*"
    assert row[10] == "`` error \\| with `ticks` ⏎ and <path> on a second line ``"
    assert "**odd | bucket \\*name\\*** (runtime)" in md
    assert "Code path: not known (no failure rule names one for this bucket)" in md
    assert "add a rule for it to seeds/failure_rules.csv" in md
    assert "left out: 3.0.9 (5 events)" in md
    assert "**No repeats:** each of the 2 failing users failed once" in md


def test_no_events_report_is_short_and_says_so():
    for fmt in ("md", "html"):
        text = render(empty_data(), fmt)
        assert "No events" in text
        assert "Headline rates" not in text and "data-chart" not in text
    assert "widen --window-hours" in unwrap(render(empty_data(), "md"))


def test_html_is_one_self_contained_file():
    html = render(data_with_events(), "html")
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    assert "<script" not in html and "<link" not in html and "@import" not in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    # data text is escaped, never markup
    assert "&lt;path&gt;" in html and "<path>" not in html
    assert html.count('<figure class="chart"') == 4


def test_charts_draw_marks_even_for_zero_and_missing_rates():
    os_svg = os_chart(data_with_events().table("report_breakdowns"), 0.5, "os")
    assert 'class="mark bar small"' in os_svg and 'width="2.0"' in os_svg  # 0% still visible
    daily = daily_chart(data_with_events().table("report_daily"), "transcribe", "daily")
    assert daily.count('class="mark point"') == 2  # the workflow rate is missing that day
    assert "No failures in scope" in pareto_chart([], "pareto")
    assert "No app versions in scope" in release_chart([], "release")


def test_progress_and_failure_lines():
    assert _node_line({"resource_type": "test", "status": "pass", "index": 3, "total": 9}) is None
    line = _node_line(
        {
            "resource_type": "model",
            "name": "kpi_daily",
            "status": "OK",
            "index": 3,
            "total": 90,
            "seconds": 0.25,
        }
    )
    assert line == "build:   [ 3/90] model kpi_daily: ok (0.2s)"
    text = _failure_text(
        {
            "step": "build",
            "nodes": [
                {
                    "name": "t",
                    "resource_type": "test",
                    "path": "tests/t.sql",
                    "status": "fail",
                    "message": "Got 2 results,\n  configured",
                }
            ],
        },
        Path("/tmp/logs/dbt.log"),
    )
    assert "\n" not in text
    assert text.startswith("dbt build failed in test t (tests/t.sql): Got 2 results, configured;")


def test_scope_command_line_reproduces_the_options():
    scope = ReportScope(window_hours=48, app_versions=("3.1.0", "3.0.10"), min_sample=10, min_group_users=3)
    assert scope.command_line("html") == (
        "telemetry report --window-hours 48 --app-versions 3.1.0,3.0.10 --min-sample 10 --min-group-users 3"
        " --format html"
    )
    assert scope.dbt_vars()["app_versions"] == ["3.1.0", "3.0.10"]
    # the kpi_scope_params row the report's KPI queries read, as the model makes it from vars
    assert scope.params() == {
        "window_hours": 48,
        "window_end": None,
        "app_versions": "3.1.0, 3.0.10",
        "top_app_versions": None,
        "min_sample": 10,
        "min_group_users": 3,
    }
    assert scope.dbt_vars()["min_group_users"] == 3
    assert list(ReportScope().params().values()) == [None, None, None, None, 30, 5]


def test_reproduce_pins_the_window_end_the_data_gave():
    """Without --window-end the window ends at the latest event: the command pins that end
    (microseconds kept), so it gives the same window once new data lands; a window end that
    was asked for is kept as asked."""
    resolved = datetime(2026, 2, 15, 23, 41, 53, 250000)
    assert ReportScope(window_hours=48).command_line("md", resolved) == (
        "telemetry report --window-hours 48 --window-end '2026-02-15 23:41:53.250000'"
    )
    assert ReportScope(window_end="2026-02-15 18:00").command_line("md", resolved) == (
        "telemetry report --window-end '2026-02-15 18:00'"
    )
    assert parse_window_end("2026-02-15 23:41:53.250000") == "2026-02-15 23:41:53.250000"


def test_option_parsing():
    assert parse_app_versions(" 3.1.0, 3.0.10,3.1.0 ,") == ("3.1.0", "3.0.10")
    assert parse_window_end("2026-02-15T18:00") == "2026-02-15 18:00"
    for bad in ("2026-13-01", "yesterday", "2026-02-15 25:00:00"):
        with pytest.raises(UserError):
            parse_window_end(bad)
    with pytest.raises(UserError):
        parse_app_versions(" , ")


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "telemetry", "report", *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )


def test_cli_errors_are_one_line_without_traceback(tmp_path):
    missing = run_cli("--db", str(tmp_path / "none.duckdb"))
    assert missing.returncode == 1
    assert missing.stderr.strip().splitlines() == [
        f"telemetry report: error: no warehouse at {tmp_path / 'none.duckdb'}: land exports "
        "first (`telemetry land PATH --db DB`) or point --db at the warehouse"
    ]
    bad_end = run_cli("--window-end", "soon", "--db", str(tmp_path / "none.duckdb"))
    assert bad_end.returncode == 1 and "--window-end must be a UTC time" in bad_end.stderr
    both = run_cli("--top-app-versions", "2", "--app-versions", "3.1.0")
    assert both.returncode == 2 and "--top-app-versions is not allowed with --app-versions" in both.stderr
    zero = run_cli("--window-hours", "0")
    assert zero.returncode == 2 and "0 is not in the range x>=1" in zero.stderr
    for result in (missing, bad_end, both, zero):
        assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1


def _findings(md: str) -> str:
    return md.split("## Key findings")[1].split("\n## ")[0]


def test_an_os_is_named_riskier_only_when_its_interval_lies_above_the_overall_rate():
    data = data_with_events()
    windows = data.rows["report_breakdowns"][0]
    # overall 50%: an interval of 52-90% with enough sample stands out; the analysis says so
    windows.update(
        small_sample=False,
        workflow_failure_rate=0.75,
        workflow_failure_rate_low=0.52,
        workflow_failure_rate_high=0.9,
        stands_out=True,
    )
    assert (
        "transcribe fails more often on Windows: 75.0% (52.0–90.0%), whose whole 95% interval"
        in _findings(unwrap(render(data, "md")))
    )
    windows.update(workflow_failure_rate_low=0.4, stands_out=False)
    findings = _findings(unwrap(render(data, "md")))
    assert "No OS stands out" in findings and "fails more often" not in findings
    windows.update(small_sample=True)
    assert "No OS has 30 or more transcribe starts" in _findings(unwrap(render(data, "md")))


def test_concentration_is_said_only_when_its_condition_holds():
    data = data_with_events()
    repeat = data.rows["report_repeat_failures"][0]
    repeat.update(
        failure_events=10,
        failing_users=4,
        repeat_failing_users=1,
        repeat_failure_events=2,
        repeat_failure_share=0.2,
        max_user_failure_events=2,
    )
    md = unwrap(render(data, "md"))
    assert "**Repeats, but no concentration:**" in md and "A handful of users" not in md
    assert "not so here" in md
    repeat.update(repeat_failure_events=6, repeat_failure_share=0.6, max_user_failure_events=6)
    md = unwrap(render(data, "md"))
    assert "**A handful of users, much of the volume:**" in md and "both hold." in md
    # share enough but nobody failed 3 times: still no claim
    repeat.update(max_user_failure_events=2)
    assert "A handful of users" not in unwrap(render(data, "md"))


def test_a_table_wider_than_a_terminal_splits_into_parts_that_repeat_its_keys():
    from telemetry.report.document import Code, Table
    from telemetry.report.markdown import WIDTH, table

    wide = Table(
        ["Key", *[f"Column {i}" for i in range(1, 9)], "Message"],
        [["k1", *["x" * 12] * 8, [Code("m" * 200)]], ["k2", *["y" * 12] * 8, "short"]],
        ["l"] * 10,
    )
    text = table(wide)
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= WIDTH
    parts = text.split("\n\n")
    assert len(parts) >= 2
    # every part starts with the key column and holds both rows
    for part in parts:
        assert part.startswith("| Key ")
        assert [line.split("|")[1].strip() for line in part.splitlines()[2:]] == ["k1", "k2"]
    # every column is shown once; the 200-character message is cut to fit, still as code
    headers = [cell.strip() for part in parts for cell in part.splitlines()[0].strip("|").split("|")[1:]]
    assert headers == [*[f"Column {i}" for i in range(1, 9)], "Message"]
    message = parts[-1].splitlines()[2].split("|")[2].strip()
    assert message.startswith("`mmm") and message.endswith("…`")
    # a table that fits stays one table
    assert "\n\n" not in table(Table(["Key", "Value"], [["a", "1"]], ["l", "r"]))
