{#- The app's funnels, one row per step (seed `funnel_steps`).
    Published beside the facts, so the KPI queries read the same rows in the warehouse and
    in `telemetry report`. Only `*` rows when the warehouse's app is unknown. -#}

with app as (

    select app from {{ ref('dim_app') }}

),

seed_rows as (

    select * from {{ ref('funnel_steps') }}

)

select
    seed_rows.funnel,
    seed_rows.step_order,
    seed_rows.step_name,
    seed_rows.event_name,
    seed_rows.prop_key,
    seed_rows.prop_value,
    seed_rows.skip_event_name
from seed_rows
inner join app
    on {{ is_row_of_app('seed_rows.app', 'app.app') }}
