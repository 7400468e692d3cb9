{#- Health of each app version in scope, in semantic order (kpi-definitions.md, "Release
    health"). Events without an app version are not a release and have no row. The
    regression flag compares a version with the version just before it in that order. -#}
{% macro kpi_release_health_query(relation) -%}
with scope as (

    select
        window_start,
        window_end,
        version_filter,
        min_sample
    from {{ relation('kpi_scope') }}

),

primary_action as (

    select primary_action
    from {{ relation('kpi_scope_primary_action') }}

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
    from {{ relation('kpi_scope_events') }} as events_in_scope
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

scope_users as (

    select count(distinct user_id) as scope_active_users
    from user_versions

),

version_totals as (

    select
        app_version,
        max(app_version_sort_key) as app_version_sort_key,
        {{ kpi_event_measures() }}
    from user_versions
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
    version_sequence.active_users - version_sequence.affected_users as failure_free_users,
    {{ kpi_rate(
        'version_sequence.active_users - version_sequence.affected_users',
        'version_sequence.active_users'
    ) }} as failure_free_user_rate,

    -- primary workflow
    version_sequence.primary_starts,
    version_sequence.primary_failures,
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
{%- endmacro %}
