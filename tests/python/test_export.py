"""`telemetry export` against the local Aptabase-compatible server, over real sockets.

Every test runs under a leak guard: at the end, all output the command produced (stdout,
stderr, log records at DEBUG level, error messages) and every file under the test's
folder are searched for the secret, each token the server received and each session
cookie it issued."""

from __future__ import annotations

import io
import logging
import os
import re
import subprocess
import sys
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import duckdb
import pytest

from telemetry import cli
from telemetry.aptabase.client import AptabaseClient, Settings
from telemetry.aptabase.export import ExportPlan, run_export
from telemetry.aptabase.export_format import CORE_COLUMNS
from telemetry.aptabase.retry import RetryPolicy
from telemetry.cli.export import execute
from telemetry.devtools.server import FakeApp, FakeAptabase, Faults
from telemetry.errors import UserError
from telemetry.progress import Progress

SECRET = "export-test-secret-Zq9v"
EMAIL = "dev@example.com"
APP_KEY = "A-SH-0000000001"
NOW = datetime(2024, 6, 15, 12, 0, tzinfo=UTC)
DAYS = ["2024-05-01", "2024-05-02", "2024-05-03"]


def event(ts: str, user: str = "u1", name: str = "app_started", **extra: str) -> dict[str, str]:
    return {"timestamp": ts, "user_id": user, "event_name": name, "os_name": "Windows", **extra}


def day_events(day: str, count: int) -> list[dict[str, str]]:
    """`count` events spread over the day, one at its first second."""
    start = datetime.fromisoformat(day)
    return [
        event(
            (start + timedelta(seconds=i * 86399 // max(count, 1))).isoformat(sep=" "),
            user=f"u{i % 7}",
            name=["app_started", "transcribe_error", "transcribe_success"][i % 3],
            string_props='{"error":"said \\u0027no\\u0027, \\"quoted\\""}' if i % 3 == 1 else "",
            numeric_props=f'{{"duration":{i}}}',
        )
        for i in range(count)
    ]


EVENTS = day_events("2024-05-01", 9) + day_events("2024-05-02", 6) + day_events("2024-05-03", 5)
# 2024-05-02 00:00:00 and 2024-05-03 00:00:00 are also in the previous day's export.
EXPECTED_ROWS = {"2024-05-01": 10, "2024-05-02": 7, "2024-05-03": 5}


# --------------------------------------------------------------------------- leak guard


@dataclass
class Transcript:
    texts: list[str] = field(default_factory=list)
    secrets: set[str] = field(default_factory=lambda: {SECRET})
    servers: list[FakeAptabase] = field(default_factory=list)

    def sensitive(self) -> set[str]:
        values = set(self.secrets)
        for srv in self.servers:
            for token in srv.seen_tokens:
                if token:
                    values.add(token)
                    values.update(part for part in token.split(".")[1:] if len(part) > 8)
            values.update(srv.issued_cookies)
        return values


def find_leaks(transcript: Transcript, folder: Path, log_text: str) -> list[str]:
    """Where any secret, token or cookie appears: outputs, log records, files under
    `folder` (their names and contents; the user's own .env excepted)."""
    haystacks = [("output", text) for text in transcript.texts]
    haystacks.append(("log records", log_text))
    for path in folder.rglob("*"):
        if path.is_file() and path.name != ".env":
            haystacks.append((str(path), path.read_bytes().decode("utf-8", errors="replace")))
        haystacks.append(("file name", path.name))
    sensitive = transcript.sensitive()
    return [where for where, text in haystacks if any(value in text for value in sensitive)]


def all_log_text(caplog: pytest.LogCaptureFixture) -> str:
    """Every record of the test (in teardown, `caplog.text` holds only teardown's)."""
    records = [r for phase in ("setup", "call") for r in caplog.get_records(phase)]
    return "\n".join(r.getMessage() for r in records) + "\n" + caplog.text


@pytest.fixture(autouse=True)
def leak_guard(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> Iterator[Transcript]:
    caplog.set_level(logging.DEBUG)  # httpx/httpcore log URLs and headers at DEBUG
    transcript = Transcript()
    yield transcript
    leaks = find_leaks(transcript, tmp_path, all_log_text(caplog))
    assert not leaks, f"a secret, token or cookie leaked into: {leaks}"


@pytest.fixture
def server(leak_guard: Transcript) -> Iterator[FakeAptabase]:
    with FakeAptabase(secret=SECRET, accounts=[EMAIL], events=EVENTS, page_size=4) as srv:
        leak_guard.servers.append(srv)
        yield srv


def env_for(srv: FakeAptabase, **overrides: str) -> dict[str, str]:
    env = {
        "BASE_URL": srv.url,
        "AUTH_SECRET": SECRET,
        "AUTH_NAME": "Dev",
        "AUTH_EMAIL": EMAIL,
        "APP_KEY": APP_KEY,
        "APTABASE_REGION": "SH",
    }
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


@dataclass
class Run:
    code: int | None
    out: str
    err: str
    error: str
    sleeps: list[float]


class Output(io.StringIO):
    """stdout that can act when a line appears (to change the server between days)."""

    def __init__(self, on_line: Callable[[str], None] | None = None) -> None:
        super().__init__()
        self.on_line = on_line

    def write(self, text: str) -> int:
        if self.on_line:
            self.on_line(text)
        return super().write(text)


def export(
    transcript: Transcript,
    tmp_path: Path,
    *argv: str,
    env: dict[str, str],
    now: datetime = NOW,
    clock: Callable[[], float] = time.time,
    stdout: Output | None = None,
    stderr: io.StringIO | None = None,
    out_dir: str = "exports",
) -> Run:
    args = cli.parse(["export", *argv, "--out", out_dir, "--backoff", "0.001", "--timeout", "0.5"])
    out, err = stdout or Output(), stderr or io.StringIO()
    sleeps: list[float] = []
    code, error = None, ""
    try:
        code = execute(
            args, environ=env, cwd=tmp_path, now=now, clock=clock, sleep=sleeps.append, stdout=out, stderr=err
        )
    except UserError as exc:
        error = str(exc)
    transcript.texts += [out.getvalue(), err.getvalue(), error]
    return Run(code, out.getvalue(), err.getvalue(), error, sleeps)


def dates(*days: str) -> tuple[str, ...]:
    return ("--start-date", days[0], "--end-date", days[1])


def files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def data_rows(path: Path) -> list[str]:
    return [line for line in path.read_text().splitlines() if not line.startswith('"timestamp"')]


# --------------------------------------------------------------------------- happy paths


def test_the_leak_guard_can_fail(server, tmp_path, leak_guard, caplog):
    run = export(leak_guard, tmp_path, *dates("2024-05-01", "2024-05-02"), env=env_for(server))
    assert run.code == 0 and find_leaks(leak_guard, tmp_path, caplog.text) == []
    token = server.seen_tokens[0]
    planted = tmp_path / "exports" / "planted.txt"
    for text in (token, server.issued_cookies[0], SECRET):
        planted.write_text(f"x{text}x")
        assert find_leaks(leak_guard, tmp_path, caplog.text) == [str(planted)]
    planted.unlink()
    logging.getLogger("httpx").info("GET /api/_auth/continue?token=%s", token)  # no client open:
    assert find_leaks(leak_guard, tmp_path, caplog.text) == ["log records"]  # nothing scrubs it
    caplog.clear()


def test_happy_path_csv(server, tmp_path, leak_guard):
    run = export(leak_guard, tmp_path, *dates("2024-05-01", "2024-05-04"), env=env_for(server))
    assert run.code == 0 and run.error == ""
    out = tmp_path / "exports"
    assert files(out) == [f"vibe-release-{d}.csv" for d in DAYS]
    for day in DAYS:
        text = (out / f"vibe-release-{day}.csv").read_text()
        rows = data_rows(out / f"vibe-release-{day}.csv")
        assert len(rows) == EXPECTED_ROWS[day]
        assert text.count('"timestamp"') == -(-len(rows) // 4)  # a header per page of 4
    assert "2024-05-01: 10 rows (1 at the next midnight)" in run.out
    assert run.out.strip().splitlines()[-1].startswith("done: 3 day(s), 3 downloaded")
    assert run.err == "" and run.sleeps == []
    params = [r.params for r in server.export_requests()]
    assert [(p["startDate"], p["endDate"]) for p in params] == [
        ("2024-05-01", "2024-05-02"),
        ("2024-05-02", "2024-05-03"),
        ("2024-05-03", "2024-05-04"),
    ]
    assert {(p["appId"], p["buildMode"], p["format"], p["appName"]) for p in params} == {
        ("app-vibe", "release", "csv", "Vibe")
    }
    assert [r.path for r in server.records].count("/api/_auth/continue") == 1


def test_happy_path_parquet(server, tmp_path, leak_guard):
    run = export(
        leak_guard, tmp_path, *dates("2024-05-01", "2024-05-03"), "--format", "parquet", env=env_for(server)
    )
    assert run.code == 0, run.error
    out = tmp_path / "exports"
    assert files(out) == ["vibe-release-2024-05-01.parquet", "vibe-release-2024-05-02.parquet"]
    con = duckdb.connect()
    count = con.execute(
        "select count(*) from read_parquet(?)", [str(out / "vibe-release-2024-05-01.parquet")]
    ).fetchone()[0]
    assert count == EXPECTED_ROWS["2024-05-01"]


def test_debug_build_and_app_key_option(tmp_path, leak_guard):
    apps = [FakeApp("id-1", "Vibe", APP_KEY), FakeApp("id-2", "--", "A-SH-0000000002")]
    with FakeAptabase(secret=SECRET, accounts=[EMAIL], apps=apps) as srv:
        leak_guard.servers.append(srv)
        srv.add_events([event("2024-05-01 08:00:00", user="dbg")], app_id="id-2", build_mode="debug")
        run = export(
            leak_guard,
            tmp_path,
            *dates("2024-05-01", "2024-05-02"),
            "--build-mode",
            "debug",
            "--app-key",
            "A-SH-0000000002",
            env=env_for(srv),
        )
    assert run.code == 0, run.error
    # An app name without letters or digits: the file is named after the app key.
    path = tmp_path / "exports" / "A-SH-0000000002-debug-2024-05-01.csv"
    assert '"dbg"' in path.read_text()


def test_settings_from_dotenv_in_working_directory(server, tmp_path, leak_guard):
    values = env_for(server)
    (tmp_path / ".env").write_text("".join(f'{k}="{v}"\n' for k, v in values.items()))
    run = export(leak_guard, tmp_path, *dates("2024-05-01", "2024-05-02"), env={})
    assert run.code == 0, run.error


# --------------------------------------------------------------------------- faults


def reference_export(srv: FakeAptabase, tmp_path: Path, transcript: Transcript) -> str:
    run = export(
        transcript, tmp_path, *dates("2024-05-01", "2024-05-02"), env=env_for(srv), out_dir="reference"
    )
    assert run.code == 0
    return (tmp_path / "reference" / "vibe-release-2024-05-01.csv").read_text()


@pytest.mark.parametrize(
    "faults, reason",
    [
        (Faults(too_many=2), "HTTP 429 Too Many Requests"),
        (Faults(errors=2), "HTTP 500 Internal Server Error"),
        (Faults(slow=1, delay=1.5), "timed out"),
        (Faults(cuts=2, cut_after=700), "no line end"),
        (Faults(cuts=1, cut_after=len('"timestamp"')), "no line end"),
        (Faults(drops=1, cut_after=300), "connection error"),
        (Faults(stalls=1, cut_after=300, delay=1.5), "timed out"),
    ],
    ids=["429", "500", "slow", "cut-mid-line", "cut-in-header", "dropped", "stalled"],
)
def test_each_fault_is_retried_to_a_complete_file(server, tmp_path, leak_guard, faults, reason):
    expected = reference_export(server, tmp_path, leak_guard)
    server.set_faults(faults)
    run = export(leak_guard, tmp_path, *dates("2024-05-01", "2024-05-02"), env=env_for(server))
    assert run.code == 0, run.error
    assert (tmp_path / "exports" / "vibe-release-2024-05-01.csv").read_text() == expected
    assert files(tmp_path / "exports") == ["vibe-release-2024-05-01.csv"]
    assert re.search(rf"2024-05-01: attempt 1 failed \([^\n]*{re.escape(reason)}", run.err), run.err
    assert len(run.sleeps) == len(faults.plan())
    assert f"(after {len(faults.plan()) + 1} attempts)" in run.out


def test_retry_after_is_respected_and_backoff_grows(server, tmp_path, leak_guard):
    server.set_faults(Faults(too_many=1, errors=2, retry_after=0.25))
    run = export(leak_guard, tmp_path, *dates("2024-05-01", "2024-05-02"), env=env_for(server))
    assert run.code == 0, run.error
    assert run.sleeps[0] >= 0.25
    assert 0.001 <= run.sleeps[1] <= 0.002 <= run.sleeps[2] <= 0.004  # base 0.001 s, doubling


def test_retry_after_as_an_http_date_is_respected(server, tmp_path, leak_guard):
    server.set_faults(Faults(too_many=1, retry_after=3, retry_after_as_date=True))
    run = export(leak_guard, tmp_path, *dates("2024-05-01", "2024-05-02"), env=env_for(server))
    assert run.code == 0, run.error
    assert 1.0 <= run.sleeps[0] <= 3.0  # an HTTP date has whole seconds; base delay is 0.001 s


@pytest.mark.parametrize(
    "faults",
    [
        Faults(errors=9),
        Faults(cuts=9, cut_after=500),
        Faults(drops=9, cut_after=500),
        Faults(slow=9, delay=0.8),
        Faults(stalls=9, cut_after=500, delay=0.8),
    ],
    ids=["500", "cut", "drop", "slow", "stall"],
)
def test_bounded_attempts_then_error_naming_the_day_and_nothing_partial(server, tmp_path, leak_guard, faults):
    server.set_faults(faults)
    run = export(
        leak_guard, tmp_path, *dates("2024-05-01", "2024-05-03"), "--max-attempts", "3", env=env_for(server)
    )
    assert run.code is None
    assert run.error.startswith("could not export 2024-05-01 after 3 attempts (last: ")
    assert files(tmp_path / "exports") == []  # no file, no temporary file
    assert len(server.export_requests()) == 3  # stopped at the failing day


def test_failure_on_a_later_day_keeps_the_complete_days(server, tmp_path, leak_guard):
    def on_line(text: str) -> None:
        if text.startswith("2024-05-01:"):
            server.set_faults(Faults(cuts=9, cut_after=400))

    run = export(
        leak_guard,
        tmp_path,
        *dates("2024-05-01", "2024-05-04"),
        "--max-attempts",
        "2",
        env=env_for(server),
        stdout=Output(on_line),
    )
    assert "could not export 2024-05-02 after 2 attempts" in run.error
    assert files(tmp_path / "exports") == ["vibe-release-2024-05-01.csv"]


def test_expired_session_signs_in_again_with_a_fresh_token(tmp_path, leak_guard):
    clock = [time.time()]
    with FakeAptabase(
        secret=SECRET,
        accounts=[EMAIL],
        events=EVENTS,
        clock=lambda: clock[0],
        faults=Faults(session_max_age=600),
    ) as srv:
        leak_guard.servers.append(srv)

        def on_line(text: str) -> None:
            if text.startswith("2024-05-01:"):
                clock[0] += 700  # the session (and the first token) are now too old

        run = export(
            leak_guard,
            tmp_path,
            *dates("2024-05-01", "2024-05-03"),
            env=env_for(srv),
            clock=lambda: clock[0],
            stdout=Output(on_line),
        )
        records = srv.records
    assert run.code == 0, run.error
    assert [r.path for r in records].count("/api/_auth/continue") == 2
    assert [r.status for r in records if r.path == "/api/_export/download"] == [200, 401, 200]
    assert len(set(srv.seen_tokens)) == 2
    assert files(tmp_path / "exports") == ["vibe-release-2024-05-01.csv", "vibe-release-2024-05-02.csv"]


# --------------------------------------------------------------------------- sign-in refused


@pytest.mark.parametrize(
    "clock_offset, faults",
    [(-3600, Faults()), (-60, Faults(token_max_age=30))],
    ids=["clock-behind", "token-older-than-limit"],
)
def test_expired_token_is_a_clear_error(server, tmp_path, leak_guard, clock_offset, faults):
    server.set_faults(faults)
    run = export(
        leak_guard,
        tmp_path,
        *dates("2024-05-01", "2024-05-02"),
        env=env_for(server),
        clock=lambda: time.time() + clock_offset,
    )
    assert "refused (no auth-session cookie)" in run.error
    assert "token expired" in run.error and "clock" in run.error
    assert len(server.seen_tokens) == 2  # one more fresh token, then the error
    assert files(tmp_path / "exports") == []


@pytest.mark.parametrize(
    "overrides, expected",
    [
        ({"AUTH_SECRET": "forged-secret-value"}, "AUTH_SECRET or APTABASE_REGION=SH (issuer aptabase-sh)"),
        ({"APTABASE_REGION": "EU"}, "APP_KEY A-SH-0000000001 suggests APTABASE_REGION=SH"),
        ({"AUTH_EMAIL": "nobody@example.com"}, "no account for AUTH_EMAIL=nobody@example.com"),
    ],
    ids=["forged-token", "wrong-region", "unknown-account"],
)
def test_sign_in_refused(server, tmp_path, leak_guard, overrides, expected):
    leak_guard.secrets.update(v for k, v in overrides.items() if k == "AUTH_SECRET")
    run = export(leak_guard, tmp_path, *dates("2024-05-01", "2024-05-02"), env=env_for(server, **overrides))
    assert run.code is None
    assert run.error.startswith(f"sign-in at {server.url} refused (no auth-session cookie)")
    assert expected in run.error
    assert "likely cause is AUTH_SECRET, APTABASE_REGION or the AUTH_EMAIL account" in run.error
    assert not (tmp_path / "exports").exists()


def test_unknown_app_key_lists_visible_keys(server, tmp_path, leak_guard):
    run = export(
        leak_guard,
        tmp_path,
        *dates("2024-05-01", "2024-05-02"),
        env=env_for(server, APP_KEY="A-SH-9999999999"),
    )
    assert run.error == (
        f"app key A-SH-9999999999 not found on {server.url}; this account can see: A-SH-0000000001 (Vibe)"
    )


@pytest.mark.parametrize("missing", ["BASE_URL", "AUTH_SECRET", "AUTH_EMAIL", "APP_KEY"])
def test_missing_variable_is_named_in_one_line(server, tmp_path, leak_guard, monkeypatch, capsys, missing):
    for key, value in env_for(server).items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv(missing)
    monkeypatch.chdir(tmp_path)
    code = cli.main(["export", "--start-date", "2024-05-01", "--end-date", "2024-05-02", "--out", "x"])
    captured = capsys.readouterr()
    leak_guard.texts += [captured.out, captured.err]
    assert code == 1
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err
    assert captured.err.startswith(f"telemetry export: error: missing setting {missing}: ")


class StubHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    routes: ClassVar[dict[str, tuple[int, dict[str, str], bytes]]] = {}
    fallback: tuple[int, dict[str, str], bytes] = (200, {"Content-Type": "text/html"}, b"<html>hi</html>")

    def do_GET(self) -> None:
        status, headers, body = self.routes.get(self.path.split("?")[0], self.fallback)
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def stub_server(routes: dict, fallback: tuple | None = None) -> ThreadingHTTPServer:
    handler = type(
        "Handler", (StubHandler,), {"routes": routes, "fallback": fallback or StubHandler.fallback}
    )
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return httpd


SIGNED_IN = (302, {"Location": "/", "Set-Cookie": "auth-session=stub-cookie-value; path=/"}, b"")


@pytest.mark.parametrize(
    "routes, fallback, expected",
    [
        ({}, None, "GET /api/_auth/continue answered HTTP 200 instead of a redirect"),
        ({}, (404, {}, b"nope"), "GET /api/_auth/continue answered HTTP 404"),
        ({"/api/_auth/continue": SIGNED_IN}, None, "GET /api/_apps answered an HTML page, not JSON"),
        ({"/api/_auth/continue": SIGNED_IN}, (404, {}, b""), "GET /api/_apps answered HTTP 404"),
        (
            {
                "/api/_auth/continue": SIGNED_IN,
                "/api/_apps": (200, {"Content-Type": "application/json"}, b'{"ok":1}'),
            },
            None,
            "GET /api/_apps did not answer a list of apps",
        ),
    ],
    ids=["html-everywhere", "404-everywhere", "apps-html", "apps-404", "apps-not-a-list"],
)
def test_server_that_is_not_aptabase(tmp_path, leak_guard, routes, fallback, expected):
    httpd = stub_server(routes, fallback)
    try:
        url = f"http://127.0.0.1:{httpd.server_address[1]}"
        leak_guard.secrets.add("stub-cookie-value")
        run = export(leak_guard, tmp_path, *dates("2024-05-01", "2024-05-02"), env={**env_for_url(url)})
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert run.error == f"{url} does not look like an Aptabase server: {expected}; check BASE_URL"


def env_for_url(url: str) -> dict[str, str]:
    return {"BASE_URL": url, "AUTH_SECRET": SECRET, "AUTH_EMAIL": EMAIL, "APP_KEY": APP_KEY}


def test_redirect_to_another_address(tmp_path, leak_guard):
    httpd = stub_server(
        {}, (301, {"Location": "https://aptabase.example.com/api/_auth/continue?token=x"}, b"")
    )
    try:
        url = f"http://127.0.0.1:{httpd.server_address[1]}"
        run = export(leak_guard, tmp_path, *dates("2024-05-01", "2024-05-02"), env=env_for_url(url))
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert run.error == (
        f"sign-in at {url} was redirected to https://aptabase.example.com without a session: "
        "set BASE_URL to the address the server lives at"
    )


def test_unreachable_server(tmp_path, leak_guard):
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again: nothing listens there
    run = export(
        leak_guard,
        tmp_path,
        *dates("2024-05-01", "2024-05-02"),
        "--max-attempts",
        "2",
        env=env_for_url(f"http://127.0.0.1:{port}"),
    )
    assert run.error.startswith(
        f"sign-in at http://127.0.0.1:{port} failed after 2 attempts (last: connection error"
    )
    assert "sign-in: attempt 1 failed" in run.err


# --------------------------------------------------------------------------- re-runs


def test_rerun_skips_complete_days_but_refetches_today_and_yesterday(tmp_path, leak_guard):
    now = datetime(2024, 5, 4, 0, 30, tzinfo=UTC)  # today 05-04, yesterday 05-03
    events = EVENTS + day_events("2024-05-04", 2)
    with FakeAptabase(secret=SECRET, accounts=[EMAIL], events=events) as srv:
        leak_guard.servers.append(srv)
        first = export(leak_guard, tmp_path, *dates("2024-05-01", "2024-05-05"), env=env_for(srv), now=now)
        assert first.code == 0, first.error
        assert len(srv.export_requests()) == 4
        srv.add_events([event("2024-05-04 00:20:00", user="late")])
        second = export(leak_guard, tmp_path, *dates("2024-05-01", "2024-05-05"), env=env_for(srv), now=now)
        days_fetched = [r.params["startDate"] for r in srv.export_requests()[4:]]
    assert second.code == 0, second.error
    assert days_fetched == ["2024-05-03", "2024-05-04"]
    assert "2024-05-01: already complete (10 rows (1 at the next midnight)), skipped" in second.out
    assert "2024-05-02: already complete" in second.out
    assert "done: 4 day(s), 2 downloaded, 2 already complete" in second.out
    assert '"late"' in (tmp_path / "exports" / "vibe-release-2024-05-04.csv").read_text()


def test_rerun_replaces_an_incomplete_file_and_clears_stale_temporaries(server, tmp_path, leak_guard):
    out = tmp_path / "exports"
    out.mkdir()
    broken = out / "vibe-release-2024-05-01.csv"
    broken.write_text('"timestamp","user_id"\n"2024-05-01 10:')
    (out / ".vibe-release-2024-05-01.csv.1a2b3c4d.part").write_text("left by a killed run")
    run = export(leak_guard, tmp_path, *dates("2024-05-01", "2024-05-02"), env=env_for(server))
    assert run.code == 0, run.error
    assert "vibe-release-2024-05-01.csv is not complete" in run.err
    assert files(out) == ["vibe-release-2024-05-01.csv"]
    assert len(data_rows(broken)) == EXPECTED_ROWS["2024-05-01"]


def test_last_hours_around_midnight(server, tmp_path, leak_guard):
    now = datetime(2024, 5, 2, 0, 30, tzinfo=UTC)
    run = export(leak_guard, tmp_path, "--last-hours", "1", env=env_for(server), now=now)
    assert run.code == 0, run.error
    assert run.out.splitlines()[0] == (
        "last 1 hours: 2024-05-01 23:30:00 .. 2024-05-02 00:30:00 UTC -> UTC days "
        "2024-05-01 .. 2024-05-02 (start inclusive 2024-05-01, end exclusive 2024-05-03)"
    )
    assert files(tmp_path / "exports") == ["vibe-release-2024-05-01.csv", "vibe-release-2024-05-02.csv"]


def test_interrupted_download_leaves_nothing(server, tmp_path, leak_guard):
    class Interrupting(Progress):
        def advance(self, nbytes: int, rows: int = 0) -> None:
            raise KeyboardInterrupt

    settings = Settings.from_config(env_for(server))
    plan = ExportPlan(days=(date(2024, 5, 1),), out_dir=tmp_path / "exports")
    with pytest.raises(KeyboardInterrupt), AptabaseClient(settings) as client:
        run_export(
            client,
            APP_KEY,
            plan,
            now=NOW,
            progress=Interrupting(io.StringIO()),
            echo=leak_guard.texts.append,
            warn=leak_guard.texts.append,
        )
    assert files(tmp_path / "exports") == []


def test_output_folder_that_cannot_be_made(server, tmp_path, leak_guard):
    (tmp_path / "exports").write_text("a file, not a folder")
    run = export(leak_guard, tmp_path, *dates("2024-05-01", "2024-05-02"), env=env_for(server))
    assert run.error.startswith(f"cannot create the output folder {tmp_path / 'exports'}: ")


# --------------------------------------------------------------------------- land


def distinct_events(db: Path) -> int:
    key = ", ".join(f"nullif(\"{c}\", '')" for c in CORE_COLUMNS if c != "timestamp")
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(
            f'select count(*) from (select distinct "timestamp"::timestamp, {key} from raw.events)'
        ).fetchone()[0]


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_land_with_faults_yields_exactly_the_server_events(server, tmp_path, leak_guard, fmt):
    server.set_faults(Faults(too_many=1, cuts=1, drops=1, cut_after=333))
    db = tmp_path / "warehouse.duckdb"
    run = export(
        leak_guard,
        tmp_path,
        *dates("2024-05-01", "2024-05-04"),
        "--format",
        fmt,
        "--land",
        "--db",
        str(db),
        env=env_for(server),
    )
    assert run.code == 0, run.error
    assert "total: 3 files" in run.out
    assert distinct_events(db) == server.store.count() == len(EVENTS)
    again = export(
        leak_guard,
        tmp_path,
        *dates("2024-05-01", "2024-05-04"),
        "--format",
        fmt,
        "--land",
        "--db",
        str(db),
        env=env_for(server),
    )
    assert "(3 already landed)" in again.out and distinct_events(db) == len(EVENTS)


# --------------------------------------------------------------------------- progress


class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_on_a_terminal_only(server, tmp_path, leak_guard):
    quiet = export(leak_guard, tmp_path, *dates("2024-05-01", "2024-05-03"), env=env_for(server), out_dir="a")
    assert "\r" not in quiet.err and "\r" not in quiet.out
    tty = FakeTTY()
    loud = export(
        leak_guard, tmp_path, *dates("2024-05-01", "2024-05-03"), env=env_for(server), out_dir="b", stderr=tty
    )
    assert loud.code == 0
    assert re.search(r"\[-+\] 0/2 days \| 2024-05-01: \d", tty.getvalue())
    assert "1/2 days | 2024-05-02" in tty.getvalue()
    assert "\r" not in loud.out


# --------------------------------------------------------------------------- memory


@pytest.fixture
def served_subprocess(tmp_path: Path, leak_guard: Transcript) -> Iterator[str]:
    """`telemetry serve` in its own process, with 80,000 synthetic events on one day."""
    env = {**os.environ, "AUTH_SECRET": SECRET, "AUTH_EMAIL": EMAIL, "APP_KEY": APP_KEY}
    env.pop("APTABASE_REGION", None)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "telemetry",
            "serve",
            "--port",
            "0",
            "--synthetic",
            "2024-05-01",
            "--events-per-day",
            "80000",
        ],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lines = []
        while not (lines and lines[-1].startswith("Ctrl-C")):
            line = proc.stdout.readline()
            assert line, f"server did not start: {proc.stderr.read()}"
            lines.append(line.strip())
        leak_guard.texts.append("\n".join(lines))
        assert "80,000 events on 1 days" in "\n".join(lines)
        yield re.search(r"on (http://\S+)", lines[0]).group(1)
    finally:
        proc.terminate()  # SIGTERM: the server stops cleanly
        out, err = proc.communicate(timeout=10)
        leak_guard.texts += [out, err]
    assert proc.returncode == 0 and out.strip().endswith("stopped"), err


def test_memory_stays_flat_and_serve_command_works(served_subprocess, tmp_path, leak_guard):
    settings = Settings.from_config(env_for_url(served_subprocess))
    plan = ExportPlan(days=(date(2024, 5, 1),), out_dir=tmp_path / "big")
    lines: list[str] = []
    tracemalloc.start()
    try:
        with AptabaseClient(settings, policy=RetryPolicy(base_delay=0.001)) as client:
            run_export(
                client,
                APP_KEY,
                plan,
                now=NOW,
                progress=Progress(io.StringIO()),
                echo=lines.append,
                warn=lines.append,
            )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    leak_guard.texts += lines
    path = tmp_path / "big" / "vibe-release-2024-05-01.csv"
    size = path.stat().st_size
    print(f"peak {peak:,} for {size:,}")
    assert size > 15_000_000
    assert peak < 4_000_000, f"peak {peak:,} bytes of Python memory for a {size:,}-byte export"
    assert len(data_rows(path)) == 80_000
