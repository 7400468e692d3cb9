{#- One row per ReverbCode telemetry event, typed: 1:1 with `raw.reverbcode_events`, where
    landing keeps each `id` once (telemetry/sources/reverbcode.py) with its UTC time and
    install. Repository names never leave raw: `project_id` and `session_id` are hashed as
    ReverbCode's PostHog sink hashes them (sha256 hex), and `request_id` (it holds a host
    name) becomes an opaque key that only says which events one request wrote. -#}

with source as (

    select * from {{ source('reverbcode', 'reverbcode_events') }}

),

final as (

    select
        -- ids
        id as event_id,
        _install_id as user_id,
        _install_id_from as install_id_from,
        {{ sha256_hex("nullif(session_id, '')") }} as session_id,
        {{ sha256_hex("nullif(project_id, '')") }} as project_id_hash,
        case when nullif(request_id, '') is not null then md5(request_id) end as request_key,

        -- event
        {{ redact_personal_where_needed("nullif(name, '')") }} as event_name,
        _event_ts as event_ts,
        cast({{ dbt.date_trunc('day', '_event_ts') }} as date) as event_date,
        nullif(source, '') as emitted_by,
        nullif(level, '') as event_level,

        -- payload: raw text kept, parsed JSON beside it
        payload_json as payload_raw,
        case when json_valid(payload_json) then cast(payload_json as json) end as payload,
        coalesce(payload_json is not null and not json_valid(payload_json), false)
            as payload_parse_failed,
        _other_columns as other_columns,

        -- provenance
        _row_number as source_row,
        _source_file as source_file,
        _file_checksum as file_checksum,
        _landed_at as landed_at
    from source

)

select * from final
