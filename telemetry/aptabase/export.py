"""Export UTC days from Aptabase: one request and one file per day, complete or absent.

Each day is streamed into a hidden temporary file next to its final name
(`.{name}.{random}.part`), checked (telemetry.aptabase.checks) and only then renamed to
`{app}-{build_mode}-{YYYY-MM-DD}.{csv|parquet}`, where `app` is the app's name the way
Aptabase names its own downloads (letters and digits, lower case; the app key if the name
has none). A failed attempt leaves nothing behind. Days already exported completely are
skipped on a re-run, except today and yesterday (UTC), which are still growing.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from telemetry.aptabase.checks import FileCheck, check_export
from telemetry.aptabase.client import App, AptabaseClient
from telemetry.aptabase.retry import IncompleteFile, RetryableError
from telemetry.errors import UserError
from telemetry.progress import Progress, human_bytes


@dataclass(frozen=True)
class ExportPlan:
    days: tuple[date, ...]
    out_dir: Path
    fmt: str = "csv"
    build_mode: str = "release"


@dataclass(frozen=True)
class DayResult:
    day: date
    path: Path
    status: str  # downloaded | skipped
    rows: int
    bytes: int
    attempts: int
    next_midnight_rows: int = 0  # also in the next day's file; de-duplicated when landed


@dataclass
class ExportResult:
    app: App
    days: list[DayResult] = field(default_factory=list)

    @property
    def paths(self) -> list[Path]:
        return [result.path for result in self.days]


# --------------------------------------------------------------------------- windows


def utc_now() -> datetime:
    return datetime.now(UTC)


def days_in_range(start: date, end: date) -> tuple[date, ...]:
    """The days from `start` (inclusive) to `end` (exclusive)."""
    return tuple(start + timedelta(days=n) for n in range((end - start).days))


def last_hours_window(now: datetime, hours: int) -> tuple[datetime, datetime, tuple[date, ...]]:
    """The window [now - hours, now] in UTC and the UTC days it overlaps."""
    if hours < 1:
        raise UserError("--last-hours must be at least 1")
    end = now.astimezone(UTC)
    start = end - timedelta(hours=hours)
    return start, end, days_in_range(start.date(), end.date() + timedelta(days=1))


def still_growing(day: date, now: datetime) -> bool:
    """Today and yesterday (UTC) are always fetched again: late events still arrive."""
    return day >= now.astimezone(UTC).date() - timedelta(days=1)


def export_file_name(app: App, build_mode: str, day: date, fmt: str) -> str:
    return f"{app.slug}-{build_mode}-{day.isoformat()}.{fmt}"


# --------------------------------------------------------------------------- export


def run_export(
    client: AptabaseClient,
    app_key: str,
    plan: ExportPlan,
    *,
    now: datetime,
    progress: Progress,
    echo: Callable[[str], None],
    warn: Callable[[str], None],
) -> ExportResult:
    """Sign in, find the app, export every day of the plan; a UserError names the first day
    that failed after all attempts (the days before it stay exported)."""
    app = client.find_app(app_key)
    try:
        plan.out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"cannot create the output folder {plan.out_dir}: {exc.strerror or exc}") from None
    first, last = plan.days[0], plan.days[-1]
    echo(
        f"exporting {app.name or app.app_key} ({app.app_key}), {plan.build_mode} build, "
        f"{plan.fmt}: {len(plan.days)} UTC day(s) {first} .. {last} into {plan.out_dir}"
    )
    result = ExportResult(app)
    for index, day in enumerate(plan.days):
        exporter = _DayExporter(client, app, plan, progress, warn)
        day_result = exporter.export(day, now=now, done=index, total=len(plan.days))
        result.days.append(day_result)
        echo(_day_line(day_result))
    downloaded = sum(1 for r in result.days if r.status == "downloaded")
    echo(
        f"done: {len(result.days)} day(s), {downloaded} downloaded, "
        f"{len(result.days) - downloaded} already complete; "
        f"{sum(r.rows for r in result.days):,} rows"
    )
    return result


class _DayExporter:
    def __init__(
        self,
        client: AptabaseClient,
        app: App,
        plan: ExportPlan,
        progress: Progress,
        warn: Callable[[str], None],
    ) -> None:
        self.client = client
        self.app = app
        self.plan = plan
        self.progress = progress
        self.warn = warn

    def export(self, day: date, *, now: datetime, done: int, total: int) -> DayResult:
        final = self.plan.out_dir / export_file_name(self.app, self.plan.build_mode, day, self.plan.fmt)
        remove_stale_parts(final)
        if final.exists() and not still_growing(day, now):
            try:
                check = check_export(final, day, self.plan.fmt)
                size = final.stat().st_size
                return DayResult(day, final, "skipped", check.rows, size, 0, check.next_midnight_rows)
            except IncompleteFile as exc:
                self.warn(f"{day}: {final.name} is not complete ({exc.reason}); downloading it again")
        self.progress.start(day.isoformat(), done, total)
        try:
            return self._download_with_retries(day, final)
        except OSError as exc:  # the disk, not the network: retrying will not help
            raise UserError(f"{day}: cannot write in {final.parent}: {exc.strerror or exc}") from None
        finally:
            self.progress.end()

    def _download_with_retries(self, day: date, final: Path) -> DayResult:
        policy = self.client.policy
        attempts = 0

        def attempt() -> tuple[int, FileCheck]:
            nonlocal attempts
            attempts += 1
            if attempts > 1:
                self.progress.reset()
            return self._download_once(day, final)

        def announce(message: str) -> None:
            self.progress.end()
            self.warn(message)

        try:
            nbytes, check = self.client.retrying(attempt, day.isoformat(), announce)
        except RetryableError as exc:
            raise UserError(
                f"could not export {day} after {policy.max_attempts} attempts (last: {exc.reason}); "
                "the days before it are complete, re-run to retry"
            ) from None
        return DayResult(day, final, "downloaded", check.rows, nbytes, attempts, check.next_midnight_rows)

    def _download_once(self, day: date, final: Path) -> tuple[int, FileCheck]:
        part = final.with_name(f".{final.name}.{secrets.token_hex(4)}.part")
        count_rows = self.plan.fmt == "csv"
        try:
            with part.open("wb") as handle:

                def sink(chunk: bytes) -> None:
                    handle.write(chunk)
                    self.progress.advance(len(chunk), chunk.count(b"\n") if count_rows else 0)

                nbytes = self.client.download(
                    self.app, day, build_mode=self.plan.build_mode, fmt=self.plan.fmt, sink=sink
                )
                handle.flush()
                os.fsync(handle.fileno())
            check = check_export(part, day, self.plan.fmt)
            os.replace(part, final)
            return nbytes, check
        finally:
            part.unlink(missing_ok=True)


def remove_stale_parts(final: Path) -> None:
    """Temporary files a killed earlier run left for this day."""
    for stale in final.parent.glob(f".{final.name}.*.part"):
        stale.unlink(missing_ok=True)


def _day_line(result: DayResult) -> str:
    rows = f"{result.rows:,} rows"
    if result.next_midnight_rows:
        rows += f" ({result.next_midnight_rows:,} at the next midnight)"
    if result.status == "skipped":
        return f"{result.day}: already complete ({rows}), skipped: {result.path}"
    retries = f" (after {result.attempts} attempts)" if result.attempts > 1 else ""
    return f"{result.day}: {rows}, {human_bytes(result.bytes)} -> {result.path}{retries}"
