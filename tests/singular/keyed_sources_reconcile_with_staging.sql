{#- For each source whose events carry their own key (ReverbCode's `id`, PostHog's `uuid`,
    an OTLP record's content hash), the landing summary reconciles exactly with what staging holds: the rows each file added
    (landed rows that were not keys landed before) are the staged events, and every staged
    event names a landed file of its source. Fails with the source and the counts that
    disagree. -#}

with landed as (

    select
        event_source,
        file_checksum,
        rows_landed - duplicate_rows as new_events
    from {{ source('landing', 'landed_files') }}
    where event_source in ('reverbcode', 'posthog', 'otlp')

),

staged as (

    select
        'reverbcode' as event_source,
        file_checksum
    from {{ ref('stg_reverbcode__events') }}
    union all
    select
        'posthog' as event_source,
        file_checksum
    from {{ ref('stg_posthog__events') }}
    union all
    select
        'otlp' as event_source,
        file_checksum
    from {{ ref('stg_otel__log_records') }}

),

landing_summary as (

    select
        event_source,
        sum(new_events) as new_events
    from landed
    group by event_source

),

staged_summary as (

    select
        staged.event_source,
        count(*) as staged_events,
        count(*) filter (where landed.file_checksum is null) as staged_from_unknown_files
    from staged
    left join landed
        on staged.event_source = landed.event_source
        and staged.file_checksum = landed.file_checksum
    group by staged.event_source

)

select
    coalesce(landing_summary.event_source, staged_summary.event_source) as event_source,
    landing_summary.new_events,
    staged_summary.staged_events,
    staged_summary.staged_from_unknown_files
from landing_summary
full outer join staged_summary
    on landing_summary.event_source = staged_summary.event_source
where
    coalesce(landing_summary.new_events, 0) != coalesce(staged_summary.staged_events, 0)
    or coalesce(staged_summary.staged_from_unknown_files, 0) > 0
