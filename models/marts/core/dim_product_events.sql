{#- The app's product events (seed `product_events`): launch, install markers and engagement events.
    Published beside the facts, so the KPI queries read the same rows in the warehouse and
    in `telemetry report`. Only `*` rows when the warehouse's app is unknown. -#}

with app as (

    select app from {{ ref('dim_app') }}

),

seed_rows as (

    select * from {{ ref('product_events') }}

)

select
    seed_rows.event_name,
    seed_rows.product_role,
    seed_rows.is_primary
from seed_rows
inner join app
    on {{ is_row_of_app('seed_rows.app', 'app.app') }}
