{#- Report section "Product", activity per ISO week and month: average daily active users. -#}

select
    period,
    period_start,
    days_with_events,
    is_partial_period,
    events,
    avg_daily_active_users,
    max_daily_active_users,
    sessions,
    new_installs,
    launches
from {{ ref('kpi_activity_periods') }}
order by period desc, period_start asc
