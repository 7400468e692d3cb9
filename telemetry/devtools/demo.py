"""The demo (`telemetry demo`): the whole job on the bundled sample, with no credentials.

1. start the local Aptabase-compatible server on `data/sample/` (with a 429 and a cut
   download injected, so the extractor's retries show);
2. export every day of the sample with the real extractor and land the files;
3. build the warehouse (`telemetry build --selector ci`: staging, intermediate, marts and
   every test) and publish its marts;
4. print the reliability report (and write the HTML one), read from the published marts;
5. land the bundled Osaurus sample into a warehouse of its own (a warehouse holds one app),
   build it, write its report and print its product section (activity, engagement,
   adoption, the onboarding funnel);
6. land the bundled ReverbCode fleet (an `ao.db` per install: another source, stable install
   ids) into a warehouse of its own, build it, write its report and print its scope and key
   findings.
"""

from __future__ import annotations

import json
import sys
from datetime import date, timedelta
from pathlib import Path

from telemetry.errors import UserError
from telemetry.paths import OSAURUS_SAMPLE_DIR, REPO_ROOT, REVERBCODE_SAMPLE_DIR, SAMPLE_DIR


def _step(message: str) -> None:
    print(f"\n== {message}", file=sys.stderr, flush=True)


def sample_days() -> tuple[date, date]:
    """First day and exclusive end day of the bundled sample (from its manifest)."""
    manifest = SAMPLE_DIR / "manifest.json"
    if not manifest.exists():
        raise UserError(f"the bundled sample is missing ({manifest}); run `telemetry sample`")
    window = json.loads(manifest.read_text())["window"]
    start = date.fromisoformat(str(window["start"])[:10])
    end = date.fromisoformat(str(window.get("end_exclusive") or window["end"])[:10])
    if end <= start:
        end = start + timedelta(days=1)
    return start, end


def run_demo(db_path: Path, out: Path, html: Path) -> int:
    """The four steps; the exit code of the last report."""
    from telemetry.aptabase.export import utc_now
    from telemetry.cli import parse
    from telemetry.cli.export import execute as export
    from telemetry.devtools.server import DEMO_EMAIL, DEMO_SECRET, FakeAptabase, Faults

    start, end = sample_days()

    _step(f"1/6 local Aptabase server on the bundled sample ({start} .. {end - timedelta(days=1)})")
    faults = Faults(too_many=1, cuts=1, cut_after=20_000)
    with FakeAptabase(data_dirs=[SAMPLE_DIR], faults=faults) as server:
        app = server.apps[0]
        print(
            f"serving {server.store.count()} events of app {app.name} ({app.app_key}) at {server.url}",
            file=sys.stderr,
        )
        _step("2/6 export every day with the extractor, then land the files")
        environ = {
            "BASE_URL": server.url,
            "AUTH_SECRET": DEMO_SECRET,
            "AUTH_NAME": "Demo",
            "AUTH_EMAIL": DEMO_EMAIL,
            "APP_KEY": app.app_key,
            "APTABASE_REGION": server.region,
        }
        export_args = parse(
            [
                "export",
                "--start-date",
                start.isoformat(),
                "--end-date",
                end.isoformat(),
                "--out",
                str(out),
                "--land",
                "--db",
                str(db_path),
                "--backoff",
                "0.2",
            ]
        )
        export(export_args, environ=environ, cwd=REPO_ROOT, now=utc_now(), stdout=sys.stderr)

    _step("3/6 telemetry build --selector ci (staging, intermediate, marts, every test), then publish")
    from telemetry.pipeline.run import BuildRequest, build

    build(BuildRequest(db_path, REPO_ROOT, selector="ci", force=True), echo=_progress)

    _step("4/6 the reliability report (last 48 hours of the sample, top 2 versions)")
    from telemetry.report import ReportScope, build_report

    scope = ReportScope(window_hours=48, top_app_versions=2)
    texts = build_report(db_path, scope, ("md", "html"))  # one computation, two formats
    html.parent.mkdir(parents=True, exist_ok=True)
    html.write_text(texts["html"], encoding="utf-8")
    print(f"HTML report: {html} (the same numbers: {scope.command_line('html')})", file=sys.stderr)
    sys.stdout.write(texts["md"])
    sys.stdout.flush()
    osaurus_demo(db_path.with_name(f"{db_path.stem}-osaurus{db_path.suffix}"), html)
    reverbcode_demo(db_path.with_name(f"{db_path.stem}-reverbcode{db_path.suffix}"), html)
    return 0


def osaurus_demo(db_path: Path, html: Path) -> None:
    """Step 5: the Osaurus sample in its own warehouse; its report beside the HTML one, its
    product section printed."""
    folder = OSAURUS_SAMPLE_DIR.relative_to(REPO_ROOT)
    _step(f"5/6 another app: land {folder} into {db_path.name}, build, report")
    _other_warehouse(
        OSAURUS_SAMPLE_DIR, db_path, html, "osaurus", ("## Product", "\n## "), f"Osaurus ({folder})"
    )


def reverbcode_demo(db_path: Path, html: Path) -> None:
    """Step 6: the ReverbCode fleet's `ao.db` files in their own warehouse (another source,
    stable install ids); its report beside the others, its scope and key findings printed."""
    fleet = REVERBCODE_SAMPLE_DIR / "ao-db"
    folder = fleet.relative_to(REPO_ROOT)
    _step(f"6/6 another source: land {folder} (an ao.db per install) into {db_path.name}, build, report")
    _other_warehouse(
        fleet, db_path, html, "reverbcode", ("## Scope", "## Headline rates"), f"ReverbCode ({folder})"
    )


def _other_warehouse(
    sample: Path, db_path: Path, html: Path, name: str, section: tuple[str, str], title: str
) -> None:
    """Land `sample` into a warehouse of its own, build and publish it, write its report
    (`<html stem>-<name>.md/.html`) and print the part of it from `section[0]` to `section[1]`."""
    from telemetry.land.run import land_paths
    from telemetry.pipeline.run import BuildRequest, build
    from telemetry.report import ReportScope, build_report

    land_paths([sample], db_path, echo=_progress)
    build(BuildRequest(db_path, REPO_ROOT, selector="ci", force=True), echo=_progress)
    texts = build_report(db_path, ReportScope(), ("md", "html"))
    paths = {fmt: html.with_name(f"{html.stem}-{name}.{fmt}") for fmt in ("md", "html")}
    for fmt, path in paths.items():
        path.write_text(texts[fmt], encoding="utf-8")
    print(f"{title.split(' ')[0]} report: {paths['md']} and {paths['html']}", file=sys.stderr)
    md = texts["md"]
    start = md.find(section[0])
    end = md.find(section[1], start + 1)
    sys.stdout.write(f"\n\n# {title}\n\n" + md[start : end if end > 0 else None].rstrip() + "\n")
    sys.stdout.flush()


def _progress(line: str) -> None:
    print(line, file=sys.stderr, flush=True)
