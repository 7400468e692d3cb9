{#- One row per event, typed and parsed: 1:1 with `raw.events`, where landing keeps each
    event once (its fullest copy) with its UTC time and key (telemetry/sources/aptabase_key.py).
    Nothing here de-duplicates or re-parses time, so a read costs one scan. -#}

with source as (

    select * from {{ source('aptabase', 'events') }}

),

normalized as (

    select
        _event_id as event_id,
        _event_ts as event_ts,
        -- an event name is published: personal data in one (an e-mail) is redacted
        {{ redact_personal_where_needed("nullif(event_name, '')") }} as event_name,
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
        _copies_landed as copies_landed,
        _source_file as source_file,
        _source_line as source_line,
        _file_checksum as file_checksum,
        _landed_at as landed_at
    from source

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
    from normalized

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
