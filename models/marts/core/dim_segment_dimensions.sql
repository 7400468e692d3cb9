{#- The dimensions the app's KPIs can be split by (seed `segment_dimensions`, `*` rows included).
    Published beside the facts, so the KPI queries read the same rows in the warehouse and
    in `telemetry report`. Only `*` rows when the warehouse's app is unknown. -#}

with app as (

    select app from {{ ref('dim_app') }}

),

seed_rows as (

    select * from {{ ref('segment_dimensions') }}

)

select
    seed_rows.dimension,
    seed_rows.column_name,
    seed_rows.prop_key
from seed_rows
inner join app
    on {{ is_row_of_app('seed_rows.app', 'app.app') }}
