{#- Reliability broken down by os_family, os_name, os_version and app_version
    (kpi-definitions.md, "Breakdowns"): one row per (dimension, dimension_value). The
    workflow figures are those of the overall primary action. An OS version is labelled
    with its marketing name where dim_os_version_names knows it ("Windows 11 23H2
    (10.0.22631)"), else as the OS name and version sent ("Ubuntu 24.04"). -#}

{%- set dimensions = ['os_family', 'os_name', 'os_version', 'app_version'] -%}

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
        events_in_scope.os_family,
        events_in_scope.os_name,
        nullif(trim(events_in_scope.os_version), '') as os_version_sent,
        events_in_scope.app_version,
        primary_action.primary_action
    from {{ ref('kpi_scope_events') }} as events_in_scope
    left join primary_action on true

),

user_platforms_sent as (

    -- each user's counts per platform and version: what every dimension rolls up
    select
        user_id,
        os_family,
        os_name,
        os_version_sent,
        app_version,
        {{ kpi_user_event_counts() }}
    from events
    group by user_id, os_family, os_name, os_version_sent, app_version

),

os_versions_sent as (

    select distinct
        os_name,
        os_version_sent
    from user_platforms_sent

),

os_version_matches as (

    -- each version sent with the names whose prefix it has, the longest prefix first
    select
        os_versions_sent.os_name,
        os_versions_sent.os_version_sent,
        row_number() over (
            partition by os_versions_sent.os_name, os_versions_sent.os_version_sent
            order by length(names.version_prefix) desc
        ) as name_rank,
        case
            when os_versions_sent.os_version_sent is null then os_versions_sent.os_name
            when names.version_name is not null
                then names.version_name || ' (' || os_versions_sent.os_version_sent || ')'
            else os_versions_sent.os_name || ' ' || os_versions_sent.os_version_sent
        end as os_version
    from os_versions_sent
    left join {{ ref('dim_os_version_names') }} as names  -- noqa: RF04
        on os_versions_sent.os_name = names.os_name
        and (
            os_versions_sent.os_version_sent = names.version_prefix
            or os_versions_sent.os_version_sent like names.version_prefix || '.%'
        )

),

os_version_labels as (

    select
        os_name,
        os_version_sent,
        os_version
    from os_version_matches
    where name_rank = 1

),

user_platforms as (

    select
        user_platforms_sent.*,
        os_version_labels.os_version
    from user_platforms_sent
    left join os_version_labels
        on user_platforms_sent.os_name is not distinct from os_version_labels.os_name
        and user_platforms_sent.os_version_sent is not distinct from os_version_labels.os_version_sent

),

user_counts_by_dimension as (

    {% for dimension in dimensions -%}
        select
            '{{ dimension }}' as dimension,
            coalesce({{ dimension }}, '(unknown)') as dimension_value,
            user_id,
            events,
            failure_events,
            success_events,
            runtime_failure_events,
            primary_starts,
            primary_failures
        from user_platforms
        {{ 'union all' if not loop.last }}
    {% endfor %}

),

dimension_totals as (

    select
        dimension,
        dimension_value,
        {{ kpi_event_measures() }}
    from user_counts_by_dimension
    group by dimension, dimension_value

),

dimension_rates as (

    select
        *,
        {{ kpi_rate('failure_events', 'events') }} as raw_error_rate,
        {{ kpi_rate('affected_users', 'active_users') }} as affected_user_share,
        {{ kpi_rate('primary_failures', 'primary_starts') }} as workflow_failure_rate,
        {{ wilson_low('primary_failures', 'primary_starts') }} as workflow_failure_rate_low,
        {{ wilson_high('primary_failures', 'primary_starts') }} as workflow_failure_rate_high
    from dimension_totals

)

select
    -- scope
    scope.app,
    scope.identity_horizon,
    scope.window_start,
    scope.window_end,
    scope.version_filter,

    -- group
    dimension_rates.dimension,
    dimension_rates.dimension_value,

    -- events
    dimension_rates.events,
    dimension_rates.failure_events,
    dimension_rates.raw_error_rate,

    -- users
    dimension_rates.active_users,
    dimension_rates.affected_users,
    dimension_rates.affected_user_share,

    -- primary workflow
    dimension_rates.primary_starts,
    dimension_rates.primary_failures,
    dimension_rates.workflow_failure_rate,
    dimension_rates.workflow_failure_rate_low,
    dimension_rates.workflow_failure_rate_high,
    dimension_rates.primary_starts < scope.min_sample as small_sample,
    rank() over (
        partition by dimension_rates.dimension
        order by
            dimension_rates.primary_starts < scope.min_sample asc,
            dimension_rates.workflow_failure_rate_low desc nulls last
    ) as risk_rank
from dimension_rates
cross join scope
