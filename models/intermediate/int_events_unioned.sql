{#- Every staged event of every source in one shape, the one the facts are built from: the
    source and the identity (`user_id`: Aptabase's daily id, ReverbCode's install and
    PostHog's distinct id, OTLP's service instance) on every row. A view: a read of it costs a read of the sources, filtered by what the reader asks
    for (the incremental models read their run window). A column a source does not have is
    null (ReverbCode's backend rows record no app version or OS; its payload is its props). -#}

{{ config(materialized='view') }}

with aptabase as (

    select
        'aptabase' as event_source,
        event_id,
        user_id,
        session_id,
        cast(null as varchar) as request_key,
        event_name,
        event_ts,
        event_date,
        app_version,
        app_version_sort_key,
        os_family,
        os_name,
        os_version,
        string_props,
        numeric_props,
        error_message,
        message_truncated,
        landed_at
    from {{ ref('stg_aptabase__events') }}

),

reverbcode as (

    select
        'reverbcode' as event_source,
        event_id,
        user_id,
        session_id,
        request_key,
        event_name,
        event_ts,
        event_date,
        cast(null as varchar) as app_version,
        cast(null as varchar) as app_version_sort_key,
        {{ os_family('cast(null as varchar)') }} as os_family,
        cast(null as varchar) as os_name,
        cast(null as varchar) as os_version,
        payload as string_props,
        cast(null as json) as numeric_props,
        cast(null as varchar) as error_message,
        false as message_truncated,
        landed_at
    from {{ ref('stg_reverbcode__events') }}

),

posthog as (

    select
        'posthog' as event_source,
        event_id,
        user_id,
        session_id,
        request_key,
        event_name,
        event_ts,
        event_date,
        app_version,
        {{ app_version_sort_key('app_version') }} as app_version_sort_key,
        {{ os_family('os_name') }} as os_family,
        os_name,
        os_version,
        props as string_props,
        cast(null as json) as numeric_props,
        cast(null as varchar) as error_message,
        false as message_truncated,
        landed_at
    from {{ ref('stg_posthog__events') }}

),

otlp as (

    select
        'otlp' as event_source,
        event_id,
        user_id,
        session_id,
        cast(null as varchar) as request_key,
        event_name,
        event_ts,
        event_date,
        app_version,
        {{ app_version_sort_key('app_version') }} as app_version_sort_key,
        {{ os_family('os_name') }} as os_family,
        os_name,
        os_version,
        props as string_props,
        cast(null as json) as numeric_props,
        error_message,
        false as message_truncated,
        landed_at
    from {{ ref('stg_otel__log_records') }}

),

unioned as (

    select * from aptabase
    union all
    select * from reverbcode
    union all
    select * from posthog
    union all
    select * from otlp

)

select * from unioned
