{#- How far each user-day got in each funnel (kpi-definitions.md, "Funnels"): one row per
    funnel, user-day and step reached. A user enters at the first step-1 event of the day
    and reaches step k at the earliest step-k event no earlier than (in whole seconds) the
    moment it reached step k-1: steps fired out of order do not count, two steps in one
    second count in their funnel order, and a funnel never follows an id across UTC days
    (Aptabase ids rotate daily: the conversion window is the user-day). Following the
    earliest events step by step finds the furthest step any order of the day's events
    reaches. One join per step, up to var max_funnel_steps, over the step events' narrow
    columns only (each join reads them all again: 44 -> 34 s over 10 M events); the entry's
    version, OS and props are joined once, at the end. -#}

{%- set max_steps = kpi_max_funnel_steps() %}
with step_events as (

    select
        funnel,
        step_order,
        event_id,
        user_id,
        event_date,
        event_ts,
        event_second
    from {{ ref('kpi_scope_funnel_events') }}
    where marks = 'step'

),

entry_events as (

    select
        funnel,
        event_id,
        app_version,
        os_family,
        os_name,
        props
    from {{ ref('kpi_scope_funnel_events') }}
    where marks = 'step' and step_order = 1

),

first_entries as (

    select
        funnel,
        user_id,
        event_date,
        min(event_ts) as reached_at
    from step_events
    where step_order = 1
    group by funnel, user_id, event_date

),

reached_1 as (

    -- entry: the day's first step-1 event (the lowest id of two in one instant), whose
    -- version, OS and props are the user-day's segment in this funnel
    select
        first_entries.funnel,
        first_entries.user_id,
        first_entries.event_date,
        first_entries.reached_at,
        min(step_events.event_id) as entry_event_id
    from first_entries
    inner join step_events
        on first_entries.funnel = step_events.funnel
        and first_entries.user_id = step_events.user_id
        and first_entries.event_date = step_events.event_date
        and step_events.step_order = 1
        and first_entries.reached_at = step_events.event_ts
    group by first_entries.funnel, first_entries.user_id, first_entries.event_date, first_entries.reached_at

),
-- the steps' CTEs come from a Jinja loop, indented as the CTEs around them
-- noqa: disable=LT02
{%- for step in range(2, max_steps + 1) %}

reached_{{ step }} as (

    select
        previous.funnel,
        previous.user_id,
        previous.event_date,
        min(step_events.event_ts) as reached_at,
        previous.reached_at as previous_reached_at
    from reached_{{ step - 1 }} as previous
    inner join step_events
        on previous.funnel = step_events.funnel
        and previous.user_id = step_events.user_id
        and previous.event_date = step_events.event_date
        and step_events.step_order = {{ step }}
        and step_events.event_second >= {{ dbt.date_trunc('second', 'previous.reached_at') }}
    group by previous.funnel, previous.user_id, previous.event_date, previous.reached_at

),
{%- endfor %}
-- noqa: enable=LT02

reached as (

    select
        funnel,
        1 as step_order,
        user_id,
        event_date,
        reached_at,
        cast(null as {{ dbt.type_bigint() }}) as seconds_from_previous
    from reached_1
    -- noqa: disable=LT02
    {%- for step in range(2, max_steps + 1) %}
    union all
    select
        funnel,
        {{ step }} as step_order,
        user_id,
        event_date,
        reached_at,
        -- a step in the same second as the one before it (and logged a moment earlier) is 0 s
        greatest(0, {{ dbt.datediff('previous_reached_at', 'reached_at', 'second') }})
            as seconds_from_previous
    from reached_{{ step }}
    {%- endfor %}
    -- noqa: enable=LT02

)

select
    reached.funnel,
    reached.step_order,
    reached.user_id,
    reached.event_date,
    reached.reached_at,
    reached.seconds_from_previous,
    entries.event_id as entry_event_id,
    entries.app_version as entry_app_version,
    entries.os_family as entry_os_family,
    entries.os_name as entry_os_name,
    entries.props as entry_props
from reached
inner join reached_1
    on reached.funnel = reached_1.funnel
    and reached.user_id = reached_1.user_id
    and reached.event_date = reached_1.event_date
inner join entry_events as entries
    on reached_1.funnel = entries.funnel
    and reached_1.entry_event_id = entries.event_id
