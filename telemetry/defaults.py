"""Defaults Python shares with the dbt project: read from the vars of `dbt_project.yml`,
where each is declared once with its meaning (never written again here)."""

from __future__ import annotations

from functools import cache
from typing import Any

import yaml

from telemetry.paths import REPO_ROOT


@cache
def dbt_vars() -> dict[str, Any]:
    """The vars `dbt_project.yml` declares, with their defaults."""
    project = yaml.safe_load((REPO_ROOT / "dbt_project.yml").read_text(encoding="utf-8"))
    return dict(project.get("vars") or {})


def default_min_sample() -> int:
    """Starts below this flag a group as small_sample (var min_sample)."""
    return int(dbt_vars()["min_sample"])


def default_min_group_users() -> int:
    """The k of k-anonymity (var min_group_users)."""
    return int(dbt_vars()["min_group_users"])
