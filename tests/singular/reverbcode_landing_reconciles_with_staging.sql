{#- The landing summary of ReverbCode databases reconciles exactly with what staging holds:
    the rows each database added (landed rows that were not ids landed before) are the
    staged events, and every staged event names a landed database. Fails with the counts
    that disagree. -#}

with landing_summary as (

    select coalesce(sum(rows_landed - duplicate_rows), 0) as new_events
    from {{ source('landing', 'landed_files') }}
    where event_source = 'reverbcode'

),

staged as (

    select
        count(*) as staged_events,
        count(*) filter (
            where file_checksum not in (
                select landed_files.file_checksum
                from {{ source('landing', 'landed_files') }} as landed_files
                where landed_files.event_source = 'reverbcode'
            )
        ) as staged_from_unknown_files
    from {{ ref('stg_reverbcode__events') }}

)

select
    landing_summary.new_events,
    staged.staged_events,
    staged.staged_from_unknown_files
from landing_summary
cross join staged
where
    landing_summary.new_events != staged.staged_events
    or staged.staged_from_unknown_files > 0
