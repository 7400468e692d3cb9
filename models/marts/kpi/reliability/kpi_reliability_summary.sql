{#- Headline reliability KPIs of the scope (kpi-definitions.md): one row. The crash proxy
    (abandoned attempts) comes from the attempts in scope; a user who abandoned an attempt
    is not failure-free. -#}

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
        events_in_scope.user_id,
        events_in_scope.action,
        events_in_scope.event_role,
        events_in_scope.failure_class,
        primary_action.primary_action
    from {{ ref('kpi_scope_events') }} as events_in_scope
    left join primary_action on true

),

user_counts as (

    select
        user_id,
        {{ kpi_user_event_counts() }}
    from events
    group by user_id

),

user_abandoned as (

    {{ kpi_user_abandoned_attempts() }}

),

user_totals as (

    select
        user_counts.*,
        user_abandoned.abandoned_attempts,
        user_abandoned.primary_abandoned
    from user_counts
    left join user_abandoned on user_counts.user_id is not distinct from user_abandoned.user_id

),

event_totals as (

    select
        {{ kpi_event_measures() }},
        {{ kpi_abandoned_measures() }},
        count(distinct case when success_events > 0 and failure_events = 0 then user_id end)
            as happy_users
    from user_totals

)

select
    -- scope
    scope.app,
    scope.identity_horizon,
    scope.window_start,
    scope.window_end,
    scope.version_filter,

    -- events
    event_totals.events,
    event_totals.active_users,
    event_totals.failure_events,
    event_totals.success_events,
    {{ kpi_rate('event_totals.failure_events', 'event_totals.events') }} as raw_error_rate,
    event_totals.runtime_failure_events,
    {{ kpi_rate('event_totals.runtime_failure_events', 'event_totals.events') }}
        as runtime_error_rate,

    -- primary workflow
    primary_action.primary_action,
    event_totals.primary_starts,
    event_totals.primary_failures,
    {{ kpi_rate('event_totals.primary_failures', 'event_totals.primary_starts') }}
        as workflow_failure_rate,

    -- crash proxy: starts of the primary action with no outcome
    event_totals.primary_abandoned,
    {{ kpi_rate('event_totals.primary_abandoned', 'event_totals.primary_starts') }}
        as abandoned_rate,
    {{ wilson_low('event_totals.primary_abandoned', 'event_totals.primary_starts') }}
        as abandoned_rate_low,
    {{ wilson_high('event_totals.primary_abandoned', 'event_totals.primary_starts') }}
        as abandoned_rate_high,
    event_totals.abandoned_attempts,
    event_totals.abandoning_users,

    -- users
    event_totals.affected_users,
    event_totals.happy_users,
    event_totals.failure_free_users,
    {{ kpi_rate('event_totals.affected_users', 'event_totals.active_users') }}
        as affected_user_share,
    {{ kpi_rate('event_totals.happy_users', 'event_totals.active_users') }} as happy_user_share,
    {{ kpi_rate('event_totals.failure_free_users', 'event_totals.active_users') }}
        as failure_free_user_share,
    {{ kpi_rate('event_totals.abandoning_users', 'event_totals.active_users') }}
        as abandoning_user_share
from scope
cross join event_totals
left join primary_action on true
