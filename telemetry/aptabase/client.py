"""Client for an Aptabase server: magic-link sign-in, the app list and the export download.

See docs/aptabase.md. In short:

* sign-in is `GET /api/_auth/continue?token=<HS256 JWT>` *without following redirects*;
  success is a 30x **and** an `auth-session` cookie (a refused token also redirects);
* `GET /api/_apps` lists the apps (JSON) the session can see;
* `GET /api/_export/download?...&startDate=&endDate=` streams CSVWithNames or Parquet with
  both ends inclusive (`BETWEEN start 00:00:00 AND end 00:00:00`), and may end early with
  status 200: only the body tells whether the download is complete.

Nothing here prints, logs or raises the secret, a token or a cookie: the token sits in the
sign-in URL's query string, so no URL with a query is ever shown, and while a client is
open a filter scrubs those values from httpx/httpcore log records.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from http.cookiejar import CookieJar, DefaultCookiePolicy
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit

import httpx

from telemetry.aptabase.retry import (
    RetryableError,
    RetryPolicy,
    SessionLost,
    parse_retry_after,
)
from telemetry.aptabase.signin import issuer_for, sign_in_token
from telemetry.errors import UserError

SIGN_IN_PATH = "/api/_auth/continue"
APPS_PATH = "/api/_apps"
EXPORT_PATH = "/api/_export/download"
SESSION_COOKIE = "auth-session"
CHUNK_SIZE = 1 << 16
FORMATS = ("csv", "parquet")
BUILD_MODES = ("release", "debug")

_LOGGERS = (
    "httpx",
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
    "httpcore.socks",
)
_SETTINGS_HELP = "set it in the environment or in .env in the current directory (see .env.example)"

T = TypeVar("T")


# --------------------------------------------------------------------------- settings


class Secret:
    """A string that does not show itself in repr(), str() or f-strings."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__


@dataclass(frozen=True)
class Settings:
    base_url: str
    secret: Secret
    email: str
    name: str
    app_key: str
    region: str = "SH"

    @classmethod
    def from_config(cls, config: Mapping[str, str], *, app_key: str | None = None) -> Settings:
        """Settings from merged environment/.env values; every missing variable is named."""
        wanted = ["BASE_URL", "AUTH_SECRET", "AUTH_EMAIL"] + ([] if app_key else ["APP_KEY"])
        missing = [key for key in wanted if not config.get(key, "").strip()]
        if missing:
            noun = "setting" if len(missing) == 1 else "settings"
            raise UserError(f"missing {noun} {', '.join(missing)}: {_SETTINGS_HELP}")
        base_url = config["BASE_URL"].strip().rstrip("/")
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise UserError("BASE_URL must be an http:// or https:// address of the Aptabase server")
        region = config.get("APTABASE_REGION", "").strip().upper() or "SH"
        if not region.isalnum():
            raise UserError("APTABASE_REGION must be a region code such as SH, EU or US")
        email = config["AUTH_EMAIL"].strip()
        return cls(
            base_url=base_url,
            secret=Secret(config["AUTH_SECRET"]),
            email=email,
            name=config.get("AUTH_NAME", "").strip() or email,
            app_key=(app_key or config["APP_KEY"]).strip(),
            region=region,
        )

    @property
    def display_url(self) -> str:
        """BASE_URL without user info, query or fragment: safe to print."""
        parts = urlsplit(self.base_url)
        host = parts.hostname or ""
        if ":" in host:
            host = f"[{host}]"
        port = f":{parts.port}" if parts.port else ""
        return f"{parts.scheme}://{host}{port}{parts.path}"


@dataclass(frozen=True)
class App:
    id: str
    name: str
    app_key: str

    @property
    def slug(self) -> str:
        """The app's name as Aptabase names its downloads (letters and digits, lower case);
        the app key when the name has none."""
        return re.sub(r"[^a-zA-Z0-9]", "", self.name).lower() or self.app_key


# --------------------------------------------------------------------------- redaction


_SENSITIVE_PATTERNS = (
    # A cookie as httpcore logs response headers (before the client has seen its value).
    (re.compile(rf"({re.escape(SESSION_COOKIE)}[\w-]*=)[^;,\s'\"]+"), r"\1[redacted]"),
    (re.compile(r"([?&]token=)[^&\s'\"]+"), r"\1[redacted]"),
    (re.compile(r"eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*"), "[redacted]"),  # a JWT
)


class Redactor(logging.Filter):
    """Scrubs one client's sensitive values (the secret, tokens, cookies), and anything
    shaped like a session cookie, a token parameter or a JWT, from text and log records."""

    def __init__(self) -> None:
        super().__init__()
        self._values: set[str] = set()

    def add(self, value: str) -> None:
        if value and len(value) >= 4:
            self._values.add(value)

    def redact(self, text: str) -> str:
        for value in sorted(self._values, key=len, reverse=True):
            text = text.replace(value, "[redacted]")
        for pattern, replacement in _SENSITIVE_PATTERNS:
            text = pattern.sub(replacement, text)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken record is not ours to fix
            return True
        cleaned = self.redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


# --------------------------------------------------------------------------- client


class AptabaseClient:
    """One signed-in session against one server. Use as a context manager."""

    def __init__(
        self,
        settings: Settings,
        *,
        timeout: float = 60.0,
        policy: RetryPolicy | None = None,
        clock: Callable[[], float] = time.time,
        warn: Callable[[str], None] = lambda message: None,
    ) -> None:
        self.settings = settings
        self.policy = policy or RetryPolicy()
        self._clock = clock
        self._warn = warn
        self._redactor = Redactor()
        self._redactor.add(settings.secret.reveal())
        self._cookies: dict[str, str] = {}
        self._http = httpx.Client(
            timeout=httpx.Timeout(timeout, connect=min(timeout, 15.0)),
            follow_redirects=False,
            headers={"User-Agent": "telemetry-export/0.1"},
            # No cookie jar: the session cookie lives in self._cookies only.
            cookies=CookieJar(DefaultCookiePolicy(allowed_domains=[])),
        )

    def __enter__(self) -> AptabaseClient:
        for name in _LOGGERS:
            logging.getLogger(name).addFilter(self._redactor)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()
        for name in _LOGGERS:
            logging.getLogger(name).removeFilter(self._redactor)

    def redact(self, text: str) -> str:
        return self._redactor.redact(text)

    # ----------------------------------------------------------------- session

    @property
    def signed_in(self) -> bool:
        return bool(self._cookies.get(SESSION_COOKIE))

    def forget_session(self) -> None:
        self._cookies = {}

    def ensure_session(self) -> None:
        if not self.signed_in:
            self.with_retries(self._sign_in_once, "sign-in")

    def _sign_in_once(self) -> None:
        # A fresh token answered "expired" means the clocks disagree or the request was
        # slow: one more fresh token, then a clear error.
        for tries in (1, 2):
            response = self._send_sign_in()
            cookies = _session_cookies(response)
            for value in cookies.values():
                self._redactor.add(value)
            if cookies.get(SESSION_COOKIE):
                self._cookies = cookies
                return
            reason, error = self._refusal(response.headers.get("location", ""))
            if reason != "expired" or tries == 2:
                raise error

    def _refusal(self, location: str) -> tuple[str, UserError]:
        """Why a sign-in redirect carried no session, and the error that says so."""
        elsewhere = _other_origin(location, self.settings.base_url)
        if elsewhere:
            return "moved", UserError(
                f"sign-in at {self.settings.display_url} was redirected to {elsewhere} "
                "without a session: set BASE_URL to the address the server lives at"
            )
        reason = _refusal_reason(location)
        return reason, UserError(self._refusal_message(reason))

    def _send_sign_in(self) -> httpx.Response:
        settings = self.settings
        token = sign_in_token(
            name=settings.name,
            email=settings.email,
            region=settings.region,
            secret=settings.secret.reveal(),
            now=self._clock(),
        )
        self._redactor.add(token)
        response = self._request("GET", SIGN_IN_PATH, params={"token": token})
        if response.status_code == 429 or response.status_code >= 500:
            raise _status_error(response)
        if response.status_code == 404:
            raise self._not_aptabase(f"GET {SIGN_IN_PATH} answered HTTP 404")
        if not response.is_redirect:
            raise self._not_aptabase(
                f"GET {SIGN_IN_PATH} answered HTTP {response.status_code} instead of a redirect"
            )
        return response

    def _refusal_message(self, reason: str) -> str:
        settings = self.settings
        issuer = issuer_for(settings.region)
        detail = {
            "expired": (
                "the server says the token expired although it was just made: this "
                "machine's clock is probably off (tokens live 10 minutes, no tolerance)"
            ),
            "invalid": (
                f"the server rejected the token: AUTH_SECRET or APTABASE_REGION={settings.region} "
                f"(issuer {issuer}) does not match the server's"
            ),
            "no account": (f"the token was accepted but there is no account for AUTH_EMAIL={settings.email}"),
        }.get(reason, "the server redirected without setting the session cookie")
        hint = ""
        key_region = _key_region(settings.app_key)
        if key_region and key_region != settings.region:
            hint = f" (APP_KEY {settings.app_key} suggests APTABASE_REGION={key_region})"
        return (
            f"sign-in at {settings.display_url} refused (no {SESSION_COOKIE} cookie): {detail}; "
            f"the likely cause is AUTH_SECRET, APTABASE_REGION or the AUTH_EMAIL account{hint}"
        )

    # ----------------------------------------------------------------- apps

    def apps(self) -> list[App]:
        return self.with_retries(self._apps_once, "app list")

    def _apps_once(self) -> list[App]:
        self.ensure_session()
        response = self._request("GET", APPS_PATH, headers=self._cookie_header())
        if response.status_code == 401 or response.is_redirect:
            raise SessionLost(f"HTTP {response.status_code}: session not accepted")
        if response.status_code == 429 or response.status_code >= 500:
            raise _status_error(response)
        if response.status_code != 200:
            raise self._not_aptabase(f"GET {APPS_PATH} answered HTTP {response.status_code}")
        if "html" in response.headers.get("content-type", "").lower():
            raise self._not_aptabase(f"GET {APPS_PATH} answered an HTML page, not JSON")
        try:
            payload: Any = response.json()
        except ValueError:
            raise self._not_aptabase(f"GET {APPS_PATH} did not answer JSON") from None
        if not isinstance(payload, list) or not all(
            isinstance(item, dict) and "appKey" in item and "id" in item for item in payload
        ):
            raise self._not_aptabase(f"GET {APPS_PATH} did not answer a list of apps")
        return [
            App(id=str(item["id"]), name=str(item.get("name") or ""), app_key=str(item["appKey"]))
            for item in payload
        ]

    def find_app(self, app_key: str) -> App:
        apps = self.apps()
        for app in apps:
            if app.app_key == app_key:
                return app
        visible = ", ".join(f"{app.app_key} ({app.name})" for app in apps)
        raise UserError(
            f"app key {app_key} not found on {self.settings.display_url}; "
            + (f"this account can see: {visible}" if apps else "this account sees no apps")
        )

    # ----------------------------------------------------------------- export

    def download(
        self,
        app: App,
        day: date,
        *,
        build_mode: str,
        fmt: str,
        sink: Callable[[bytes], None],
    ) -> int:
        """Stream one UTC day's export into `sink`, chunk by chunk; the byte count.
        Asks for `startDate=day&endDate=day+1`: the server's end is inclusive, so this is
        the whole day plus any event stamped exactly at the next midnight."""
        self.ensure_session()
        params = {
            "appId": app.id,
            "buildMode": build_mode,
            "appName": app.name,
            "format": fmt,
            "startDate": day.isoformat(),
            "endDate": (day + timedelta(days=1)).isoformat(),
        }
        try:
            with self._http.stream(
                "GET", self._url(EXPORT_PATH), params=params, headers=self._cookie_header()
            ) as response:
                self._check_export_response(response)
                written = 0
                for chunk in response.iter_bytes(CHUNK_SIZE):
                    sink(chunk)
                    written += len(chunk)
                return written
        except httpx.TimeoutException:
            raise RetryableError("timed out waiting for the server") from None
        except httpx.RequestError as exc:
            raise RetryableError(self._transport_reason(exc)) from None

    def _check_export_response(self, response: httpx.Response) -> None:
        status = response.status_code
        if status == 401 or response.is_redirect:
            raise SessionLost(f"HTTP {status}: session not accepted")
        if status == 429 or status >= 500:
            raise _status_error(response)
        if status == 404:
            raise self._not_aptabase(f"GET {EXPORT_PATH} answered HTTP 404")
        if status != 200:
            snippet = self.redact(_body_snippet(response))
            raise UserError(f"the server refused the export request: HTTP {status} {snippet}".rstrip())
        if "html" in response.headers.get("content-type", "").lower():
            raise self._not_aptabase(f"GET {EXPORT_PATH} answered an HTML page")

    # ----------------------------------------------------------------- plumbing

    def with_retries(self, action: Callable[[], T], what: str) -> T:
        """Run `action` under the retry policy; a UserError once attempts run out."""
        try:
            return self.retrying(action, what)
        except RetryableError as exc:
            raise UserError(
                f"{what} at {self.settings.display_url} failed after {self.policy.max_attempts} "
                f"attempts (last: {exc.reason})"
            ) from None

    def retrying(
        self, action: Callable[[], T], label: str, announce: Callable[[str], None] | None = None
    ) -> T:
        """Run `action` under the retry policy: a lost session is forgotten (the next attempt
        signs in with a fresh token) and each wait announced as `{label}: attempt n failed
        (...)`; the last RetryableError once attempts run out."""
        say = announce or self._warn

        def on_retry(attempt: int, error: RetryableError, wait: float) -> None:
            if isinstance(error, SessionLost):
                self.forget_session()
            say(f"{label}: attempt {attempt} failed ({error.reason}); retrying in {wait:.1f} s")

        return self.policy.call(action, on_retry)

    def _url(self, path: str) -> str:
        return self.settings.base_url + path

    def _cookie_header(self) -> dict[str, str]:
        return {"Cookie": "; ".join(f"{name}={value}" for name, value in self._cookies.items())}

    def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            return self._http.request(method, self._url(path), **kwargs)
        except httpx.TimeoutException:
            raise RetryableError("timed out waiting for the server") from None
        except httpx.RequestError as exc:
            raise RetryableError(self._transport_reason(exc)) from None

    def _transport_reason(self, exc: httpx.RequestError) -> str:
        detail = self.redact(str(exc).splitlines()[0] if str(exc).strip() else "")
        return f"connection error: {detail or type(exc).__name__}"

    def _not_aptabase(self, detail: str) -> UserError:
        return UserError(
            f"{self.settings.display_url} does not look like an Aptabase server: {detail}; check BASE_URL"
        )


# --------------------------------------------------------------------------- helpers


def _status_error(response: httpx.Response) -> RetryableError:
    retry_after = parse_retry_after(response.headers.get("retry-after", ""))
    phrase = response.reason_phrase or ""
    return RetryableError(f"HTTP {response.status_code} {phrase}".rstrip(), retry_after)


def _session_cookies(response: httpx.Response) -> dict[str, str]:
    """The `auth-session*` cookies (ASP.NET may chunk a large one) set by a response."""
    cookies: dict[str, str] = {}
    for header in response.headers.get_list("set-cookie"):
        name, sep, value = header.split(";", 1)[0].partition("=")
        name = name.strip()
        if sep and name.startswith(SESSION_COOKIE) and value.strip():
            cookies[name] = value.strip()
    return cookies


def _other_origin(location: str, base_url: str) -> str:
    """`scheme://host[:port]` of an absolute redirect to another origin, else ''."""
    target, base = urlsplit(location), urlsplit(base_url)
    if not target.netloc:
        return ""
    if (target.scheme, target.hostname, target.port) == (base.scheme, base.hostname, base.port):
        return ""
    port = f":{target.port}" if target.port else ""
    return f"{target.scheme}://{target.hostname}{port}"


def _refusal_reason(location: str) -> str:
    """Why a redirect carried no cookie: expired | invalid | no account | unknown."""
    parts = urlsplit(location)
    error = parse_qs(parts.query).get("error", [""])[0]
    if error in ("expired", "invalid"):
        return error
    if parts.path in ("", "/") and not error:
        return "no account"
    return "unknown"


def _key_region(app_key: str) -> str | None:
    match = re.fullmatch(r"A-([A-Za-z]+)-\d+", app_key)
    return match.group(1).upper() if match else None


def _body_snippet(response: httpx.Response, limit: int = 200) -> str:
    try:
        data = b""
        for chunk in response.iter_bytes(1024):
            data += chunk
            if len(data) >= limit:
                break
    except httpx.HTTPError:
        return ""
    text = data[:limit].decode("utf-8", errors="replace")
    return " ".join(text.split())
