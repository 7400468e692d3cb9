"""An invented ReverbCode fleet: one `ao.db` per install, as the daemon writes it.

    generate_reverbcode_sample(out, days=21, end_date=..., seed=42, installs=12) -> dict

Each install gets a folder `<out>/ao-db/<folder>/` with `ao.db` (WAL mode; the migrations' goose
table and the `telemetry_event` table of migration 0015, reverbcode.md) and, except one,
`telemetry_install_id`. Every quirk an analysis must handle is in it: `occurred_at` in Go's
`time.Time.String()` form with 0 to 9 fraction digits and ties; rows before 2026-06-21
without `component`/`operation`/`fingerprint`; a CLI call written twice (`ao.cli.invoked`
and `ao.app.active`, one request id); a panic written twice (`ao.daemon.panic` and
`ao.http.5xx`, one request id); spawn attempts that succeed or fail with each `error_kind`;
"first" onboarding events that repeat; waiting-input periods, some never closed; project
ids that are personal repository names; request ids holding a host name.

The same events, as ReverbCode's PostHog sink sends them (distinct_id = the install id;
properties: source, level, request_id, project_id_hash and session_id_hash as sha256 hex,
the payload) and as PostHog's S3 batch export writes them, go to `<out>/posthog/`: JSON Lines
files cut by ingestion time (a late event in the next file), gzip with one member per line,
`$ip` and `$geoip_*` added at ingestion, `person_properties` with an e-mail, an event twice in
one file, `properties` as a JSON string on some lines, a backfill repeating a day, and the
last interval as Parquet. Returns a small manifest (installs, their folders and rows).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import random
import sqlite3
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb

DEFAULT_END_DATE = date(2026, 7, 5)
DEFAULT_DAYS = 21
DEFAULT_INSTALLS = 12
DEFAULT_SEED = 42
#: Rows before this day were written before `component`, `operation` and `fingerprint` existed.
FINGERPRINT_DAY = date(2026, 6, 21)
HARNESSES = ("claude-code", "codex", "aider")
PROJECTS = ("jane-doe-taxes", "acme-api", "dotfiles", "kevin-thesis", "webshop")
#: error_kind, error_code, share of failed spawns
SPAWN_ERRORS = (
    ("invalid", "INVALID_HARNESS", 0.3),
    ("not_found", "PROJECT_NOT_FOUND", 0.2),
    ("conflict", "SESSION_EXISTS", 0.2),
    ("internal", "WORKTREE_FAILED", 0.3),
)
SCHEMA = """
create table goose_db_version (
    id integer primary key autoincrement, version_id integer not null,
    is_applied integer not null, tstamp timestamp default (datetime('now'))
);
create table telemetry_event (
    id text primary key,
    occurred_at timestamp not null,
    name text not null,
    source text not null,
    level text not null,
    project_id text,
    session_id text,
    request_id text not null default '',
    payload_json text not null
);
create index telemetry_event_occurred_at on telemetry_event (occurred_at);
create index telemetry_event_name on telemetry_event (name, occurred_at);
"""


def go_time(moment: datetime) -> str:
    """`moment` as Go's `time.Time.String()` writes a UTC time: nanoseconds (invented below
    the microsecond) with trailing zeros trimmed, no fraction when whole seconds."""
    nanos = moment.microsecond * 1000 + (moment.microsecond * 7919) % 1000
    fraction = f".{nanos:09d}".rstrip("0").rstrip(".")
    return moment.strftime("%Y-%m-%d %H:%M:%S") + fraction + " +0000 UTC"


def fingerprint(*parts: str) -> str:
    return hashlib.sha256("|".join(p for p in parts if p).encode()).hexdigest()[:16]


@dataclass
class Install:
    install_id: str
    folder: str
    host: str
    rows: list[tuple] = field(default_factory=list)
    projects: int = 0
    sessions: int = 0


class Writer:
    """Appends one install's rows as the daemon would."""

    def __init__(self, install: Install, rng: random.Random) -> None:
        self.install, self.rng = install, rng
        self.daemon_start = ""

    def request_id(self) -> str:
        chars = "".join(self.rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(10))
        return f"{self.install.host}/{chars}-{self.rng.randrange(10**6):06d}"

    def add(
        self,
        moment: datetime,
        name: str,
        source: str,
        level: str,
        payload: dict,
        project: str | None = None,
        session: str | None = None,
        request: str = "",
    ) -> None:
        if moment.date() < FINGERPRINT_DAY:
            payload = {k: v for k, v in payload.items() if k not in ("component", "operation", "fingerprint")}
        text = json.dumps(payload, sort_keys=True, separators=(",", ":"))
        event_id = f"tev_{uuid.UUID(int=self.rng.getrandbits(128), version=4)}"
        row = (event_id, go_time(moment), name, source, level, project, session, request, text)
        self.install.rows.append(row)

    def cli_call(self, moment: datetime, command: str, usage_error: bool) -> None:
        request = self.request_id()
        payload = {"command": command, "command_path": f"ao {command}"}
        self.add(moment, "ao.cli.invoked", "cli", "info", payload, request=request)
        self.add(moment, "ao.app.active", "cli", "info", {**payload, "channel": "cli"}, request=request)
        if usage_error:
            self.add(
                moment + timedelta(milliseconds=5),
                "ao.cli.usage_errors",
                "cli",
                "warn",
                {
                    **payload,
                    "component": "cli",
                    "operation": "command_parse",
                    "error_kind": "usage",
                    "fingerprint": fingerprint("cli", "command_parse", "usage", command),
                },
                request=request,
            )

    def panic(self, moment: datetime) -> None:
        request = self.request_id()
        route = self.rng.choice(("/api/sessions", "/api/projects/{id}"))
        common = {"component": "http", "method": "POST", "path": route}
        print_ = fingerprint("http", "http_request_panic", route, "nil_map")
        self.add(
            moment,
            "ao.daemon.panic",
            "http",
            "error",
            {
                **common,
                "operation": "http_request_panic",
                "panic_kind": "runtime_error",
                "stack_fingerprint": uuid.UUID(int=self.rng.getrandbits(128)).hex[:16],
                "fingerprint": print_,
            },
            request=request,
        )
        self.add(
            moment,  # the same instant: a tie
            "ao.http.5xx",
            "http",
            "error",
            {
                **common,
                "operation": "http_request",
                "status": 500,
                "status_family": "5xx",
                "duration": self.rng.randrange(2, 90),
                "fingerprint": print_,
            },
            request=request,
        )

    def spawn(self, moment: datetime, project: str, first: bool) -> bool:
        harness = self.rng.choice(HARNESSES)
        kind = "orchestrator" if self.rng.random() < 0.2 else "worker"
        duration = self.rng.randrange(300, 9000)
        if self.rng.random() < 0.25:
            kinds = [k for k in SPAWN_ERRORS]
            error_kind, code, _ = self.rng.choices(kinds, weights=[k[2] for k in kinds])[0]
            self.add(
                moment,
                "ao.session.spawn_failed",
                "session_service",
                "error",
                {
                    "component": "session_service",
                    "operation": "spawn_session",
                    "kind": kind,
                    "harness": harness,
                    "duration_ms": duration,
                    "error_kind": error_kind,
                    "error_code": code,
                    "fingerprint": fingerprint("session_service", "spawn_session", error_kind, code),
                },
                project=project,
            )
            return False
        self.install.sessions += 1
        session = f"{project}-{self.install.sessions}"
        payload = {"kind": kind, "harness": harness, "duration_ms": duration}
        self.add(moment, "ao.session.spawned", "session_service", "info", payload, project, session)
        if first:
            self.add(
                moment,
                "ao.onboarding.first_session_spawned",
                "session_service",
                "info",
                {"kind": kind, "harness": harness},
                project,
                session,
            )
        if self.rng.random() < 0.6:
            entered = moment + timedelta(minutes=self.rng.randrange(1, 30))
            self.add(
                entered,
                "ao.session.waiting_input_entered",
                "lifecycle",
                "info",
                {"state": "waiting_input"},
                project,
                session,
            )
            if self.rng.random() < 0.75:  # exited only on activity: some never close
                dwell = self.rng.randrange(5_000, 900_000)
                self.add(
                    entered + timedelta(milliseconds=dwell),
                    "ao.session.waiting_input_exited",
                    "lifecycle",
                    "info",
                    {"state": "working", "dwell_ms": dwell, "exited_to": "working"},
                    project,
                    session,
                )
        return True


def _step(rng: random.Random, minutes: int) -> timedelta:
    """A pause of up to `minutes`, its fraction of a second whole, round or any."""
    micros = rng.choice((0, 0, 500_000, 120_000, rng.randrange(1_000_000)))
    return timedelta(minutes=rng.randrange(1, minutes), microseconds=micros)


def _install_day(writer: Writer, day: date, rng: random.Random, first_day: bool) -> None:
    start = datetime(day.year, day.month, day.day, 8, tzinfo=UTC) + timedelta(minutes=rng.randrange(0, 600))
    writer.add(start, "ao.daemon.started", "daemon", "info", {"agent": "claude-code", "port": 3847})
    moment = start + timedelta(seconds=rng.randrange(5, 60))
    if first_day or rng.random() < 0.1:  # "first" repeats when every project was archived
        project = rng.choice(PROJECTS)
        payload = {"has_git_remote": rng.random() < 0.7, "kind": "single_repo"}
        writer.add(moment, "ao.projects.created", "project_service", "info", payload, project)
        writer.add(moment, "ao.onboarding.first_project_added", "project_service", "info", payload, project)
        writer.install.projects += 1
    for _ in range(rng.randrange(1, 5)):
        moment += _step(rng, 40)
        writer.cli_call(moment, rng.choice(("status", "spawn", "ls", "attach")), rng.random() < 0.15)
    projects = list(PROJECTS[: max(1, writer.install.projects)])
    first = writer.install.sessions == 0
    for _ in range(rng.randrange(1, 6)):
        moment += _step(rng, 50)
        if writer.spawn(moment, rng.choice(projects), first):
            first = False
    if rng.random() < 0.12:
        writer.panic(moment + timedelta(minutes=3))


def write_database(path: Path, rows: list[tuple], created: str) -> None:
    """An `ao.db` holding `rows` (WAL mode, as the daemon opens it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    with sqlite3.connect(path) as con:
        con.execute("pragma journal_mode = wal")
        con.executescript(SCHEMA)
        con.execute(
            "insert into goose_db_version (version_id, is_applied, tstamp) values (0, 1, ?)", (created,)
        )
        con.executemany("insert into telemetry_event values (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    con.close()


def generate_reverbcode_sample(
    out: Path,
    days: int = DEFAULT_DAYS,
    end_date: date = DEFAULT_END_DATE,
    seed: int = DEFAULT_SEED,
    installs: int = DEFAULT_INSTALLS,
) -> dict:
    """Write the fleet under `out` (see the module's docs); the same options give the same
    rows. The last install has no `telemetry_install_id` file (its id is derived)."""
    rng = random.Random(seed)
    manifest: dict = {"app": "reverbcode", "installs": []}
    fleet: list[Install] = []
    first_day = end_date - timedelta(days=days - 1)
    for number in range(installs):
        install = Install(
            install_id=f"ins_{uuid.UUID(int=rng.getrandbits(128), version=4)}",
            folder=f"install-{number + 1:02d}",
            host=rng.choice(("janes-macbook", "build-box", "kevin-laptop")),
        )
        writer = Writer(install, rng)
        fleet.append(install)
        joined = first_day + timedelta(days=rng.randrange(0, max(1, days // 2)))
        active = [d for d in (joined + timedelta(n) for n in range((end_date - joined).days + 1))]
        for index, day in enumerate(active):
            if index == 0 or rng.random() < 0.7:
                _install_day(writer, day, rng, first_day=index == 0)
        folder = out / "ao-db" / install.folder
        write_database(folder / "ao.db", install.rows, f"{joined.isoformat()} 07:59:00")
        id_file = folder / "telemetry_install_id"
        if number < installs - 1:
            id_file.write_text(install.install_id + "\n", encoding="utf-8")
        else:
            id_file.unlink(missing_ok=True)
        manifest["installs"].append(
            {"folder": install.folder, "install_id": install.install_id, "rows": len(install.rows)}
        )
    manifest["rows"] = sum(i["rows"] for i in manifest["installs"])
    manifest["posthog_files"] = write_posthog_export(out / "posthog", fleet, rng)
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


# --------------------------------------------------------------------------- PostHog


POSTHOG_NAMESPACE = uuid.UUID("932979b4-65c3-4424-8467-0b66ec27bc22")


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def posthog_event(install: Install, row: tuple, rng: random.Random) -> dict:
    """One `ao.db` row as PostHog's batch export holds it after the sink sent it."""
    event_id, occurred, name, source, level, project, session, request, payload = row
    stamp, _offset, _zone = occurred.rsplit(" ", 2)
    whole, _, fraction = stamp.partition(".")
    moment = datetime.strptime(whole, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    micros = int((fraction + "000000")[:6])
    moment = moment.replace(microsecond=micros)
    properties: dict = {"source": source, "level": level, **json.loads(payload)}
    if request:
        properties["request_id"] = request
    if project:
        properties["project_id_hash"] = sha256_hex(project)
    if session:
        properties["session_id_hash"] = sha256_hex(session)
    properties["$ip"] = f"203.0.113.{rng.randrange(1, 255)}"
    properties["$geoip_city_name"] = rng.choice(("Lisbon", "Austin", "Berlin"))
    properties["$geoip_country_code"] = rng.choice(("PT", "US", "DE"))
    ingested = moment + timedelta(seconds=rng.choice((2, 5, 30, 3600 * 3)))
    return {
        "uuid": str(uuid.uuid5(POSTHOG_NAMESPACE, event_id)),
        "event": name,
        "distinct_id": install.install_id,
        "person_id": str(uuid.uuid5(POSTHOG_NAMESPACE, f"1:{install.install_id}")),
        "properties": properties,
        "person_properties": {"email": "jane.doe@example.com", "name": "Jane Doe"},
        "elements_chain": "",
        "timestamp": moment.isoformat(),
        "created_at": ingested.isoformat(),
        "_inserted_at": ingested.isoformat(),
    }


def _write_jsonl_gz(path: Path, events: list[dict], rng: random.Random) -> None:
    """Gzip with one member per line, as the S3 destination writes it; key order varies."""
    with path.open("wb") as handle:
        for event in events:
            items = list(event.items())
            rng.shuffle(items)
            record = dict(items)
            if rng.random() < 0.1:  # a value that was written as a JSON string
                record["properties"] = json.dumps(record["properties"])
            handle.write(gzip.compress((json.dumps(record) + "\n").encode(), mtime=0))


def _write_parquet(path: Path, events: list[dict]) -> None:
    """Parquet as the export writes it: JSON columns as strings, times as UTC instants."""
    staging = path.with_suffix(".tmp.jsonl")
    with staging.open("w", encoding="utf-8") as handle:
        for event in events:
            flat = {**event, "properties": json.dumps(event["properties"])}
            flat["person_properties"] = json.dumps(event["person_properties"])
            handle.write(json.dumps(flat) + "\n")
    with duckdb.connect() as con:
        con.execute("set timezone = 'UTC'")
        con.execute(
            f"""
            copy (
                select uuid, event, distinct_id, person_id, properties, person_properties,
                    elements_chain, cast("timestamp" as timestamptz) as "timestamp",
                    cast(created_at as timestamptz) as created_at, _inserted_at
                from read_json('{staging}', format = 'newline_delimited', columns = {{
                    uuid: 'VARCHAR', event: 'VARCHAR', distinct_id: 'VARCHAR', person_id: 'VARCHAR',
                    properties: 'VARCHAR', person_properties: 'VARCHAR', elements_chain: 'VARCHAR',
                    "timestamp": 'VARCHAR', created_at: 'VARCHAR', _inserted_at: 'VARCHAR'
                }})
                order by created_at
            ) to '{path}' (format parquet, compression zstd)
            """
        )
    staging.unlink()


def write_posthog_export(out: Path, fleet: list[Install], rng: random.Random) -> list[str]:
    """The fleet's events as PostHog's S3 batch export: one file per UTC day of ingestion
    (`created_at`), a repeated event, a backfill of one day by event time, the last day as
    Parquet. Returns the file names."""
    out.mkdir(parents=True, exist_ok=True)
    for old in out.iterdir():
        old.unlink()
    events = [posthog_event(install, row, rng) for install in fleet for row in install.rows]
    by_day: dict[str, list[dict]] = {}
    for event in sorted(events, key=lambda e: e["created_at"]):
        by_day.setdefault(event["created_at"][:10], []).append(event)
    days = sorted(by_day)
    names = []
    for day in days:
        start = date.fromisoformat(day)
        stem = f"{start.isoformat()}T00:00:00-{(start + timedelta(days=1)).isoformat()}T00:00:00"
        day_events = by_day[day]
        if day == days[len(days) // 2]:
            day_events = [*day_events, day_events[0]]  # exported twice in one file
        if day == days[-1]:
            _write_parquet(out / f"{stem}.parquet", day_events)
            names.append(f"{stem}.parquet")
        else:
            _write_jsonl_gz(out / f"{stem}.jsonl.gz", day_events, rng)
            names.append(f"{stem}.jsonl.gz")
    # a backfill selects by event time: it repeats events exported before
    backfill_day = days[len(days) // 3]
    repeated = [e for e in events if e["timestamp"][:10] == backfill_day]
    _write_jsonl_gz(out / f"backfill-{backfill_day}.jsonl.gz", repeated, rng)
    names.append(f"backfill-{backfill_day}.jsonl.gz")
    return names
