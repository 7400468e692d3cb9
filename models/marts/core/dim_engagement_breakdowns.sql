{#- The props the app's engagement events are broken down by (seed `engagement_breakdowns`).
    Published beside the facts, so the KPI queries read the same rows in the warehouse and
    in `telemetry report`. Only `*` rows when the warehouse's app is unknown. -#}

with app as (

    select app from {{ ref('dim_app') }}

),

seed_rows as (

    select * from {{ ref('engagement_breakdowns') }}

)

select
    seed_rows.event_name,
    seed_rows.prop_key
from seed_rows
inner join app
    on {{ is_row_of_app('seed_rows.app', 'app.app') }}
