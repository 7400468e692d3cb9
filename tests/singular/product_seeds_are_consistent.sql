{#- The product seeds an analyst edits hold together: an app has at most one primary
    engagement event, every engagement breakdown names an engagement event, and a funnel's
    steps are numbered 1..n without gaps, n at most var max_funnel_steps. One row per
    problem, saying what it is. -#}

with primary_events as (

    select
        app,
        count(*) as primary_events
    from {{ ref('product_events') }}
    where is_primary
    group by app

),

several_primaries as (

    select app || ': ' || cast(primary_events as varchar) || ' primary engagement events' as problem
    from primary_events
    where primary_events > 1

),

breakdowns_of_other_events as (

    select
        breakdowns.app || ' ' || breakdowns.event_name
        || ': engagement_breakdowns names an event product_events does not list as engagement'
            as problem
    from {{ ref('engagement_breakdowns') }} as breakdowns
    left join {{ ref('product_events') }} as product_events
        on breakdowns.app = product_events.app
        and breakdowns.event_name = product_events.event_name
        and product_events.product_role = 'engagement'
    where product_events.event_name is null

),

funnels as (

    select
        app,
        funnel,
        count(*) as steps,
        max(step_order) as last_step
    from {{ ref('funnel_steps') }}
    group by app, funnel

),

gapped_funnels as (

    select
        app || ' funnel ' || funnel || ': steps are not numbered 1..' || cast(steps as varchar)
            as problem
    from funnels
    where last_step != steps

),

long_funnels as (

    select
        app || ' funnel ' || funnel || ': ' || cast(steps as varchar)
        || ' steps, more than var max_funnel_steps ({{ kpi_max_funnel_steps() }})' as problem
    from funnels
    where steps > {{ kpi_max_funnel_steps() }}

)

select problem from several_primaries
union all
select problem from breakdowns_of_other_events
union all
select problem from gapped_funnels
union all
select problem from long_funnels
