"""What landing did, file by file, and the lines that say it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class FileResult:
    """What landing one file did. `lines_read = header_lines + rows_landed + rejected`;
    `rows_landed = new_events + duplicates`; blank lines are skipped and counted apart.
    For a database (an `ao.db`), `lines_read` counts the table's rows."""

    path: Path
    checksum: str
    status: str  # landed | already landed | empty
    lines_read: int = 0
    header_lines: int = 0
    rows_landed: int = 0
    duplicates: int = 0
    rejected: int = 0
    blank_lines: int = 0
    note: str = ""  # why `lines_read` is not `wc -l` minus the blank lines, when it is not
    source: str = "aptabase"
    remark: str = ""  # what else the summary must say (e.g. where an install id came from)

    @property
    def new_events(self) -> int:
        return self.rows_landed - self.duplicates


@dataclass
class LandReport:
    files: list[FileResult] = field(default_factory=list)
    failed: list[tuple[Path, str]] = field(default_factory=list)

    def total(self, attr: str) -> int:
        return sum(getattr(f, attr) for f in self.files)


def file_line(result: FileResult, number: int, count: int) -> str:
    prefix = f"[{number}/{count}] {result.path}"
    if result.status == "already landed":
        return f"{prefix}: already landed (same checksum {result.checksum[:12]}), skipped"
    if result.status == "empty":
        blank = f" ({result.blank_lines} blank lines)" if result.blank_lines else ""
        return f"{prefix}: empty file{blank}, nothing to land"
    extra = f"; {result.blank_lines} blank lines skipped" if result.blank_lines else ""
    extra += f"; {result.note}" if result.note else ""
    extra += f"; {result.remark}" if result.remark else ""
    if result.source != "aptabase":
        return (
            f"{prefix} ({result.source}): {result.lines_read} rows read = {result.rows_landed} rows landed"
            f" + {result.rejected} rejected; {result.duplicates} of the landed rows duplicate events"
            f" already landed{extra}"
        )
    return (
        f"{prefix}: {result.lines_read} lines read = {result.header_lines} header lines"
        f" + {result.rows_landed} rows landed + {result.rejected} rejected;"
        f" {result.duplicates} of the landed rows duplicate events already landed{extra}"
    )


def total_line(report: LandReport) -> str:
    skipped = sum(1 for f in report.files if f.status == "already landed")
    failed = f", {len(report.failed)} could not land" if report.failed else ""
    return (
        f"total: {len(report.files)} files ({skipped} already landed{failed}):"
        f" {report.total('lines_read')} lines read = {report.total('header_lines')} header lines"
        f" + {report.total('rows_landed')} rows landed + {report.total('rejected')} rejected;"
        f" {report.total('duplicates')} duplicates, {report.total('new_events')} new events"
    )
