"""What a report covers: its window, version filter and small-sample threshold
(kpi-definitions.md, "Scope"), as options, as the kpi_scope_params row the report's KPI
queries read, and as the dbt vars that build the same scope into the KPI marts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from telemetry.defaults import default_min_group_users, default_min_sample


@dataclass(frozen=True)
class ReportScope:
    """What a report covers: the dbt vars of kpi-definitions.md, "Scope"."""

    window_hours: int | None = None
    window_end: str | None = None
    app_versions: tuple[str, ...] | None = None
    top_app_versions: int | None = None
    min_sample: int | None = None
    min_group_users: int | None = None

    def params(self) -> dict[str, str | int | None]:
        """The scope parameters' row of this scope, by column, as the model kpi_scope_params
        makes it from the same dbt vars (dbt_vars); the report checks the columns match."""
        return {
            "window_hours": self.window_hours,
            "window_end": self.window_end,
            "app_versions": ", ".join(self.app_versions) if self.app_versions else None,
            "top_app_versions": self.top_app_versions,
            "min_sample": self.effective_min_sample,
            "min_group_users": self.effective_min_group_users,
        }

    def dbt_vars(self) -> dict[str, object]:
        """The dbt vars that build the KPI marts of this scope (`dbt build --vars`)."""
        values: dict[str, object] = {
            "window_hours": self.window_hours,
            "window_end": self.window_end,
            "app_versions": list(self.app_versions) if self.app_versions else None,
            "top_app_versions": self.top_app_versions,
        }
        if self.min_sample is not None:
            values["min_sample"] = self.min_sample
        if self.min_group_users is not None:
            values["min_group_users"] = self.min_group_users
        return values

    @property
    def effective_min_sample(self) -> int:
        return default_min_sample() if self.min_sample is None else self.min_sample

    @property
    def effective_min_group_users(self) -> int:
        return default_min_group_users() if self.min_group_users is None else self.min_group_users

    def command_line(self, fmt: str = "md", resolved_end: datetime | None = None) -> str:
        """The `telemetry report` options that reproduce this scope. `resolved_end` (the
        window end the data gave, when no --window-end was asked) pins the window, so the
        command gives the same window after new data lands."""
        parts = ["telemetry report"]
        if self.window_hours is not None:
            parts.append(f"--window-hours {self.window_hours}")
        if self.window_end is not None:
            parts.append(f"--window-end '{self.window_end}'")
        elif resolved_end is not None:
            parts.append(f"--window-end '{resolved_end.isoformat(sep=' ')}'")
        if self.top_app_versions is not None:
            parts.append(f"--top-app-versions {self.top_app_versions}")
        if self.app_versions:
            parts.append(f"--app-versions {','.join(self.app_versions)}")
        if self.min_sample is not None:
            parts.append(f"--min-sample {self.min_sample}")
        if self.min_group_users is not None:
            parts.append(f"--min-group-users {self.min_group_users}")
        if fmt != "md":
            parts.append(f"--format {fmt}")
        return " ".join(parts)
