"""The `telemetry` command line itself: version, help, one-line errors with suggestions."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib.metadata import version

import duckdb
import pytest
from conftest import REPO_ROOT

from telemetry.cli import main, parse


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out == f"telemetry, version {version('telemetry')}\n"


def test_help_lists_every_command_in_order(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--help")
    commands = out.split("Commands:")[1].splitlines()
    listed = [line.split()[0] for line in commands if line.startswith("  ") and line[2] != " "]
    assert code == 0 and listed == ["land", "unland", "build", "export", "report", "sample", "serve", "demo"]


@pytest.mark.parametrize(
    "argv, expected",
    [
        (
            ["reprt"],
            "telemetry: error: No such command 'reprt'. Did you mean 'report'? (see telemetry --help)",
        ),
        (
            ["export", "--last-hour", "4"],
            "telemetry export: error: No such option: --last-hour Did you mean --last-hours? "
            "(see telemetry export --help)",
        ),
        (
            ["export", "--format", "xlsx"],
            "telemetry export: error: Invalid value for '--format': 'xlsx' is not one of 'csv', 'parquet'. "
            "(see telemetry export --help)",
        ),
        (["land"], "telemetry land: error: Missing argument 'PATH...'. (see telemetry land --help)"),
    ],
)
def test_bad_input_is_one_line_with_a_suggestion(capsys, argv: list[str], expected: str) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == "" and err == expected + "\n"


def test_parse_gives_the_options_without_running(tmp_path) -> None:
    args = parse(["export", "--last-hours", "48", "--out", str(tmp_path), "--land"])
    assert args.last_hours == 48 and args.out == tmp_path and args.land is True
    assert args.format == "csv" and args.max_attempts == 5 and args.db is None


def test_every_command_reads_dotenv_in_the_working_directory(tmp_path) -> None:
    # `land` never read .env before: TELEMETRY_DB there now picks the warehouse.
    sample = REPO_ROOT / "data" / "sample" / "vibe-release-2026-02-09.csv"
    (tmp_path / ".env").write_text("TELEMETRY_DB=from-dotenv.duckdb\n")
    env = {key: value for key, value in os.environ.items() if key != "TELEMETRY_DB"}
    result = subprocess.run(
        [sys.executable, "-m", "telemetry", "land", str(sample)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    with duckdb.connect(str(tmp_path / "from-dotenv.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from raw.landed_files").fetchone() == (1,)
