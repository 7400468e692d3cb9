{#- Report section "Release health" and its chart: one row per app version in scope, in
    release order. -#}

select
    app_version,
    release_order,
    events,
    active_users,
    adoption,
    affected_users,
    abandoning_users,
    failure_free_users,
    failure_free_user_rate,
    primary_starts,
    primary_failures,
    primary_abandoned,
    abandoned_rate,
    workflow_failure_rate,
    workflow_failure_rate_low,
    workflow_failure_rate_high,
    small_sample,
    previous_app_version,
    is_regression
from {{ ref('kpi_release_health') }}
order by release_order
