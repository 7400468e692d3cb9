"""`telemetry unland` takes a landed file back: its rows leave `raw` (an event another file
holds stays, with one copy less and that file's provenance), the next `telemetry build`
rebuilds its days, and the marts equal those of a warehouse that never landed it; a fixed
copy then lands."""

from __future__ import annotations

from conftest import query, run_cli
from test_land import HEADER16, row16, write

FACT = "select event_name, user_id, event_ts, failure_class from marts.fct_events order by all"


def test_unland_takes_a_file_back_and_the_next_build_forgets_it(tmp_path):
    bad = write(
        tmp_path / "a.csv",
        [
            HEADER16,
            row16("2026-02-01 10:00:00", "u1", "transcribe_started"),
            row16("2026-02-01 10:00:05", "u1", "transcribe_failed", '{"error_message":"wrong day"}'),
            row16("2026-02-02 09:00:00", "u2", "app_started"),  # also in b.csv
        ],
    )
    other = write(
        tmp_path / "b.csv",
        [
            HEADER16,
            row16("2026-02-02 09:00:00", "u2", "app_started"),
            row16("2026-02-03 09:00:00", "u3", "app_started"),
        ],
    )
    db = tmp_path / "warehouse.duckdb"
    run_cli("land", str(bad), str(other), "--db", str(db), check=True)
    run_cli("build", "--db", str(db), check=True)
    assert query(db, "select count(*) from marts.fct_events") == [(4,)]

    result = run_cli("unland", str(bad), "--db", str(db), check=True)
    assert "3 rows taken back; 2 events removed, 1 kept" in result.stdout
    assert query(db, "select _copies_landed, _source_file from raw.events where user_id = 'u2'") == [
        (1, str(other.resolve()))
    ]
    assert query(db, "select count(*) from raw.event_copies") == [(2,)]
    assert query(db, "select count(*) from raw.landed_files") == [(1,)]
    built = run_cli("build", "--db", str(db), check=True)
    assert "nothing changed" not in built.stdout

    clean = tmp_path / "clean.duckdb"  # a warehouse that only ever landed b.csv
    run_cli("land", str(other), "--db", str(clean), check=True)
    run_cli("build", "--db", str(clean), check=True)
    assert query(db, FACT) == query(clean, FACT)
    published = db.with_name("warehouse.published.duckdb")  # what readers see forgot it too
    assert query(published, FACT) == query(clean, FACT)
    assert query(db, "select count(*) from marts.fct_action_attempts") == [(0,)]

    fixed = write(tmp_path / "a-fixed.csv", [HEADER16, row16("2026-02-01 10:00:00", "u1", "app_started")])
    run_cli("land", str(fixed), "--db", str(db), check=True)
    run_cli("build", "--db", str(db), check=True)
    assert query(db, "select count(*) from marts.fct_events") == [(3,)]


def test_unland_names_one_landed_file_or_says_why_not(tmp_path):
    db = tmp_path / "warehouse.duckdb"
    f = write(tmp_path / "a.csv", [HEADER16, row16("2026-02-01 10:00:00", "u1", "app_started")])
    g = write(tmp_path / "b.csv", [HEADER16, row16("2026-02-01 10:00:01", "u2", "app_started")])
    run_cli("land", str(f), str(g), "--db", str(db), check=True)
    for spec, message in (
        ("nothing.csv", "no landed file has this path or checksum"),
        ("0123456789ab", "no landed"),
    ):
        result = run_cli("unland", spec, "--db", str(db))
        assert result.returncode == 1 and message in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    checksum = query(db, f"select file_checksum from raw.landed_files where source_file = '{g.resolve()}'")[
        0
    ][0]
    f.unlink()  # a file gone from disk is named by its landed path or its checksum
    run_cli("unland", "a.csv", checksum[:10], "--db", str(db), check=True)
    assert query(db, "select count(*) from raw.events") == [(0,)]
    assert query(db, "select count(*) from raw.unlanded_files") == [(2,)]
