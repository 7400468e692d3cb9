{#- One row per unique event, classified: action, role, and for failures the class and
    issue bucket. Published columns only: the message is redacted, props are filtered to
    the allowlist seed. Never raw props or raw messages.
    Incremental: each run replaces the days from the run window on (int_incremental_window). -#}

{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='event_date',
    on_schema_change='fail',
) }}
{%- set rebuild_from = incremental_rebuild_from('select max(event_date) from ' ~ this) %}

with events as (

    select * from {{ ref('int_events_roled') }}
    {%- if rebuild_from is not none %}
        where event_ts >= cast('{{ rebuild_from }}' as timestamp)
    {%- endif %}

),

failures as (

    select * from {{ ref('int_failures_classified') }}

),

prop_allowlist as (

    select list(prop_key) as allowed_keys from {{ ref('prop_allowlist') }}

),

final as (

    select
        -- ids
        events.event_id,
        events.user_id,
        events.session_id,

        -- event
        events.event_ts,
        events.event_date,
        events.event_name,
        events.action,
        events.event_role,

        -- platform
        events.app_version,
        events.app_version_sort_key,
        events.os_family,
        events.os_name,
        events.os_version,

        -- failure
        failures.failure_class,
        failures.issue_bucket,
        events.error_message_redacted,
        events.message_truncated,

        -- allowlisted props (string and numeric merged)
        json_merge_patch(
            {{ allowlisted_props('events.string_props', 'prop_allowlist.allowed_keys') }},
            {{ allowlisted_props('events.numeric_props', 'prop_allowlist.allowed_keys') }}
        ) as props
    from events
    cross join prop_allowlist
    left join failures
        on events.event_id = failures.event_id

)

select
    event_id,
    user_id,
    session_id,
    event_ts,
    event_date,
    event_name,
    action,
    event_role,
    app_version,
    app_version_sort_key,
    os_family,
    os_name,
    os_version,
    failure_class,
    issue_bucket,
    error_message_redacted,
    message_truncated,
    props
from final
