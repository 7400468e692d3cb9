"""A corpus of hostile export files (tests/hostile/files, written by tests/hostile/make_corpus.py) landed as
a user would: each file alone, then the whole folder. Per file (tests/hostile/expected.csv,
checked by hand): the exit code, which physical lines landed, which were rejected and why,
the blank lines skipped, and no row lost: every non-blank line counted here from the file is
a header line, a landed row or a rejected row. Afterwards `dbt build` is green."""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

import pytest
from conftest import REPO_ROOT, query, run_cli, run_dbt

CORPUS = REPO_ROOT / "tests" / "hostile" / "files"
with (CORPUS.parent / "expected.csv").open(newline="", encoding="utf-8") as _handle:
    EXPECTED = list(csv.DictReader(_handle))


def lines(value: str) -> list[int]:
    return [int(n) for n in value.split()]


def physical_lines(path: Path) -> list[bytes] | None:
    """The file's non-blank lines, split here on its line ends (None: not countable here)."""
    if path.suffix == ".zst" or path.suffix == ".parquet":
        return None
    data = path.read_bytes()
    data = gzip.decompress(data) if path.suffix == ".gz" else data
    end = b"\n" if b"\n" in data or b"\r" not in data else b"\r"
    return [line for line in data.split(end) if line.rstrip(b"\r")]


@pytest.fixture(scope="module")
def landed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    db = tmp_path_factory.mktemp("corpus") / "warehouse.duckdb"
    results = {
        case["file"]: run_cli("land", str(CORPUS / case["file"]), "--db", str(db)) for case in EXPECTED
    }
    return db, results


def test_every_corpus_file_has_an_expectation():
    files = {p.name for p in CORPUS.iterdir() if p.is_file()}
    assert files == {case["file"] for case in EXPECTED}


@pytest.mark.parametrize("case", EXPECTED, ids=[case["file"] for case in EXPECTED])
def test_landing_a_hostile_file(landed, case):
    db, results = landed
    result = results[case["file"]]
    source = str((CORPUS / case["file"]).resolve())
    assert result.returncode == int(case["exit_code"]), result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    if result.returncode:
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert case["error"] in result.stderr
        assert query(db, f"select count(*) from raw.landed_files where source_file = '{source}'") == [(0,)]
        return
    landed_lines = query(
        db,
        "select c.source_line from raw.event_copies as c join raw.landed_files as f using (file_checksum)"
        f" where f.source_file = '{source}' order by 1",
    )
    rejected = query(
        db, f"select line_number, reason from raw.rejected_rows where source_file = '{source}' order by 1"
    )
    assert [n for (n,) in landed_lines] == lines(case["landed_lines"])
    assert [n for n, _ in rejected] == lines(case["rejected_lines"])
    reasons = sorted({reason.split(":")[0] for _, reason in rejected})
    assert "|".join(reasons) == case["reasons"], rejected
    (lines_read, header_lines, rows, rejects, blank) = query(
        db,
        "select lines_read, header_lines, rows_landed, rejected_rows, blank_lines from raw.landed_files"
        f" where source_file = '{source}'",
    )[0]
    assert blank == int(case["blank_lines"])
    assert lines_read == header_lines + rows + rejects  # no row lost
    assert rows == len(landed_lines) and rejects == len(rejected)
    counted = physical_lines(CORPUS / case["file"])
    if counted is not None:
        assert lines_read == len(counted)
        data = (CORPUS / case["file"]).read_bytes()
        data = gzip.decompress(data) if case["file"].endswith(".gz") else data
        blank_ends = data.count(b"\n") - len([line for line in data.split(b"\n")[:-1] if line.rstrip(b"\r")])
        if lines_read != data.count(b"\n") - blank_ends:  # wc -l minus blank lines, or the summary says why
            assert "which wc -l does not count" in result.stdout, result.stdout


def test_a_folder_lands_every_file_it_can_and_names_the_others(tmp_path, landed):
    db = tmp_path / "warehouse.duckdb"
    result = run_cli("land", str(CORPUS), "--db", str(db))
    refused = [c["file"] for c in EXPECTED if c["exit_code"] == "1" and c["file"] != "notes.txt"]
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert f"{len(refused)} of {len(EXPECTED) - 1} files could not land" in result.stderr
    for name in refused:
        assert f"could not land {CORPUS / name}:" in result.stdout
    every = "select count(*), count(distinct _event_id) from raw.events"
    assert query(db, every) == query(landed[0], every)


def test_dbt_build_is_green_after_the_corpus(tmp_path, landed):
    db, _ = landed
    run_dbt("build", "--selector", "ci", "--exclude-resource-type", "unit_test", db=db, tmp=tmp_path)
    assert (
        query(db, "select count(*) from marts.fct_events")[0][0]
        == query(db, "select count(*) from raw.events")[0][0]
    )
