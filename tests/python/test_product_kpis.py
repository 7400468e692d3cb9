"""Product KPIs end to end on the bundled Osaurus sample: landed as its file names say,
built by `dbt build`, and checked against an independent computation in plain Python over
the export files (each event once by its 8 core columns, as landing keeps it; the funnel
followed by a state machine over each user-day's events, not by joins)."""

from __future__ import annotations

import csv
import json
import math
import re
import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from conftest import REPO_ROOT, query, run_cli, run_dbt
from test_report import cli_env, run_telemetry, unwrap

from telemetry.aptabase.export_format import CORE_COLUMNS, EXPORT_COLUMNS
from telemetry.devtools.sample_osaurus import generate_osaurus_sample

OSAURUS = REPO_ROOT / "data" / "sample-osaurus"
SEEDS = REPO_ROOT / "seeds"
DAILY_FILE = re.compile(r"^osaurus-release-\d{4}-\d{2}-\d{2}\.csv$")


@dataclass(frozen=True)
class Ev:
    ts: datetime
    user_id: str
    session_id: str
    event_name: str
    props: dict

    @property
    def day(self) -> str:
        return self.ts.date().isoformat()


def export_events() -> list[Ev]:
    """The unique events of the daily CSV exports (the other files repeat them)."""
    unique: dict[tuple[str, ...], list[str]] = {}
    for path in sorted(OSAURUS.iterdir()):
        if not DAILY_FILE.match(path.name):
            continue
        with path.open(newline="", encoding="utf-8") as handle:
            for row in csv.reader(handle):
                if row == list(EXPORT_COLUMNS):
                    continue
                key = tuple(row[EXPORT_COLUMNS.index(c)] for c in CORE_COLUMNS)
                unique.setdefault(key, row)
    column = {name: i for i, name in enumerate(EXPORT_COLUMNS)}
    return [
        Ev(
            ts=datetime.strptime(row[column["timestamp"]], "%Y-%m-%d %H:%M:%S"),
            user_id=row[column["user_id"]],
            session_id=row[column["session_id"]],
            event_name=row[column["event_name"]],
            props=json.loads(row[column["string_props"]].replace("\\'", "'") or "{}"),
        )
        for row in unique.values()
    ]


def seed_rows(name: str, app: str = "osaurus") -> list[dict[str, str]]:
    with (SEEDS / f"{name}.csv").open(newline="", encoding="utf-8") as handle:
        return [row for row in csv.DictReader(handle) if row["app"] in (app, "*")]


def matches(ev: Ev, event_name: str, prop_key: str, prop_value: str) -> bool:
    return ev.event_name == event_name and (not prop_key or str(ev.props.get(prop_key)) == prop_value)


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    margin = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - margin), min(1.0, centre + margin)


@pytest.fixture(scope="module")
def events() -> list[Ev]:
    return export_events()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The acceptance run: `telemetry land <osaurus export>` then `dbt build`."""
    tmp = tmp_path_factory.mktemp("osaurus")
    db = tmp / "warehouse.duckdb"
    run_cli("land", str(OSAURUS), "--db", str(db), check=True)
    run_dbt("build", "--selector", "ci", db=db, tmp=tmp)
    return db


@pytest.fixture(scope="module")
def report(built: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """`telemetry build` (publish) and `telemetry report --min-group-users 40`: Markdown and HTML."""
    tmp = tmp_path_factory.mktemp("osaurus-report")
    env = cli_env(tmp)
    published = run_telemetry(env, "build", "--db", str(built))
    assert published.returncode == 0, published.stderr
    md, html = tmp / "report.md", tmp / "report.html"
    args = ["--db", str(built), "--min-group-users", "40", "--out", str(md), "--out", str(html)]
    result = run_telemetry(env, "report", *args)
    assert result.returncode == 0, result.stderr
    return unwrap(md.read_text(encoding="utf-8")), html.read_text(encoding="utf-8")


def test_bundled_osaurus_sample_is_what_the_generator_writes(tmp_path: Path) -> None:
    """data/sample-osaurus is `telemetry sample --app osaurus --page-size 250`."""
    manifest = generate_osaurus_sample(tmp_path, page_size=250)
    bundled = json.loads((OSAURUS / "manifest.json").read_text(encoding="utf-8"))
    assert bundled["ground_truth"] == manifest.ground_truth
    for f in manifest.files:
        if f.kind != "parquet":  # Parquet bytes depend on the DuckDB version
            assert (OSAURUS / f.name).read_bytes() == (tmp_path / f.name).read_bytes(), f.name


def test_the_warehouse_knows_its_app_from_the_file_names(built: Path) -> None:
    assert query(built, "select app, identity_horizon from marts.dim_app") == [("osaurus", "user_day")]
    assert query(built, "select count(*) from marts.dim_funnel_steps where funnel = 'onboarding'") == [(7,)]


def test_activity_matches_an_independent_count(built: Path, events: list[Ev]) -> None:
    markers = {r["event_name"]: r["product_role"] for r in seed_rows("product_events")}
    expected = {}
    for day in sorted({e.day for e in events}):
        today = [e for e in events if e.day == day]
        expected[day] = (
            len(today),
            len({e.user_id for e in today}),
            len({e.session_id for e in today}),
            len({e.user_id for e in today if markers.get(e.event_name) == "install_marker"}),
            sum(1 for e in today if markers.get(e.event_name) == "launch"),
        )
    rows = query(
        built,
        "select strftime(day, '%Y-%m-%d'), events, active_users, sessions, new_installs, launches"
        " from marts.kpi_activity_daily",
    )
    assert {r[0]: r[1:] for r in rows} == expected
    # a week's figure is the average of its days' active users, never distinct ids
    ((average,),) = query(
        built, "select avg_daily_active_users from marts.kpi_activity_periods where period = 'month'"
    )
    assert average == pytest.approx(statistics.mean(v[1] for v in expected.values()))


def test_engagement_matches_an_independent_count(built: Path, events: list[Ev]) -> None:
    expected: dict[str, tuple[int, int]] = {}
    for day in sorted({e.day for e in events}):
        sent = [e for e in events if e.day == day and e.event_name == "message_sent"]
        expected[day] = (len(sent), len({e.user_id for e in sent}))
    rows = query(
        built,
        "select strftime(day, '%Y-%m-%d'), events, users from marts.kpi_engagement_daily"
        " where event_name = 'message_sent' and is_primary",
    )
    assert {r[0]: r[1:] for r in rows} == expected


def test_feature_adoption_and_its_interval_match_an_independent_count(built: Path, events: list[Ev]) -> None:
    user_days = {(e.user_id, e.day) for e in events}
    adopting: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for rule in seed_rows("feature_events"):
        for e in events:
            if matches(e, rule["event_name"], rule["prop_key"], rule["prop_value"]):
                adopting[rule["feature"]].add((e.user_id, e.day))
    rows = query(
        built,
        "select feature, adopting_users, active_users, adoption_rate_low, adoption_rate_high"
        " from marts.kpi_feature_adoption",
    )
    assert {r[0] for r in rows} == {rule["feature"] for rule in seed_rows("feature_events")}
    for feature, adopting_users, active_users, low, high in rows:
        assert (adopting_users, active_users) == (len(adopting[feature]), len(user_days)), feature
        assert (low, high) == pytest.approx(wilson(adopting_users, active_users), abs=1e-12), feature


def follow_funnel(steps: list[dict[str, str]], day_events: list[Ev]) -> dict[int, datetime]:
    """The steps a user-day reached in order, by a state machine over its step events sorted
    by (second, step, time): a step counts when the one before it was reached already."""
    marked = sorted(
        (e.ts.replace(microsecond=0), int(s["step_order"]), e.ts)
        for e in day_events
        for s in steps
        if matches(e, s["event_name"], s["prop_key"], s["prop_value"])
    )
    reached: dict[int, datetime] = {}
    for _, order, ts in marked:
        if order == len(reached) + 1:
            reached[order] = ts
    return reached


def test_funnel_matches_an_independent_state_machine(built: Path, events: list[Ev]) -> None:
    steps = [s for s in seed_rows("funnel_steps") if s["funnel"] == "onboarding"]
    by_user_day: dict[tuple[str, str], list[Ev]] = defaultdict(list)
    for e in events:
        by_user_day[(e.user_id, e.day)].append(e)
    reached = defaultdict(int)
    seconds: dict[int, list[float]] = defaultdict(list)
    viewed = defaultdict(int)
    skipped = defaultdict(int)
    for day_events in by_user_day.values():
        path = follow_funnel(steps, day_events)
        for order, ts in path.items():
            reached[order] += 1
            if order > 1:
                seconds[order].append(max(0.0, (ts - path[order - 1]).total_seconds()))
        for s in steps:
            order = int(s["step_order"])
            viewed[order] += any(
                matches(e, s["event_name"], s["prop_key"], s["prop_value"]) for e in day_events
            )
            if s["skip_event_name"]:
                skipped[order] += any(
                    matches(e, s["skip_event_name"], s["prop_key"], s["prop_value"]) for e in day_events
                )
    rows = query(
        built,
        "select step_order, users_reached, dropped_users, median_seconds_from_previous, viewed_users,"
        " skipped_users from marts.kpi_funnel_steps where funnel = 'onboarding' order by step_order",
    )
    assert [r[0] for r in rows] == list(range(1, 8))
    for order, users_reached, dropped, median, viewed_users, skipped_users in rows:
        assert users_reached == reached[order], order
        assert dropped == (None if order == 1 else reached[order - 1] - reached[order])
        assert median == (pytest.approx(statistics.median(seconds[order])) if seconds[order] else None)
        assert viewed_users == viewed[order]
        assert skipped_users == (skipped[order] if steps[order - 1]["skip_event_name"] else None)
    # the sample holds what makes a funnel hard: steps out of order and across days
    assert viewed[5] > reached[5] and reached[1] > reached[7] > 0


def test_no_breakdown_group_under_k_is_published(built: Path, events: list[Ev], tmp_path: Path) -> None:
    """With k = 40, every provider type sent by fewer than 40 user-days has no counts."""
    run_dbt(
        "build", "--select", "kpi_scope_params", "kpi_scope", "kpi_engagement_breakdowns",
        db=built, tmp=tmp_path, vars="{min_group_users: 40}",
    )  # fmt: skip
    user_days: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for e in events:
        if e.event_name == "message_sent":
            user_days[e.props["provider_type"]].add((e.user_id, e.day))
    rows = query(
        built,
        "select prop_value, suppressed, users from marts.kpi_engagement_breakdowns"
        " where event_name = 'message_sent' and prop_key = 'provider_type'",
    )
    expected = {
        value: (len(days) < 40, None if len(days) < 40 else len(days)) for value, days in user_days.items()
    }
    assert {value: (suppressed, users) for value, suppressed, users in rows} == expected
    assert any(suppressed for suppressed, _ in expected.values())
    assert not all(suppressed for suppressed, _ in expected.values())


def test_report_shows_the_product_section(report: tuple[str, str], events: list[Ev]) -> None:
    md, html = report
    section = md[md.index("## Product") : md.index("## Prioritized fix suggestions")]
    assert "App `osaurus`; identity horizon: user-day." in section
    assert (
        "Retention and lifecycle (new, returning, resurrecting, dormant users) need ids that outlive a day"
        in section
    )
    for heading in ("### Activity", "### Engagement", "### Feature adoption", "### Funnel: onboarding"):
        assert heading in section
    # the funnel table's Reached column is the independent state machine's count
    steps = [s for s in seed_rows("funnel_steps") if s["funnel"] == "onboarding"]
    by_user_day: dict[tuple[str, str], list[Ev]] = defaultdict(list)
    for e in events:
        by_user_day[(e.user_id, e.day)].append(e)
    reached = defaultdict(int)
    for day_events in by_user_day.values():
        for order in follow_funnel(steps, day_events):
            reached[order] += 1
    funnel = section[section.index("### Funnel: onboarding") :]
    for s in steps:
        row = re.search(rf"^\|\s+{s['step_order']} \| {s['step_name']}\s+\|\s+([\d,]+) \|", funnel, re.M)
        assert row and int(row.group(1).replace(",", "")) == reached[int(s["step_order"])], s["step_name"]
    # k = 40: small provider types show no number; the HTML draws one funnel bar per step
    assert "fewer than 40 users" in section
    assert "A value sent by fewer than 40 users (user-days) is never shown as a number" in section
    assert html.count('data-mark="funnel"') == len(steps)


def test_report_splits_by_ram_tier_and_names_the_funnel_drop(
    report: tuple[str, str], events: list[Ev]
) -> None:
    md, _ = report
    tiers: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for e in events:
        tiers[e.props["total_memory_gb"]].add((e.user_id, e.day))
    section = md[md.index("### Segments") :]
    for tier, user_days in tiers.items():
        row = re.search(rf"^\| `{re.escape(tier)}`\s+\|\s+([^|]+?)\s+\|", section, re.M)
        assert row, tier
        shown = row.group(1)
        assert shown == ("fewer than 40" if len(user_days) < 40 else f"{len(user_days):,}"), tier
    assert any(len(days) < 40 for days in tiers.values()) and any(len(days) >= 40 for days in tiers.values())
    # the RAM tier (a prop) comes before the columns every app has
    assert section.index("| ram_tier ") < section.index("| app_version ") < section.index("| os_family ")
    findings = md[md.index("## Key findings") : md.index("## Headline rates")]
    assert re.search(
        r"Funnel onboarding: [\d.]+% of \d+ entered user-days reached chat_used the same day", findings
    )
    assert "`message_sent` (primary metric)" in findings
