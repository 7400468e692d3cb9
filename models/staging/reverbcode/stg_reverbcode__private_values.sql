{#- The personal values ReverbCode's rows hold outside their payload, one row each
    (`personal_value`): repository names (`project_id`), session ids (`<project_id>-<n>`)
    and host names (the prefix of `request_id`). Staging publishes them only hashed; the
    privacy scan of the marts (tests/singular/marts_hold_no_personal_data.sql) looks for
    these very values. Values shorter than 3 characters are left out: they would match
    ordinary text by chance.
    A table, not a view: the privacy scan runs in scratch copies of the warehouse (a build
    with scope vars) that rebuild only the KPI marts' parents, and a view would still name
    the original file's catalog. -#}

{{ config(materialized='table') }}

with source as (

    select
        project_id,
        session_id,
        request_id
    from {{ source('reverbcode', 'reverbcode_events') }}

),

values_held as (

    select project_id as personal_value from source
    union
    select session_id from source
    union
    select split_part(request_id, '/', 1) from source
    where contains(request_id, '/')

)

select distinct personal_value
from values_held
where length(personal_value) >= 3
