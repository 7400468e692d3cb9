{#- One row per event name in the landed events: the names `stg_aptabase__events` holds,
    read without de-duplicating every event (copies of an event share its name). -#}

with source as (

    select
        nullif(event_name, '') as event_name,
        {{ raw_event_ts() }} as event_ts
    from {{ source('aptabase', 'events') }}

),

final as (

    select distinct event_name
    from source
    where event_ts is not null

)

select * from final
