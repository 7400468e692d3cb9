"""A small, deterministic sample of Osaurus telemetry (a macOS LLM app; its telemetry
document is seed `002_...`) as Aptabase exports it, with the same export quirks as the Vibe
sample (telemetry/devtools/sample.py writes the files):

    generate_osaurus_sample(out_dir, *, days=7, end_date=date(2026, 2, 15), seed=42,
                            users_per_day=120, page_size=100_000) -> SampleManifest

What the events hold, as the document describes them: `total_memory_gb` (the Mac's RAM
tier) on every event; `message_sent` with `source`, `model_source`, `provider_type`,
`model` (foundation and local models only) or `model_hash` (remote models: a salted,
truncated hash, never the id), `is_agent`, `stream`; the onboarding funnel
(`onboarding_started`, `onboarding_step_viewed` / `onboarding_step_skipped` with `step` and
`step_index`, `onboarding_completed` with `reason`) and the once-per-install
`first_time_chat_shown` / `first_time_chat_used`. Macs that decline consent send nothing.

The funnel holds what a funnel query must get right: the entry and the welcome step in one
second, a step skipped, a step viewed again out of order, chat shown in the same second as
the completion, and onboardings left one day and finished the next (under daily ids, a
funnel never follows a user across days). The data is invented.
"""

from __future__ import annotations

import hashlib
import random
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from telemetry.aptabase.export_format import CORE_COLUMNS, EXPORT_COLUMNS
from telemetry.devtools.sample import (
    TS_FORMAT,
    SampleManifest,
    check_sample_options,
    encode_numeric_props,
    encode_string_props,
    prepare_out_dir,
    write_exports,
    write_manifest,
)

APP = "osaurus"
APP_KEY = "A-US-4471920385"
#: (version, first day it ships relative to the sample's first day, build number)
RELEASES: tuple[tuple[str, int, str], ...] = (
    ("0.9.4", -30, "94"),
    ("0.10.0", -9, "100"),
    ("0.10.1", 3, "101"),
)
RAM_TIERS = ("8", "16", "18", "24", "32", "36", "48", "64", "96", "128+")
RAM_WEIGHTS = (8, 22, 10, 16, 12, 9, 8, 7, 3, 5)
MACOS_VERSIONS = (("14.7.4", 12), ("15.3.2", 25), ("15.5", 33), ("26.0.1", 30))
LOCALES = (
    ("en-US", "US", "United States", 40),
    ("de-DE", "DE", "Germany", 15),
    ("ja-JP", "JP", "Japan", 12),
    ("fr-FR", "FR", "France", 10),
    ("en-GB", "GB", "United Kingdom", 13),
    ("pt-BR", "BR", "Brazil", 10),
)
#: curated local models: (id, param_count, quantization, is_vlm)
LOCAL_MODELS = (
    ("mlx-community/Llama-3.2-3B-Instruct-4bit", "3B", "4-bit", "false"),
    ("mlx-community/Qwen3-8B-4bit", "8B", "4-bit", "false"),
    ("mlx-community/gemma-3-12b-it-4bit", "12B", "4-bit", "true"),
    ("mlx-community/Mistral-Small-3.1-24B-Instruct-2503-8bit", "24B", "8-bit", "true"),
)
PROVIDER_TYPES = ("openai", "anthropic", "gemini", "azureOpenAI", "openResponses", "openAICodex", "osaurus")
PROVIDER_WEIGHTS = (40, 25, 12, 5, 5, 8, 5)
#: the onboarding steps in order, by step_index
ONBOARDING_STEPS = ("welcome", "choose_model", "download_model")
MODEL_HASH_SALT = "osaurus-sample-salt"
NEW_INSTALL_SHARE = 0.12  # new installs per day, as a share of users_per_day
DECLINE_SHARE = 0.12  # installs that uncheck "Share anonymous usage data": nothing is ever sent


@dataclass
class Mac:
    """One Mac with Osaurus: what stays the same from day to day."""

    index: int
    client_ip: str
    user_agent: str
    os_version: str
    locale: str
    country_code: str
    country_name: str
    ram_tier: str
    activity: float  # chance of being active on a day
    upgrade_lag: float
    install_day: int | None  # sample day index it installs on; None = installed before
    declined: bool = False
    remote: bool = False  # prefers a remote provider
    api: bool = False  # sends through the local HTTP API
    agents: bool = False  # runs agents
    local_model: int = 0
    provider: str = "openai"
    onboarding_left_on: int | None = None  # day index an onboarding was left unfinished


@dataclass
class OsaurusEvent:
    ts: datetime
    seq: int
    mac: Mac
    app_version: str
    event_name: str
    string_props: dict[str, str]
    row: tuple[str, ...] = ()

    @property
    def key(self) -> tuple[str, ...]:
        """The 8 core columns (empty string = null), as the pipeline de-duplicates."""
        return tuple(self.row[EXPORT_COLUMNS.index(c)] for c in CORE_COLUMNS)


def _make_mac(rng: random.Random, index: int, install_day: int | None) -> Mac:
    os_version = rng.choices([v for v, _ in MACOS_VERSIONS], [w for _, w in MACOS_VERSIONS])[0]
    locale, cc, country, _ = rng.choices(LOCALES, [entry[3] for entry in LOCALES])[0]
    mac = Mac(
        index=index,
        client_ip=".".join(str(rng.randint(lo, hi)) for lo, hi in ((11, 223), (0, 255), (0, 255), (1, 254))),
        user_agent=f"Osaurus/{index} (Macintosh; macOS {os_version}) AptabaseSwift/0.6",
        os_version=os_version,
        locale=locale,
        country_code=cc,
        country_name=country,
        ram_tier=rng.choices(RAM_TIERS, RAM_WEIGHTS)[0],
        activity=min(0.95, rng.betavariate(2, 2.6)),
        upgrade_lag=rng.expovariate(1 / 3),
        install_day=install_day,
    )
    mac.declined = install_day is not None and rng.random() < DECLINE_SHARE
    # small RAM tiers lean on remote providers (a 26B model does not fit in 8 GB)
    mac.remote = rng.random() < (0.6 if mac.ram_tier in ("8", "16") else 0.25)
    mac.api = rng.random() < 0.25
    mac.agents = rng.random() < 0.2
    mac.local_model = rng.randrange(len(LOCAL_MODELS) if mac.ram_tier not in ("8", "16") else 2)
    mac.provider = rng.choices(PROVIDER_TYPES, PROVIDER_WEIGHTS)[0]
    return mac


class _OsaurusWorld:
    def __init__(self, rng: random.Random, start: date, days: int, users_per_day: int) -> None:
        self.rng = rng
        self.start = start
        self.days = days
        self.window_start = datetime(start.year, start.month, start.day)
        self.window_end = self.window_start + timedelta(days=days)  # exclusive
        mean_activity = 2 / 4.6  # of betavariate(2, 2.6)
        installed = max(1, round(users_per_day / mean_activity))
        self.macs = [_make_mac(rng, i, None) for i in range(installed)]
        for day in range(days):
            for _ in range(max(1, round(users_per_day * NEW_INSTALL_SHARE))):
                self.macs.append(_make_mac(rng, len(self.macs), day))
        self.events: list[OsaurusEvent] = []
        self.seq = 0
        self.day_salts = {
            start + timedelta(days=d): hashlib.sha256(f"salt:{rng.random()}".encode()).digest()
            for d in range(-1, days + 2)
        }

    # ids and versions ----------------------------------------------------

    def user_id(self, mac: Mac, day: date) -> str:
        # Aptabase: SHA256(UTF8("{ip}|${user_agent}") + daily salt), upper-case hex.
        data = f"{mac.client_ip}|${mac.user_agent}".encode() + self.day_salts[day]
        return hashlib.sha256(data).hexdigest().upper()

    def session_id(self, mac: Mac, ts: datetime) -> str:
        # the Swift SDK starts a new session after an hour without events; the hour will do
        return hashlib.sha256(f"{mac.index}:{ts:%Y%m%d%H}".encode()).hexdigest()[:36]

    def app_version(self, mac: Mac, day_index: int) -> str:
        current = RELEASES[0][0]
        for version, ships_on, _ in RELEASES:
            if ships_on + mac.upgrade_lag <= day_index or (
                mac.install_day is not None and ships_on <= day_index
            ):
                current = version
        return current

    def emit(
        self, ts: datetime, mac: Mac, version: str, name: str, props: dict[str, str] | None = None
    ) -> None:
        if mac.declined or not (self.window_start <= ts < self.window_end):
            return
        string_props = {"total_memory_gb": mac.ram_tier, **(props or {})}
        self.events.append(OsaurusEvent(ts, self.seq, mac, version, name, string_props))
        self.seq += 1

    # behaviour -----------------------------------------------------------

    def run(self) -> None:
        rng = self.rng
        for day_index in range(self.days):
            day = self.start + timedelta(days=day_index)
            midnight = datetime(day.year, day.month, day.day)
            for mac in self.macs:
                if mac.install_day is not None and mac.install_day > day_index:
                    continue
                version = self.app_version(mac, day_index)
                t = midnight + timedelta(seconds=rng.randint(6 * 3600, 23 * 3600))
                if mac.install_day == day_index:
                    t = self.onboarding(mac, version, t, day_index)
                elif mac.onboarding_left_on == day_index - 1 and rng.random() < 0.6:
                    t = self.resume_onboarding(mac, version, t)
                elif rng.random() < mac.activity:
                    for _ in range(rng.choice((1, 1, 1, 2, 3))):
                        t = self.session(mac, version, t) + timedelta(minutes=rng.randint(20, 180))

    def onboarding(self, mac: Mac, version: str, t: datetime, day_index: int) -> datetime:
        """The onboarding funnel of a new install; returns the time after it."""
        rng = self.rng
        self.emit(t, mac, version, "app_launched")
        t += timedelta(seconds=rng.randint(1, 2))
        self.emit(t, mac, version, "onboarding_started")
        # the welcome step shows in the same second as the start
        self.emit(t, mac, version, "onboarding_step_viewed", {"step": "welcome", "step_index": "0"})
        roll = rng.random()
        if roll < 0.07:  # skips the whole onboarding from the welcome step
            t += timedelta(seconds=rng.randint(2, 20))
            self.emit(t, mac, version, "onboarding_step_skipped", {"step": "welcome", "step_index": "0"})
            self.emit(t, mac, version, "onboarding_completed", {"reason": "skipped"})
            return self.first_chat(mac, version, t)
        if roll < 0.17:  # leaves at the welcome step; some come back tomorrow
            mac.onboarding_left_on = day_index
            return t
        return self.choose_and_finish(mac, version, t + timedelta(seconds=rng.randint(4, 40)))

    def resume_onboarding(self, mac: Mac, version: str, t: datetime) -> datetime:
        """An onboarding left yesterday goes on today: no new `onboarding_started`."""
        self.emit(t, mac, version, "app_launched")
        return self.choose_and_finish(mac, version, t + timedelta(seconds=self.rng.randint(2, 8)))

    def choose_and_finish(self, mac: Mac, version: str, t: datetime) -> datetime:
        rng = self.rng
        self.emit(t, mac, version, "onboarding_step_viewed", {"step": "choose_model", "step_index": "1"})
        t += timedelta(seconds=rng.randint(5, 90))
        if mac.remote:
            self.emit(t, mac, version, "remote_provider_added", {"provider_type": mac.provider})
            self.emit(
                t, mac, version, "onboarding_step_skipped", {"step": "download_model", "step_index": "2"}
            )
        else:
            self.emit(
                t, mac, version, "onboarding_step_viewed", {"step": "download_model", "step_index": "2"}
            )
            if rng.random() < 0.12:  # goes back to look at the models again
                t += timedelta(seconds=rng.randint(3, 30))
                self.emit(
                    t, mac, version, "onboarding_step_viewed", {"step": "choose_model", "step_index": "1"}
                )
            if rng.random() < 0.15:  # the download is never finished
                return t
            t += timedelta(seconds=rng.randint(40, 900))
            self.model_downloaded(mac, version, t)
        if rng.random() < 0.08:  # closes the window before the end
            return t
        t += timedelta(seconds=rng.randint(2, 15))
        self.emit(t, mac, version, "onboarding_completed", {"reason": "finished"})
        return self.first_chat(mac, version, t)

    def first_chat(self, mac: Mac, version: str, t: datetime) -> datetime:
        """The first chat window after onboarding; often in the completion's second."""
        rng = self.rng
        if rng.random() < 0.06:
            return t
        t += timedelta(seconds=rng.choice((0, 0, 1, 2, 5)))
        self.emit(t, mac, version, "first_time_chat_shown")
        if rng.random() < 0.3:
            return t
        t += timedelta(seconds=rng.randint(8, 240))
        self.emit(t, mac, version, "first_time_chat_used")
        self.emit(t, mac, version, "message_sent", self.message_props(mac, "chat_ui", agent=False))
        return self.chatting(mac, version, t)

    def session(self, mac: Mac, version: str, t: datetime) -> datetime:
        """One launch: the server, chats, API calls and agent runs; returns its end."""
        rng = self.rng
        self.emit(t, mac, version, "app_launched")
        if rng.random() < 0.85:
            t += timedelta(seconds=rng.randint(1, 3))
            self.emit(t, mac, version, "server_started")
        if rng.random() < 0.04:
            t += timedelta(seconds=rng.randint(30, 600))
            self.model_downloaded(mac, version, t)
        if rng.random() < 0.03:
            t += timedelta(seconds=rng.randint(20, 300))
            self.emit(
                t, mac, version, "mcp_provider_added", {"transport": rng.choice(("http", "stdio", "stdio"))}
            )
        if mac.agents and rng.random() < 0.1:
            t += timedelta(seconds=rng.randint(20, 300))
            self.emit(t, mac, version, "agent_created")
        if mac.api:
            for _ in range(rng.randint(0, 8)):
                t += timedelta(seconds=rng.randint(5, 400))
                self.emit(t, mac, version, "message_sent", self.message_props(mac, "http_api", agent=False))
        if mac.agents and rng.random() < 0.5:
            t += timedelta(seconds=rng.randint(5, 300))
            source = rng.choice(("http_api", "dispatch"))
            self.emit(t, mac, version, "agent_run", {"source": source})
            self.emit(t, mac, version, "message_sent", self.message_props(mac, "http_api", agent=True))
        return self.chatting(mac, version, t)

    def chatting(self, mac: Mac, version: str, t: datetime) -> datetime:
        rng = self.rng
        for _ in range(rng.choice((0, 1, 1, 2, 3))):
            t += timedelta(seconds=rng.randint(10, 900))
            self.emit(t, mac, version, "chat_session_started")
            for _ in range(1 + int(rng.expovariate(1 / 3))):
                t += timedelta(seconds=rng.randint(15, 300))
                source = "plugin" if rng.random() < 0.05 else "chat_ui"
                self.emit(t, mac, version, "message_sent", self.message_props(mac, source, agent=False))
        return t

    def model_downloaded(self, mac: Mac, version: str, t: datetime) -> None:
        model, params, quantization, vlm = LOCAL_MODELS[mac.local_model]
        props = {"model": model, "param_count": params, "quantization": quantization, "is_vlm": vlm}
        self.emit(t, mac, version, "model_downloaded", props)

    def message_props(self, mac: Mac, source: str, *, agent: bool) -> dict[str, str]:
        rng = self.rng
        roll = rng.random()
        if mac.remote and roll < 0.8:
            remote_id = f"{mac.provider}/custom-model-{mac.index % 7}"
            digest = hashlib.sha256(f"{MODEL_HASH_SALT}{remote_id}".encode()).hexdigest()[:12]
            model = {"model_source": "remote", "provider_type": mac.provider, "model_hash": digest}
        elif roll < 0.9:
            model = {
                "model_source": "local",
                "provider_type": "mlx",
                "model": LOCAL_MODELS[mac.local_model][0],
            }
        else:
            model = {"model_source": "foundation", "provider_type": "foundation", "model": "apple/foundation"}
        stream = "true" if source == "chat_ui" or rng.random() < 0.4 else "false"
        return {"source": source, **model, "is_agent": "true" if agent else "false", "stream": stream}


def _finalize(world: _OsaurusWorld) -> None:
    """Each event's exported row (ids rotate by the event's UTC date)."""
    builds = {version: build for version, _, build in RELEASES}
    for ev in world.events:
        mac = ev.mac
        ev.row = (
            ev.ts.strftime(TS_FORMAT),
            world.user_id(mac, ev.ts.date()),
            world.session_id(mac, ev.ts),
            ev.event_name,
            encode_string_props(ev.string_props),
            encode_numeric_props({}),
            "macOS",
            mac.os_version,
            mac.locale,
            ev.app_version,
            builds[ev.app_version],
            "",  # the Swift SDK sends no web engine
            "",
            mac.country_code,
            mac.country_name,
            "",
        )


def generate_osaurus_sample(
    out_dir: Path,
    *,
    days: int = 7,
    end_date: date = date(2026, 2, 15),
    seed: int = 42,
    users_per_day: int = 120,
    page_size: int = 100_000,
) -> SampleManifest:
    """Write the Osaurus sample files into `out_dir` (see the module doc) and return what was
    written. Deterministic: the same arguments give the same bytes."""
    start = check_sample_options(days, end_date, seed, users_per_day, page_size)
    out_dir = prepare_out_dir(out_dir)
    world = _OsaurusWorld(random.Random(seed), start, days, users_per_day)
    world.run()
    _finalize(world)
    events = sorted(world.events, key=lambda e: (e.ts, e.seq), reverse=True)  # newest first
    files, unique = write_exports(
        out_dir,
        APP,
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
        ground_truth=_ground_truth([e for e in unique.values() if isinstance(e, OsaurusEvent)]),
        app_key=APP_KEY,
    )
    write_manifest(manifest)
    return manifest


def _ground_truth(unique: list[OsaurusEvent]) -> dict:
    """What the pipeline must reproduce: unique events per day and name, and per day the Macs
    active (one user id each), the ones that started onboarding and the messages sent."""
    by_day = Counter(e.ts.date().isoformat() for e in unique)
    by_name = Counter(e.event_name for e in unique)
    active: dict[str, set[int]] = {}
    installs: dict[str, set[int]] = {}
    for e in unique:
        day = e.ts.date().isoformat()
        active.setdefault(day, set()).add(e.mac.index)
        if e.event_name == "onboarding_started":
            installs.setdefault(day, set()).add(e.mac.index)
    return {
        "app": APP,
        "unique_events": len(unique),
        "events_by_day": dict(sorted(by_day.items())),
        "events_by_name": dict(sorted(by_name.items())),
        "active_macs_by_day": {day: len(macs) for day, macs in sorted(active.items())},
        "new_installs_by_day": {day: len(macs) for day, macs in sorted(installs.items())},
        "messages_sent": by_name.get("message_sent", 0),
    }
