"""The headline KPIs the seed's way (the Vibe analytics skill): inline pandas over the CSV
exports, `read_csv`, `json.loads` of the props, boolean masks and groupbys.

    python benchmarks/kpi_pandas.py EXPORT_DIR     -> one JSON line: kpis, seconds, peak RSS

The logic a careful analyst would write following the skill and kpi-definitions.md: drop
the repeated header lines, de-duplicate on the 8 core columns, repair the `\\'` quirk before
`json.loads`, roles from the event taxonomy, failure classes from the failure rules (first
match in priority order), user-input failures apart from the runtime rate.
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()

import json  # noqa: E402
import sys  # noqa: E402
import warnings  # noqa: E402

import pandas as pd  # noqa: E402
from kpi_common import (  # noqa: E402
    CORE_COLUMNS,
    FAILURE_VALUES,
    SUCCESS_VALUES,
    emit,
    export_files,
    failure_rules,
    name_roles,
)


def parse_props(text: str) -> dict:
    if not text:
        return {}
    try:
        value = json.loads(text.replace("\\'", "'"))
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def main(folder: str) -> None:
    warnings.filterwarnings("ignore", "This pattern is interpreted as a regular expression")
    frames = [pd.read_csv(path, dtype=str, keep_default_na=False) for path in export_files(folder)]
    df = pd.concat(frames, ignore_index=True)
    df = df[df["timestamp"] != "timestamp"]  # the header line repeated on every page
    df["timestamp"] = pd.to_datetime(df["timestamp"], utc=True)
    df = df.drop_duplicates(subset=CORE_COLUMNS).reset_index(drop=True)

    props = df["string_props"].map(parse_props)
    numeric = df["numeric_props"].map(parse_props)
    roles = name_roles(df["event_name"].unique().tolist())
    df["action"] = df["event_name"].map(lambda n: roles[n]["action"])
    df["role"] = df["event_name"].map(lambda n: roles[n]["role"])

    # one-event lifecycles: the outcome prop decides
    outcome_names = {n: r["outcome_prop"] for n, r in roles.items() if r["role"] == "outcome"}
    is_outcome = df["event_name"].isin(list(outcome_names))
    if is_outcome.any():

        def outcome(i: int) -> str:
            prop = outcome_names[df.at[i, "event_name"]]
            value = props[i].get(prop, numeric[i].get(prop))
            if isinstance(value, bool):
                value = "true" if value else "false"
            value = "" if value is None else str(value).lower()
            if value in SUCCESS_VALUES:
                return "success"
            if value in FAILURE_VALUES:
                return "failure"
            return "usage"

        df.loc[is_outcome, "role"] = [outcome(i) for i in df.index[is_outcome]]

    # failure classes: the taxonomy's fixed class, else the first rule that matches
    failures = df[df["role"] == "failure"].copy()
    failures["error_message"] = props[failures.index].map(lambda p: p.get("error_message"))
    failures["error_code"] = props[failures.index].map(lambda p: p.get("error_code"))
    failures["error_kind"] = props[failures.index].map(lambda p: p.get("error_kind"))
    failures["failure_class"] = failures["event_name"].map(lambda n: roles[n]["fixed_class"])
    columns = {
        "message": "error_message",
        "event_name": "event_name",
        "error_code": "error_code",
        "error_kind": "error_kind",
    }
    for rule in failure_rules():
        open_ = failures["failure_class"].isna()
        if not open_.any():
            break
        column = failures.loc[open_, columns[rule["match_on"]]].astype("object")
        hit = column.str.contains(rule["pattern"], case=False, regex=True, na=False)
        failures.loc[hit[hit].index, "failure_class"] = rule["failure_class"]
    failures["failure_class"] = failures["failure_class"].fillna("unclassified")

    users = df[df["user_id"] != ""]
    failed_users = set(users.loc[users["role"] == "failure", "user_id"])
    succeeded_users = set(users.loc[users["role"] == "success", "user_id"])
    starts = df[df["role"] == "start"].groupby("action").size()
    primary = None
    if len(starts):
        top = starts.max()
        primary = sorted(starts[starts == top].index)[0]
    events = len(df)
    failure_events = int((df["role"] == "failure").sum())
    runtime = int((failures["failure_class"] != "user_input").sum())
    primary_starts = int(starts.get(primary, 0)) if primary else 0
    primary_failures = int(((df["role"] == "failure") & (df["action"] == primary)).sum()) if primary else 0
    kpis = {
        "events": events,
        "active_users": int(users["user_id"].nunique()),
        "failure_events": failure_events,
        "success_events": int((df["role"] == "success").sum()),
        "runtime_failure_events": runtime,
        "raw_error_rate": failure_events / events if events else None,
        "runtime_error_rate": runtime / events if events else None,
        "primary_action": primary,
        "primary_starts": primary_starts,
        "primary_failures": primary_failures,
        "workflow_failure_rate": primary_failures / primary_starts if primary_starts else None,
        "affected_users": len(failed_users),
        "happy_users": len(succeeded_users - failed_users),
    }
    emit(kpis, STARTED, method="pandas", pandas_version=pd.__version__)


if __name__ == "__main__":
    main(sys.argv[1])
