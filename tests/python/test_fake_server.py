"""The local Aptabase-compatible server behaves like the real one (aptabase.md), over real
sockets: JWT checks, session cookie, app list, export semantics and injected faults."""

from __future__ import annotations

import csv
import io
import time
from http.cookiejar import CookieJar, DefaultCookiePolicy
from pathlib import Path

import duckdb
import httpx
import jwt
import pytest

from telemetry.aptabase.export_format import EXPORT_COLUMNS
from telemetry.aptabase.signin import sign_in_token
from telemetry.devtools.server import FakeApp, FakeAptabase, Faults

SECRET = "fake-server-test-secret"
EMAIL = "dev@example.com"
HEADER = ",".join(f'"{c}"' for c in EXPORT_COLUMNS)
# One client (making one costs ~50 ms), keeping no cookies: each request says what it sends.
HTTP = httpx.Client(follow_redirects=False, cookies=CookieJar(DefaultCookiePolicy(allowed_domains=[])))


def event(ts: str, name: str = "app_started", user: str = "u1", **extra: str) -> dict[str, str]:
    return {"timestamp": ts, "event_name": name, "user_id": user, "os_name": "Windows", **extra}


def token(**overrides: object) -> str:
    now = time.time()
    claims = {
        "type": "SignIn",
        "name": "Dev",
        "email": EMAIL,
        "iat": int(now),
        "exp": int(now) + 600,
        "iss": "aptabase-sh",
    }
    claims.update(overrides)
    secret = str(claims.pop("_secret", SECRET))
    return jwt.encode(claims, secret.encode(), algorithm="HS256")


@pytest.fixture
def server():
    events = [
        event("2024-05-01 00:00:00", user="start-midnight"),
        event("2024-05-01 10:00:00", string_props='{"error":"said \\u0027no\\u0027"}'),
        event("2024-05-01 23:59:59", user="last-second"),
        event("2024-05-02 00:00:00", user="end-midnight"),
        event("2024-05-02 00:00:01", user="next-day"),
    ]
    with FakeAptabase(secret=SECRET, accounts=[EMAIL], events=events, page_size=2) as srv:
        yield srv


def sign_in(srv: FakeAptabase, tok: str) -> httpx.Response:
    return HTTP.get(f"{srv.url}/api/_auth/continue", params={"token": tok})


def session(srv: FakeAptabase) -> dict[str, str]:
    response = sign_in(srv, token())
    assert response.status_code == 302
    return {"Cookie": f"auth-session={response.cookies['auth-session']}"}


def test_valid_token_redirects_home_with_session_cookie(server):
    response = sign_in(server, token())
    assert response.status_code == 302
    assert response.headers["location"] == server.url + "/"
    assert response.cookies.get("auth-session")


@pytest.mark.parametrize(
    "tok, location",
    [
        (lambda: token(exp=int(time.time()) - 1), "/auth?error=expired"),
        (lambda: token(_secret="another-secret"), "/auth?error=invalid"),
        (lambda: token(iss="aptabase-eu"), "/auth?error=invalid"),
        (lambda: token()[:-3] + "abc", "/auth?error=invalid"),
        (lambda: "not-a-token", "/auth?error=invalid"),
        (lambda: "", "/auth?error=invalid"),
        (lambda: token(email="stranger@example.com"), "/"),
    ],
    ids=["expired", "forged", "wrong-issuer", "tampered", "garbage", "empty", "no-account"],
)
def test_refused_tokens_redirect_without_cookie(server, tok, location):
    response = sign_in(server, tok())
    assert response.status_code == 302
    assert response.headers["location"] == server.url + location
    assert "set-cookie" not in response.headers


def test_alg_none_token_is_invalid(server):
    import base64
    import json

    def b64(obj: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()

    forged = (
        b64({"alg": "none"})
        + "."
        + b64({"type": "SignIn", "name": "x", "email": EMAIL, "exp": time.time() + 600, "iss": "aptabase-sh"})
        + "."
    )
    response = sign_in(server, forged)
    assert response.headers["location"].endswith("/auth?error=invalid")


def test_token_lifetime_has_zero_skew(server):
    # exp exactly one second ago is expired; no tolerance.
    tok = sign_in_token(name="Dev", email=EMAIL, region="SH", secret=SECRET, now=time.time() - 601)
    assert sign_in(server, tok).headers["location"].endswith("error=expired")


def test_token_max_age_fault(server):
    server.set_faults(Faults(token_max_age=5))
    old = sign_in_token(name="Dev", email=EMAIL, region="SH", secret=SECRET, now=time.time() - 10)
    assert sign_in(server, old).headers["location"].endswith("error=expired")
    assert sign_in(server, token()).cookies.get("auth-session")


def test_apps_requires_session(server):
    assert HTTP.get(f"{server.url}/api/_apps").status_code == 401
    response = HTTP.get(f"{server.url}/api/_apps", headers=session(server))
    assert response.status_code == 200
    [app] = response.json()
    assert set(app) == {"id", "name", "iconPath", "appKey", "hasOwnership", "hasEvents", "lockReason"}
    assert app["appKey"] == "A-SH-0000000001"


def test_session_max_age_fault(server):
    headers = session(server)
    server.set_faults(Faults(session_max_age=0))
    time.sleep(0.01)
    assert HTTP.get(f"{server.url}/api/_apps", headers=headers).status_code == 401


def download(srv: FakeAptabase, headers: dict[str, str], **params: str) -> httpx.Response:
    query = {"appId": "app-vibe", "buildMode": "release", "appName": "Vibe", "format": "csv"}
    query.update(params)
    return HTTP.get(f"{srv.url}/api/_export/download", params=query, headers=headers)


def test_export_without_dates_is_400(server):
    headers = session(server)
    assert download(server, headers).status_code == 400
    assert download(server, headers, startDate="2024-05-01").status_code == 400


def test_export_requires_session(server):
    assert download(server, {}, startDate="2024-05-01", endDate="2024-05-02").status_code == 401


def test_export_csv_semantics(server):
    response = download(server, session(server), startDate="2024-05-01", endDate="2024-05-02")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    lines = response.text.splitlines()
    # Inclusive end: both midnights are in; the second after is not. Pages of 2 rows, each
    # with its own header, newest first; every field quoted.
    assert lines[0] == HEADER and lines[3] == HEADER
    assert len(lines) == 6  # 2 pages of 2 rows, each page with its header
    rows = [r for r in csv.reader(io.StringIO(response.text)) if r[0] != "timestamp"]
    stamps = [r[0] for r in rows]
    assert stamps == sorted(stamps, reverse=True)
    assert stamps[0] == "2024-05-02 00:00:00" and stamps[-1] == "2024-05-01 00:00:00"
    assert "2024-05-02 00:00:01" not in stamps
    assert all(len(r) == 16 for r in rows)
    for line in lines:
        assert line.startswith('"') and line.endswith('"')


def test_export_empty_day_is_header_only(server):
    response = download(server, session(server), startDate="2024-06-01", endDate="2024-06-02")
    assert response.text == HEADER + "\n"


def test_export_parquet(server, tmp_path):
    response = download(
        server, session(server), startDate="2024-05-01", endDate="2024-05-02", format="parquet"
    )
    path = tmp_path / "x.parquet"
    path.write_bytes(response.content)
    con = duckdb.connect()
    names = [r[0] for r in con.execute("describe select * from read_parquet(?)", [str(path)]).fetchall()]
    assert names == list(EXPORT_COLUMNS)
    assert con.execute("select count(*) from read_parquet(?)", [str(path)]).fetchone()[0] == 4


def test_debug_build_mode_is_separate_data(server):
    server.add_events([event("2024-05-01 12:00:00", user="debugger")], build_mode="debug")
    headers = session(server)
    debug = download(server, headers, startDate="2024-05-01", endDate="2024-05-02", buildMode="debug")
    assert "debugger" in debug.text and "last-second" not in debug.text


def test_faults_in_order(server):
    server.set_faults(Faults(too_many=1, errors=1, cuts=1, drops=1, cut_after=50, retry_after=2))
    headers = session(server)
    day = {"startDate": "2024-05-01", "endDate": "2024-05-02"}
    first = download(server, headers, **day)
    assert first.status_code == 429 and first.headers["retry-after"] == "2"
    assert download(server, headers, **day).status_code == 500
    cut = download(server, headers, **day)  # ends cleanly: no HTTP-level error
    assert cut.status_code == 200 and len(cut.content) == 50 and not cut.text.endswith("\n")
    with pytest.raises(httpx.RemoteProtocolError):
        download(server, headers, **day)
    assert download(server, headers, **day).text.count("\n") == 6  # back to normal
    assert [r.fault for r in server.export_requests()] == ["429", "500", "cut", "drop", ""]


def test_slow_fault(server):
    server.set_faults(Faults(slow=1, delay=0.5))
    headers = session(server)
    params = {"appId": "app-vibe", "startDate": "2024-05-01", "endDate": "2024-05-02"}
    url = f"{server.url}/api/_export/download"
    with pytest.raises(httpx.ReadTimeout):
        HTTP.get(url, params=params, headers=headers, timeout=0.1)
    assert HTTP.get(url, params=params, headers=headers, timeout=2).status_code == 200


def test_request_log_never_holds_the_token(server):
    tok = token()
    sign_in(server, tok)
    assert all(tok not in repr(r) for r in server.records)


def test_server_writes_nothing_to_stderr(server, capfd):
    sign_in(server, token())
    capfd.readouterr()
    sign_in(server, token())
    HTTP.get(f"{server.url}/nope")
    captured = capfd.readouterr()
    assert captured.err == "" and captured.out == ""


def test_loads_export_folder(tmp_path: Path):
    def row(ts: str, user: str) -> str:
        values = [ts, user] + [""] * 14
        return ",".join(f'"{v}"' for v in values)

    (tmp_path / "vibe-release-2024-05-01.csv").write_text(
        "\n".join([HEADER, row("2024-05-01 10:00:00", "a"), HEADER, row("2024-05-01 09:00:00", "b")]) + "\n"
    )
    # Same day again (overlapping export): duplicates are removed.
    (tmp_path / "vibe-release-2024-05-01-again.csv").write_text(
        "\n".join([HEADER, row("2024-05-01 10:00:00", "a")]) + "\n"
    )
    (tmp_path / "vibe-release-2024-05-02-partial.csv").write_text(
        HEADER + "\n" + row("2024-05-02 01:00:00", "p")[:20]
    )
    (tmp_path / "vibe-trimmed.csv").write_text(
        "timestamp,event_name,user_id,app_version,os_name,os_version,string_props,numeric_props\n"
        "2024-05-01 11:00:00,x,t,1,Windows,10,,\n"
    )
    con = duckdb.connect()
    con.execute(
        "copy (select timestamp '2024-05-03 08:00:00' as \"timestamp\", "
        + ", ".join(f"'' as \"{c}\"" if c != "user_id" else "'pq' as user_id" for c in EXPORT_COLUMNS[1:])
        + f") to '{tmp_path / 'vibe-release-2024-05-03.parquet'}' (format parquet)"
    )
    with FakeAptabase(secret=SECRET, data_dirs=[tmp_path]) as srv:
        assert srv.store.count() == 3
        assert [str(d) for d in srv.store.days()] == ["2024-05-01", "2024-05-03"]
        notes = " ".join(srv.store.notes)
        assert "partial" in notes and "vibe-trimmed.csv" in notes


def test_several_apps(tmp_path):
    apps = [FakeApp("id-1", "Vibe", "A-SH-0000000001"), FakeApp("id-2", "Other App", "A-SH-0000000002")]
    with FakeAptabase(secret=SECRET, accounts=[EMAIL], apps=apps) as srv:
        keys = [a["appKey"] for a in HTTP.get(f"{srv.url}/api/_apps", headers=session(srv)).json()]
        assert keys == ["A-SH-0000000001", "A-SH-0000000002"]
