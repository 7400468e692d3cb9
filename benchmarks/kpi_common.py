"""What the benchmark's three KPI methods share: the headline KPIs (kpi-definitions.md), the
export's columns (telemetry/aptabase/export_format.py) and the project's seeds (event taxonomy, role conventions, failure rules),
read with the csv module so no method pays for another's imports."""

from __future__ import annotations

import csv
import glob
import json
import os
import sys
import time
from pathlib import Path

from telemetry.aptabase import export_format

REPO_ROOT = Path(__file__).resolve().parents[1]
SEEDS = REPO_ROOT / "seeds"
CORE_COLUMNS = list(export_format.CORE_COLUMNS)
EXPORT_COLUMNS = list(export_format.EXPORT_COLUMNS)
#: The headline KPIs every method computes; counts must match exactly, rates to 1e-12.
KPI_KEYS = [
    "events",
    "active_users",
    "failure_events",
    "success_events",
    "runtime_failure_events",
    "raw_error_rate",
    "runtime_error_rate",
    "primary_action",
    "primary_starts",
    "primary_failures",
    "workflow_failure_rate",
    "affected_users",
    "happy_users",
]
SUCCESS_VALUES = ("true", "success", "succeeded", "ok", "1")
FAILURE_VALUES = ("false", "failure", "failed", "error", "0")


def read_seed(name: str) -> list[dict[str, str]]:
    with (SEEDS / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def export_files(folder: str | Path) -> list[str]:
    return sorted(glob.glob(str(Path(folder) / "vibe-release-*.csv")))


def name_roles(observed_names: list[str]) -> dict[str, dict[str, str | None]]:
    """event_name -> {action, role, outcome_prop, fixed_class}, as int_event_names_classified
    decides it: the taxonomy first, else the suffix conventions (a `started` name is a start
    only when its action has outcomes)."""
    taxonomy = {row["event_name"]: row for row in read_seed("event_taxonomy")}
    conventions = {row["suffix"].lower(): row["event_role"] for row in read_seed("event_role_conventions")}
    by_convention = {}
    for name in set(observed_names) | set(taxonomy):
        head, sep, suffix = _split_last(name)
        by_convention[name] = (head or name, conventions.get(suffix.lower()) if sep else None)
    with_outcomes = {
        row["action"] for row in taxonomy.values() if row["event_role"] in ("success", "failure", "outcome")
    }
    with_outcomes |= {
        action
        for name, (action, role) in by_convention.items()
        if name not in taxonomy and role in ("success", "failure")
    }
    result = {}
    for name, (action, role) in by_convention.items():
        if name in taxonomy:
            row = taxonomy[name]
            result[name] = {
                "action": row["action"],
                "role": row["event_role"],
                "outcome_prop": row["outcome_prop"] or None,
                "fixed_class": row["failure_class"] or None,
            }
        else:
            if role == "start" and action not in with_outcomes:
                role = None
            result[name] = {
                "action": action,
                "role": role if role in ("start", "success", "failure") else "usage",
                "outcome_prop": None,
                "fixed_class": None,
            }
    return result


def _split_last(name: str) -> tuple[str, str, str]:
    """`ao.spawn.failed` -> (`ao.spawn`, `.`, `failed`); `transcribe_failed` -> (`transcribe`, `_`, `failed`)."""
    cut = max(name.rfind("."), name.rfind("_"))
    if cut <= 0 or cut == len(name) - 1:
        return "", "", name
    return name[:cut], name[cut], name[cut + 1 :]


def failure_rules() -> list[dict[str, str]]:
    """The failure rules in the order they are tried (priority, then rule_id)."""
    return sorted(read_seed("failure_rules"), key=lambda r: (int(r["priority"]), r["rule_id"]))


def emit(kpis: dict, started: float, **extra) -> None:
    """Print the result as one JSON line: the KPIs and the seconds. (Peak RSS is measured by
    run.py from outside: a child's own rusage maximum includes its parent's at fork.)"""
    out = {"kpis": {k: kpis[k] for k in KPI_KEYS}, "seconds": time.perf_counter() - started, **extra}
    sys.stdout.write(json.dumps(out, default=str) + "\n")
    sys.stdout.flush()
    os._exit(0)  # skip interpreter teardown (freeing millions of objects is not the method's work)
