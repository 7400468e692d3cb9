{#- One row per unique event. Raw rows are the same event when their 8 core columns agree
    after empty strings are read as null (a raw export and a pandas-trimmed copy of it, two
    day exports that share the midnight row, repeated page-boundary rows); the copy with the
    most columns filled wins. -#}
{%- set core_columns = [
    'event_ts', 'event_name', 'user_id', 'app_version',
    'os_name', 'os_version', 'string_props_raw', 'numeric_props_raw'
] -%}
{%- set context_columns = [
    'session_id', 'locale', 'app_build_number', 'engine_name',
    'engine_version', 'country_code', 'country_name', 'region_name'
] -%}

with source as (

    select * from {{ source('aptabase', 'events') }}

),

normalized as (

    select
        -- identity: the 8 core columns, empty strings as null
        {{ raw_event_ts() }} as event_ts,
        nullif(event_name, '') as event_name,
        nullif(user_id, '') as user_id,
        nullif(app_version, '') as app_version,
        nullif(os_name, '') as os_name,
        nullif(os_version, '') as os_version,
        nullif(string_props, '') as string_props_raw,
        nullif(numeric_props, '') as numeric_props_raw,

        -- context only full exports carry
        nullif(session_id, '') as session_id,
        nullif(locale, '') as locale,
        nullif(app_build_number, '') as app_build_number,
        nullif(engine_name, '') as engine_name,
        nullif(engine_version, '') as engine_version,
        nullif(country_code, '') as country_code,
        nullif(country_name, '') as country_name,
        nullif(region_name, '') as region_name,

        -- provenance
        _source_file as source_file,
        _source_line as source_line,
        _file_checksum as file_checksum,
        _landed_at as landed_at
    from source

),

keyed as (

    select
        *,
        {{ surrogate_key(core_columns) }} as event_id,
        {{ count_filled(core_columns + context_columns) }} as filled_columns
    from normalized
    where event_ts is not null

),

deduplicated as (

    -- event_ts is part of event_id; partitioning by it too lets a filter on event_ts (an
    -- incremental run's days) reach the raw scan instead of de-duplicating every event
    select
        *,
        count(*) over (partition by event_ts, event_id) as copies_landed
    from keyed
    qualify row_number() over (
        partition by event_ts, event_id
        order by filled_columns desc, landed_at asc, source_file asc, source_line asc
    ) = 1

),

app_versions as (

    -- the version's parts and sort key once per distinct version (a handful), not once per
    -- event: four pattern matches per row were a third of what a full read of this view cost
    select
        app_version,
        {{ app_version_part('app_version', 1) }} as app_version_major,
        {{ app_version_part('app_version', 2) }} as app_version_minor,
        {{ app_version_part('app_version', 3) }} as app_version_patch,
        {{ app_version_sort_key('app_version') }} as app_version_sort_key
    from (
        -- from the table, not the `source` CTE: a CTE read twice would be materialized
        select distinct nullif(app_version, '') as app_version
        from {{ source('aptabase', 'events') }}
    ) as landed_versions
    where app_version is not null

),

parsed as (

    select
        *,
        {{ repair_props_json('string_props_raw') }} as string_props_repaired
    from deduplicated

),

versioned as (

    select
        parsed.*,
        app_versions.app_version_major,
        app_versions.app_version_minor,
        app_versions.app_version_patch,
        app_versions.app_version_sort_key
    from parsed
    left join app_versions
        on parsed.app_version = app_versions.app_version

),

final as (

    select
        -- ids
        event_id,
        user_id,
        session_id,

        -- event
        event_name,
        event_ts,
        cast({{ dbt.date_trunc('day', 'event_ts') }} as date) as event_date,

        -- app and platform
        app_version,
        app_version_major,
        app_version_minor,
        app_version_patch,
        app_version_sort_key,
        app_build_number,
        {{ os_family('os_name') }} as os_family,
        os_name,
        os_version,
        engine_name,
        engine_version,
        locale,
        country_code,
        country_name,
        region_name,

        -- props: raw text kept, parsed JSON beside it
        string_props_raw,
        numeric_props_raw,
        case
            when json_valid(string_props_repaired) then cast(string_props_repaired as json)
        end as string_props,
        case
            when json_valid(numeric_props_raw) then cast(numeric_props_raw as json)
        end as numeric_props,
        coalesce(
            (string_props_raw is not null and not json_valid(string_props_repaired))
            or (numeric_props_raw is not null and not json_valid(numeric_props_raw)),
            false
        ) as props_parse_failed,
        {{ extract_string_prop('string_props_repaired', 'error_message') }} as error_message,

        -- provenance
        copies_landed,
        source_file,
        source_line,
        file_checksum,
        landed_at
    from versioned

)

select
    *,
    coalesce(
        error_message like '%...' and length(error_message) between 178 and 180, false
    ) as message_truncated
from final
