{#- Report section "Daily trend" and its chart: the three rates per UTC day. -#}

select
    event_date,
    is_partial_day,
    events,
    active_users,
    affected_users,
    failure_events,
    runtime_failure_events,
    primary_starts,
    primary_failures,
    raw_error_rate,
    runtime_error_rate,
    workflow_failure_rate
from {{ ref('kpi_daily') }}
order by event_date
