{#- Report section "Repeated failures": how much of the raw error volume a handful of
    users produce. One row: the scope's failures and failing users (from the summary) and
    the concentration figures of kpi_repeat_failures, null when no user failed twice
    (that mart then has no row). -#}

with summary as (

    select
        failure_events,
        affected_users
    from {{ ref('kpi_reliability_summary') }}

),

concentration as (

    select distinct
        scope_failure_events,
        failing_users,
        repeat_failing_users,
        repeat_failure_events,
        repeat_failure_share,
        top_1pct_users,
        top_1pct_failure_events,
        top_1pct_failure_share,
        top_10_failure_events,
        top_10_failure_share
    from {{ ref('kpi_repeat_failures') }}

),

repeaters as (

    select
        max(failure_events) as max_user_failure_events,
        sum(user_input_failure_events) as repeat_user_input_failure_events
    from {{ ref('kpi_repeat_failures') }}

)

select
    summary.failure_events,
    summary.affected_users as failing_users,
    coalesce(concentration.repeat_failing_users, 0) as repeat_failing_users,
    cast(coalesce(concentration.repeat_failing_users, 0) as double)
    / nullif(summary.affected_users, 0) as repeat_failing_user_share,
    coalesce(concentration.repeat_failure_events, 0) as repeat_failure_events,
    concentration.repeat_failure_share,
    repeaters.max_user_failure_events,
    coalesce(repeaters.repeat_user_input_failure_events, 0) as repeat_user_input_failure_events,
    concentration.top_1pct_users,
    concentration.top_1pct_failure_events,
    concentration.top_1pct_failure_share,
    concentration.top_10_failure_events,
    concentration.top_10_failure_share
from summary
cross join repeaters
left join concentration on true
