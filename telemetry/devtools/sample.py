"""A small, deterministic sample of Vibe telemetry as Aptabase exports it, quirks included.

    generate_sample(out_dir, *, days=7, end_date=date(2026, 2, 15), seed=42,
                    users_per_day=120, page_size=100_000) -> SampleManifest

Writes into `out_dir` (same bytes for the same arguments):

- `vibe-release-YYYY-MM-DD.csv`, one per UTC day: ClickHouse `CSVWithNames`, 16 columns,
  every field quoted, newest first, the header line repeated every `page_size` rows, and
  the server's inclusive window (an event stamped exactly at midnight is in two files);
- `vibe-last-48h-trimmed.csv`: a pandas-rewritten copy of the last 48 hours, 8 core
  columns, minimal quoting, shuffled rows;
- `vibe-release-YYYY-MM-DD-partial.csv`: one day's export cut at ~60% in the middle of a
  line (a server that died mid-stream);
- `vibe-release-YYYY-MM-DD.parquet`: one day's Parquet export (timestamp as TIMESTAMP,
  everything else VARCHAR);
- `manifest.json`: the parameters, every file with its kind and quirks, and the ground
  truth (unique events on the 8 core columns, per day, per event name, failures by
  message family) that landing and staging must reproduce.

Props are encoded as the Aptabase server stores them (.NET's default JSON encoder, keys
sorted, string values cut to 180 characters) and exported with the export query's quirk
(every `\\u0022` and `\\u0027` in string_props comes out as `\\'`). The data is invented;
e-mail addresses use example.com/example.org and tokens are random.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import random
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Protocol, cast

from telemetry.aptabase.export_format import (
    CORE_COLUMNS,
    EXPORT_COLUMNS,
    STRING_PROP_MAX,
    clickhouse_csv_line,
    dotnet_json_string,
    truncate_prop,
    utf16_len,
)
from telemetry.errors import UserError

DEFAULT_END_DATE = date(2026, 2, 15)
DEFAULT_DAYS = 7
DEFAULT_SEED = 42
DEFAULT_USERS_PER_DAY = 120
DEFAULT_PAGE_SIZE = 100_000
MAX_DAYS = 366
MAX_USERS_PER_DAY = 100_000

APP_KEY = "A-SH-0194598703"
MANIFEST_FILE = "manifest.json"
GENERATOR = "telemetry sample"
MANIFEST_FORMAT = 1
PARTIAL_FRACTION = 0.6
TS_FORMAT = "%Y-%m-%d %H:%M:%S"


# --------------------------------------------------------------------------- results


@dataclass
class SampleFile:
    """One written file. `rows` counts data rows (a cut last line is not a row)."""

    name: str
    kind: str  # daily_csv | trimmed_csv | partial_csv | parquet
    covers: str  # a UTC day, or "start .. end" timestamps for the trimmed file
    rows: int
    header_lines: int
    bytes: int
    sha256: str
    columns: int
    quirks: list[str] = field(default_factory=list)
    notes: str = ""


@dataclass
class SampleManifest:
    """What `generate_sample` wrote and the ground truth the pipeline must reproduce."""

    out_dir: Path
    seed: int
    days: int
    start_date: date
    end_date: date
    users_per_day: int
    page_size: int
    files: list[SampleFile]
    ground_truth: dict
    app_key: str = APP_KEY

    def to_dict(self) -> dict:
        return {
            "generator": GENERATOR,
            "format_version": MANIFEST_FORMAT,
            "seed": self.seed,
            "parameters": {
                "days": self.days,
                "end_date": self.end_date.isoformat(),
                "users_per_day": self.users_per_day,
                "page_size": self.page_size,
                "app_key": self.app_key,
            },
            "window": {
                "start_date": self.start_date.isoformat(),
                "end_date": self.end_date.isoformat(),
                "start": f"{self.start_date.isoformat()} 00:00:00",
                "end_exclusive": f"{(self.end_date + timedelta(days=1)).isoformat()} 00:00:00",
                "note": (
                    "events are generated in [start, end_exclusive); each daily file holds "
                    "timestamp BETWEEN 'day 00:00:00' AND 'day+1 00:00:00' (both inclusive)"
                ),
            },
            "files": [asdict(f) for f in self.files],
            "ground_truth": self.ground_truth,
        }

    @property
    def unique_events(self) -> int:
        return int(self.ground_truth["unique_events"])


# --------------------------------------------------------------------------- encoding


def encode_string_props(props: dict[str, str]) -> str:
    """string_props as exported: sorted keys, .NET escaping, values cut to 180 characters,
    then the export query's replace(): ClickHouse reads its literal '\\u0022' as `u0022`,
    so every `\\u0022` / `\\u0027` comes out as the two characters `\\'`."""
    if not props:
        return ""
    stored = (
        "{"
        + ",".join(
            f"{dotnet_json_string(key)}:{dotnet_json_string(truncate_prop(props[key]))}"
            for key in sorted(props)
        )
        + "}"
    )
    return stored.replace("u0022", "'").replace("u0027", "'")


def _dotnet_number(value: float | int) -> str:
    if isinstance(value, bool):
        raise TypeError("booleans are string props")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("numeric props must be finite")
        if value.is_integer():
            return str(int(value))
        return repr(value)
    return str(value)


def encode_numeric_props(props: dict[str, float | int]) -> str:
    """numeric_props: sorted keys, compact; an event without numbers exports `""`."""
    if not props:
        return ""
    return (
        "{"
        + ",".join(f"{dotnet_json_string(key)}:{_dotnet_number(props[key])}" for key in sorted(props))
        + "}"
    )


# --------------------------------------------------------------------------- the world

# os_name, os_version, engine_name, engine versions, weight
OS_PROFILES: list[tuple[str, str, str, tuple[str, ...], float]] = [
    ("Windows", "10.0.19045", "WebView2", ("131.0.2903.112", "132.0.2957.140"), 0.20),
    ("Windows", "10.0.22631", "WebView2", ("132.0.2957.140", "133.0.3065.59"), 0.19),
    ("Windows", "10.0.26100", "WebView2", ("132.0.2957.140", "133.0.3065.69"), 0.15),
    ("macOS", "13.6", "WebKit", ("616.1.27",), 0.05),
    ("macOS", "14.5", "WebKit", ("618.2.12",), 0.09),
    ("macOS", "15.2", "WebKit", ("620.1.16",), 0.11),
    ("Ubuntu", "22.04", "WebKitGTK", ("2.44.3", "2.46.5"), 0.055),
    ("Ubuntu", "24.04", "WebKitGTK", ("2.46.5",), 0.05),
    ("Linux Mint", "21.3", "WebKitGTK", ("2.44.3",), 0.03),
    ("Fedora Linux", "40", "WebKitGTK", ("2.46.3",), 0.02),
    ("Arch Linux", "", "WebKitGTK", ("2.46.5",), 0.02),
    ("CachyOS", "", "WebKitGTK", ("2.46.5",), 0.012),
    ("Flatpak", "", "WebKitGTK", ("2.46.4",), 0.013),
]

# locale, country_code, country_name, regions, ascii user names, non-ASCII user names, weight
LOCALES: list[tuple[str, str, str, tuple[str, ...], tuple[str, ...], tuple[str, ...], float]] = [
    (
        "en-US",
        "US",
        "United States",
        ("California", "New York", "Texas", "Washington", ""),
        ("Bob", "alice", "john", "sarah", "mike", "O'Brien"),
        ("Zoë", "Renée"),
        0.26,
    ),
    (
        "en-GB",
        "GB",
        "United Kingdom",
        ("England", "Scotland"),
        ("olivia", "harry", "O'Brien"),
        ("Zoë",),
        0.05,
    ),
    (
        "de-DE",
        "DE",
        "Germany",
        ("Bavaria", "Berlin", "North Rhine-Westphalia"),
        ("max", "anna", "thomas"),
        ("Müller", "Jürgen", "Björn"),
        0.09,
    ),
    (
        "fr-FR",
        "FR",
        "France",
        ("Île-de-France", "Auvergne-Rhône-Alpes"),
        ("pierre", "claire"),
        ("François", "Zoë", "Hélène"),
        0.06,
    ),
    (
        "es-ES",
        "ES",
        "Spain",
        ("Madrid", "Catalonia", "Andalusia"),
        ("carlos", "maria"),
        ("José", "Begoña", "Íñigo"),
        0.06,
    ),
    (
        "pt-BR",
        "BR",
        "Brazil",
        ("São Paulo", "Rio de Janeiro", "Minas Gerais"),
        ("lucas", "ana"),
        ("João", "Conceição"),
        0.07,
    ),
    ("ja-JP", "JP", "Japan", ("Tokyo", "Ōsaka"), ("kenji", "yuki"), ("田中", "佐藤"), 0.05),
    (
        "pl-PL",
        "PL",
        "Poland",
        ("Mazovia", "Lesser Poland"),
        ("piotr", "anna"),
        ("Łukasz", "Wojciech Żak"),
        0.04,
    ),
    ("he-IL", "IL", "Israel", ("Tel Aviv", "Jerusalem"), ("yossi", "noa"), ("יוסי",), 0.04),
    ("ru-RU", "RU", "Russia", ("Moscow", "Saint Petersburg"), ("ivan", "olga"), ("Дмитрий", "Алёна"), 0.05),
    ("zh-CN", "CN", "China", ("Beijing", "Shanghai", ""), ("wei", "li"), ("王伟",), 0.05),
    ("it-IT", "IT", "Italy", ("Lombardy", "Lazio"), ("marco", "giulia"), ("Niccolò",), 0.03),
    ("en-IN", "IN", "India", ("Maharashtra", "Karnataka"), ("rahul", "priya"), (), 0.06),
    ("tr-TR", "TR", "Türkiye", ("Istanbul", "Ankara"), ("emre",), ("Çağrı", "Gülşen"), 0.03),
    ("ko-KR", "KR", "South Korea", ("Seoul",), ("minjun",), ("김민준",), 0.03),
    ("en-US", "", "", ("",), ("user", "admin"), (), 0.03),  # no geo lookup
]

# version, days after the window's first day it was released, build number, commit
RELEASES: list[tuple[str, int, str, str]] = [
    ("3.0.8", -70, "108", "4f1c2ab"),
    ("3.0.9", -41, "109", "9d03e6f"),
    ("3.0.10", -16, "110", "c81b5d2"),
    ("3.1.0", 2, "120", "e2a7f90"),
]

MODEL_FILES = ("ggml-medium.bin", "ggml-large-v3-turbo.bin", "ggml-small.bin", "ggml-base.bin")
AUDIO_EXTS = ("mp3", "m4a", "wav", "mp4", "opus", "mkv", "ogg")
SOURCES = ("home", "home", "home", "batch", "main")
AUDIO_SIZE_BUCKETS = ("<1MB", "1-10MB", "10-50MB", ">50MB")
HANDOFF_ERROR_CODES = ("busy", "busy", "no_model", "internal_error", "invalid_audio")
EMAIL_NAMES = ("jane.doe", "m.garcia", "kenji.t", "ops-team", "lukasz.k")

# Families for failures that are not tied to a broken device, with weights.
RANDOM_FAILURE_FAMILIES: list[tuple[str, float]] = [
    ("sona_connection_failed", 0.36),
    ("sona_transcribe_error", 0.15),
    ("no_model_selected", 0.08),
    ("audio_file_not_found", 0.08),
    ("transcription_error", 0.10),
    ("please_load_model_first", 0.05),
    ("path_not_a_file", 0.04),
    ("sona_process_died", 0.05),
    ("sona_stream_chunk", 0.04),
    ("sona_load_model_retries", 0.05),
]

OS_FAILURE_RATE = {
    "Windows": 0.055,
    "macOS": 0.05,
    "Ubuntu": 0.15,
    "Linux Mint": 0.16,
    "Fedora Linux": 0.07,
    "Arch Linux": 0.10,
    "CachyOS": 0.10,
    "Flatpak": 0.09,
}


@dataclass
class Device:
    """One machine with Vibe installed: what stays the same from day to day."""

    index: int
    machine_uid: str
    client_ip: str
    user_agent: str
    os_name: str
    os_version: str
    engine_name: str
    engine_version: str
    locale: str
    country_code: str
    country_name: str
    region_name: str
    user_name: str
    activity: float
    upgrade_lag: float
    broken: str | None = None  # a failure family every transcription hits
    needs_model_days: int = 0  # first active days without a model
    handoff: bool = False
    cli: bool = False
    no_avx2: bool = False
    failure_rate: float = 0.08
    days_active: int = 0


@dataclass
class Event:
    ts: datetime
    seq: int
    device: Device
    app_version: str
    event_name: str
    string_props: dict[str, str]
    numeric_props: dict[str, float | int]
    family: str | None = None  # failure family (ground truth), None for non-failures

    # Filled by _finalize()
    row: tuple[str, ...] = ()

    @property
    def key(self) -> tuple[str, ...]:
        """The 8 core columns (empty string = null), as the pipeline de-duplicates."""
        return tuple(self.row[EXPORT_COLUMNS.index(c)] for c in CORE_COLUMNS)


class ExportEvent(Protocol):
    """What the export writer needs of an event: its time, its order of creation and its
    exported row (the 16 columns as text)."""

    ts: datetime
    seq: int
    row: tuple[str, ...]

    @property
    def key(self) -> tuple[str, ...]: ...


def _token(rng: random.Random) -> str:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    return "hf_" + "".join(rng.choice(letters) for _ in range(24))


def _hex(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


def _pick(rng: random.Random, items: list, weights: list[float]):
    return rng.choices(items, weights=weights, k=1)[0]


def _make_device(rng: random.Random, index: int) -> Device:
    os_name, os_version, engine, engine_versions, _ = _pick(rng, OS_PROFILES, [p[4] for p in OS_PROFILES])
    loc = _pick(rng, LOCALES, [entry[6] for entry in LOCALES])
    locale, cc, cname, regions, ascii_names, non_ascii_names, _ = loc
    non_ascii = bool(non_ascii_names) and rng.random() < 0.25
    user_name = rng.choice(non_ascii_names if non_ascii else ascii_names)
    if os_name != "Windows":
        user_name = rng.choice(ascii_names).lower().replace("'", "")
    engine_version = rng.choice(engine_versions)
    if os_name == "Windows":
        ua = f"Mozilla/5.0 (Windows NT 10.0; Win64; x64) Edg/{engine_version}"
    elif os_name == "macOS":
        mac = os_version.replace(".", "_")
        ua = f"Mozilla/5.0 (Macintosh; Intel Mac OS X {mac}) AppleWebKit/{engine_version}"
    else:
        ua = f"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/605.1.15 WebKitGTK/{engine_version}"
    device = Device(
        index=index,
        machine_uid=_hex(rng, 32),
        client_ip=".".join(str(rng.randint(lo, hi)) for lo, hi in ((11, 223), (0, 255), (0, 255), (1, 254))),
        user_agent=ua,
        os_name=os_name,
        os_version=os_version,
        engine_name=engine,
        engine_version=engine_version,
        locale=locale,
        country_code=cc,
        country_name=cname,
        region_name=rng.choice(regions),
        user_name=user_name,
        activity=rng.lognormvariate(0, 0.9),
        upgrade_lag=rng.expovariate(1 / 9) if rng.random() < 0.85 else 400.0,
        failure_rate=OS_FAILURE_RATE.get(os_name, 0.08) * rng.uniform(0.5, 1.2),
    )
    roll = rng.random()
    if os_name == "Windows" and non_ascii and roll < 0.3:
        device.broken = "model_load_non_ascii_path"
    elif (os_name, os_version) == ("Windows", "10.0.19045") and roll < 0.09:
        device.broken = "sona_spawn_eof"
    elif (os_name, os_version) == ("Ubuntu", "22.04") and roll < 0.15:
        device.broken = "spawn_glibcxx"
    elif (os_name, os_version) == ("macOS", "13.6") and roll < 0.18:
        device.broken = "spawn_newlapack"
    device.no_avx2 = os_name == "Windows" and device.broken is None and rng.random() < 0.02
    device.needs_model_days = 1 if rng.random() < 0.04 else 0
    device.handoff = os_name in ("Windows", "macOS") and rng.random() < 0.10
    device.cli = os_name not in ("Windows",) and rng.random() < 0.06
    return device


# --------------------------------------------------------------------------- messages


def _win_home(device: Device) -> str:
    return f"C:\\Users\\{device.user_name}"


def _posix_home(device: Device) -> str:
    base = "/Users" if device.os_name == "macOS" else "/home"
    return f"{base}/{device.user_name}"


def failure_message(rng: random.Random, family: str, device: Device, app_version: str) -> str:
    """A realistic error_message of `family` for `device` (paths carry its user name)."""
    windows = device.os_name == "Windows"
    if family == "model_load_non_ascii_path":
        model = rng.choice(MODEL_FILES)
        path = f"{_win_home(device)}\\AppData\\Roaming\\github.com.thewh1teagle.vibe\\{model}"
        body = json.dumps({"error": f"failed to open {path}"}, ensure_ascii=False)
        body = body.replace(": ", ":")
        return f"sona load_model failed: {body}"
    if family == "sona_connection_failed":
        if rng.random() < 0.6:
            return "failed to send transcribe request to sona"
        port = rng.randint(49152, 65535)
        return (
            "failed to send transcribe request to sona: error sending request for url "
            f"(http://127.0.0.1:{port}/v1/audio/transcriptions)"
        )
    if family == "no_model_selected":
        return "No model selected. Please download or select a model first."
    if family == "sona_spawn_eof":
        return "failed to read sona ready signal: EOF"
    if family == "spawn_glibcxx":
        mount = "/tmp/.mount_vibe" + "".join(
            rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") for _ in range(6)
        )
        return (
            "failed to read sona ready signal: EOF\n\nsona stderr: "
            f"{mount}/usr/bin/sona: /lib/x86_64-linux-gnu/libstdc++.so.6: version "
            f"`GLIBCXX_3.4.32' not found (required by {mount}/usr/bin/sona)\n"
            f"{mount}/usr/bin/sona: /lib/x86_64-linux-gnu/libstdc++.so.6: version "
            f"`CXXABI_1.3.15' not found (required by {mount}/usr/bin/sona)"
        )
    if family == "spawn_newlapack":
        return (
            "failed to read sona ready signal: EOF\n\nsona stderr: "
            f"dyld[{rng.randint(300, 99999)}]: Symbol not found: _cblas_sgemm$NEWLAPACK$ILP64\n"
            "  Referenced from: '/Applications/Vibe.app/Contents/MacOS/sona' "
            "(built for macOS 14.0 which is newer than running OS)\n"
            "  Expected in: '/System/Library/Frameworks/Accelerate.framework/Versions/A/Accelerate'"
        )
    if family == "sona_transcribe_error":
        roll = rng.random()
        if roll < 0.45:
            return 'sona transcribe failed: {"error":"busy"}'
        if roll < 0.7:
            return (
                "sona transcribe failed: HTTP 429 Too Many Requests: "
                '{"error":"busy","message":"a transcription is already running"}'
            )
        if roll < 0.85 or app_version == "3.1.0":
            return 'sona transcribe failed: {"error":"no_model","message":"no model loaded"}'
        ext = rng.choice(AUDIO_EXTS)
        return (
            'sona transcribe failed: {"error":"invalid_audio","message":"unsupported '
            f'sample format in recording.{ext}"}}'
        )
    if family == "audio_file_not_found":
        n = rng.randint(1, 12)
        if windows:
            choices = [
                f"{_win_home(device)}\\Desktop\\meeting.m4a",
                f"{_win_home(device)}\\Music\\\U0001f3b5 voice memo {n}.m4a",
                f"{_win_home(device)}\\Downloads\\call recording ({n}).mp3",
                f'D:\\Podcasts\\episode {n} "final".wav',
            ]
        else:
            choices = [
                f"{_posix_home(device)}/Music/interview {n}.mp3",
                f"{_posix_home(device)}/Downloads/podcast ep{n}.wav",
                f'{_posix_home(device)}/Videos/lecture "final" {n}.mp4',
                f"{_posix_home(device)}/Music/\U0001f3a4 demo {n}.ogg",
            ]
        return f"Audio file not found: {rng.choice(choices)}"
    if family == "path_not_a_file":
        if windows:
            folder = rng.choice(["Videos", "Music", "Desktop"])
            if rng.random() < 0.5:
                return f"Path is not a file: 'C:\\Users\\O'Brien\\{folder}'"
            return f"Path is not a file: '{_win_home(device)}\\{folder}'"
        return f"Path is not a file: '{_posix_home(device)}/Music'"
    if family == "please_load_model_first":
        return "Please load model first"
    if family == "transcription_error":
        roll = rng.random()
        if roll < 0.2:
            token = _token(rng)
            return (
                "transcription error: failed to download model from "
                "https://huggingface.co/ggerganov/whisper.cpp/resolve/main/"
                f"{rng.choice(MODEL_FILES)}?download=true&token={token}: 401 Unauthorized"
            )
        if roll < 0.35:
            who = rng.choice(EMAIL_NAMES)
            domain = rng.choice(["example.com", "example.org"])
            return (
                "transcription error: cannot save transcript to synced folder of "
                f"{who}@{domain}: permission denied"
            )
        if roll < 0.55:
            return "transcription error: failed to decode audio: Invalid data found when processing input"
        if roll < 0.75:
            size = rng.choice([1073741824, 2147483648, 4294967296])
            return f"transcription error: out of memory allocating {size} bytes"
        if roll < 0.9:
            return f"transcription error: whisper_full failed with code -{rng.randint(1, 9)}"
        home = _win_home(device) if windows else _posix_home(device)
        sep = "\\" if windows else "/"
        return (
            f"transcription error: can't write {home}{sep}Documents{sep}"
            f"transcript {rng.randint(1, 40)}.srt: Access is denied. (os error 5)"
        )
    if family == "sona_process_died":
        if rng.random() < 0.5:
            return "sona process died during model loading"
        home = _win_home(device) if windows else _posix_home(device)
        return (
            "sona process died during model loading\n\nsona stderr: ggml_vulkan: Found 1 "
            "Vulkan devices:\nggml_vulkan: 0 = Intel(R) UHD Graphics 620 | uma: 1 | fp16: 1\n"
            f"whisper_init_from_file_with_params_no_state: loading model from '{home}"
            f"/models/{rng.choice(MODEL_FILES)}'\nggml_vulkan: device lost (VK_ERROR_DEVICE_LOST)"
        )
    if family == "sona_stream_chunk":
        return "error reading sona stream chunk"
    if family == "sona_load_model_retries":
        return "failed to send load_model request to sona after 3 attempts"
    raise ValueError(f"unknown failure family {family}")


# --------------------------------------------------------------------------- generation


class _World:
    def __init__(self, rng: random.Random, start: date, days: int, users_per_day: int) -> None:
        self.rng = rng
        self.start = start
        self.days = days
        self.window_start = datetime(start.year, start.month, start.day)
        self.window_end = self.window_start + timedelta(days=days)  # exclusive
        self.users_per_day = users_per_day
        n_devices = max(users_per_day, int(users_per_day * 2.6) + 4)
        self.devices = [_make_device(rng, i) for i in range(n_devices)]
        self.events: list[Event] = []
        self.seq = 0
        self.day_salts = {
            start + timedelta(days=d): hashlib.sha256(f"salt:{rng.random()}".encode()).digest()
            for d in range(-1, days + 2)
        }

    # ids -----------------------------------------------------------------

    def session_id(self, device: Device, day: date) -> str:
        text = f"{device.machine_uid}{APP_KEY}{day.isoformat()}"
        return hashlib.sha256(text.encode()).hexdigest()[:36]

    def user_id(self, device: Device, day: date) -> str:
        # Aptabase: SHA256(UTF8("{ip}|${user_agent}") + daily salt), upper-case hex.
        data = f"{device.client_ip}|${device.user_agent}".encode() + self.day_salts[day]
        return hashlib.sha256(data).hexdigest().upper()

    def app_version(self, device: Device, day_index: int) -> tuple[str, str, str]:
        current = RELEASES[0]
        for release in RELEASES:
            if release[1] + device.upgrade_lag <= day_index:
                current = release
        return current[0], current[2], current[3]

    # events --------------------------------------------------------------

    def emit(
        self,
        ts: datetime,
        device: Device,
        version: str,
        name: str,
        sprops: dict[str, str] | None = None,
        nprops: dict[str, float | int] | None = None,
        family: str | None = None,
    ) -> bool:
        if not (self.window_start <= ts < self.window_end):
            return False
        commit = next(r[3] for r in RELEASES if r[0] == version)
        props = {"vibe_commit": commit, **(sprops or {})}
        self.events.append(Event(ts, self.seq, device, version, name, props, dict(nprops or {}), family))
        self.seq += 1
        return True

    def launch(self, device: Device, version: str, t: datetime) -> datetime:
        """One start of the app; returns the time after its start-up events."""
        rng = self.rng
        if device.cli and rng.random() < 0.5:
            self.emit(t, device, version, "cli_started")
            if device.broken in ("spawn_glibcxx", "spawn_newlapack", "sona_spawn_eof"):
                t += timedelta(seconds=rng.randint(1, 3))
                msg = failure_message(rng, device.broken, device, version)
                self.emit(
                    t, device, version, "sona_spawn_failed", {"error_message": msg}, family=device.broken
                )
            return t
        self.emit(t, device, version, "app_started")
        if device.no_avx2:
            t += timedelta(seconds=rng.randint(1, 4))
            self.emit(t, device, version, "avx2_not_supported", family="avx2_not_supported")
            return t
        if device.broken in ("spawn_glibcxx", "spawn_newlapack", "sona_spawn_eof"):
            t += timedelta(seconds=rng.randint(1, 3))
            msg = failure_message(rng, device.broken, device, version)
            self.emit(t, device, version, "sona_spawn_failed", {"error_message": msg}, family=device.broken)
        if device.handoff:
            t += timedelta(seconds=rng.randint(1, 5))
            self.emit(
                t,
                device,
                version,
                "handoff_capabilities",
                {"model_loaded": "true" if rng.random() < 0.8 else "false"},
            )
            if rng.random() < 0.25:
                t += timedelta(seconds=rng.randint(2, 90))
                self.emit(t, device, version, "handoff_enabled")
            if rng.random() < 0.1:
                t += timedelta(seconds=rng.randint(2, 90))
                self.emit(
                    t,
                    device,
                    version,
                    "handoff_pairing_regenerated",
                    {"was_running": rng.choice(["true", "false"])},
                )
        return t

    def transcribe(
        self,
        device: Device,
        version: str,
        t: datetime,
        family: str | None,
        *,
        source: str | None = None,
        twin: bool = False,
    ) -> datetime:
        """transcribe_started and its outcome; returns when the user is free again."""
        rng = self.rng
        source = source or rng.choice(SOURCES)
        ext = rng.choice(AUDIO_EXTS)
        self.emit(t, device, version, "transcribe_started", {"source": source})
        if twin:
            # A double click: the same event in the same second; the second run is busy.
            self.emit(t, device, version, "transcribe_started", {"source": source})
            msg = rng.choice(
                [
                    'sona transcribe failed: {"error":"busy"}',
                    "sona transcribe failed: HTTP 429 Too Many Requests: "
                    '{"error":"busy","message":"a transcription is already running"}',
                ]
            )
            self.emit(
                t + timedelta(seconds=1),
                device,
                version,
                "transcribe_failed",
                {"source": source, "error_message": msg, "file_ext": ext},
                family="sona_transcribe_error",
            )
        if family is None and rng.random() < 0.035:
            return t + timedelta(seconds=rng.randint(60, 1800))  # abandoned: no outcome
        if family is not None:
            done = t + timedelta(
                seconds=rng.randint(0, 25) if family != "sona_connection_failed" else rng.randint(3, 240)
            )
            msg = failure_message(rng, family, device, version)
            self.emit(
                done,
                device,
                version,
                "transcribe_failed",
                {"source": source, "error_message": msg, "file_ext": ext},
                family=family,
            )
            return done + timedelta(seconds=rng.randint(5, 600))
        audio = round(min(rng.lognormvariate(5.6, 1.0), 3 * 3600.0), 1)
        speed = rng.uniform(0.04, 0.5)
        done = t + timedelta(seconds=max(2, int(audio * speed)))
        segments = max(1, int(audio / rng.uniform(3.0, 9.0)))
        self.emit(
            done,
            device,
            version,
            "transcribe_succeeded",
            {"source": source},
            {"duration_seconds": audio, "segments_count": segments},
        )
        return done + timedelta(seconds=rng.randint(10, 1200))

    def handoff_transcribe(self, device: Device, version: str, t: datetime) -> datetime:
        rng = self.rng
        audio = round(min(rng.lognormvariate(4.8, 1.0), 7200.0), 1)
        bucket = AUDIO_SIZE_BUCKETS[sum(audio >= limit for limit in (60, 600, 3000))]
        sprops = {
            "audio_size_bucket": bucket,
            "auto_detect": rng.choice(["true", "false"]),
            "translate": "true" if rng.random() < 0.15 else "false",
            "model_name": rng.choice(MODEL_FILES),
        }
        if rng.random() < 0.14:
            code = rng.choice(HANDOFF_ERROR_CODES)
            sprops.update(success="false", error_code=code)
            self.emit(
                t,
                device,
                version,
                "handoff_transcribe",
                sprops,
                {"duration_sec": audio},
                family=f"handoff_{code}",
            )
        else:
            sprops["success"] = "true"
            self.emit(
                t,
                device,
                version,
                "handoff_transcribe",
                sprops,
                {"duration_sec": audio, "transcribe_duration_sec": round(audio * rng.uniform(0.05, 0.4), 2)},
            )
        return t + timedelta(seconds=rng.randint(30, 1500))

    def failure_family(self, device: Device, no_model: bool) -> str | None:
        rng = self.rng
        if no_model:
            return "no_model_selected"
        if device.broken == "model_load_non_ascii_path":
            return device.broken if rng.random() < 0.92 else None
        if device.broken is not None:
            return device.broken
        if rng.random() < device.failure_rate:
            return _pick(
                rng, [f for f, _ in RANDOM_FAILURE_FAMILIES], [w for _, w in RANDOM_FAILURE_FAMILIES]
            )
        return None

    def day_of_device(
        self,
        device: Device,
        day_index: int,
        *,
        start_at: datetime | None = None,
        heavy_no_model: bool = False,
    ) -> None:
        rng = self.rng
        day = self.start + timedelta(days=day_index)
        version, _, _ = self.app_version(device, day_index)
        no_model_today = device.days_active < device.needs_model_days
        device.days_active += 1
        if start_at is None:
            hour = _pick(rng, list(range(24)), HOUR_WEIGHTS)
            start_at = datetime(day.year, day.month, day.day, hour) + timedelta(seconds=rng.randint(0, 3599))
        t = self.launch(device, version, start_at)
        if device.no_avx2:
            return
        if heavy_no_model:
            # one user pressing transcribe again and again before any model exists
            for _ in range(rng.randint(26, 34)):
                t += timedelta(seconds=rng.randint(4, 45))
                self.emit(t, device, version, "transcribe_started", {"source": "home"})
                t += timedelta(seconds=rng.randint(0, 2))
                msg = failure_message(rng, "no_model_selected", device, version)
                self.emit(
                    t,
                    device,
                    version,
                    "transcribe_failed",
                    {"source": "home", "error_message": msg, "file_ext": rng.choice(AUDIO_EXTS)},
                    family="no_model_selected",
                )
            return
        launches = 1 + (rng.random() < 0.3) + (rng.random() < 0.1)
        for launch in range(launches):
            if launch:
                t += timedelta(seconds=rng.randint(1800, 6 * 3600))
                t = self.launch(device, version, t)
            if device.cli and rng.random() < 0.5:
                continue
            n = rng.choice([0, 1, 1, 1, 2, 3]) if device.broken else min(int(rng.expovariate(1 / 1.7)), 9)
            if no_model_today and n == 0:
                n = 1
            for k in range(n):
                t += timedelta(seconds=rng.randint(15, 900))
                family = self.failure_family(device, no_model_today and k < 2)
                twin = family is None and device.broken is None and rng.random() < 0.015
                t = self.transcribe(device, version, t, family, twin=twin)
            if device.handoff:
                for _ in range(rng.choice([0, 1, 1, 2, 3])):
                    t += timedelta(seconds=rng.randint(20, 1200))
                    t = self.handoff_transcribe(device, version, t)
                if rng.random() < 0.08:
                    t += timedelta(seconds=rng.randint(20, 600))
                    self.emit(t, device, version, "handoff_disabled")

    def active_devices(self, day_index: int) -> list[Device]:
        """users_per_day devices, drawn by activity weight (broken devices fade out)."""
        rng = self.rng
        keyed = []
        for device in self.devices:
            weight = device.activity
            if device.broken and device.days_active >= 1:
                weight *= 0.25  # most give up after a bad day
            keyed.append((rng.random() ** (1.0 / weight), device.index))
        keyed.sort(reverse=True)
        chosen = sorted(i for _, i in keyed[: self.users_per_day])
        return [self.devices[i] for i in chosen]

    def showcase(self, actives: list[list[Device]]) -> None:
        """A few messages the sample must always contain, whatever the seed: quotes and
        apostrophes, e-mail addresses, URLs with tokens, user names in paths, HTTP 429."""
        rng = self.rng
        for family, os_names, template in SHOWCASE_FAILURES:
            d = rng.randrange(self.days)
            pool = [x for x in actives[d] if x.os_name in os_names and not x.no_avx2] or actives[d]
            device = rng.choice(pool)
            version, _, _ = self.app_version(device, d)
            day = self.start + timedelta(days=d)
            t = datetime(day.year, day.month, day.day) + timedelta(seconds=rng.randint(3600, 22 * 3600))
            token = _token(rng)
            message = template.format(user=device.user_name, token=token)
            source = rng.choice(SOURCES)
            self.emit(t, device, version, "transcribe_started", {"source": source})
            self.emit(
                t + timedelta(seconds=rng.randint(1, 20)),
                device,
                version,
                "transcribe_failed",
                {"source": source, "error_message": message, "file_ext": rng.choice(AUDIO_EXTS)},
                family=family,
            )

    def run(self) -> None:
        rng = self.rng
        heavy_day = self.days // 2
        actives: list[list[Device]] = []
        for d in range(self.days):
            active = self.active_devices(d)
            actives.append(active)
            midnight = self.window_start + timedelta(days=d)
            heavy = None
            if d == heavy_day:
                candidates = [
                    x
                    for x in active
                    if x.broken is None and not x.no_avx2 and not x.cli and x.os_name == "Windows"
                ] or active
                heavy = rng.choice(candidates)
            others = [x for x in active if x is not heavy]
            forced = rng.sample(others, k=min(2, len(others))) if d > 0 else []
            for device in active:
                if device is heavy:
                    self.day_of_device(device, d, heavy_no_model=True)
                elif forced and device is forced[0]:
                    # a launch stamped exactly at midnight (in two days' files)
                    self.day_of_device(device, d, start_at=midnight)
                else:
                    self.day_of_device(device, d)
            if len(forced) > 1:
                # a transcription that started before midnight and ended exactly at it
                device = forced[1]
                version, _, _ = self.app_version(device, d - 1)
                began = midnight - timedelta(seconds=rng.randint(20, 300))
                self.emit(began, device, version, "transcribe_started", {"source": "home"})
                audio = round(rng.uniform(120, 1500), 1)
                self.emit(
                    midnight,
                    device,
                    version,
                    "transcribe_succeeded",
                    {"source": "home"},
                    {"duration_seconds": audio, "segments_count": int(audio / 5)},
                )
        self.showcase(actives)


_WIN = ("Windows",)
_POSIX = ("Ubuntu", "Linux Mint", "Fedora Linux", "Arch Linux", "CachyOS", "Flatpak")
_ANY = tuple(p[0] for p in OS_PROFILES)
# family, os_names of the device that sends it, message template
SHOWCASE_FAILURES: list[tuple[str, tuple[str, ...], str]] = [
    ("path_not_a_file", _WIN, "Path is not a file: 'C:\\Users\\O'Brien\\Videos'"),
    ("audio_file_not_found", _WIN, "Audio file not found: C:\\Users\\Bob\\Desktop\\meeting.m4a"),
    ("audio_file_not_found", _POSIX, "Audio file not found: /home/alice/Music/interview 3.mp3"),
    (
        "audio_file_not_found",
        _WIN,
        "Audio file not found: C:\\Users\\{user}\\Music\\\U0001f3b5 voice memo 2.m4a",
    ),
    (
        "audio_file_not_found",
        _WIN,
        'Audio file not found: C:\\Users\\{user}\\Videos\\Bob\'s "all hands" <final>.mp4',
    ),
    (
        "transcription_error",
        _ANY,
        "transcription error: cannot save transcript to synced folder of "
        "maria.gonzalez@example.com: permission denied",
    ),
    (
        "transcription_error",
        _ANY,
        "transcription error: failed to download model from https://huggingface.co/ggerganov/"
        "whisper.cpp/resolve/main/ggml-small.bin?download=true&token={token}: 401 Unauthorized",
    ),
    (
        "sona_transcribe_error",
        _ANY,
        "sona transcribe failed: HTTP 429 Too Many Requests: "
        '{{"error":"busy","message":"a transcription is already running"}}',
    ),
    (
        "model_load_non_ascii_path",
        _WIN,
        'sona load_model failed: {{"error":"failed to open C:\\\\Users\\\\田中\\\\AppData\\\\'
        'Roaming\\\\github.com.thewh1teagle.vibe\\\\ggml-medium.bin"}}',
    ),
    (
        "model_load_non_ascii_path",
        _WIN,
        'sona load_model failed: {{"error":"failed to open C:\\\\Users\\\\Łukasz\\\\AppData\\\\'
        'Roaming\\\\github.com.thewh1teagle.vibe\\\\ggml-large-v3-turbo.bin"}}',
    ),
    (
        "model_load_non_ascii_path",
        _WIN,
        'sona load_model failed: {{"error":"failed to open C:\\\\Users\\\\José\\\\AppData\\\\'
        'Roaming\\\\github.com.thewh1teagle.vibe\\\\ggml-medium.bin"}}',
    ),
]

HOUR_WEIGHTS = [
    2,
    1.5,
    1.2,
    1,
    1,
    1.2,
    2,
    3,
    4,
    5,
    5.5,
    6,
    6,
    6,
    6.5,
    7,
    7,
    6.5,
    6,
    5.5,
    5,
    4,
    3.5,
    2.5,
]


def _finalize(world: _World) -> None:
    """Compute each event's exported row (ids rotate by the event's UTC date)."""
    for ev in world.events:
        day = ev.ts.date()
        build = next(r[2] for r in RELEASES if r[0] == ev.app_version)
        dev = ev.device
        ev.row = (
            ev.ts.strftime(TS_FORMAT),
            world.user_id(dev, day),
            world.session_id(dev, day),
            ev.event_name,
            encode_string_props(ev.string_props),
            encode_numeric_props(ev.numeric_props),
            dev.os_name,
            dev.os_version,
            dev.locale,
            ev.app_version,
            build,
            dev.engine_name,
            dev.engine_version,
            dev.country_code,
            dev.country_name,
            dev.region_name,
        )


# --------------------------------------------------------------------------- writing


def _render_daily(rows: list[tuple[str, ...]], page_size: int) -> tuple[bytes, list[tuple[int, int]], int]:
    """The CSVWithNames bytes of one export, the (offset, row index) of every data line,
    and the number of header lines."""
    header = clickhouse_csv_line(list(EXPORT_COLUMNS))
    buf = io.StringIO()
    offsets: list[tuple[int, int]] = []
    position = 0
    headers = 0
    if not rows:
        buf.write(header)
        return buf.getvalue().encode("utf-8"), offsets, 1
    for i, row in enumerate(rows):
        if i % page_size == 0:
            buf.write(header)
            position += len(header.encode("utf-8"))
            headers += 1
        line = clickhouse_csv_line(list(row))
        offsets.append((position, i))
        buf.write(line)
        position += len(line.encode("utf-8"))
    return buf.getvalue().encode("utf-8"), offsets, headers


def _write(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise UserError(f"cannot write {path}: {exc.strerror or exc}") from None


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _write_parquet(path: Path, rows: list[tuple[str, ...]]) -> None:
    import duckdb

    con = duckdb.connect(":memory:")
    try:
        con.execute("set threads = 1")
        con.execute("set preserve_insertion_order = true")
        cols = ", ".join(f'"{c}" timestamp' if c == "timestamp" else f'"{c}" varchar' for c in EXPORT_COLUMNS)
        con.execute(f"create table export ({cols})")
        placeholders = ", ".join("?" for _ in EXPORT_COLUMNS)
        if rows:
            con.executemany(
                f"insert into export values ({placeholders})",
                [[datetime.strptime(r[0], TS_FORMAT), *r[1:]] for r in rows],
            )
        tmp = path.with_name(path.name + ".tmp")
        con.execute(f"copy (select * from export) to '{_sql_path(tmp)}' (format parquet, compression zstd)")
    finally:
        con.close()
    tmp.replace(path)


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def _cleanup_previous(out_dir: Path, app: str) -> None:
    """Remove the files a previous `telemetry sample` run listed in its manifest (and only
    those), so a re-run with other days leaves no stale exports behind."""
    manifest = out_dir / MANIFEST_FILE
    if not manifest.is_file():
        return
    try:
        old = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    if not isinstance(old, dict) or old.get("generator") != GENERATOR:
        return
    for entry in old.get("files", []):
        name = entry.get("name") if isinstance(entry, dict) else None
        if not isinstance(name, str) or "/" in name or "\\" in name:
            continue
        target = out_dir / name
        if name.startswith(f"{app}-") and target.is_file():
            target.unlink()


def check_sample_options(days: int, end_date: date, seed: int, users_per_day: int, page_size: int) -> date:
    """The sample's first day, or a UserError naming the option that is out of range."""
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise UserError(f"--days must be a whole number from 1 to {MAX_DAYS} (got {days!r})")
    if (
        isinstance(users_per_day, bool)
        or not isinstance(users_per_day, int)
        or not (1 <= users_per_day <= MAX_USERS_PER_DAY)
    ):
        raise UserError(
            f"--users-per-day must be a whole number from 1 to {MAX_USERS_PER_DAY} (got {users_per_day!r})"
        )
    if isinstance(page_size, bool) or not isinstance(page_size, int) or page_size < 1:
        raise UserError(f"--page-size must be a whole number of at least 1 (got {page_size!r})")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise UserError(f"--seed must be a whole number of at least 0 (got {seed!r})")
    if not isinstance(end_date, date) or isinstance(end_date, datetime):
        raise UserError(f"--end-date must be a date (got {end_date!r})")
    try:
        start = end_date - timedelta(days=days - 1)
        end_date + timedelta(days=2)
    except OverflowError:
        raise UserError(f"--end-date {end_date} with --days {days} is out of range") from None
    return start


def prepare_out_dir(out_dir: Path) -> Path:
    """`out_dir`, created when missing; a UserError when it cannot be."""
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise UserError(f"--out {out_dir} exists and is not a folder")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"cannot create folder {out_dir}: {exc.strerror or exc}") from None

    return out_dir


def write_exports(
    out_dir: Path,
    app: str,
    events: list[ExportEvent],
    *,
    start: date,
    days: int,
    seed: int,
    page_size: int,
    window_end: datetime,
) -> tuple[list[SampleFile], dict[tuple[str, ...], ExportEvent]]:
    """Write `events` (finalized, newest first) as `app`'s exports with every quirk: one
    CSVWithNames file per UTC day, a pandas-trimmed copy of the last 48 hours, a download cut
    mid-line and one day as Parquet. The files written, and the unique events by key."""
    _cleanup_previous(out_dir, app)
    files: list[SampleFile] = []
    all_days = [start + timedelta(days=d) for d in range(days)]
    rendered: dict[date, tuple[bytes, list[tuple[int, int]], int, list[tuple[str, ...]]]] = {}

    # 1. daily CSV exports (inclusive window at both ends)
    for day in all_days:
        lo = datetime(day.year, day.month, day.day)
        hi = lo + timedelta(days=1)
        rows = [e.row for e in events if lo <= e.ts <= hi]
        data, offsets, headers = _render_daily(rows, page_size)
        rendered[day] = (data, offsets, headers, rows)
        name = f"{app}-release-{day.isoformat()}.csv"
        _write(out_dir / name, data)
        quirks = [
            "every_field_quoted",
            "newest_first",
            "inclusive_window_both_ends",
            "string_props_quote_quirk",
        ]
        if headers > 1:
            quirks.append("header_repeated_every_page")
        if any(e.ts == hi for e in events):
            quirks.append("includes_next_midnight")
        files.append(
            SampleFile(
                name=name,
                kind="daily_csv",
                covers=day.isoformat(),
                rows=len(rows),
                header_lines=headers,
                bytes=len(data),
                sha256=_sha256(data),
                columns=len(EXPORT_COLUMNS),
                quirks=quirks,
                notes=f"timestamp BETWEEN '{lo:%Y-%m-%d %H:%M:%S}' AND '{hi:%Y-%m-%d %H:%M:%S}'",
            )
        )

    # 2. pandas-rewritten last 48 hours: 8 columns, minimal quoting, shuffled
    unique: dict[tuple[str, ...], ExportEvent] = {}
    for ev in sorted(events, key=lambda e: (e.ts, e.seq)):
        unique.setdefault(ev.key, ev)
    latest = max((e.ts for e in events), default=window_end - timedelta(seconds=1))
    trimmed_from = latest - timedelta(hours=48)
    trimmed = [ev.key for ev in unique.values() if ev.ts >= trimmed_from]
    rng_files = random.Random(seed * 7919 + 17)
    rng_files.shuffle(trimmed)
    buf = io.StringIO()
    writer = csv.writer(buf, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    writer.writerow(CORE_COLUMNS)
    writer.writerows(trimmed)
    data = buf.getvalue().encode("utf-8")
    trimmed_name = f"{app}-last-48h-trimmed.csv"
    _write(out_dir / trimmed_name, data)
    files.append(
        SampleFile(
            name=trimmed_name,
            kind="trimmed_csv",
            covers=f"{trimmed_from:%Y-%m-%d %H:%M:%S} .. {latest:%Y-%m-%d %H:%M:%S}",
            rows=len(trimmed),
            header_lines=1,
            bytes=len(data),
            sha256=_sha256(data),
            columns=len(CORE_COLUMNS),
            quirks=[
                "core_columns_only",
                "minimal_quoting",
                "empty_as_empty_field",
                "shuffled_rows",
                "overlaps_daily_exports",
                "string_props_quote_quirk",
            ],
            notes="as pandas to_csv(index=False) writes a re-read export of the last 48 hours",
        )
    )

    # 3. a download cut at ~60% of its bytes, mid-line (inside string_props)
    partial_day = all_days[max(0, days - 4)]
    data, offsets, _, rows = rendered[partial_day]
    partial = data
    cut_rows = len(rows)
    partial_headers = rendered[partial_day][2]
    if offsets:
        target = int(len(data) * PARTIAL_FRACTION)
        pick = 0
        for n, (offset, _) in enumerate(offsets):
            if offset <= target:
                pick = n
        offset, row_index = offsets[pick]
        row = rows[row_index]
        prefix = ",".join('"' + f.replace('"', '""') + '"' for f in row[:4]) + ',"'
        quoted_props = row[4].replace('"', '""')
        # string_props is ASCII (the encoder escapes the rest), so chars == bytes
        keep = max(1, len(quoted_props) // 2)
        trailing_quotes = len(quoted_props[:keep]) - len(quoted_props[:keep].rstrip('"'))
        if trailing_quotes % 2:
            keep += 1  # never end on half of a doubled quote: the field stays open
        cut = offset + len(prefix.encode("utf-8")) + keep
        partial = data[:cut]
        cut_rows = pick  # complete rows before the cut line
        partial_headers = partial[:offset].count(clickhouse_csv_line(list(EXPORT_COLUMNS)).encode("utf-8"))
    partial_name = f"{app}-release-{partial_day.isoformat()}-partial.csv"
    _write(out_dir / partial_name, partial)
    files.append(
        SampleFile(
            name=partial_name,
            kind="partial_csv",
            covers=partial_day.isoformat(),
            rows=cut_rows,
            header_lines=partial_headers,
            bytes=len(partial),
            sha256=_sha256(partial),
            columns=len(EXPORT_COLUMNS),
            quirks=["truncated_mid_line", "no_trailing_newline", "duplicate_of_daily_export"],
            notes=(
                f"first {len(partial)} of {len(data)} bytes of {app}-release-{partial_day}.csv; "
                "the last line is cut inside string_props"
            ),
        )
    )

    # 4. one day as a Parquet export
    parquet_day = all_days[max(0, days - 6)] if days > 1 else all_days[0]
    if parquet_day == partial_day and days > 1:
        parquet_day = all_days[0]
    pq_rows = rendered[parquet_day][3]
    pq_name = f"{app}-release-{parquet_day.isoformat()}.parquet"
    _write_parquet(out_dir / pq_name, pq_rows)
    pq_data = (out_dir / pq_name).read_bytes()
    files.append(
        SampleFile(
            name=pq_name,
            kind="parquet",
            covers=parquet_day.isoformat(),
            rows=len(pq_rows),
            header_lines=0,
            bytes=len(pq_data),
            sha256=_sha256(pq_data),
            columns=len(EXPORT_COLUMNS),
            quirks=[
                "timestamp_typed",
                "empty_as_empty_string",
                "duplicate_of_daily_export",
                "inclusive_window_both_ends",
                "string_props_quote_quirk",
            ],
            notes="timestamp is TIMESTAMP, the rest VARCHAR; the same rows as that day's CSV",
        )
    )

    return files, unique


def generate_sample(
    out_dir: Path,
    *,
    days: int = DEFAULT_DAYS,
    end_date: date = DEFAULT_END_DATE,
    seed: int = DEFAULT_SEED,
    users_per_day: int = DEFAULT_USERS_PER_DAY,
    page_size: int = DEFAULT_PAGE_SIZE,
) -> SampleManifest:
    """Write the sample files into `out_dir` and return what was written (see module doc).
    Deterministic: the same arguments give the same bytes."""
    start = check_sample_options(days, end_date, seed, users_per_day, page_size)
    out_dir = prepare_out_dir(out_dir)

    rng = random.Random(seed)
    world = _World(rng, start, days, users_per_day)
    world.run()
    _finalize(world)
    events = sorted(world.events, key=lambda e: (e.ts, e.seq), reverse=True)  # newest first

    files, unique = write_exports(
        out_dir,
        "vibe",
        events,
        start=start,
        days=days,
        seed=seed,
        page_size=page_size,
        window_end=world.window_end,
    )
    manifest = SampleManifest(
        out_dir=out_dir,
        seed=seed,
        days=days,
        start_date=start,
        end_date=end_date,
        users_per_day=users_per_day,
        page_size=page_size,
        files=files,
        ground_truth=_ground_truth(world, events, cast(dict[tuple[str, ...], Event], unique)),
    )
    write_manifest(manifest)
    return manifest


def write_manifest(manifest: SampleManifest) -> None:
    """The manifest beside the files it lists."""
    text = json.dumps(manifest.to_dict(), indent=2, ensure_ascii=False) + "\n"
    _write(manifest.out_dir / MANIFEST_FILE, text.encode("utf-8"))


def _ground_truth(world: _World, events: list[Event], unique: dict[tuple[str, ...], Event]) -> dict:
    uniq = sorted(unique.values(), key=lambda e: (e.ts, e.seq))
    by_day = Counter(e.ts.date().isoformat() for e in uniq)
    by_name = Counter(e.event_name for e in uniq)
    failures = [e for e in uniq if e.family is not None]
    by_family = Counter(e.family for e in failures)
    by_family_event = Counter(f"{e.event_name}:{e.family}" for e in failures)
    midnight = [e for e in uniq if e.ts.time() == datetime.min.time() and e.ts > world.window_start]
    started = by_name.get("transcribe_started", 0)
    failed = by_name.get("transcribe_failed", 0)
    by_os: dict[str, dict[str, int]] = {}
    for e in uniq:
        if e.event_name in ("transcribe_started", "transcribe_failed"):
            slot = by_os.setdefault(e.device.os_name, {"transcribe_started": 0, "transcribe_failed": 0})
            slot[e.event_name] += 1
    quote_quirk = sum(1 for e in uniq if "\\'" in e.row[4])
    truncated = sum(1 for e in uniq for v in e.string_props.values() if utf16_len(v) > STRING_PROP_MAX)
    return {
        "dedup_key": list(CORE_COLUMNS),
        "empty_string_is_null": True,
        "events_generated": len(events),
        "unique_events": len(uniq),
        "identical_events_collapsed": len(events) - len(uniq),
        "unique_events_by_day": dict(sorted(by_day.items())),
        "unique_events_by_event_name": dict(sorted(by_name.items())),
        "distinct_user_ids": len({e.row[1] for e in uniq}),
        "distinct_session_ids": len({e.row[2] for e in uniq}),
        "app_versions": dict(sorted(Counter(e.app_version for e in uniq).items())),
        "midnight_events": len(midnight),
        "latest_event": max((e.row[0] for e in uniq), default=None),
        "transcriptions": {
            "started": started,
            "succeeded": by_name.get("transcribe_succeeded", 0),
            "failed": failed,
            "failure_rate": round(failed / started, 4) if started else None,
            "by_os_name": dict(sorted(by_os.items())),
        },
        "failure_events": len(failures),
        "failures_by_family": dict(sorted(by_family.items())),
        "failures_by_event_and_family": dict(sorted(by_family_event.items())),
        "string_props_with_quote_quirk": quote_quirk,
        "truncated_string_values": truncated,
    }
