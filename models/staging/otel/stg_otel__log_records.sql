{#- One row per OTLP log record, typed: 1:1 with `raw.otel_log_records`, where landing keeps
    each record once (telemetry/sources/otlp.py) with its UTC time and key. Its event name is
    the record's `eventName`, else the first attribute named in seed
    `otel_event_name_attributes` (`event.name`), else `log.<severity>` (a plain log line);
    its identity the resource's `service.instance.id`. Resource and record attributes are its
    props (the record's win); OpenTelemetry's resource conventions give the common columns
    (`service.version`, `os.type`/`os.name`, `os.version`), `session.id` the session and
    `exception.message` (else the body of an ERROR or worse) the message. -#}

with source as (

    select * from {{ source('otel', 'otel_log_records') }}

),

name_keys as (

    select list(attribute_key order by priority, attribute_key) as attribute_keys
    from {{ ref('otel_event_name_attributes') }}

),

parsed as (

    select
        source.*,
        json_merge_patch(
            cast(source.resource_attributes as json), cast(source.attributes as json)
        ) as props,
        list_filter(
            list_transform(
                name_keys.attribute_keys,
                attribute_key -> json_extract_string(source.attributes, '$."' || attribute_key || '"')
            ),
            attribute_value -> nullif(attribute_value, '') is not null
        )[1] as named_by_attribute
    from source
    cross join name_keys

),

final as (

    select
        -- ids
        _event_id as event_id,
        service_instance_id as user_id,
        props ->> '$."session.id"' as session_id,
        nullif(trace_id, '') as trace_id,
        nullif(span_id, '') as span_id,

        -- event
        {{ redact_personal_where_needed(
            "coalesce(event_name, named_by_attribute, 'log.' || lower(coalesce(severity_text, 'unspecified')))"
        ) }} as event_name,
        _event_ts as event_ts,
        cast({{ dbt.date_trunc('day', '_event_ts') }} as date) as event_date,
        severity_number,
        severity_text,

        -- app and platform (OpenTelemetry's resource conventions)
        props ->> '$."service.name"' as service_name,
        props ->> '$."service.version"' as app_version,
        coalesce(props ->> '$."os.name"', props ->> '$."os.type"') as os_name,
        props ->> '$."os.version"' as os_version,

        -- props and message
        props,
        coalesce(
            props ->> '$."exception.message"',
            case when severity_number >= 17 then cast(body as json) ->> '$' end
        ) as error_message,

        -- provenance
        scope_name,
        scope_version,
        _source_line as source_line,
        _record_number as record_number,
        _source_file as source_file,
        _file_checksum as file_checksum,
        _landed_at as landed_at
    from parsed

)

select * from final
