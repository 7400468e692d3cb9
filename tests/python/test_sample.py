"""The sample-data generator (`telemetry/devtools/sample.py`, `telemetry sample`): its files carry the
real export quirks and its manifest's ground truth is what the files really hold."""

from __future__ import annotations

import csv
import hashlib
import itertools
import json
import re
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from telemetry.aptabase.export_format import CORE_COLUMNS, EXPORT_COLUMNS, dotnet_json_string, truncate_prop
from telemetry.devtools import sample
from telemetry.devtools.sample import encode_numeric_props, encode_string_props, generate_sample
from telemetry.errors import UserError

REPO_ROOT = Path(__file__).resolve().parents[2]
BUNDLED = REPO_ROOT / "data" / "sample"
PAGE_SIZE = 250
HEADER_LINE = ",".join(f'"{c}"' for c in EXPORT_COLUMNS) + "\n"


# --------------------------------------------------------------------------- helpers


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default sample (7 days, seed 42) with small pages, as bundled."""
    path = tmp_path_factory.mktemp("sample")
    generate_sample(path, page_size=PAGE_SIZE)
    return path


@pytest.fixture(scope="module")
def manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def files_of(manifest: dict, kind: str) -> list[dict]:
    return [f for f in manifest["files"] if f["kind"] == kind]


def read_csv_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    """(header, data rows) as Python's csv module reads them: repeated header lines are
    dropped, and so is a row with the wrong number of fields (a cut last line)."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    data = [r for r in rows[1:] if r != header and len(r) == len(header)]
    return header, data


def core_key(record: dict[str, str | None]) -> tuple[str | None, ...]:
    """The 8 core columns, empty string = null."""
    return tuple((record.get(c) or None) for c in CORE_COLUMNS)


def keys_from_csv(path: Path) -> list[tuple[str | None, ...]]:
    header, data = read_csv_rows(path)
    return [core_key(dict(zip(header, row, strict=False))) for row in data]


def keys_from_parquet(path: Path) -> list[tuple[str | None, ...]]:
    con = duckdb.connect()
    try:
        cursor = con.execute("select * from read_parquet(?)", [str(path)])
        names = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
    finally:
        con.close()
    keys = []
    for row in rows:
        record = dict(zip(names, row, strict=False))
        ts = record["timestamp"]
        record["timestamp"] = ts.strftime("%Y-%m-%d %H:%M:%S") if isinstance(ts, datetime) else ts
        keys.append(core_key(record))
    return keys


def repaired_props(text: str) -> dict:
    """string_props as exported, with the `\\'` quirk repaired, parsed strictly."""
    return json.loads(text.replace("\\'", "'"))


def all_daily_rows(out: Path, manifest: dict) -> list[dict[str, str]]:
    rows = []
    for f in files_of(manifest, "daily_csv"):
        header, data = read_csv_rows(out / f["name"])
        rows.extend(dict(zip(header, r, strict=False)) for r in data)
    return rows


# --------------------------------------------------------------------------- encoding


def test_dotnet_encoder_escapes_like_system_text_json() -> None:
    assert dotnet_json_string("José") == '"Jos\\u00E9"'
    assert dotnet_json_string('say "hi"') == '"say \\u0022hi\\u0022"'
    assert dotnet_json_string("O'Brien") == '"O\\u0027Brien"'
    assert dotnet_json_string("<a&b+c>`") == '"\\u003Ca\\u0026b\\u002Bc\\u003E\\u0060"'
    assert dotnet_json_string("C:\\Users\n") == '"C:\\\\Users\\n"'
    assert dotnet_json_string("\U0001f3b5") == '"\\uD83C\\uDFB5"'  # surrogate pair
    assert dotnet_json_string("田中") == '"\\u7530\\u4E2D"'
    assert dotnet_json_string("plain text 1.0") == '"plain text 1.0"'


def test_string_props_sorted_truncated_and_quote_quirk() -> None:
    text = encode_string_props({"vibe_commit": "abc", "error_message": 'can\'t open "x"'})
    assert text == '{"error_message":"can\\\'t open \\\'x\\\'","vibe_commit":"abc"}'
    assert "u0022" not in text and "u0027" not in text
    assert repaired_props(text) == {"error_message": "can't open 'x'", "vibe_commit": "abc"}
    assert encode_string_props({}) == ""
    long = "x" * 200
    assert truncate_prop(long) == "x" * 177 + "..."
    assert len(truncate_prop(long)) == 180
    assert truncate_prop("y" * 180) == "y" * 180


def test_numeric_props_encoding() -> None:
    assert encode_numeric_props({"segments_count": 41, "duration_seconds": 93.4}) == (
        '{"duration_seconds":93.4,"segments_count":41}'
    )
    assert encode_numeric_props({"duration_sec": 12.0}) == '{"duration_sec":12}'
    assert encode_numeric_props({}) == ""


# --------------------------------------------------------------------------- determinism


def test_same_seed_same_bytes(out: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    generate_sample(again, page_size=PAGE_SIZE)
    first = sorted(p.name for p in out.iterdir())
    second = sorted(p.name for p in again.iterdir())
    assert first == second
    for name in first:
        assert (out / name).read_bytes() == (again / name).read_bytes(), name


def test_other_seed_other_data(out: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    generate_sample(other, page_size=PAGE_SIZE, seed=7)
    name = "vibe-release-2026-02-15.csv"
    assert (other / name).read_bytes() != (out / name).read_bytes()


# --------------------------------------------------------------------------- daily CSVs


def test_one_daily_file_per_day_in_the_window(out: Path, manifest: dict) -> None:
    days = [f["covers"] for f in files_of(manifest, "daily_csv")]
    expected = [(date(2026, 2, 9) + timedelta(days=i)).isoformat() for i in range(7)]
    assert days == expected
    for day in expected:
        assert (out / f"vibe-release-{day}.csv").is_file()


def test_daily_files_are_clickhouse_csv_with_header_every_page(out: Path, manifest: dict) -> None:
    for f in files_of(manifest, "daily_csv"):
        data = (out / f["name"]).read_bytes()
        assert b"\r" not in data
        assert data.endswith(b"\n")
        lines = data.decode("utf-8").splitlines(keepends=True)
        header_at = [i for i, line in enumerate(lines) if line == HEADER_LINE]
        rows = len(lines) - len(header_at)
        assert rows == f["rows"] > PAGE_SIZE  # so the header must repeat
        assert header_at == [i * (PAGE_SIZE + 1) for i in range(-(-rows // PAGE_SIZE))]
        assert f["header_lines"] == len(header_at) >= 2
        for line in lines:
            # every field quoted: 16 quoted fields, quotes inside doubled
            assert re.fullmatch(r'"(?:[^"]|"")*"(?:,"(?:[^"]|"")*"){15}\n', line), line


def test_daily_rows_newest_first_inside_the_inclusive_window(out: Path, manifest: dict) -> None:
    for f in files_of(manifest, "daily_csv"):
        _, rows = read_csv_rows(out / f["name"])
        stamps = [r[0] for r in rows]
        assert stamps == sorted(stamps, reverse=True)
        lo = f"{f['covers']} 00:00:00"
        hi = f"{(date.fromisoformat(f['covers']) + timedelta(days=1)).isoformat()} 00:00:00"
        assert all(lo <= s <= hi for s in stamps)
        assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", s) for s in stamps)


def test_midnight_events_are_in_two_daily_files(out: Path, manifest: dict) -> None:
    daily = files_of(manifest, "daily_csv")
    keys = {f["covers"]: set(keys_from_csv(out / f["name"])) for f in daily}
    days = [f["covers"] for f in daily]
    for before, day in itertools.pairwise(days):
        midnight = {k for k in keys[day] if k[0] == f"{day} 00:00:00"}
        assert midnight, f"no event stamped exactly {day} 00:00:00"
        assert midnight <= keys[before], f"{day} midnight events missing from {before}'s file"
    assert manifest["ground_truth"]["midnight_events"] >= len(days) - 1


# --------------------------------------------------------------------------- other files


def test_partial_download_is_cut_mid_line(out: Path, manifest: dict) -> None:
    (f,) = files_of(manifest, "partial_csv")
    partial = (out / f["name"]).read_bytes()
    full = (out / f"vibe-release-{f['covers']}.csv").read_bytes()
    assert f["name"] == f"vibe-release-{f['covers']}-partial.csv"
    assert full.startswith(partial) and len(partial) < len(full)
    assert 0.5 < len(partial) / len(full) < 0.7
    assert not partial.endswith(b"\n")
    last_line = partial.rsplit(b"\n", 1)[1]
    assert last_line.startswith(b'"') and len(last_line) > 10  # a row's beginning, cut
    full_line = next(line for line in full.split(b"\n") if line.startswith(last_line))
    assert len(full_line) > len(last_line)
    header, rows = read_csv_rows(out / f["name"])
    assert len(header) == 16 and len(rows) == f["rows"]


def test_trimmed_file_has_the_8_core_columns_minimally_quoted(out: Path, manifest: dict) -> None:
    (f,) = files_of(manifest, "trimmed_csv")
    text = (out / f["name"]).read_text(encoding="utf-8")
    assert text.splitlines()[0] == ",".join(CORE_COLUMNS)
    header, rows = read_csv_rows(out / f["name"])
    assert header == list(CORE_COLUMNS)
    with (out / f["name"]).open(encoding="utf-8", newline="") as handle:
        assert all(len(r) == 8 for r in csv.reader(handle))
    assert len(rows) == f["rows"] > 0
    # minimal quoting: timestamps bare, empty numeric props as empty fields
    assert re.search(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,", text.splitlines()[1])
    assert any(line.endswith(",") for line in text.splitlines()[1:])
    assert not any(line.startswith('"') for line in text.splitlines())
    # shuffled, not newest first
    stamps = [r[0] for r in rows]
    assert stamps != sorted(stamps) and stamps != sorted(stamps, reverse=True)
    # about the last 48 hours, every event also in a daily export
    latest = datetime.fromisoformat(max(stamps))
    earliest = datetime.fromisoformat(min(stamps))
    assert timedelta(hours=46) <= latest - earliest <= timedelta(hours=48)
    daily = set()
    for d in files_of(manifest, "daily_csv"):
        daily.update(keys_from_csv(out / d["name"]))
    assert {core_key(dict(zip(header, r, strict=False))) for r in rows} <= daily


def test_parquet_export_has_the_16_columns_of_one_day(out: Path, manifest: dict) -> None:
    (f,) = files_of(manifest, "parquet")
    partial_day = files_of(manifest, "partial_csv")[0]["covers"]
    assert f["covers"] != partial_day
    con = duckdb.connect()
    try:
        described = con.execute("describe select * from read_parquet(?)", [str(out / f["name"])]).fetchall()
    finally:
        con.close()
    assert [d[0] for d in described] == list(EXPORT_COLUMNS)
    types = {d[0]: d[1] for d in described}
    assert types.pop("timestamp").startswith("TIMESTAMP")
    assert set(types.values()) == {"VARCHAR"}
    parquet_keys = keys_from_parquet(out / f["name"])
    csv_keys = keys_from_csv(out / f"vibe-release-{f['covers']}.csv")
    assert parquet_keys == csv_keys and len(parquet_keys) == f["rows"]


def test_manifest_lists_every_file_with_its_checksum(out: Path, manifest: dict) -> None:
    listed = {f["name"] for f in manifest["files"]}
    assert listed | {"manifest.json"} == {p.name for p in out.iterdir()}
    for f in manifest["files"]:
        data = (out / f["name"]).read_bytes()
        assert f["bytes"] == len(data)
        assert f["sha256"] == hashlib.sha256(data).hexdigest()
        assert f["quirks"]
    assert manifest["seed"] == 42
    assert manifest["window"]["start_date"] == "2026-02-09"
    assert manifest["window"]["end_date"] == "2026-02-15"
    assert {f["kind"] for f in manifest["files"]} == {"daily_csv", "trimmed_csv", "partial_csv", "parquet"}


# --------------------------------------------------------------------------- props


def test_string_props_carry_the_export_quirks(out: Path, manifest: dict) -> None:
    rows = all_daily_rows(out, manifest)
    props = [r["string_props"] for r in rows]
    assert all(p for p in props)  # every event carries vibe_commit
    joined = "\n".join(props)
    assert "\\'" in joined  # the \u0022 / \u0027 export quirk
    assert "u0022" not in joined and "u0027" not in joined
    assert re.search(r"\\u00[Ee]9", joined)  # é
    assert "\\uD83C" in joined  # a surrogate pair (emoji in a path)
    assert "\\u002B" in joined and "\\u0060" in joined and "\\u0026" in joined
    assert joined.isascii()
    failed_strict = 0
    for text in props:
        try:
            json.loads(text)
        except ValueError:
            failed_strict += 1
        parsed = repaired_props(text)  # repairing `\'` makes every one valid
        assert list(parsed) == sorted(parsed)
        assert "vibe_commit" in parsed
        assert all(isinstance(v, str) for v in parsed.values())
    assert failed_strict == sum(1 for p in props if "\\'" in p) > 0
    for r in rows:
        if r["numeric_props"]:
            values = json.loads(r["numeric_props"])
            assert list(values) == sorted(values)
            assert all(isinstance(v, (int, float)) for v in values.values())


def test_a_long_message_is_cut_to_180_characters(out: Path, manifest: dict) -> None:
    messages = [repaired_props(r["string_props"]).get("error_message") for r in all_daily_rows(out, manifest)]
    cut = [m for m in messages if m and m.endswith("...") and len(m) == 180]
    assert cut
    assert any("GLIBCXX_3.4.32" in m for m in cut)
    assert any("_cblas_sgemm$NEWLAPACK$ILP64" in m for m in cut)
    assert all(len(m) <= 180 for m in messages if m)
    assert manifest["ground_truth"]["truncated_string_values"] >= len(cut) > 0


def test_failure_messages_look_like_vibe(out: Path, manifest: dict) -> None:
    messages = []
    for r in all_daily_rows(out, manifest):
        if r["event_name"] in ("transcribe_failed", "sona_spawn_failed"):
            messages.append(repaired_props(r["string_props"])["error_message"])
    text = "\n".join(messages)
    assert "C:\\\\Users\\\\José\\\\AppData" in text  # body is JSON: backslashes doubled
    assert "田中" in text and "Łukasz" in text
    assert "Path is not a file: 'C:\\Users\\O'Brien\\Videos'" in text
    assert "Audio file not found: /home/alice/Music/interview 3.mp3" in text
    assert "Audio file not found: C:\\Users\\Bob\\Desktop\\meeting.m4a" in text
    assert re.search(r"[\w.-]+@example\.(com|org)", text)
    assert re.search(r"https://\S+token=hf_\w+", text)
    # the export turned every `"` into `\'`, so the repaired body shows apostrophes
    assert "HTTP 429" in text and "sona transcribe failed: {'error':'busy'}" in text
    assert "failed to send transcribe request to sona" in text
    assert "Please load model first" in text
    assert "failed to read sona ready signal: EOF\n\nsona stderr:" in text
    no_model = Counter(
        (r["user_id"], r["timestamp"][:10])
        for r in all_daily_rows(out, manifest)
        if "No model selected" in r["string_props"]
    )
    assert max(no_model.values()) >= 20  # one heavy user repeating it in one day


# --------------------------------------------------------------------------- realism


def test_vibe_ids_versions_and_platforms(out: Path, manifest: dict) -> None:
    rows = all_daily_rows(out, manifest)
    assert all(re.fullmatch(r"[0-9A-F]{64}", r["user_id"]) for r in rows)
    assert all(re.fullmatch(r"[0-9a-f]{36}", r["session_id"]) for r in rows)
    # one device per UTC day: user_id and session_id map one-to-one within a day
    pairs = {(r["timestamp"][:10], r["user_id"], r["session_id"]) for r in rows}
    per_user = Counter((d, u) for d, u, _ in pairs)
    per_session = Counter((d, s) for d, _, s in pairs)
    assert max(per_user.values()) == 1 and max(per_session.values()) == 1
    # user ids rotate daily: no id spans two days (midnight rows belong to the later day)
    days_of_user = Counter(u for _, u in {(d, u) for d, u, _ in pairs})
    assert max(days_of_user.values()) == 1
    versions = Counter(r["app_version"] for r in rows)
    assert {"3.0.8", "3.0.9", "3.0.10", "3.1.0"} <= set(versions)
    first_day = [r for r in rows if r["timestamp"].startswith("2026-02-09")]
    last_day = [r for r in rows if r["timestamp"].startswith("2026-02-15")]
    share = lambda rs: sum(r["app_version"] == "3.1.0" for r in rs) / len(rs)  # noqa: E731
    assert share(last_day) > share(first_day)  # the new release is adopted over the days
    platforms = {(r["os_name"], r["os_version"], r["engine_name"]) for r in rows}
    for expected in [
        ("Windows", "10.0.19045", "WebView2"),
        ("macOS", "13.6", "WebKit"),
        ("Ubuntu", "22.04", "WebKitGTK"),
        ("Arch Linux", "", "WebKitGTK"),
    ]:
        assert expected in platforms
    engine_of = {"Windows": "WebView2", "macOS": "WebKit"}
    assert all(r["engine_name"] == engine_of.get(r["os_name"], "WebKitGTK") for r in rows)
    assert all(r["locale"] and r["app_build_number"] for r in rows)
    names = {r["event_name"] for r in rows}
    assert {
        "app_started",
        "cli_started",
        "transcribe_started",
        "transcribe_succeeded",
        "transcribe_failed",
        "handoff_transcribe",
        "sona_spawn_failed",
        "avx2_not_supported",
    } <= names


def test_lifecycles_and_failure_rate(manifest: dict, out: Path) -> None:
    truth = manifest["ground_truth"]
    t = truth["transcriptions"]
    assert 0.08 <= t["failure_rate"] <= 0.25
    assert t["succeeded"] + t["failed"] < t["started"]  # some starts never finish
    for r in all_daily_rows(out, manifest):
        props = repaired_props(r["string_props"])
        if r["event_name"] == "transcribe_failed":
            assert {"source", "error_message", "file_ext"} <= set(props)
            assert props["source"] in ("home", "batch", "main")
        if r["event_name"] == "transcribe_succeeded":
            assert set(json.loads(r["numeric_props"])) == {"duration_seconds", "segments_count"}
        if r["event_name"] == "handoff_transcribe":
            assert props["success"] in ("true", "false")
            assert ("error_code" in props) == (props["success"] == "false")
            assert "duration_sec" in json.loads(r["numeric_props"])


# --------------------------------------------------------------------------- ground truth


def test_manifest_unique_counts_match_the_files(out: Path, manifest: dict) -> None:
    keys: list[tuple[str | None, ...]] = []
    for f in manifest["files"]:
        path = out / f["name"]
        keys.extend(keys_from_parquet(path) if f["kind"] == "parquet" else keys_from_csv(path))
    unique = set(keys)
    truth = manifest["ground_truth"]
    assert len(keys) > len(unique)  # the files overlap: de-duplication matters
    assert truth["unique_events"] == len(unique)
    assert truth["unique_events_by_day"] == dict(sorted(Counter(k[0][:10] for k in unique).items()))
    by_name = dict(sorted(Counter(k[1] for k in unique).items()))
    assert truth["unique_events_by_event_name"] == by_name
    assert sum(truth["unique_events_by_day"].values()) == len(unique)
    # the daily CSVs alone hold every event; the other files are overlapping copies
    daily = set()
    for f in files_of(manifest, "daily_csv"):
        daily.update(keys_from_csv(out / f["name"]))
    assert daily == unique
    # failure families cover exactly the failure events
    handoff_failed = sum(
        1 for k in unique if k[1] == "handoff_transcribe" and '"success":"false"' in (k[6] or "")
    )
    assert (
        truth["failure_events"]
        == sum(truth["failures_by_family"].values())
        == (
            by_name["transcribe_failed"]
            + by_name["sona_spawn_failed"]
            + by_name["avx2_not_supported"]
            + handoff_failed
        )
    )


# --------------------------------------------------------------------------- API and CLI


def test_bad_arguments_are_user_errors(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="--days"):
        generate_sample(tmp_path, days=0)
    with pytest.raises(UserError, match="--page-size"):
        generate_sample(tmp_path, page_size=0)
    with pytest.raises(UserError, match="--users-per-day"):
        generate_sample(tmp_path, users_per_day=-3)
    with pytest.raises(UserError, match="--seed"):
        generate_sample(tmp_path, seed=-1)
    not_a_dir = tmp_path / "file.txt"
    not_a_dir.write_text("x")
    with pytest.raises(UserError, match="not a folder"):
        generate_sample(not_a_dir)


def test_rerun_replaces_its_own_files_only(tmp_path: Path) -> None:
    generate_sample(tmp_path, days=3, users_per_day=15, page_size=40, end_date=date(2026, 1, 10))
    (tmp_path / "notes.txt").write_text("mine")
    m = generate_sample(tmp_path, days=2, users_per_day=15, page_size=40)
    names = {p.name for p in tmp_path.iterdir()}
    assert "notes.txt" in names
    assert not any("2026-01" in n for n in names)
    assert names == {f.name for f in m.files} | {"manifest.json", "notes.txt"}
    assert m.days == 2 and m.unique_events > 0


def test_cli_sample(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from telemetry.cli import main

    target = tmp_path / "s"
    code = main(
        [
            "sample",
            "--out",
            str(target),
            "--days",
            "2",
            "--end-date",
            "2026-03-01",
            "--seed",
            "5",
            "--users-per-day",
            "20",
            "--page-size",
            "30",
        ]
    )
    assert code == 0
    printed = capsys.readouterr().out
    assert "unique events" in printed and str(target) in printed
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["seed"] == 5 and manifest["parameters"]["page_size"] == 30
    daily = sorted(p.name for p in target.glob("vibe-release-*.csv") if "partial" not in p.name)
    assert daily == ["vibe-release-2026-02-28.csv", "vibe-release-2026-03-01.csv"]

    code = main(["sample", "--out", str(target), "--days", "0"])
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1 and "--days" in err


def test_cli_help_lists_sample(capsys: pytest.CaptureFixture[str]) -> None:
    from telemetry.cli import main

    assert main(["sample", "--help"]) == 0
    text = capsys.readouterr().out
    for option in ("--out", "--days", "--end-date", "--seed", "--users-per-day", "--page-size"):
        assert option in text


@pytest.mark.skipif(not (BUNDLED / "manifest.json").is_file(), reason="no bundled sample")
def test_bundled_sample_is_what_the_generator_writes(out: Path) -> None:
    """data/sample is `telemetry sample --page-size 250`; regenerate it after changing
    the generator."""
    bundled = json.loads((BUNDLED / "manifest.json").read_text(encoding="utf-8"))
    fresh = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert bundled["ground_truth"] == fresh["ground_truth"]
    for f in fresh["files"]:
        if f["kind"] == "parquet":  # bytes depend on the DuckDB version; compare rows
            assert keys_from_parquet(BUNDLED / f["name"]) == keys_from_parquet(out / f["name"])
        else:
            assert (BUNDLED / f["name"]).read_bytes() == (out / f["name"]).read_bytes(), f["name"]
    assert sample.DEFAULT_PAGE_SIZE == 100_000
