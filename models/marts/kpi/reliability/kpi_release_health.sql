{#- Health of each app version in scope, in semantic order (kpi-definitions.md, "Release
    health"). Events without an app version are not a release and have no row. The
    regression flag compares a version with the version just before it in that order.
    Failure-free users had no failure event and abandoned no attempt (the crash proxy). -#}

with scope as (

    select
        app,
        identity_horizon,
        window_start,
        window_end,
        version_filter,
        min_sample
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
        events_in_scope.app_version,
        events_in_scope.app_version_sort_key,
        primary_action.primary_action
    from {{ ref('kpi_scope_events') }} as events_in_scope
    left join primary_action on true

),

user_versions as (

    select
        user_id,
        app_version,
        app_version_sort_key,
        {{ kpi_user_event_counts() }}
    from events
    group by user_id, app_version, app_version_sort_key

),

user_abandoned as (

    {{ kpi_user_abandoned_attempts(['app_version']) }}

),

user_version_totals as (

    select
        user_versions.*,
        user_abandoned.abandoned_attempts,
        user_abandoned.primary_abandoned
    from user_versions
    left join user_abandoned
        on user_versions.user_id is not distinct from user_abandoned.user_id
        and user_versions.app_version is not distinct from user_abandoned.app_version

),

scope_users as (

    select count(distinct user_id) as scope_active_users
    from user_versions

),

version_totals as (

    select
        app_version,
        max(app_version_sort_key) as app_version_sort_key,
        {{ kpi_event_measures() }},
        {{ kpi_abandoned_measures() }}
    from user_version_totals
    where app_version is not null
    group by app_version

),

version_rates as (

    select
        *,
        {{ kpi_rate('primary_failures', 'primary_starts') }} as workflow_failure_rate,
        {{ wilson_low('primary_failures', 'primary_starts') }} as workflow_failure_rate_low,
        {{ wilson_high('primary_failures', 'primary_starts') }} as workflow_failure_rate_high
    from version_totals

),

version_sequence as (

    select
        *,
        row_number() over (order by app_version_sort_key asc, app_version asc) as release_order,
        lag(app_version) over (order by app_version_sort_key asc, app_version asc)
            as previous_app_version,
        lag(workflow_failure_rate_high) over (order by app_version_sort_key asc, app_version asc)
            as previous_workflow_failure_rate_high
    from version_rates

)

select
    -- scope
    scope.app,
    scope.identity_horizon,
    scope.window_start,
    scope.window_end,
    scope.version_filter,

    -- release
    version_sequence.app_version,
    version_sequence.app_version_sort_key,
    version_sequence.release_order,

    -- adoption
    version_sequence.events,
    version_sequence.active_users,
    {{ kpi_rate('version_sequence.active_users', 'scope_users.scope_active_users') }} as adoption,

    -- failure-free users
    version_sequence.affected_users,
    version_sequence.abandoning_users,
    version_sequence.failure_free_users,
    {{ kpi_rate('version_sequence.failure_free_users', 'version_sequence.active_users') }}
        as failure_free_user_rate,

    -- primary workflow
    version_sequence.primary_starts,
    version_sequence.primary_failures,
    version_sequence.primary_abandoned,
    {{ kpi_rate('version_sequence.primary_abandoned', 'version_sequence.primary_starts') }}
        as abandoned_rate,
    version_sequence.workflow_failure_rate,
    version_sequence.workflow_failure_rate_low,
    version_sequence.workflow_failure_rate_high,
    version_sequence.primary_starts < scope.min_sample as small_sample,

    -- regression versus the previous version
    version_sequence.previous_app_version,
    version_sequence.previous_workflow_failure_rate_high,
    coalesce(
        version_sequence.workflow_failure_rate_low
        > version_sequence.previous_workflow_failure_rate_high,
        false
    ) as is_regression
from version_sequence
cross join scope
cross join scope_users
