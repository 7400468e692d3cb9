{#- Report section "Scope": the window and version filter the KPIs were built with, and
    what the warehouse holds around it (all unique events, their first and last time). -#}

with scope as (

    select
        window_hours,
        window_start,
        window_end,
        version_filter,
        has_version_filter
    from {{ ref('kpi_scope') }}

),

all_events as (

    select
        count(*) as warehouse_events,
        min(event_ts) as warehouse_first_event,
        max(event_ts) as warehouse_last_event
    from {{ ref('fct_events') }}

),

window_events as (

    select count(*) as window_events
    from {{ ref('fct_events') }} as events
    inner join scope
        on events.event_ts between scope.window_start and scope.window_end

)

select
    scope.window_hours,
    scope.window_start,
    scope.window_end,
    scope.version_filter,
    scope.has_version_filter,
    window_events.window_events,
    all_events.warehouse_events,
    all_events.warehouse_first_event,
    all_events.warehouse_last_event
from scope
cross join all_events
cross join window_events
