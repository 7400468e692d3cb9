"""A local Aptabase-compatible server for tests and the demo: real HTTP on 127.0.0.1.

What it does like the real server (docs/aptabase.md):

* `GET /api/_auth/continue?token=` checks the HS256 JWT (ASCII secret, issuer
  `aptabase-{region}`, expiry with zero skew) and always redirects: to `/` with an
  `auth-session` cookie on success, to `/auth?error=expired|invalid` without one for a bad
  token, to `/` without one for an e-mail that has no account;
* `GET /api/_apps` (cookie required, else 401) lists the apps as JSON;
* `GET /api/_export/download` (cookie required) streams CSVWithNames (every field quoted,
  16 columns, newest first, a header line at the start of every page of `page_size` rows)
  or Parquet; missing dates are HTTP 400; the window is
  `timestamp BETWEEN 'start 00:00:00' AND 'end 00:00:00'`, both ends inclusive;
* `GET /api/_export/usage` gives monthly counts.

Faults are injected per export request, in order (`Faults`): HTTP 429, HTTP 500, a slow
answer, a stream that ends cleanly mid-line after N bytes (status 200 already sent, as the
real server does when a page fails), a dropped connection, a stall mid-stream; and tokens
or sessions older than a limit can be refused.

Data: events passed in (tests), export files in folders (16-column CSVs, repeated header
lines and duplicates removed; Parquet), or synthetic events. The server never logs request
lines: the sign-in URL carries the token.

    with FakeAptabase(secret="s", accounts=["me@example.com"], events=[...]) as server:
        server.url  # http://127.0.0.1:<ephemeral port>
"""

from __future__ import annotations

import contextlib
import json
import secrets
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email.utils import formatdate
from http.cookies import CookieError, SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import duckdb
import jwt

from telemetry.aptabase.export_format import EXPORT_COLUMNS
from telemetry.aptabase.signin import ALGORITHM, issuer_for, secret_key

DEMO_SECRET = "local-aptabase-demo-secret"
DEMO_EMAIL = "demo@example.com"
SESSION_COOKIE = "auth-session"
PAGE_SIZE = 100_000
_STRING_COLUMNS = EXPORT_COLUMNS[1:]
_HEADER_LINE = (",".join(f'"{name}"' for name in EXPORT_COLUMNS) + "\n").encode()


# --------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class FakeApp:
    id: str
    name: str
    app_key: str


def default_app(region: str = "SH") -> FakeApp:
    return FakeApp(id="app-vibe", name="Vibe", app_key=f"A-{region.upper()}-0000000001")


@dataclass
class Faults:
    """Export requests get, in this order: `too_many` × 429, `errors` × 500, `slow` × a wait
    of `delay` s before answering, `cuts` × a body that ends cleanly after `cut_after` bytes,
    `drops` × a connection closed after `cut_after` bytes, `stalls` × a pause of `delay` s
    after `cut_after` bytes; then normal answers."""

    too_many: int = 0
    errors: int = 0
    slow: int = 0
    cuts: int = 0
    drops: int = 0
    stalls: int = 0
    delay: float = 2.0
    cut_after: int = 200
    retry_after: float | None = None  # Retry-After header on 429 answers
    retry_after_as_date: bool = False  # ... as an HTTP date that many seconds ahead
    token_max_age: float | None = None  # sign-in tokens issued longer ago count as expired
    session_max_age: float | None = None  # older sessions get 401

    def plan(self) -> list[str]:
        return (
            ["429"] * self.too_many
            + ["500"] * self.errors
            + ["slow"] * self.slow
            + ["cut"] * self.cuts
            + ["drop"] * self.drops
            + ["stall"] * self.stalls
        )


@dataclass(frozen=True)
class RequestRecord:
    """One request as the server saw it; never the token (sign-in parameters are dropped)."""

    method: str
    path: str
    status: int
    fault: str = ""
    params: Mapping[str, str] = field(default_factory=dict)


# --------------------------------------------------------------------------- data


def _event_row(event: Mapping[str, Any] | Sequence[Any]) -> list[Any]:
    if isinstance(event, Mapping):
        values = [event.get(name, "") for name in EXPORT_COLUMNS]
    else:
        values = list(event)
        if len(values) != len(EXPORT_COLUMNS):
            raise ValueError(f"an event needs {len(EXPORT_COLUMNS)} values, got {len(values)}")
    stamp = values[0]
    if isinstance(stamp, str):
        stamp = datetime.fromisoformat(stamp)
    return [stamp] + ["" if v is None else str(v) for v in values[1:]]


_SELECT_CSV = ", ".join(
    ['strftime("timestamp", \'%Y-%m-%d %H:%M:%S\') as "timestamp"']
    + [f'"{name}"' for name in _STRING_COLUMNS]
)
_SELECT_PARQUET = ", ".join(f'"{name}"' for name in EXPORT_COLUMNS)
_EXPORT_WHERE = 'from events where app_id = ? and build_mode = ? and "timestamp" between ? and ?'
_ORDER = ", ".join(f'"{name}" desc' for name in EXPORT_COLUMNS)


class EventStore:
    """Events per (app id, build mode) in an in-memory DuckDB, de-duplicated."""

    def __init__(self) -> None:
        self._con = duckdb.connect()
        self._lock = threading.Lock()
        columns = ", ".join(f'"{name}" varchar' for name in _STRING_COLUMNS)
        self._con.execute(
            f'create table events (app_id varchar, build_mode varchar, "timestamp" timestamp, {columns})'
        )
        self.notes: list[str] = []

    def cursor(self) -> duckdb.DuckDBPyConnection:
        return self._con.cursor()

    def add_events(
        self, events: Iterable[Mapping[str, Any] | Sequence[Any]], app_id: str, build_mode: str = "release"
    ) -> None:
        rows = [[app_id, build_mode, *_event_row(event)] for event in events]
        if not rows:
            return
        marks = ", ".join("?" for _ in range(len(EXPORT_COLUMNS) + 2))
        with self._lock:
            self._con.executemany(f"insert into events values ({marks})", rows)
            self._dedupe()

    def load_folder(self, folder: Path, app_id: str) -> None:
        """Every 16-column CSV and Parquet file in `folder` (`*-debug-*` files are debug
        data); trimmed (8-column), partial and unreadable files are skipped with a note."""
        files = sorted(p for p in folder.iterdir() if p.suffix.lower() in (".csv", ".parquet"))
        for path in files:
            build_mode = "debug" if "-debug-" in path.name.lower() else "release"
            if "partial" in path.stem.lower():
                self.notes.append(f"skipped {path.name}: a partial file")
                continue
            try:
                loader = self._load_parquet if path.suffix.lower() == ".parquet" else self._load_csv
                loader(path, app_id, build_mode)
            except (duckdb.Error, _Skip) as exc:
                self.notes.append(f"skipped {path.name}: {str(exc).splitlines()[0]}")
        with self._lock:
            self._dedupe()

    def _load_csv(self, path: Path, app_id: str, build_mode: str) -> None:
        with path.open("rb") as handle:
            first = handle.readline().decode("utf-8-sig", errors="replace")
        names = [part.strip().strip('"').lower() for part in first.rstrip("\r\n").split(",")]
        if names != list(EXPORT_COLUMNS):
            raise _Skip(f"not a 16-column export ({len(names)} columns)")
        columns = {name: "VARCHAR" for name in EXPORT_COLUMNS}
        selected = ", ".join(f"coalesce(\"{name}\", '')" for name in _STRING_COLUMNS)
        with self._lock:
            self._con.execute(
                f"""
                insert into events
                select ?, ?, cast("timestamp" as timestamp), {selected}
                from read_csv(?, header = true, columns = ?, quote = '"', escape = '"',
                              auto_detect = false, strict_mode = true)
                where "timestamp" <> 'timestamp'
                """,
                [app_id, build_mode, str(path), columns],
            )

    def _load_parquet(self, path: Path, app_id: str, build_mode: str) -> None:
        selected = ", ".join(f"coalesce(\"{name}\"::varchar, '')" for name in _STRING_COLUMNS)
        with self._lock:
            self._con.execute(
                f"""
                insert into events
                select ?, ?, cast("timestamp" as timestamp), {selected}
                from read_parquet(?)
                """,
                [app_id, build_mode, str(path)],
            )

    def add_synthetic(
        self, app_id: str, start: date, end: date, per_day: int, build_mode: str = "release"
    ) -> None:
        """`per_day` made-up events on every day from `start` to `end` (exclusive)."""
        with self._lock:
            self._con.execute(
                """
                insert into events
                with days as (
                    select d::date as day from range(?::date, ?::date, interval 1 day) t(d)
                ), numbered as (
                    select day, i from days, range(?) r(i)
                )
                select ?, ?,
                    day::timestamp + to_seconds((i * 86399 // ?)::bigint),
                    'u' || lpad(((hash(day, i % 997) % 400))::varchar, 4, '0'),
                    md5(day::varchar || (i % 997)::varchar)[1:36],
                    ['app_started', 'transcribe_start', 'transcribe_success',
                     'transcribe_error', 'model_download'][1 + i % 5],
                    '{"model":"ggml-small.bin","run":"' || i::varchar || '"}',
                    '{"duration":' || (i % 300)::varchar || '}',
                    ['Windows', 'macOS', 'Ubuntu', 'Fedora Linux'][1 + i % 4],
                    '10.0.' || (i % 7)::varchar,
                    'en-US',
                    '2.6.' || (i % 3)::varchar,
                    '',
                    ['WebView2', 'WebKit', 'WebKitGTK'][1 + i % 3],
                    '120.0',
                    'US', 'United States', 'California'
                from numbered
                """,
                [start, end, per_day, app_id, build_mode, max(per_day, 1)],
            )
            self._dedupe()

    def _dedupe(self) -> None:
        self._con.execute("create or replace table events as select distinct * from events")

    def count(self, app_id: str | None = None, build_mode: str | None = None) -> int:
        query = (
            "select count(*) from events where (? is null or app_id = ?) and (? is null or build_mode = ?)"
        )
        return self.cursor().execute(query, [app_id, app_id, build_mode, build_mode]).fetchone()[0]

    def days(self) -> list[date]:
        rows = self.cursor().execute('select distinct "timestamp"::date from events order by 1').fetchall()
        return [row[0] for row in rows]

    def close(self) -> None:
        self._con.close()


class _Skip(Exception):
    pass


# --------------------------------------------------------------------------- server


class FakeAptabase:
    """The server; a context manager that serves from a background thread."""

    def __init__(
        self,
        *,
        secret: str = DEMO_SECRET,
        region: str = "SH",
        accounts: Iterable[str] = (DEMO_EMAIL,),
        apps: Sequence[FakeApp] | None = None,
        events: Iterable[Mapping[str, Any] | Sequence[Any]] = (),
        data_dirs: Iterable[Path] = (),
        page_size: int = PAGE_SIZE,
        faults: Faults | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.secret = secret
        self.region = region.upper()
        self.accounts = {email.strip().lower() for email in accounts}
        self.apps = list(apps) if apps else [default_app(self.region)]
        self.page_size = page_size
        self.clock = clock
        self.store = EventStore()
        self.store.add_events(events, self.apps[0].id)
        for folder in data_dirs:
            self.store.load_folder(Path(folder), self.apps[0].id)
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._in_flight = 0
        self._faults = faults or Faults()
        self._plan = self._faults.plan()
        self._sessions: dict[str, tuple[str, float]] = {}
        self._records: list[RequestRecord] = []
        self.seen_tokens: list[str] = []  # for leak checks in tests
        self.issued_cookies: list[str] = []
        self._stopping = threading.Event()
        self._tmp = Path(tempfile.mkdtemp(prefix="fake-aptabase-"))
        self._httpd = _Server((host, port), _Handler)
        self._httpd.app = self
        self._thread: threading.Thread | None = None

    # ----------------------------------------------------------------- lifecycle

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeAptabase:
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._thread:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._httpd.server_close()
        self.store.close()
        shutil.rmtree(self._tmp, ignore_errors=True)

    def __enter__(self) -> FakeAptabase:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # ----------------------------------------------------------------- test helpers

    def set_faults(self, faults: Faults) -> None:
        with self._lock:
            self._faults = faults
            self._plan = faults.plan()

    @property
    def faults(self) -> Faults:
        return self._faults

    @property
    def records(self) -> list[RequestRecord]:
        """Every request so far, once the requests being answered are done (a client may
        have read a whole answer a moment before its handler records it)."""
        with self._idle:
            self._idle.wait_for(lambda: self._in_flight == 0, timeout=2)
            return list(self._records)

    def export_requests(self) -> list[RequestRecord]:
        return [r for r in self.records if r.path == "/api/_export/download"]

    def add_events(self, events: Iterable[Mapping[str, Any] | Sequence[Any]], **kwargs: str) -> None:
        self.store.add_events(
            events, kwargs.get("app_id", self.apps[0].id), kwargs.get("build_mode", "release")
        )

    # ----------------------------------------------------------------- routing

    def handle(self, handler: _Handler) -> None:
        parts = urlsplit(handler.path)
        params = {key: values[-1] for key, values in parse_qs(parts.query, keep_blank_values=True).items()}
        routes: dict[str, Callable[[_Handler, dict[str, str]], tuple[int, str]]] = {
            "/api/_auth/continue": self._sign_in,
            "/api/_apps": self._list_apps,
            "/api/_export/download": self._export,
            "/api/_export/usage": self._usage,
        }
        route = routes.get(parts.path)
        with self._lock:
            self._in_flight += 1
        try:
            if route is None:
                status, fault = self._page(handler, parts.path)
            else:
                status, fault = route(handler, params)
        except (TimeoutError, BrokenPipeError, ConnectionResetError):
            status, fault = 0, "client went away"
            handler.close_connection = True
        except BaseException:
            with self._lock:
                self._in_flight -= 1
                self._idle.notify_all()
            raise
        shown = {} if parts.path == "/api/_auth/continue" else params
        with self._lock:
            self._records.append(RequestRecord("GET", parts.path, status, fault, shown))
            self._in_flight -= 1
            self._idle.notify_all()

    def _page(self, handler: _Handler, path: str) -> tuple[int, str]:
        if path in ("/", "/auth"):
            body = b"<!doctype html><title>Aptabase</title><div id=root></div>"
            _send(handler, 200, body, "text/html; charset=utf-8")
            return 200, ""
        _send(handler, 404, b"Not Found")
        return 404, ""

    # ----------------------------------------------------------------- auth

    def _retry_after(self, seconds: float) -> str:
        if self._faults.retry_after_as_date:
            return formatdate(time.time() + seconds, usegmt=True)
        return f"{seconds:g}"

    def _token_claims(self, token: str, now: float) -> dict[str, Any]:
        """The claims of a token Aptabase would accept at `now` (this server's clock, which
        tests move): PyJWT checks the signature, algorithm and issuer; the lifetime is
        checked here with zero skew, as Aptabase configures it."""
        claims = jwt.decode(
            token,
            secret_key(self.secret),
            algorithms=[ALGORITHM],
            issuer=issuer_for(self.region),
            options={
                "require": ["exp", "iss"],
                "verify_exp": False,
                "verify_iat": False,
                "verify_nbf": False,
            },
        )
        exp, nbf = claims["exp"], claims.get("nbf")
        if not isinstance(exp, (int, float)) or isinstance(exp, bool):
            raise jwt.InvalidTokenError("no lifetime")
        if isinstance(nbf, (int, float)) and now < nbf:
            raise jwt.ImmatureSignatureError("not valid yet")
        max_age = self._faults.token_max_age
        if now > exp or (max_age is not None and now - float(claims.get("iat", 0)) > max_age):
            raise jwt.ExpiredSignatureError("expired")
        return claims

    def _sign_in(self, handler: _Handler, params: dict[str, str]) -> tuple[int, str]:
        token = params.get("token", "")
        with self._lock:
            self.seen_tokens.append(token)
        now = self.clock()
        try:
            claims = self._token_claims(token, now)
            kind, email, _name = claims["type"], str(claims["email"]), claims["name"]
            if kind not in ("SignIn", "Register"):
                raise jwt.InvalidTokenError("unknown type")
        except jwt.ExpiredSignatureError:
            return self._redirect(handler, "/auth?error=expired"), "token expired"
        except (jwt.InvalidTokenError, KeyError, TypeError, ValueError):
            return self._redirect(handler, "/auth?error=invalid"), "token invalid"
        with self._lock:
            if kind == "Register":
                self.accounts.add(email.lower())
            known = email.lower() in self.accounts
        if not known:
            return self._redirect(handler, "/"), "no account"
        cookie = secrets.token_urlsafe(32)
        with self._lock:
            self._sessions[cookie] = (email.lower(), now)
            self.issued_cookies.append(cookie)
        header = f"{SESSION_COOKIE}={cookie}; path=/; samesite=lax; httponly"
        return self._redirect(handler, "/", cookie=header), ""

    def _redirect(self, handler: _Handler, target: str, cookie: str = "") -> int:
        headers = [("Location", self.url + target)]
        if cookie:
            headers.append(("Set-Cookie", cookie))
        _send(handler, 302, b"", headers=headers)
        return 302

    def _session_ok(self, handler: _Handler) -> bool:
        try:
            jar = SimpleCookie(handler.headers.get("Cookie", ""))
        except CookieError:
            return False
        morsel = jar.get(SESSION_COOKIE)
        if morsel is None:
            return False
        with self._lock:
            session = self._sessions.get(morsel.value)
        if session is None:
            return False
        max_age = self._faults.session_max_age
        return max_age is None or self.clock() - session[1] <= max_age

    # ----------------------------------------------------------------- api

    def _list_apps(self, handler: _Handler, params: dict[str, str]) -> tuple[int, str]:
        if not self._session_ok(handler):
            _send(handler, 401, b"")
            return 401, "no session"
        body = [
            {
                "id": app.id,
                "name": app.name,
                "iconPath": "",
                "appKey": app.app_key,
                "hasOwnership": True,
                "hasEvents": self.store.count(app.id) > 0,
                "lockReason": None,
            }
            for app in self.apps
        ]
        _send(handler, 200, json.dumps(body).encode(), "application/json; charset=utf-8")
        return 200, ""

    def _usage(self, handler: _Handler, params: dict[str, str]) -> tuple[int, str]:
        if not self._session_ok(handler):
            _send(handler, 401, b"")
            return 401, "no session"
        mode = "debug" if params.get("buildMode", "").lower() == "debug" else "release"
        rows = (
            self.store.cursor()
            .execute(
                """
            select year("timestamp"), month("timestamp"), count(*) from events
            where app_id = ? and build_mode = ? group by all order by 1, 2
            """,
                [params.get("appId", ""), mode],
            )
            .fetchall()
        )
        body = [{"year": y, "month": m, "events": n} for y, m, n in rows]
        _send(handler, 200, json.dumps(body).encode(), "application/json; charset=utf-8")
        return 200, ""

    def _export(self, handler: _Handler, params: dict[str, str]) -> tuple[int, str]:
        if not self._session_ok(handler):
            _send(handler, 401, b"")
            return 401, "no session"
        app = next((a for a in self.apps if a.id == params.get("appId")), None)
        if app is None:
            _send(handler, 403, b"")
            return 403, "no such app"
        try:
            start = date.fromisoformat(params["startDate"][:10])
            end = date.fromisoformat(params["endDate"][:10])
        except (KeyError, ValueError):
            _send(handler, 400, b'{"title":"One or more validation errors occurred."}', "application/json")
            return 400, "dates missing"
        fault = self._next_fault()
        status = self._early_fault(handler, fault)
        if status is None:
            self._stream_export(handler, app, params, (start, end), fault)
            status = 200
        return status, fault

    def _next_fault(self) -> str:
        with self._lock:
            return self._plan.pop(0) if self._plan else ""

    def _early_fault(self, handler: _Handler, fault: str) -> int | None:
        """Answer a fault that comes before the body; None when the body should follow."""
        if fault == "429":
            retry = self._faults.retry_after
            headers = [("Retry-After", self._retry_after(retry))] if retry is not None else []
            _send(handler, 429, b"Too Many Requests", headers=headers)
            return 429
        if fault == "500":
            _send(handler, 500, b"An error occurred while processing your request.")
            return 500
        if fault == "slow" and self._stopping.wait(self._faults.delay):
            return 0  # shutting down
        return None

    def _stream_export(
        self, handler: _Handler, app: FakeApp, params: dict[str, str], dates: tuple[date, date], fault: str
    ) -> None:
        """`timestamp BETWEEN 'start 00:00:00' AND 'end 00:00:00'`, newest first."""
        mode = "debug" if params.get("buildMode", "").lower() == "debug" else "release"
        fmt = "parquet" if params.get("format", "").lower() == "parquet" else "csv"
        args = [app.id, mode] + [datetime.combine(day, datetime.min.time()) for day in dates]
        name = "".join(ch for ch in params.get("appName", "") if ch.isalnum()).lower()
        filename = f"{name}-{mode}-{dates[0].year}-{dates[0].month:02d}.{fmt}"
        _start_chunked(handler, "application/octet-stream" if fmt == "parquet" else "text/csv", filename)
        out = _ChunkedWriter(handler, fault, self._faults, self._stopping)
        if fmt == "parquet":
            self._write_parquet(out, args)
        else:
            self._write_csv(out, args)
        out.finish()

    def _write_csv(self, out: _ChunkedWriter, args: list[Any]) -> None:
        cursor = self.store.cursor()
        cursor.execute(f"select {_SELECT_CSV} {_EXPORT_WHERE} order by {_ORDER}", args)
        in_page = 0
        wrote = False
        while out.open:
            batch = cursor.fetchmany(2048)
            if not batch:
                break
            lines: list[bytes] = []
            for row in batch:
                if in_page == 0:
                    lines.append(_HEADER_LINE)
                lines.append(_csv_line(row))
                in_page = (in_page + 1) % self.page_size
            wrote = True
            out.write(b"".join(lines))
        if not wrote:
            out.write(_HEADER_LINE)  # CSVWithNames writes the header even for no rows
        cursor.close()

    def _write_parquet(self, out: _ChunkedWriter, args: list[Any]) -> None:
        path = self._tmp / f"{secrets.token_hex(8)}.parquet"
        cursor = self.store.cursor()
        try:
            query = f"select {_SELECT_PARQUET} {_EXPORT_WHERE} order by {_ORDER}"
            cursor.execute(f"copy ({query}) to '{path}' (format parquet)", args)
            with path.open("rb") as handle:
                while out.open and (chunk := handle.read(1 << 16)):
                    out.write(chunk)
        finally:
            cursor.close()
            path.unlink(missing_ok=True)


def _csv_line(row: Sequence[Any]) -> bytes:
    return (
        ",".join('"' + ("" if v is None else str(v)).replace('"', '""') + '"' for v in row) + "\n"
    ).encode()


# --------------------------------------------------------------------------- http


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    app: FakeAptabase


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server
    timeout = 30

    def do_GET(self) -> None:
        self.server.app.handle(self)

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: a request line can carry a sign-in token."""


def _send(
    handler: _Handler,
    status: int,
    body: bytes,
    content_type: str = "text/plain; charset=utf-8",
    headers: Sequence[tuple[str, str]] = (),
) -> None:
    handler.send_response(status)
    for name, value in headers:
        handler.send_header(name, value)
    if body or status not in (204, 304):
        handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    handler.send_header("Cache-Control", "no-store")
    handler.end_headers()
    if body:
        handler.wfile.write(body)


def _start_chunked(handler: _Handler, content_type: str, filename: str) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Disposition", f'attachment; filename="{filename}"')
    handler.send_header("Transfer-Encoding", "chunked")
    handler.send_header("Cache-Control", "no-store")
    handler.end_headers()


class _ChunkedWriter:
    """Writes a chunked body; applies the cut/drop/stall faults at `cut_after` bytes."""

    def __init__(self, handler: _Handler, fault: str, faults: Faults, stopping: threading.Event) -> None:
        self._handler = handler
        self._fault = fault if fault in ("cut", "drop", "stall") else ""
        self._limit = faults.cut_after
        self._delay = faults.delay
        self._stopping = stopping
        self._sent = 0
        self._aborted = False
        self.open = True

    def write(self, data: bytes) -> None:
        if not self.open or not data:
            return
        if self._fault and self._sent + len(data) >= self._limit:
            head, tail = data[: self._limit - self._sent], data[self._limit - self._sent :]
            self._chunk(head)
            if self._fault == "stall":
                self._fault = ""
                self._handler.wfile.flush()
                if self._stopping.wait(self._delay):
                    self._abort()
                    return
                self._chunk(tail)
                return
            if self._fault == "drop":
                self._abort()
            else:
                self.open = False  # "cut": the body ends here, cleanly, like the real server
            return
        self._chunk(data)

    def _chunk(self, data: bytes) -> None:
        if data:
            self._handler.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
            self._sent += len(data)

    def _abort(self) -> None:
        self._handler.wfile.flush()
        self._handler.close_connection = True
        with contextlib.suppress(OSError):
            self._handler.connection.shutdown(socket.SHUT_RDWR)
        self.open = False
        self._aborted = True

    def finish(self) -> None:
        if self._aborted:
            return
        self._handler.wfile.write(b"0\r\n\r\n")
        self._handler.wfile.flush()


def parse_day_range(text: str) -> tuple[date, date]:
    """`START:END` (END exclusive) or a single day `START`."""
    first, _, second = text.partition(":")
    start = date.fromisoformat(first)
    end = date.fromisoformat(second) if second else start + timedelta(days=1)
    return start, end
