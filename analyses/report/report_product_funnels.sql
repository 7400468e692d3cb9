{#- Report section "Product", funnels and their chart: one row per funnel step, in order. -#}

select
    funnel,
    step_order,
    step_name,
    users_reached,
    conversion_from_start,
    conversion_from_previous,
    dropped_users,
    median_seconds_from_previous,
    viewed_users,
    skipped_users
from {{ ref('kpi_funnel_steps') }}
order by funnel, step_order
