{#- The app this warehouse holds, one row always: its name (null when no landed file named
    it: land with --app), the source of its events and the identity horizon every user count
    rests on. The product KPIs pick the app's seed rows by it; every KPI row states it. -#}

with landed_apps as (

    select * from {{ ref('stg_landing__landed_apps') }}

),

one_row as (

    -- one row even when no file named its app (the left join keeps it)
    select 1 as row_key

)

select
    landed_apps.app,
    coalesce(landed_apps.event_source, 'aptabase') as event_source,
    coalesce(landed_apps.identity_horizon, 'user_day') as identity_horizon
from one_row
left join landed_apps on one_row.row_key = 1
