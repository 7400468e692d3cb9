{#- One row per event name among the landed events: what event roles are derived from. -#}

with source as (

    select nullif(event_name, '') as event_name
    from {{ source('aptabase', 'events') }}

),

final as (

    select distinct event_name
    from source

)

select * from final
