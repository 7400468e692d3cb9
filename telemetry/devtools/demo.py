"""The demo (`telemetry demo`): the whole job on the bundled sample, with no credentials.

1. start the local Aptabase-compatible server on `data/sample/` (with a 429 and a cut
   download injected, so the extractor's retries show);
2. export every day of the sample with the real extractor and land the files;
3. `dbt build` the warehouse (staging, intermediate, marts and every test);
4. print the reliability report (and write the HTML one).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

from telemetry.errors import UserError
from telemetry.paths import REPO_ROOT, SAMPLE_DIR, dbt_command


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

    _step(f"1/4 local Aptabase server on the bundled sample ({start} .. {end - timedelta(days=1)})")
    faults = Faults(too_many=1, cuts=1, cut_after=20_000)
    with FakeAptabase(data_dirs=[SAMPLE_DIR], faults=faults) as server:
        app = server.apps[0]
        print(
            f"serving {server.store.count()} events of app {app.name} ({app.app_key}) at {server.url}",
            file=sys.stderr,
        )
        _step("2/4 export every day with the extractor, then land the files")
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

    _step("3/4 dbt build (staging, intermediate, marts, tests)")
    build = subprocess.run(
        [*dbt_command(), "build", "--project-dir", str(REPO_ROOT), "--profiles-dir", str(REPO_ROOT)],
        cwd=REPO_ROOT,
        env={**os.environ, "TELEMETRY_DB": str(db_path)},
        stdout=sys.stderr,
        stderr=sys.stderr,
    )
    if build.returncode != 0:
        raise UserError("dbt build failed (see its output above)")

    _step("4/4 the reliability report (last 48 hours of the sample, top 2 versions)")
    from telemetry.cli import main as telemetry

    html.parent.mkdir(parents=True, exist_ok=True)
    common = ["--db", str(db_path), "--window-hours", "48", "--top-app-versions", "2"]
    code = telemetry(["report", *common, "--format", "html", "--out", str(html)])
    if code:
        return code
    print(f"HTML report: {html}", file=sys.stderr)
    return telemetry(["report", *common])
