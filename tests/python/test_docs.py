"""Every macro, model and seed of the project is documented, and every column of every seed
(`dbt parse`'s manifest against the seed files' headers)."""

from __future__ import annotations

import csv
import json

from conftest import REPO_ROOT, run_dbt


def test_macros_models_and_seed_columns_are_documented(tmp_path):
    run_dbt("parse", db=tmp_path / "unused.duckdb", tmp=tmp_path)
    manifest = json.loads((tmp_path / "target" / "manifest.json").read_text())
    own = [
        node
        for node in [*manifest["macros"].values(), *manifest["nodes"].values()]
        if node["package_name"] == "telemetry" and node["resource_type"] in ("macro", "model", "seed")
    ]
    # every seed file is a seed dbt parsed (and so is checked below)
    seed_files = sorted(path.stem for path in (REPO_ROOT / "seeds").glob("*.csv"))
    assert sorted(node["name"] for node in own if node["resource_type"] == "seed") == seed_files
    assert [node["unique_id"] for node in own if not node["description"].strip()] == []
    for seed in (node for node in own if node["resource_type"] == "seed"):
        with (REPO_ROOT / seed["original_file_path"]).open(newline="", encoding="utf-8") as handle:
            header = next(csv.reader(handle))
        documented = {name for name, column in seed["columns"].items() if column["description"].strip()}
        assert set(header) <= documented, (seed["name"], set(header) - documented)
        assert set(seed["config"]["column_types"]) == set(header), seed["name"]
