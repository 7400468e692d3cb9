{#- Headline reliability KPIs of the scope (kpi-definitions.md): one row. -#}
{% macro kpi_reliability_summary_query(relation) -%}
with scope as (

    select
        window_start,
        window_end,
        version_filter
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
        primary_action.primary_action
    from {{ relation('kpi_scope_events') }} as events_in_scope
    left join primary_action on true

),

user_counts as (

    select
        user_id,
        {{ kpi_user_event_counts() }}
    from events
    group by user_id

),

event_totals as (

    select
        {{ kpi_event_measures() }},
        count(distinct case when success_events > 0 and failure_events = 0 then user_id end)
            as happy_users
    from user_counts

)

select
    -- scope
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

    -- users
    event_totals.affected_users,
    event_totals.happy_users,
    {{ kpi_rate('event_totals.affected_users', 'event_totals.active_users') }}
        as affected_user_share,
    {{ kpi_rate('event_totals.happy_users', 'event_totals.active_users') }} as happy_user_share
from scope
cross join event_totals
left join primary_action on true
{%- endmacro %}
