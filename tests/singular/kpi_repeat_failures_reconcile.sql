{#- kpi_repeat_failures adds up: its rows are the repeat failing users and hold their
    failure events, and its scope totals are the summary's (failure events; failing users =
    affected users). Fails with the figures when any does not match. -#}

with repeaters as (

    select
        count(*) as user_rows,
        coalesce(sum(failure_events), 0) as row_failure_events,
        max(repeat_failing_users) as repeat_failing_users,
        max(repeat_failure_events) as repeat_failure_events,
        max(scope_failure_events) as scope_failure_events,
        max(failing_users) as failing_users
    from {{ ref('kpi_repeat_failures') }}

),

summary as (

    select
        failure_events,
        affected_users
    from {{ ref('kpi_reliability_summary') }}

)

select
    repeaters.user_rows,
    repeaters.row_failure_events,
    repeaters.repeat_failing_users,
    repeaters.repeat_failure_events,
    repeaters.scope_failure_events,
    summary.failure_events as summary_failure_events,
    repeaters.failing_users,
    summary.affected_users as summary_affected_users
from repeaters
cross join summary
where
    repeaters.user_rows > 0
    and (
        repeaters.user_rows != repeaters.repeat_failing_users
        or repeaters.row_failure_events != repeaters.repeat_failure_events
        or repeaters.scope_failure_events != summary.failure_events
        or repeaters.failing_users != summary.affected_users
    )
