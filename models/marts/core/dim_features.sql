{#- The app's features and the events that say one was used (seed `feature_events`).
    Published beside the facts, so the KPI queries read the same rows in the warehouse and
    in `telemetry report`. Only `*` rows when the warehouse's app is unknown. -#}

with app as (

    select app from {{ ref('dim_app') }}

),

seed_rows as (

    select * from {{ ref('feature_events') }}

)

select
    seed_rows.feature,
    seed_rows.event_name,
    seed_rows.prop_key,
    seed_rows.prop_value
from seed_rows
inner join app
    on {{ is_row_of_app('seed_rows.app', 'app.app') }}
