{#- One row per event name among the landed events: what event roles are derived from;
    redacted as in stg_aptabase__events, so that every staged event finds its name. -#}

with source as (

    select {{ redact_personal_where_needed("nullif(event_name, '')") }} as event_name
    from {{ source('aptabase', 'events') }}

),

final as (

    select distinct event_name
    from source

)

select * from final
