"""The report as JSON, for other tools: the same rows the Markdown and HTML are written
from (one object per analysis, a list of rows each), with the scope asked for and when the
marts were published. Times are ISO 8601 UTC without an offset, as the marts hold them."""

from __future__ import annotations

import json
import math
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from telemetry.report.data import ReportData


def render_json(data: ReportData) -> str:
    document = {
        "report": "reliability",
        "scope": {
            "window_hours": data.scope.window_hours,
            "window_end": data.scope.window_end,
            "app_versions": list(data.scope.app_versions) if data.scope.app_versions else None,
            "top_app_versions": data.scope.top_app_versions,
            "min_sample": data.scope.effective_min_sample,
            "min_group_users": data.scope.effective_min_group_users,
        },
        "published_at": data.published_at,
        "sections": data.rows,
    }
    return json.dumps(_plain(document), indent=2, ensure_ascii=False) + "\n"


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
