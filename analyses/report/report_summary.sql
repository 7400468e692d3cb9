{#- Report sections "Headline rates" and "Users": the one-row summary of the scope. -#}

select
    window_start,
    window_end,
    version_filter,
    events,
    active_users,
    failure_events,
    success_events,
    raw_error_rate,
    runtime_failure_events,
    runtime_error_rate,
    primary_action,
    primary_starts,
    primary_failures,
    workflow_failure_rate,
    affected_users,
    happy_users,
    affected_user_share,
    happy_user_share
from {{ report_relation('kpi_reliability_summary') }}
