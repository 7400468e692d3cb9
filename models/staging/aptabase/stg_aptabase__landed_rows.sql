{#- One row per landed raw row, copies included: when it was landed and the UTC day of its
    event. What incremental runs read to find the days that rows landed since the previous
    build belong to: two columns, without de-duplicating every event. -#}

with source as (

    select
        _landed_at as landed_at,
        {{ raw_event_ts() }} as event_ts
    from {{ source('aptabase', 'events') }}

),

final as (

    select
        landed_at,
        cast({{ dbt.date_trunc('day', 'event_ts') }} as date) as event_date
    from source

)

select * from final
