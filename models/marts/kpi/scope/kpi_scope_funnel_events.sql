{#- The events in scope that mark a funnel step of the app (seed `funnel_steps`: its event,
    passing its prop filter) or say the step was skipped (its skip event, same prop filter):
    one row per event and step it marks, with the second it happened in. Events without a
    user are left out (a funnel follows a user). In the report a small table every funnel
    query reads, so the events in scope are scanned once for all funnels. -#}

with steps as (

    select
        funnel,
        step_order,
        event_name,
        skip_event_name,
        prop_key,
        prop_value
    from {{ ref('dim_funnel_steps') }}

),

step_markers as (

    select
        funnel,
        step_order,
        'step' as marks,
        event_name,
        prop_key,
        prop_value
    from steps
    union all
    select
        funnel,
        step_order,
        'skip' as marks,
        skip_event_name as event_name,
        prop_key,
        prop_value
    from steps
    where skip_event_name is not null

),

final as (

    select
        step_markers.funnel,
        step_markers.step_order,
        step_markers.marks,
        events_in_scope.event_id,
        events_in_scope.user_id,
        events_in_scope.event_date,
        events_in_scope.event_ts,
        {{ dbt.date_trunc('second', 'events_in_scope.event_ts') }} as event_second,
        events_in_scope.app_version,
        events_in_scope.os_family,
        events_in_scope.os_name,
        -- props segment a funnel by its entry: kept for step-1 events only
        case when step_markers.step_order = 1 then events_in_scope.props end as props
    from {{ ref('kpi_scope_events') }} as events_in_scope
    inner join step_markers
        on events_in_scope.event_name = step_markers.event_name
    where
        events_in_scope.user_id is not null
        and {{ passes_prop_filter(
            'events_in_scope.props', 'step_markers.prop_key', 'step_markers.prop_value'
        ) }}

)

select * from final
