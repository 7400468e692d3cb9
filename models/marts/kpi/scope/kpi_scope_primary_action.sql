{#- The primary action (kpi-definitions.md): the action with the most start events in
    scope, ties broken by action name. One row; no row when scope holds no start event. -#}

with starts as (

    select action
    from {{ ref('kpi_scope_events') }}
    where event_role = 'start'

),

action_starts as (

    select
        action,
        count(*) as start_events
    from starts
    group by action

),

ranked as (

    select
        action,
        start_events,
        row_number() over (order by start_events desc, action asc) as start_rank
    from action_starts

),

final as (

    select
        action as primary_action,
        cast(start_events as bigint) as primary_starts
    from ranked
    where start_rank = 1

)

select * from final
