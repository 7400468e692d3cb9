"""Which files a `telemetry land PATH...` names: files, folders and globs."""

from __future__ import annotations

import glob
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from telemetry.errors import UserError
from telemetry.sources import in_folder


def expand_paths(specs: Iterable[str | Path]) -> list[Path]:
    """Files, folders (recursively, every file some source may take by its name: exports,
    compressed files that cannot land, so that they are named, databases) and globs, in a
    stable order; a spec that matches nothing is an error naming it. A file name is
    literal: `day[1].csv` is that file, never a pattern."""
    found: list[Path] = []
    for spec in specs:
        text = str(spec)
        path = Path(text).expanduser()
        if path.is_dir():
            matches = sorted(p for p in path.rglob("*") if p.is_file() and in_folder(p))
            if not matches:
                raise UserError(
                    f"no .csv, .csv.gz, .csv.zst, .parquet or SQLite (.db) files in folder {text}"
                )
        elif path.is_file():
            matches = [path]
        elif path.exists():
            raise UserError(f"not a file or folder: {text}")
        elif glob.has_magic(text):
            matches = sorted(Path(p) for p in glob.glob(text, recursive=True) if Path(p).is_file())
            if not matches:
                raise UserError(f"no files match {text}")
        else:
            raise UserError(f"file not found: {text}")
        for match in matches:
            if match.resolve() not in {f.resolve() for f in found}:
                found.append(match)
    return found


@contextmanager
def literal_path(path: Path) -> Iterator[Path]:
    """`path` as DuckDB may be given it: a name with glob characters (`day[1].csv`) would be
    read as a pattern (and land another file's rows), so it is read through a link with a
    plain name in a temp folder."""
    if not any(char in str(path) for char in "*?[]{}"):
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="telemetry-land-") as folder:
        link = Path(folder) / ("export" + "".join(path.suffixes[-2:]))
        link.symlink_to(path.resolve())
        yield link
