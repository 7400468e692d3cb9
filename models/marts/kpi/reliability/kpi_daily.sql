{#- Reliability per UTC day of the scope (days with at least one event in scope). The
    workflow rate is that of the overall primary action. -#}

with scope as (

    select
        app,
        identity_horizon,
        window_start,
        window_end,
        version_filter
    from {{ ref('kpi_scope') }}

),

primary_action as (

    select primary_action
    from {{ ref('kpi_scope_primary_action') }}

),

events as (

    select
        events_in_scope.event_date,
        events_in_scope.user_id,
        events_in_scope.action,
        events_in_scope.event_role,
        events_in_scope.failure_class,
        primary_action.primary_action
    from {{ ref('kpi_scope_events') }} as events_in_scope
    left join primary_action on true

),

user_days as (

    select
        event_date,
        user_id,
        {{ kpi_user_event_counts() }}
    from events
    group by event_date, user_id

),

daily_totals as (

    select
        event_date,
        {{ kpi_event_measures() }}
    from user_days
    group by event_date

)

select
    -- scope
    scope.app,
    scope.identity_horizon,
    scope.window_start,
    scope.window_end,
    scope.version_filter,

    -- day
    daily_totals.event_date,
    {{ kpi_is_partial_day('daily_totals.event_date') }} as is_partial_day,

    -- events and users
    daily_totals.events,
    daily_totals.active_users,
    daily_totals.affected_users,
    daily_totals.failure_events,
    daily_totals.runtime_failure_events,
    daily_totals.primary_starts,
    daily_totals.primary_failures,

    -- rates
    {{ kpi_rate('daily_totals.failure_events', 'daily_totals.events') }} as raw_error_rate,
    {{ kpi_rate('daily_totals.runtime_failure_events', 'daily_totals.events') }}
        as runtime_error_rate,
    {{ kpi_rate('daily_totals.primary_failures', 'daily_totals.primary_starts') }}
        as workflow_failure_rate
from daily_totals
cross join scope
