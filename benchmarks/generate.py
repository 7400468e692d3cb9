"""Scale generator: N invented Vibe events as Aptabase exports them, set-based in DuckDB.

    uv run python benchmarks/generate.py --events 1000000 --out /tmp/h7/bench/1m

Writes one ClickHouse `CSVWithNames` file per UTC day (`vibe-release-YYYY-MM-DD.csv`):
16 columns, every field double-quoted, newest first, the header line repeated every
`--page-size` rows (100,000 like the server) with the row at each page boundary repeated
(the server's LIMIT/OFFSET paging), and the server's inclusive window (an event stamped
exactly at midnight is in two days' files). Plus `manifest.json` with the parameters,
the files and the totals.

The event mix follows the bundled sample (`telemetry sample`): app/cli launches, Vibe
transcriptions (`transcribe_started` then `_succeeded` / `_failed`, about 14% failed,
some abandoned, some double clicks), `sona_spawn_failed` and `avx2_not_supported` on
broken machines, `handoff_*` events with the one-event lifecycle `handoff_transcribe`
(`success` prop), one user now and then hammering transcribe without a model. Error
messages are Vibe's, with user names in paths (non-ASCII and `O'Brien` included), encoded
as the server stores them (.NET escaping: `\\uXXXX` for non-ASCII and `<>&+'"` and
backtick, values cut to 177 characters + `...`) and exported with the `\\'` quirk. OS and
app-version mix as in the sample; `user_id` rotates every UTC day, `session_id` is one
per device and day.

Everything per event is done by DuckDB in SQL (hash-based pseudo-random numbers, so the
same arguments give the same files); Python only builds the small lookup tables (OS
profiles, locales, the catalogue of a few hundred encoded error messages) and writes one
COPY per day.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import shutil
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb

from telemetry.aptabase.export_format import CORE_COLUMNS, EXPORT_COLUMNS, exported_string_prop
from telemetry.devtools.sample import APP_KEY

#: Rough unique events per session (device-day); sessions are over-provisioned from it and
#: trimmed to exactly --events rows.
EVENTS_PER_SESSION_FLOOR = 2.6

# os_name, os_version, engine_name, engine versions, weight, failure rate
OS_PROFILES = [
    ("Windows", "10.0.19045", "WebView2", ["131.0.2903.112", "132.0.2957.140"], 0.20, 0.055),
    ("Windows", "10.0.22631", "WebView2", ["132.0.2957.140", "133.0.3065.59"], 0.19, 0.055),
    ("Windows", "10.0.26100", "WebView2", ["132.0.2957.140", "133.0.3065.69"], 0.15, 0.055),
    ("macOS", "13.6", "WebKit", ["616.1.27"], 0.05, 0.05),
    ("macOS", "14.5", "WebKit", ["618.2.12"], 0.09, 0.05),
    ("macOS", "15.2", "WebKit", ["620.1.16"], 0.11, 0.05),
    ("Ubuntu", "22.04", "WebKitGTK", ["2.44.3", "2.46.5"], 0.055, 0.15),
    ("Ubuntu", "24.04", "WebKitGTK", ["2.46.5"], 0.05, 0.15),
    ("Linux Mint", "21.3", "WebKitGTK", ["2.44.3"], 0.03, 0.16),
    ("Fedora Linux", "40", "WebKitGTK", ["2.46.3"], 0.02, 0.07),
    ("Arch Linux", "", "WebKitGTK", ["2.46.5"], 0.02, 0.10),
    ("CachyOS", "", "WebKitGTK", ["2.46.5"], 0.012, 0.10),
    ("Flatpak", "", "WebKitGTK", ["2.46.4"], 0.013, 0.09),
]

# locale, country code, country name, regions, weight
LOCALES = [
    ("en-US", "US", "United States", ["California", "New York", "Texas", "Washington", ""], 0.26),
    ("en-GB", "GB", "United Kingdom", ["England", "Scotland"], 0.05),
    ("de-DE", "DE", "Germany", ["Bavaria", "Berlin", "North Rhine-Westphalia"], 0.09),
    ("fr-FR", "FR", "France", ["Île-de-France", "Auvergne-Rhône-Alpes"], 0.06),
    ("es-ES", "ES", "Spain", ["Madrid", "Catalonia", "Andalusia"], 0.06),
    ("pt-BR", "BR", "Brazil", ["São Paulo", "Rio de Janeiro", "Minas Gerais"], 0.07),
    ("ja-JP", "JP", "Japan", ["Tokyo", "Ōsaka"], 0.05),
    ("pl-PL", "PL", "Poland", ["Mazovia", "Lesser Poland"], 0.04),
    ("he-IL", "IL", "Israel", ["Tel Aviv", "Jerusalem"], 0.04),
    ("ru-RU", "RU", "Russia", ["Moscow", "Saint Petersburg"], 0.05),
    ("zh-CN", "CN", "China", ["Beijing", "Shanghai", ""], 0.05),
    ("it-IT", "IT", "Italy", ["Lombardy", "Lazio"], 0.03),
    ("en-IN", "IN", "India", ["Maharashtra", "Karnataka"], 0.06),
    ("tr-TR", "TR", "Türkiye", ["Istanbul", "Ankara"], 0.03),
    ("ko-KR", "KR", "South Korea", ["Seoul"], 0.03),
    ("en-US", "", "", [""], 0.03),  # no geo lookup
]

# version, release day counted back from the last day, build number, commit
RELEASES = [
    ("3.0.8", 80, "108", "4f1c2ab"),
    ("3.0.9", 50, "109", "9d03e6f"),
    ("3.0.10", 24, "110", "c81b5d2"),
    ("3.1.0", 6, "120", "e2a7f90"),
]

# Failures not tied to a broken device, with weights (as in the sample).
RANDOM_FAILURE_FAMILIES = [
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
SPAWN_FAMILIES = ("sona_spawn_eof", "spawn_glibcxx", "spawn_newlapack")
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
MODEL_FILES = ["ggml-medium.bin", "ggml-large-v3-turbo.bin", "ggml-small.bin", "ggml-base.bin"]
AUDIO_EXTS = ["mp3", "m4a", "wav", "mp4", "opus", "mkv", "ogg"]
SOURCES = ["home", "home", "home", "batch", "main"]
HANDOFF_ERROR_CODES = ["busy", "busy", "no_model", "internal_error", "invalid_audio"]
VARIANTS = 24  # encoded messages per (failure family, OS group)

WINDOWS_USERS = [
    "Bob",
    "alice",
    "john",
    "sarah",
    "O'Brien",
    "Zoë",
    "Müller",
    "Jürgen",
    "田中",
    "Łukasz",
    "José",
    "François",
    "Дмитрий",
    "max",
    "priya",
]
NON_ASCII_USERS = ["Zoë", "Müller", "Jürgen", "田中", "Łukasz", "José", "François", "Дмитрий"]
POSIX_USERS = ["bob", "alice", "john", "sarah", "mike", "anna", "lucas", "kenji", "piotr"]


# --------------------------------------------------------------------------- encoding


# --------------------------------------------------------------------------- messages


def _message(rng: random.Random, family: str, group: str) -> str:
    """One Vibe error message of `family` as a device of OS `group` (win/mac/linux) sends it."""
    windows = group == "win"
    user = rng.choice(WINDOWS_USERS if windows else POSIX_USERS)
    home = f"C:\\Users\\{user}" if windows else (f"/Users/{user}" if group == "mac" else f"/home/{user}")
    sep = "\\" if windows else "/"
    n = rng.randint(1, 40)
    if family == "model_load_non_ascii_path":
        user = rng.choice(NON_ASCII_USERS)
        path = f"C:\\Users\\{user}\\AppData\\Roaming\\github.com.thewh1teagle.vibe\\{rng.choice(MODEL_FILES)}"
        body = json.dumps({"error": f"failed to open {path}"}, ensure_ascii=False).replace(": ", ":")
        return f"sona load_model failed: {body}"
    if family == "sona_connection_failed":
        if rng.random() < 0.6:
            return "failed to send transcribe request to sona"
        return (
            "failed to send transcribe request to sona: error sending request for url "
            f"(http://127.0.0.1:{rng.randint(49152, 65535)}/v1/audio/transcriptions)"
        )
    if family == "no_model_selected":
        return "No model selected. Please download or select a model first."
    if family == "sona_spawn_eof":
        return "failed to read sona ready signal: EOF"
    if family == "spawn_glibcxx":
        mount = "/tmp/.mount_vibe" + "".join(
            rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefgh0123456789") for _ in range(6)
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
    if family in ("sona_transcribe_error", "twin_busy"):
        roll = rng.random() if family == "sona_transcribe_error" else rng.random() * 0.7
        if roll < 0.45:
            return 'sona transcribe failed: {"error":"busy"}'
        if roll < 0.7:
            return (
                "sona transcribe failed: HTTP 429 Too Many Requests: "
                '{"error":"busy","message":"a transcription is already running"}'
            )
        if roll < 0.85:
            return 'sona transcribe failed: {"error":"no_model","message":"no model loaded"}'
        return (
            'sona transcribe failed: {"error":"invalid_audio","message":"unsupported '
            f'sample format in recording.{rng.choice(AUDIO_EXTS)}"}}'
        )
    if family == "audio_file_not_found":
        if windows:
            path = rng.choice(
                [
                    f"{home}\\Desktop\\meeting.m4a",
                    f"{home}\\Music\\\U0001f3b5 voice memo {n}.m4a",
                    f"{home}\\Downloads\\call recording ({n}).mp3",
                    f'D:\\Podcasts\\episode {n} "final".wav',
                    f'{home}\\Videos\\Bob\'s "all hands" <final>.mp4',
                ]
            )
        else:
            path = rng.choice(
                [
                    f"{home}/Music/interview {n}.mp3",
                    f"{home}/Downloads/podcast ep{n}.wav",
                    f'{home}/Videos/lecture "final" {n}.mp4',
                    f"{home}/Music/\U0001f3a4 demo {n}.ogg",
                ]
            )
        return f"Audio file not found: {path}"
    if family == "path_not_a_file":
        if windows and rng.random() < 0.5:
            return f"Path is not a file: 'C:\\Users\\O'Brien\\{rng.choice(['Videos', 'Music'])}'"
        return f"Path is not a file: '{home}{sep}{rng.choice(['Videos', 'Music', 'Desktop'])}'"
    if family == "please_load_model_first":
        return "Please load model first"
    if family == "transcription_error":
        roll = rng.random()
        if roll < 0.2:
            token = "hf_" + "".join(
                rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") for _ in range(24)
            )
            return (
                "transcription error: failed to download model from "
                "https://huggingface.co/ggerganov/whisper.cpp/resolve/main/"
                f"{rng.choice(MODEL_FILES)}?download=true&token={token}: 401 Unauthorized"
            )
        if roll < 0.35:
            who = rng.choice(["jane.doe", "m.garcia", "kenji.t", "ops-team", "lukasz.k"])
            return (
                "transcription error: cannot save transcript to synced folder of "
                f"{who}@{rng.choice(['example.com', 'example.org'])}: permission denied"
            )
        if roll < 0.55:
            return "transcription error: failed to decode audio: Invalid data found when processing input"
        if roll < 0.75:
            size = rng.choice([1073741824, 2147483648, 4294967296])
            return f"transcription error: out of memory allocating {size} bytes"
        if roll < 0.9:
            return f"transcription error: whisper_full failed with code -{rng.randint(1, 9)}"
        return (
            f"transcription error: can't write {home}{sep}Documents{sep}"
            f"transcript {n}.srt: Access is denied. (os error 5)"
        )
    if family == "sona_process_died":
        if rng.random() < 0.5:
            return "sona process died during model loading"
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


def message_catalog(seed: int) -> list[tuple[str, str, int, str]]:
    """(family, OS group, variant, exported JSON string) for every family and group."""
    rng = random.Random(seed * 7919 + 3)
    families = [f for f, _ in RANDOM_FAILURE_FAMILIES] + [
        "model_load_non_ascii_path",
        *SPAWN_FAMILIES,
        "twin_busy",
    ]
    rows = []
    for family in families:
        for group in ("win", "mac", "linux"):
            for variant in range(VARIANTS):
                rows.append((family, group, variant, exported_string_prop(_message(rng, family, group))))
    return rows


# --------------------------------------------------------------------------- SQL


def _values(rows: list[tuple]) -> str:
    def lit(v: object) -> str:
        if v is None:
            return "null"
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, (int, float)):
            return repr(v)
        if isinstance(v, list):
            return "[" + ", ".join(lit(x) for x in v) + "]"
        return "'" + str(v).replace("'", "''") + "'"

    return ",\n".join("(" + ", ".join(lit(v) for v in row) + ")" for row in rows)


def _cumulative(weights: list[float]) -> list[tuple[float, float]]:
    total = sum(weights)
    out, acc = [], 0.0
    for w in weights:
        out.append((acc / total, (acc + w) / total))
        acc += w
    out[-1] = (out[-1][0], 1.0000001)
    return out


def _weighted_case(expr: str, items: list[tuple[str, float]]) -> str:
    """A CASE picking an item by a uniform [0, 1) expression and the items' weights."""
    ranges = _cumulative([w for _, w in items])
    whens = " ".join(
        f"when {expr} < {hi!r} then '{name}'" for (name, _), (_, hi) in zip(items, ranges, strict=False)
    )
    return f"case {whens} end"


def build_sql(n_events: int, days: int, end_date: date, seed: int) -> list[str]:
    """The statements that fill table `events` (exactly n_events rows or a few fewer)."""
    start = end_date - timedelta(days=days - 1)
    window_start = f"timestamp '{start.isoformat()} 00:00:00'"
    window_end = f"timestamp '{(end_date + timedelta(days=1)).isoformat()} 00:00:00'"
    sessions = math.ceil(n_events / EVENTS_PER_SESSION_FLOOR) + days
    devices = max(50, int(sessions / days * 2.6))

    os_rows = [
        (i, *p[:4], lo, hi, p[5])
        for i, (p, (lo, hi)) in enumerate(
            zip(OS_PROFILES, _cumulative([p[4] for p in OS_PROFILES]), strict=False)
        )
    ]
    loc_rows = [
        (i, *loc[:4], lo, hi)
        for i, (loc, (lo, hi)) in enumerate(
            zip(LOCALES, _cumulative([loc[4] for loc in LOCALES]), strict=False)
        )
    ]
    hour_rows = [(h, lo, hi) for h, (lo, hi) in enumerate(_cumulative(HOUR_WEIGHTS))]
    release_rows = [(v, days - 1 - back, build, commit) for v, back, build, commit in RELEASES]
    version_case = (
        "case "
        + " ".join(
            f"when day_idx - upgrade_lag >= {day} then '{v}'" for v, day, _, _ in reversed(release_rows)
        )
        + f" else '{release_rows[0][0]}' end"
    )
    family_case = _weighted_case("u(s * 16 + k, 'family')", RANDOM_FAILURE_FAMILIES)

    def pick(items: list[str], key: str) -> str:
        return f"{_values([(items,)])[1:-1]}[1 + (hash({key}, {seed}) % {len(items)})::int]"

    return [
        f"create or replace macro u(a, b) as (hash(a, b, {seed}) % 1000003) / 1000003.0",
        "create or replace macro num_text(x) as case when x = trunc(x) "
        "then cast(cast(x as bigint) as varchar) else cast(x as varchar) end",
        "create or replace table os_profiles (idx int, os_name varchar, os_version varchar, "
        "engine_name varchar, engine_versions varchar[], lo double, hi double, failure_rate double)",
        f"insert into os_profiles values {_values(os_rows)}",
        "create or replace table locales (idx int, locale varchar, country_code varchar, "
        "country_name varchar, regions varchar[], lo double, hi double)",
        f"insert into locales values {_values(loc_rows)}",
        "create or replace table hours (hour int, lo double, hi double)",
        f"insert into hours values {_values(hour_rows)}",
        "create or replace table releases (version varchar, release_day int, build varchar, commit varchar)",
        f"insert into releases values {_values(release_rows)}",
        "create or replace table messages (family varchar, os_group varchar, variant int, encoded varchar)",
        f"insert into messages values {_values(message_catalog(seed))}",
        # ---- devices: what stays the same from day to day
        f"""
        create or replace table devices as
        with d as (
            select range as dev, u(range, 'os') as r_os, u(range, 'loc') as r_loc,
                u(range, 'broken') as r_broken
            from range({devices})
        )
        select
            d.dev,
            md5('machine' || d.dev || '{seed}') as machine_uid,
            p.os_name, p.os_version, p.engine_name,
            p.engine_versions[1 + (hash(d.dev, 'ev', {seed}) % len(p.engine_versions))::int] as engine_version,
            case when p.os_name = 'Windows' then 'win' when p.os_name = 'macOS' then 'mac'
                else 'linux' end as os_group,
            l.locale, l.country_code, l.country_name,
            l.regions[1 + (hash(d.dev, 'region', {seed}) % len(l.regions))::int] as region_name,
            case
                when p.os_name = 'Windows' and d.r_broken < 0.03 then 'model_load_non_ascii_path'
                when p.os_version = '10.0.19045' and d.r_broken < 0.10 then 'sona_spawn_eof'
                when p.os_name = 'Ubuntu' and p.os_version = '22.04' and d.r_broken < 0.15
                    then 'spawn_glibcxx'
                when p.os_name = 'macOS' and p.os_version = '13.6' and d.r_broken < 0.18
                    then 'spawn_newlapack'
            end as broken,
            p.os_name = 'Windows' and d.r_broken >= 0.10 and u(d.dev, 'avx') < 0.02 as no_avx2,
            p.os_name in ('Windows', 'macOS') and u(d.dev, 'handoff') < 0.10 as handoff,
            p.os_name not in ('Windows', 'macOS') and u(d.dev, 'cli') < 0.06 as cli,
            p.failure_rate * (0.65 + 0.8 * u(d.dev, 'fr')) as failure_rate,
            case when u(d.dev, 'lagged') < 0.85 then -ln(1 - u(d.dev, 'lag')) * 9 else 400 end
                as upgrade_lag
        from d
        join os_profiles as p on d.r_os >= p.lo and d.r_os < p.hi
        join locales as l on d.r_loc >= l.lo and d.r_loc < l.hi
        """,
        # ---- sessions: one launch of one device on one day
        f"""
        create or replace table sessions as
        with s as (
            select
                range as s,
                range % {days} as day_idx,
                least({devices} - 1, floor({devices} * pow(u(range, 'dev'), 1.6)))::bigint as dev
            from range({sessions})
        ),
        timed as (
            select
                s.*,
                {window_start} + to_days(s.day_idx::int) as day_start,
                case
                    when s.day_idx > 0 and u(s.s, 'midnight') < 0.002 then 0
                    else h.hour * 3600 + floor(u(s.s, 'sec') * 3600)::int
                end as start_second
            from s
            join hours as h on u(s.s, 'hour') >= h.lo and u(s.s, 'hour') < h.hi
        )
        select
            t.s, t.day_idx, t.dev,
            t.day_start + to_seconds(t.start_second) as ts0,
            d.broken, d.no_avx2, d.handoff, d.os_group, d.failure_rate,
            d.cli and u(t.s, 'cli') < 0.5 as cli_launch,
            u(t.s, 'heavy') < 0.0004 and d.broken is null and not d.no_avx2 as heavy_no_model,
            {version_case.replace("upgrade_lag", "d.upgrade_lag").replace("day_idx", "t.day_idx")}
                as app_version
        from timed as t
        join devices as d on t.dev = d.dev
        """,
        f"""
        create or replace table sessions_planned as
        select
            s.*,
            r.commit,
            case
                when s.cli_launch or s.no_avx2 then 0
                when s.heavy_no_model then 26 + (hash(s.s, 'heavy_n', {seed}) % 9)::int
                when s.broken is not null then [0, 1, 1, 1, 2, 3][1 + (hash(s.s, 'n', {seed}) % 6)::int]
                else least(floor(-ln(1 - u(s.s, 'n')) * 1.7), 9)::int
            end as n_transcribe,
            case when s.handoff and not s.cli_launch
                then [0, 1, 1, 2, 3][1 + (hash(s.s, 'nh', {seed}) % 5)::int] else 0 end as n_handoff
        from sessions as s
        join releases as r on s.app_version = r.version
        """,
        # ---- transcriptions: start, outcome (or none), double clicks
        f"""
        create or replace table transcriptions as
        with t as (
            select s, ts0, broken, heavy_no_model, failure_rate, commit, os_group,
                unnest(range(n_transcribe)) as k
            from sessions_planned
            where n_transcribe > 0
        )
        select
            t.*,
            case when t.heavy_no_model then t.ts0 + to_seconds((30 + t.k * 25)::int)
                else t.ts0 + to_seconds((60 + t.k * 1800 + floor(u(t.s * 16 + t.k, 'gap') * 600))::int)
            end as t_start,
            {pick(SOURCES, "t.s, t.k, 1")} as source,
            {pick(AUDIO_EXTS, "t.s, t.k, 2")} as file_ext,
            case
                when t.heavy_no_model then 'no_model_selected'
                when t.broken = 'model_load_non_ascii_path'
                    then case when u(t.s * 16 + t.k, 'fixed') < 0.92 then t.broken end
                when t.broken is not null then t.broken
                when u(t.s * 16 + t.k, 'fails') < t.failure_rate then {family_case}
            end as family,
            u(t.s * 16 + t.k, 'abandon') < 0.035 as abandoned,
            u(t.s * 16 + t.k, 'twin') < 0.015 as twin,
            round(least(exp(5.6 + sqrt(-2 * ln(1 - u(t.s * 16 + t.k, 'z1')))
                * cos(2 * pi() * u(t.s * 16 + t.k, 'z2'))), 10800), 1) as audio_seconds,
            0.04 + 0.46 * u(t.s * 16 + t.k, 'speed') as speed
        from t
        """,
        f"""
        create or replace table handoffs as
        with h as (
            select s, ts0, commit, n_transcribe, unnest(range(n_handoff)) as j
            from sessions_planned
            where n_handoff > 0
        )
        select
            h.*,
            h.ts0 + to_seconds((90 + h.n_transcribe * 1800 + h.j * 1500
                + floor(u(h.s * 8 + h.j, 'hgap') * 900))::int) as ts,
            round(least(exp(4.8 + sqrt(-2 * ln(1 - u(h.s * 8 + h.j, 'hz1')))
                * cos(2 * pi() * u(h.s * 8 + h.j, 'hz2'))), 7200), 1) as audio_seconds,
            u(h.s * 8 + h.j, 'hfail') < 0.14 as failed,
            {pick(HANDOFF_ERROR_CODES, "h.s, h.j, 3")} as error_code,
            {pick(MODEL_FILES, "h.s, h.j, 4")} as model_name,
            {pick(["true", "false"], "h.s, h.j, 5")} as auto_detect,
            case when u(h.s * 8 + h.j, 'translate') < 0.15 then 'true' else 'false' end as translate
        from h
        """,
        # ---- every event, props still to be joined with a message
        """
        create or replace table events_planned as
        -- launches
        select s, 0 as sub, ts0 as ts,
            case when cli_launch then 'cli_started' else 'app_started' end as event_name,
            null::varchar as family, null::bigint as message_key,
            '"vibe_commit":"' || commit || '"}' as sp_rest, '' as numeric_props
        from sessions_planned
        union all
        select s, 1, ts0 + to_seconds((1 + hash(s, 'avx') % 4)::int), 'avx2_not_supported',
            null, null, '"vibe_commit":"' || commit || '"}', ''
        from sessions_planned where no_avx2 and not cli_launch
        union all
        select s, 2, ts0 + to_seconds((1 + hash(s, 'spawn') % 3)::int), 'sona_spawn_failed',
            broken, s, '"vibe_commit":"' || commit || '"}', ''
        from sessions_planned where broken in ('sona_spawn_eof', 'spawn_glibcxx', 'spawn_newlapack')
        union all
        select s, 3, ts0 + to_seconds((1 + hash(s, 'cap') % 5)::int), 'handoff_capabilities',
            null, null,
            '"model_loaded":"' || case when u(s, 'loaded') < 0.8 then 'true' else 'false' end
                || '","vibe_commit":"' || commit || '"}', ''
        from sessions_planned where handoff and not cli_launch
        union all
        select s, 4, ts0 + to_seconds((10 + hash(s, 'en') % 80)::int), 'handoff_enabled',
            null, null, '"vibe_commit":"' || commit || '"}', ''
        from sessions_planned where handoff and not cli_launch and u(s, 'enabled') < 0.25
        union all
        select s, 5, ts0 + to_seconds((120 + n_transcribe * 1800 + n_handoff * 1500)::int),
            'handoff_disabled', null, null, '"vibe_commit":"' || commit || '"}', ''
        from sessions_planned where handoff and not cli_launch and u(s, 'disabled') < 0.08
        union all
        -- transcriptions
        select s, 100 + k * 4, t_start, 'transcribe_started', null, null,
            '"source":"' || source || '","vibe_commit":"' || commit || '"}', ''
        from transcriptions
        union all
        select s, 101 + k * 4, t_start, 'transcribe_started', null, null,
            '"source":"' || source || '","vibe_commit":"' || commit || '"}', ''
        from transcriptions where twin and family is null
        union all
        select s, 102 + k * 4, t_start + interval 1 second, 'transcribe_failed', 'twin_busy',
            s * 16 + k, '"file_ext":"' || file_ext || '","source":"' || source
                || '","vibe_commit":"' || commit || '"}', ''
        from transcriptions where twin and family is null
        union all
        select s, 103 + k * 4,
            t_start + to_seconds(case when family = 'sona_connection_failed'
                then 3 + hash(s, k, 'wait') % 238 else hash(s, k, 'wait') % 26 end::int),
            'transcribe_failed', family, case when family = broken then s else s * 16 + k end,
            '"file_ext":"' || file_ext || '","source":"' || source
                || '","vibe_commit":"' || commit || '"}', ''
        from transcriptions where family is not null
        union all
        select s, 103 + k * 4,
            t_start + to_seconds(least(1500, greatest(2, floor(audio_seconds * speed)))::int),
            'transcribe_succeeded', null, null,
            '"source":"' || source || '","vibe_commit":"' || commit || '"}',
            '{"duration_seconds":' || num_text(audio_seconds) || ',"segments_count":'
                || greatest(1, floor(audio_seconds / 5))::bigint || '}'
        from transcriptions where family is null and not abandoned
        union all
        -- handoff transcriptions: a one-event lifecycle with its outcome in `success`
        select s, 1000 + j, ts, 'handoff_transcribe', null, null,
            '"audio_size_bucket":"' || case when audio_seconds < 60 then '\\u003C1MB'
                when audio_seconds < 600 then '1-10MB' when audio_seconds < 3000 then '10-50MB'
                else '\\u003E50MB' end
            || '","auto_detect":"' || auto_detect || '"'
            || case when failed then ',"error_code":"' || error_code || '"' else '' end
            || ',"model_name":"' || model_name || '","success":"'
            || case when failed then 'false' else 'true' end
            || '","translate":"' || translate || '","vibe_commit":"' || commit || '"}',
            '{"duration_sec":' || num_text(audio_seconds)
            || case when failed then '' else ',"transcribe_duration_sec":'
                || num_text(round(audio_seconds * (0.05 + 0.35 * u(s * 8 + j, 'tds')), 2)) end
            || '}'
        from handoffs
        """,
        # ---- exactly n_events rows: whole sessions, in a random order, until the count
        f"""
        create or replace table sessions_kept as
        with counts as (
            select s, count(*) as n
            from events_planned
            where ts < {window_end}
            group by s
        )
        select s from (
            select s, sum(n) over (order by hash(s, 'keep', {seed}) rows unbounded preceding) as cum
            from counts
        )
        where cum <= {n_events}
        """,
        f"""
        create or replace table events_keyed as
        select
            e.*,
            sp.dev,
            sp.os_group,
            sp.app_version,
            cast(e.ts as date) as day,
            (hash(e.message_key, e.family, {seed}) % {VARIANTS})::int as variant
        from events_planned as e
        semi join sessions_kept as k on e.s = k.s
        join sessions_planned as sp on e.s = sp.s
        where e.ts >= {window_start} and e.ts < {window_end}
        """,
        f"""
        create or replace table device_days as
        with dd as (select distinct dev, day from events_keyed)
        select dd.dev, dd.day,
            upper(sha256(d.machine_uid || '|' || strftime(dd.day, '%Y-%m-%d') || '{seed}')) as user_id,
            left(sha256(d.machine_uid || '{APP_KEY}' || strftime(dd.day, '%Y-%m-%d')), 36) as session_id
        from dd
        join devices as d on dd.dev = d.dev
        """,
        """
        create or replace table events as
        select
            strftime(e.ts, '%Y-%m-%d %H:%M:%S') as "timestamp",
            dd.user_id,
            dd.session_id,
            e.event_name,
            case when e.family is null then '{' || e.sp_rest
                else '{"error_message":' || m.encoded || ',' || e.sp_rest end as string_props,
            e.numeric_props,
            d.os_name,
            d.os_version,
            d.locale,
            e.app_version,
            r.build as app_build_number,
            d.engine_name,
            d.engine_version,
            d.country_code,
            d.country_name,
            d.region_name,
            e.ts as ts,
            e.s * 4096 + e.sub as seq
        from events_keyed as e
        join device_days as dd on e.dev = dd.dev and e.day = dd.day
        join devices as d on e.dev = d.dev
        join releases as r on e.app_version = r.version
        left join messages as m
            on e.family = m.family and e.os_group = m.os_group and e.variant = m.variant
        order by e.ts
        """,
        "drop table events_planned",
        "drop table events_keyed",
    ]


def write_day(con: duckdb.DuckDBPyConnection, day: date, path: Path, page_size: int) -> dict:
    """One day's export: rows with `day 00:00:00 <= ts <= day+1 00:00:00`, newest first,
    a header line per page, the last row of a page repeated at the start of the next."""
    lo = f"timestamp '{day.isoformat()} 00:00:00'"
    hi = f"timestamp '{(day + timedelta(days=1)).isoformat()} 00:00:00'"
    cols = ", ".join(f'"{c}"' for c in EXPORT_COLUMNS)
    header = ", ".join(f"'{c}'" for c in EXPORT_COLUMNS)
    tmp = path.with_name(path.name + ".tmp")
    con.execute(
        f"""
        copy (
            with day_rows as (
                select {cols}, row_number() over (order by ts desc, seq desc) - 1 as rn
                from events
                where ts >= {lo} and ts <= {hi}
            ),
            lines as (
                select rn // {page_size} as page, 1 as part, rn, {cols} from day_rows
                union all
                -- the page boundary: the previous page's last row again
                select rn // {page_size} + 1, 0, rn, {cols} from day_rows
                where rn % {page_size} = {page_size} - 1
                    and rn < (select max(rn) from day_rows)
                union all
                select page, -1, 0, {header}
                from range((select (count(*) + {page_size} - 1) // {page_size} from day_rows))
                    as t (page)
            )
            select {cols} from lines order by page, part, rn
        ) to '{tmp}' (format csv, header false, force_quote *, quote '"', escape '"')
        """
    )
    tmp.replace(path)
    rows, boundary_repeats = con.execute(
        f"""select count(*), greatest(0, (count(*) - 1) // {page_size})
            from events where ts >= {lo} and ts <= {hi}"""
    ).fetchone()
    pages = max(1, math.ceil(rows / page_size))
    return {
        "name": path.name,
        "day": day.isoformat(),
        "rows": rows + boundary_repeats,
        "events": rows,
        "header_lines": pages,
        "bytes": path.stat().st_size,
    }


def generate(
    n_events: int,
    out_dir: Path,
    *,
    days: int = 31,
    end_date: date = date(2026, 2, 15),
    seed: int = 7,
    page_size: int = 100_000,
    threads: int | None = None,
    memory_limit: str | None = None,
    echo=print,
) -> dict:
    """Write the files and manifest.json into out_dir; return the manifest."""
    if n_events < 1:
        raise SystemExit("--events must be at least 1")
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("vibe-release-*.csv"):
        old.unlink()
    work = out_dir / ".generate.duckdb"
    work.unlink(missing_ok=True)
    started = time.perf_counter()
    con = duckdb.connect(str(work))
    try:
        if threads:
            con.execute(f"set threads = {int(threads)}")
        if memory_limit:
            con.execute(f"set memory_limit = '{memory_limit}'")
        con.execute(f"set temp_directory = '{out_dir / '.generate_tmp'}'")
        for statement in build_sql(n_events, days, end_date, seed):
            con.execute(statement)
        generated = time.perf_counter() - started
        start = end_date - timedelta(days=days - 1)
        con.execute("set preserve_insertion_order = true")
        files = [
            write_day(con, day, out_dir / f"vibe-release-{day.isoformat()}.csv", page_size)
            for day in (start + timedelta(days=d) for d in range(days))
        ]
        totals = con.execute(
            f"""
            select
                count(*),
                (select count(*) from (select distinct {", ".join(f'nullif("{c}", {chr(39)}{chr(39)})' for c in CORE_COLUMNS)} from events)),
                count(*) filter (where event_name = 'transcribe_started'),
                count(*) filter (where event_name = 'transcribe_failed'),
                count(*) filter (where strftime(ts, '%H:%M:%S') = '00:00:00'),
                count(*) filter (where string_props like '%\\''%'),
                list_sort(list(distinct event_name))
            from events
            """
        ).fetchone()
    finally:
        con.close()
        work.unlink(missing_ok=True)
        shutil.rmtree(out_dir / ".generate_tmp", ignore_errors=True)
    manifest = {
        "generator": "benchmarks/generate.py",
        "parameters": {
            "events": n_events,
            "days": days,
            "end_date": end_date.isoformat(),
            "seed": seed,
            "page_size": page_size,
        },
        "events_generated": totals[0],
        "unique_events": totals[1],
        "transcribe_started": totals[2],
        "transcribe_failed": totals[3],
        "midnight_events": totals[4],
        "string_props_with_quote_quirk": totals[5],
        "event_names": totals[6],
        "rows_written": sum(f["rows"] for f in files),
        "bytes_written": sum(f["bytes"] for f in files),
        "seconds": round(time.perf_counter() - started, 2),
        "seconds_generating": round(generated, 2),
        "files": files,
        "written_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    echo(
        f"{manifest['events_generated']:,} events ({manifest['unique_events']:,} unique) in "
        f"{len(files)} daily files, {manifest['rows_written']:,} rows, "
        f"{manifest['bytes_written'] / 1e6:,.0f} MB, {manifest['seconds']} s -> {out_dir}"
    )
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Write N invented Vibe events as daily Aptabase CSV exports (DuckDB, set-based)."
    )
    parser.add_argument(
        "--events",
        type=int,
        required=True,
        help="number of events (rows before the export's midnight and page-boundary repeats)",
    )
    parser.add_argument("--out", type=Path, required=True, help="output folder (created)")
    parser.add_argument("--days", type=int, default=31, help="UTC days (default 31)")
    parser.add_argument(
        "--end-date",
        type=date.fromisoformat,
        default=date(2026, 2, 15),
        help="last UTC day (default 2026-02-15)",
    )
    parser.add_argument("--seed", type=int, default=7, help="seed (default 7)")
    parser.add_argument(
        "--page-size",
        type=int,
        default=100_000,
        help="rows per page before the header repeats (default 100,000)",
    )
    parser.add_argument("--threads", type=int, default=None, help="DuckDB threads")
    parser.add_argument("--memory-limit", default=None, help="DuckDB memory_limit, e.g. 2GB")
    args = parser.parse_args(argv)
    generate(
        args.events,
        args.out,
        days=args.days,
        end_date=args.end_date,
        seed=args.seed,
        page_size=args.page_size,
        threads=args.threads,
        memory_limit=args.memory_limit,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
