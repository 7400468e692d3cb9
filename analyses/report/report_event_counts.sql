{#- Report section "Events": unique events in scope per event name, with the role(s) each
    name plays (a one-event lifecycle is a success or a failure by its outcome prop). No
    mart holds counts per event name, so this reads the scoped events. -#}

with events as (

    select
        event_name,
        event_role,
        user_id
    from {{ ref('kpi_scope_events') }}

),

totals as (

    select count(*) as scope_events
    from events

),

by_name as (

    select
        event_name,
        string_agg(distinct event_role, ', ' order by event_role) as event_roles,
        count(*) as events,
        count(distinct user_id) as active_users
    from events
    group by event_name

)

select
    by_name.event_name,
    by_name.event_roles,
    by_name.events,
    by_name.active_users,
    cast(by_name.events as double) / nullif(totals.scope_events, 0) as share_of_events
from by_name
cross join totals
order by by_name.events desc, by_name.event_name asc
