"""Write the hostile export files of `files/` (run it to regenerate them after an edit:
`uv run python tests/hostile/make_corpus.py`). What each file holds and what landing it must
do is in `expected.csv` beside this script, checked by tests/python/test_hostile_corpus.py."""

from __future__ import annotations

import gzip
from pathlib import Path

import duckdb

HERE = Path(__file__).resolve().parent / "files"
HEADER = (
    '"timestamp","user_id","session_id","event_name","string_props","numeric_props",'
    '"os_name","os_version","locale","app_version","app_build_number","engine_name",'
    '"engine_version","country_code","country_name","region_name"'
)


def row(ts: str, user: str, name: str, props: str = "") -> str:
    """One CSVWithNames line: every field quoted, quotes doubled."""
    values = [ts, user, f"s-{user}", name, props, "", "Windows", "10.0.19045", "en-US", "3.0.9", "309"]
    values += ["WebView2", "120.0", "DE", "Germany", "Berlin"]
    return ",".join('"' + v.replace('"', '""') + '"' for v in values)


def good(n: int, day: str = "2026-02-01", user: str = "u") -> list[str]:
    return [row(f"{day} 10:00:{i:02d}", f"{user}{i}", "app_started") for i in range(n)]


def text(name: str, lines: list[str], end: str = "\n", final: bool = True) -> None:
    (HERE / name).write_bytes((end.join(lines) + (end if final else "")).encode("utf-8"))


def main() -> None:
    text("blank_first_line.csv", ["", HEADER, *good(2)])
    text(
        "blank_lines_between.csv",
        [
            HEADER,
            "",
            row("2026-02-01 11:00:00", "b1", "app_started"),
            "",
            "",
            row("2026-02-01 11:00:01", "b2", "app_started"),
            "",
        ],
    )
    text("day1.csv", [HEADER, *good(3, user="d")])
    text("day[1].csv", [HEADER, row("2026-02-01 12:00:00", "glob", "app_started")])
    text(
        "unbalanced_quote.csv",
        [
            HEADER,
            row("2026-02-01 13:00:00", "q1", "app_started")[:-1] + ',"oops',
            row("2026-02-01 13:00:01", "q2", "app_started"),
            row("2026-02-01 13:00:02", "q3", "app_started"),
        ],
    )
    text(
        "quoted_newline.csv",
        [
            HEADER,
            row("2026-02-01 13:10:00", "n1", "app_started", "line one\nline two"),
            row("2026-02-01 13:10:01", "n2", "app_started"),
        ],
    )
    text(
        "no_event_name_column.csv",
        ['"timestamp","user_id"', '"2026-02-01 14:00:00","e1"', '"2026-02-01 14:00:01","e2"'],
    )
    text(
        "empty_event_name.csv",
        [
            HEADER,
            row("2026-02-01 14:10:00", "x1", ""),
            row("2026-02-01 14:10:01", "x2", "   "),
            row("2026-02-01 14:10:02", "x3", "app_started"),
        ],
    )
    text(
        "no_user_id.csv",
        [
            HEADER,
            row("2026-02-01 14:20:00", "", "app_started"),
            row("2026-02-01 14:20:01", "y2", "app_started"),
        ],
    )
    text(
        "out_of_range.csv",
        [
            HEADER,
            row("2099-01-01 00:00:00", "f1", "app_started"),
            row("2001-01-01 00:00:00", "f2", "app_started"),
            row("2026-02-01 14:30:00", "f3", "app_started"),
        ],
    )
    text(
        "bad_timestamp.csv",
        [
            HEADER,
            row("yesterday", "t1", "app_started"),
            row("", "t2", "app_started"),
            row("2026-02-01 14:40:00", "t3", "app_started"),
        ],
    )
    text("cr_only.csv", [HEADER, *good(2, user="cr")], end="\r")
    text("crlf.csv", [HEADER, *good(2, user="crlf")], end="\r\n")
    (HERE / "invalid_utf8.csv").write_bytes(
        "\n".join(
            [
                HEADER,
                row("2026-02-01 15:00:00", "i1", "app_started"),
                row("2026-02-01 15:00:01", "i2", "app_\udcffstarted"),
            ]
        ).encode("utf-8", "surrogateescape")
        + b"\n"
        + (row("2026-02-01 15:00:02", "i3", "app_started") + "\n").encode()
    )
    text(
        "nul_byte.csv",
        [
            HEADER,
            row("2026-02-01 15:10:00", "z1", "app\x00started"),
            row("2026-02-01 15:10:01", "z2", "app_started"),
        ],
    )
    text("header_only.csv", [HEADER])
    text("empty.csv", [], final=False)
    text("only_blank_lines.csv", ["", "", ""])
    text("not_an_export.csv", ["name,value", "a,1"])
    (HERE / "header_not_utf8.csv").write_bytes(b'"timestamp","user\xff_id"\n"2026-02-01 15:20:00","h1"\n')
    text(
        "truncated_last_line.csv",
        [
            HEADER,
            row("2026-02-01 15:30:00", "c1", "app_started"),
            row("2026-02-01 15:30:01", "c2", "app_started")[:40],
        ],
        final=False,
    )
    text(
        "wrong_field_counts.csv",
        [
            HEADER,
            row("2026-02-01 15:40:00", "w1", "app_started") + ',"extra"',
            row("2026-02-01 15:40:01", "w2", "app_started").rsplit(",", 2)[0],
            row("2026-02-01 15:40:02", "w3", "app_started"),
        ],
    )
    text(
        "repeated_header.csv",
        [
            HEADER,
            row("2026-02-01 15:50:00", "r1", "app_started"),
            HEADER,
            row("2026-02-01 15:50:01", "r2", "app_started"),
        ],
    )
    text("whitespace_line.csv", [HEADER, "   ", row("2026-02-01 15:55:00", "ws1", "app_started")])
    (HERE / "bom.csv").write_bytes(
        ("\ufeff" + "\n".join([HEADER, row("2026-02-01 16:00:00", "bom1", "app_started")]) + "\n").encode()
    )
    content = ("\n".join([HEADER, *good(3, user="gz")]) + "\n").encode()
    (HERE / "export.csv.gz").write_bytes(gzip.compress(content, mtime=0))
    (HERE / "export.csv.bz2").write_bytes(b"BZh91AY&SY not really")
    (HERE / "broken.parquet").write_bytes(b"PAR1 this is not a parquet file")
    (HERE / "notes.txt").write_text("not an export\n")
    with duckdb.connect() as con:
        zst = HERE / "export.csv.zst"
        plain = HERE / "_zst_source.csv"
        text("_zst_source.csv", [HEADER, *good(2, user="zst")])
        con.execute(
            f"copy (select * from read_csv('{plain}', all_varchar = true)) to '{zst}' (header true, force_quote *, compression zstd)"
        )
        plain.unlink()
        con.execute("set TimeZone = 'Asia/Tokyo'")
        con.execute(
            "copy (select timestamptz '2026-02-01 16:10:00+00' as timestamp, 'p1' as user_id,"
            f" 'app_started' as event_name) to '{HERE / 'zoned.parquet'}' (format parquet)"
        )


if __name__ == "__main__":
    main()
