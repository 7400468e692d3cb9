{#- One row per PostHog event, typed: 1:1 with `raw.posthog_events`, where landing keeps each
    `uuid` once (telemetry/sources/posthog.py) with its UTC time, and has already dropped
    `person_properties`, `elements_chain`, `$ip` and `$geoip_*`. The SDK's common properties
    become the common columns (`$os`, else older SDKs' `$os_name`; `$os_version`;
    `$app_version`; `$lib`); a `request_id` property (ReverbCode's sink sends one, holding a
    host name) becomes an opaque key and leaves the props. -#}

with source as (

    select * from {{ source('posthog', 'posthog_events') }}

),

parsed as (

    select
        *,
        case when json_valid(properties) then cast(properties as json) end as props_json
    from source

),

final as (

    select
        -- ids
        uuid as event_id,
        -- an app that identifies people by e-mail sends it as the distinct id: published
        -- only hashed
        case
            when regexp_matches(distinct_id, '{{ personal_data_patterns().email | replace("'", "''") }}')
                then 'sha256:' || {{ sha256_hex('distinct_id') }}
            else distinct_id
        end as user_id,
        person_id,
        coalesce(
            nullif(props_json ->> '$."$session_id"', ''),
            nullif(props_json ->> '$.session_id_hash', '')
        ) as session_id,
        nullif(props_json ->> '$.project_id_hash', '') as project_id_hash,
        case
            when nullif(props_json ->> '$.request_id', '') is not null
                then md5(props_json ->> '$.request_id')
        end as request_key,

        -- event
        {{ redact_personal_where_needed("nullif(event, '')") }} as event_name,
        _event_ts as event_ts,
        cast({{ dbt.date_trunc('day', '_event_ts') }} as date) as event_date,

        -- app and platform (what the SDK adds)
        nullif(props_json ->> '$."$app_version"', '') as app_version,
        coalesce(
            nullif(props_json ->> '$."$os"', ''), nullif(props_json ->> '$."$os_name"', '')
        ) as os_name,
        nullif(props_json ->> '$."$os_version"', '') as os_version,
        nullif(props_json ->> '$."$lib"', '') as sdk_name,
        nullif(props_json ->> '$."$lib_version"', '') as sdk_version,

        -- props: parsed, without the request id
        json_merge_patch(props_json, '{"request_id": null}') as props,
        coalesce(properties is not null and props_json is null, false) as props_parse_failed,

        -- provenance
        timestamp as timestamp_raw,
        _source_line as source_line,
        _source_file as source_file,
        _file_checksum as file_checksum,
        _landed_at as landed_at
    from parsed

)

select * from final
