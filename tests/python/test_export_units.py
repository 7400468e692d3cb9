"""Pieces of the exporter without a server: .env parsing, JWTs, windows, completeness
checks, retry delays, settings, redaction and the progress display."""

from __future__ import annotations

import io
import logging
from datetime import UTC, date, datetime, timezone
from pathlib import Path
from types import SimpleNamespace

import duckdb
import jwt
import pytest

from telemetry.aptabase.checks import check_csv, check_parquet
from telemetry.aptabase.client import Redactor, Secret, Settings
from telemetry.aptabase.export import days_in_range, last_hours_window, still_growing
from telemetry.aptabase.export_format import EXPORT_COLUMNS
from telemetry.aptabase.retry import IncompleteFile, RetryableError, RetryPolicy, parse_retry_after
from telemetry.aptabase.signin import sign_in_token
from telemetry.cli.export import resolve_days
from telemetry.config import load_dotenv_into, merged_config, read_dotenv
from telemetry.errors import UserError
from telemetry.progress import Progress

HEADER = ",".join(f'"{c}"' for c in EXPORT_COLUMNS) + "\n"


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


# --------------------------------------------------------------------------- .env


def test_dotenv_forms(tmp_path: Path):
    (tmp_path / ".env").write_text(
        "# comment\n"
        "\n"
        "BASE_URL=https://a.example.com  # trailing comment\n"
        "export AUTH_NAME='Jane # not a comment'\n"
        'AUTH_SECRET="p#ss \\"quoted\\" \\\\ x"\n'
        "EMPTY=\n"
        "SPACED = value with spaces \n"
        "HASH=abc#def\n"
    )
    assert read_dotenv(tmp_path / ".env") == {
        "BASE_URL": "https://a.example.com",
        "AUTH_NAME": "Jane # not a comment",
        "AUTH_SECRET": 'p#ss "quoted" \\ x',
        "EMPTY": "",
        "SPACED": "value with spaces",
        "HASH": "abc#def",
    }


@pytest.mark.parametrize(
    "text, line",
    [
        ('A=1\nAUTH_SECRET="hunter2-secret\n', 2),
        ("AUTH_SECRET='hunter2-secret\n", 1),
        ('AUTH_SECRET="hunter2-secret" junk\n', 1),
    ],
)
def test_dotenv_errors_name_file_and_line_not_value(tmp_path: Path, text, line):
    (tmp_path / ".env").write_text(text)
    with pytest.raises(UserError) as info:
        read_dotenv(tmp_path / ".env")
    assert f".env line {line}: cannot read this line" in str(info.value)
    assert "hunter2" not in str(info.value)


def test_dotenv_loads_into_the_environment_without_overriding(tmp_path: Path):
    (tmp_path / ".env").write_text("TELEMETRY_DB=from-file.duckdb\nA=from-file\nB=from-file\n")
    environ = {"A": "from-env", "B": ""}
    load_dotenv_into(environ, tmp_path)
    assert environ == {"A": "from-env", "B": "from-file", "TELEMETRY_DB": "from-file.duckdb"}


def test_environment_wins_over_dotenv(tmp_path: Path):
    (tmp_path / ".env").write_text("A=from-file\nB=from-file\nC=from-file\n")
    config = merged_config({"A": "from-env", "C": ""}, tmp_path)
    assert config["A"] == "from-env" and config["B"] == "from-file" and config["C"] == "from-file"


def test_no_dotenv_file_is_fine(tmp_path: Path):
    assert merged_config({"X": "1"}, tmp_path) == {"X": "1"}


# --------------------------------------------------------------------------- settings


def test_missing_settings_are_named():
    with pytest.raises(UserError) as info:
        Settings.from_config({"BASE_URL": "http://x", "AUTH_SECRET": " "})
    message = str(info.value)
    assert "AUTH_SECRET" in message and "AUTH_EMAIL" in message and "APP_KEY" in message
    assert "BASE_URL," not in message


def test_settings_defaults_and_safe_repr():
    settings = Settings.from_config(
        {
            "BASE_URL": "https://user:pw@host.example:8443/base/",
            "AUTH_SECRET": "topsecret1",
            "AUTH_EMAIL": "a@b.c",
            "APP_KEY": "A-EU-0123456789",
            "APTABASE_REGION": "eu",
        }
    )
    assert settings.region == "EU" and settings.name == "a@b.c"
    assert settings.display_url == "https://host.example:8443/base"
    assert "topsecret1" not in repr(settings) and "topsecret1" not in str(settings.secret)
    assert repr(Secret("x")) == "Secret('***')"


def test_bad_base_url():
    with pytest.raises(UserError, match="BASE_URL must be an http"):
        Settings.from_config(
            {"BASE_URL": "aptabase.example.com", "AUTH_SECRET": "s", "AUTH_EMAIL": "e", "APP_KEY": "k"}
        )


# --------------------------------------------------------------------------- jwt


def test_sign_in_token_verifies_as_aptabase_checks_it():
    token = sign_in_token(name="N", email="e@x", region="SH", secret="k", now=1_000_000.5)
    assert jwt.get_unverified_header(token) == {"alg": "HS256", "typ": "JWT"}
    claims = jwt.decode(
        token, b"k", algorithms=["HS256"], issuer="aptabase-sh", options={"verify_exp": False}
    )
    assert claims == {
        "type": "SignIn",
        "name": "N",
        "email": "e@x",
        "iat": 1_000_000,
        "exp": 1_000_600,
        "iss": "aptabase-sh",
    }
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, b"other", algorithms=["HS256"], options={"verify_exp": False})


def test_sign_in_token_key_is_the_ascii_secret():
    # .NET's Encoding.ASCII turns a non-ASCII character of the secret into '?'.
    token = sign_in_token(name="N", email="e@x", region="EU", secret="sé", now=0)
    claims = jwt.decode(
        token, b"s?", algorithms=["HS256"], issuer="aptabase-eu", options={"verify_exp": False}
    )
    assert claims["exp"] == 600


# --------------------------------------------------------------------------- windows


@pytest.mark.parametrize(
    "now, hours, days",
    [
        ("2024-05-02 00:30:00", 1, ["2024-05-01", "2024-05-02"]),
        ("2024-05-02 00:59:59", 1, ["2024-05-01", "2024-05-02"]),
        ("2024-05-02 01:00:00", 1, ["2024-05-02"]),  # starts exactly at midnight
        ("2024-05-02 00:00:00", 1, ["2024-05-01", "2024-05-02"]),  # ends exactly at midnight
        ("2024-05-02 23:59:59", 23, ["2024-05-02"]),
        ("2024-05-02 23:59:59", 24, ["2024-05-01", "2024-05-02"]),
        ("2024-05-03 00:00:00", 48, ["2024-05-01", "2024-05-02", "2024-05-03"]),
        ("2024-03-01 02:00:00", 3, ["2024-02-29", "2024-03-01"]),  # leap day
    ],
)
def test_last_hours_days(now, hours, days):
    start, end, got = last_hours_window(utc(now), hours)
    assert [d.isoformat() for d in got] == days
    assert (end - start).total_seconds() == hours * 3600


def test_last_hours_converts_to_utc():
    from datetime import timedelta

    local = datetime(2024, 5, 2, 1, 30, tzinfo=timezone(timedelta(hours=2)))  # 23:30 UTC May 1
    _, end, days = last_hours_window(local, 1)
    assert end.tzinfo == UTC and [d.isoformat() for d in days] == ["2024-05-01"]


def test_last_hours_must_be_positive():
    with pytest.raises(UserError, match="at least 1"):
        last_hours_window(utc("2024-05-02 00:00:00"), 0)


def test_days_in_range_end_exclusive():
    assert days_in_range(date(2024, 5, 1), date(2024, 5, 3)) == (date(2024, 5, 1), date(2024, 5, 2))


def test_still_growing_is_today_and_yesterday():
    now = utc("2024-05-10 00:05:00")
    assert still_growing(date(2024, 5, 10), now) and still_growing(date(2024, 5, 9), now)
    assert not still_growing(date(2024, 5, 8), now)


def args(**kw) -> SimpleNamespace:
    return SimpleNamespace(**{"start_date": None, "end_date": None, "last_hours": None, **kw})


def test_resolve_days_prints_exact_window():
    lines: list[str] = []
    days = resolve_days(args(last_hours=2), utc("2024-05-02 01:15:30"), lines.append)
    assert [d.isoformat() for d in days] == ["2024-05-01", "2024-05-02"]
    assert lines == [
        "last 2 hours: 2024-05-01 23:15:30 .. 2024-05-02 01:15:30 UTC -> UTC days "
        "2024-05-01 .. 2024-05-02 (start inclusive 2024-05-01, end exclusive 2024-05-03)"
    ]


@pytest.mark.parametrize(
    "kw, message",
    [
        ({}, "give --start-date and --end-date"),
        ({"start_date": "2024-05-01"}, "give --start-date and --end-date"),
        ({"start_date": "2024-05-02", "end_date": "2024-05-02"}, "must be after --start-date"),
        ({"start_date": "2024-5-1x", "end_date": "2024-05-02"}, "is not a date"),
        ({"start_date": "2030-01-01", "end_date": "2030-01-02"}, "in the future"),
        ({"start_date": "2024-05-01", "end_date": "2024-05-02", "last_hours": 3}, "not both"),
    ],
)
def test_resolve_days_errors(kw, message):
    with pytest.raises(UserError, match=message):
        resolve_days(args(**kw), utc("2024-06-01 12:00:00"), print)


def test_end_date_beyond_today_is_clamped():
    lines: list[str] = []
    days = resolve_days(
        args(start_date="2024-05-30", end_date="2024-06-10"), utc("2024-06-01 12:00:00"), lines.append
    )
    assert days[-1] == date(2024, 6, 1) and "exporting through 2024-06-01" in lines[0]


# --------------------------------------------------------------------------- checks


def row(ts: str, *rest: str) -> str:
    values = [ts, *rest] + [""] * (15 - len(rest))
    return ",".join('"' + v.replace('"', '""') + '"' for v in values) + "\n"


DAY = date(2024, 5, 1)


def write(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "day.csv"
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def test_complete_csv_with_repeated_headers_and_next_midnight(tmp_path):
    text = (
        HEADER
        + row("2024-05-02 00:00:00", "u1")
        + row("2024-05-01 12:00:00", "u2", 'a "quoted"\nvalue')
        + HEADER
        + row("2024-05-01 00:00:00", "u3")
    )
    check = check_csv(write(tmp_path, text), DAY)
    assert (check.rows, check.header_lines, check.next_midnight_rows) == (3, 2, 1)


@pytest.mark.parametrize("text", ["", HEADER])
def test_empty_day_is_complete(tmp_path, text):
    assert check_csv(write(tmp_path, text), DAY).rows == 0


@pytest.mark.parametrize(
    "text, reason",
    [
        (HEADER + row("2024-05-01 12:00:00")[:30], "no line end"),
        (HEADER + row("2024-05-01 12:00:00")[:-1], "no line end"),
        (HEADER[:20], "no line end"),
        (HEADER + row("2024-05-01 12:00:00")[:30] + "\n", "has 4 fields"),
        (HEADER + row("2024-05-01 12:00:00")[:26] + "\n", "not a CSV record"),
        (HEADER + '"2024-05-01 12:00:00",x' + ',""' * 14 + "\n", "not a CSV record"),
        (HEADER + '"2024-05-01 12:00:00"' + ',""' * 14 + "\n", "has 15 fields"),
        (HEADER + row("2024-05-02 00:00:01"), "outside 2024-05-01"),
        (HEADER + row("2024-04-30 23:59:59"), "outside 2024-05-01"),
        (HEADER + row("yesterday"), "is not a timestamp"),
        (row("2024-05-01 12:00:00"), "does not start with the 16-column header"),
        (HEADER + '"2024-05-01 12:00:00","open "quote"' + ',""' * 14 + "\n", "not a CSV record"),
    ],
)
def test_incomplete_csv(tmp_path, text, reason):
    with pytest.raises(IncompleteFile) as info:
        check_csv(write(tmp_path, text), DAY)
    assert reason in info.value.reason


def test_csv_cut_inside_utf8_character(tmp_path):
    data = (HEADER + row("2024-05-01 12:00:00", "é")).encode()
    cut = data[: data.index("é".encode()) + 1]
    with pytest.raises(IncompleteFile):
        check_csv(write(tmp_path, cut), DAY)


def test_csv_unclosed_quote_does_not_buffer_forever(tmp_path):
    text = HEADER + '"2024-05-01 12:00:00","' + ("x" * 1000 + "\n") * 2000
    with pytest.raises(IncompleteFile, match="never closes"):
        check_csv(write(tmp_path, text), DAY)


def parquet(tmp_path: Path, stamps: list[str]) -> Path:
    path = tmp_path / "day.parquet"
    con = duckdb.connect()
    other = ", ".join(f"'' as \"{c}\"" for c in EXPORT_COLUMNS[1:])
    values = ", ".join(f"(timestamp '{s}')" for s in stamps)
    con.execute(
        f"copy (select t as \"timestamp\", {other} from (values {values}) v(t)) to '{path}' (format parquet)"
    )
    return path


def test_parquet_checks(tmp_path):
    path = parquet(tmp_path, ["2024-05-01 00:00:00", "2024-05-02 00:00:00"])
    check = check_parquet(path, DAY)
    assert (check.rows, check.next_midnight_rows) == (2, 1)
    with pytest.raises(IncompleteFile, match="outside"):
        check_parquet(parquet(tmp_path, ["2024-05-02 00:00:01"]), DAY)
    good = parquet(tmp_path, ["2024-05-01 10:00:00"]).read_bytes()
    path.write_bytes(good[: len(good) // 2])
    with pytest.raises(IncompleteFile, match="not a readable Parquet"):
        check_parquet(path, DAY)


# --------------------------------------------------------------------------- retries


def test_backoff_is_exponential_with_jitter_and_bounded():
    low = RetryPolicy(base_delay=1, max_delay=10, random=lambda: 0.0)
    high = RetryPolicy(base_delay=1, max_delay=10, random=lambda: 1.0)
    assert [low.delay(n) for n in (1, 2, 3, 4, 5, 6)] == [0.5, 1, 2, 4, 5, 5]
    assert [high.delay(n) for n in (1, 2, 3, 4, 5, 6)] == [1, 2, 4, 8, 10, 10]
    assert low.delay(1, retry_after=3) == 3 and low.delay(1, retry_after=99) == 10


@pytest.mark.parametrize(
    "header, seconds",
    [
        ("120", 120.0),
        (" 2.5 ", 2.5),
        ("-3", 0.0),
        ("Wed, 02 Dec 2026 06:01:30 GMT", 90.0),
        ("Wednesday, 02-Dec-26 06:00:10 GMT", 10.0),  # RFC 850, still allowed by RFC 9110
        ("Wed, 02 Dec 2026 05:00:00 GMT", 0.0),  # in the past: no wait
        ("", None),
        ("soon", None),
    ],
)
def test_retry_after_in_seconds_or_as_an_http_date(header, seconds):
    now = datetime(2026, 12, 2, 6, 0, 0, tzinfo=UTC)
    assert parse_retry_after(header, now) == seconds


def test_retry_policy_retries_only_retryable_errors_and_reports_each_wait():
    sleeps: list[float] = []
    seen: list[tuple[int, str, float]] = []
    policy = RetryPolicy(max_attempts=3, base_delay=1, sleep=sleeps.append, random=lambda: 1.0)
    answers = iter([RetryableError("HTTP 429", retry_after=5), RetryableError("HTTP 500"), "done"])

    def action() -> str:
        answer = next(answers)
        if isinstance(answer, Exception):
            raise answer
        return answer

    result = policy.call(action, lambda n, error, wait: seen.append((n, error.reason, wait)))
    assert result == "done"
    assert sleeps == [5, 2] and seen == [(1, "HTTP 429", 5), (2, "HTTP 500", 2)]
    with pytest.raises(RetryableError, match="still down"):
        policy.call(_raise(RetryableError("still down")), lambda *_: None)
    with pytest.raises(ValueError):
        policy.call(_raise(ValueError("a bug")), lambda *_: None)


def _raise(error: Exception):
    def action() -> None:
        raise error

    return action


# --------------------------------------------------------------------------- redaction


def test_redactor_scrubs_log_records():
    redactor = Redactor()
    redactor.add("sekrit-token-value")
    record = logging.LogRecord(
        "httpx", logging.INFO, "f", 1, "GET %s", ("/x?token=sekrit-token-value",), None
    )
    redactor.filter(record)
    assert record.getMessage() == "GET /x?token=[redacted]"


# --------------------------------------------------------------------------- progress


class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_draws_on_a_terminal_only():
    tty, pipe = FakeTTY(), io.StringIO()
    for stream in (tty, pipe):
        progress = Progress(stream, interval=0)
        progress.start("2024-05-01", 1, 4)
        progress.advance(2048, 10)
        progress.end()
    assert pipe.getvalue() == ""
    assert "[#####---------------] 1/4 days | 2024-05-01: 2.0 KB, 10 rows" in tty.getvalue()
    assert tty.getvalue().endswith("\r")
