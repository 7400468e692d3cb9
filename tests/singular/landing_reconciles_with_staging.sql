{#- The landing summary of Aptabase exports reconciles exactly with what staging holds:
    every landed row is one recorded copy; the rows that were not duplicates are the staged
    events; every event's copy count adds up to the copies recorded. Fails with the counts that disagree. -#}

with landing_summary as (

    select
        coalesce(sum(rows_landed), 0) as rows_landed,
        coalesce(sum(rows_landed - duplicate_rows), 0) as new_events
    from {{ source('landing', 'landed_files') }}
    where event_source = 'aptabase'

),

copies as (

    select count(*) as copies_recorded
    from {{ source('aptabase', 'event_copies') }}

),

staged as (

    select
        count(*) as staged_events,
        coalesce(sum(copies_landed), 0) as copies_counted
    from {{ ref('stg_aptabase__events') }}

)

select
    landing_summary.rows_landed,
    landing_summary.new_events,
    copies.copies_recorded,
    staged.staged_events,
    staged.copies_counted
from landing_summary
cross join copies
cross join staged
where
    landing_summary.rows_landed != copies.copies_recorded
    or landing_summary.new_events != staged.staged_events
    or staged.copies_counted != copies.copies_recorded
