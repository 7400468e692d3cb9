{#- One row per unique event, classified: action, role, and for failures the class and
    issue bucket. Published columns only: the message is redacted, props are filtered to
    the allowlist seed. Never raw props or raw messages.
    Incremental: each run replaces the days from the run window on (ctl_incremental_window). -#}

{#- rebuilt by day: configured in dbt_project.yml (docs/run-window.md) -#}
{%- set rebuild_from = incremental_rebuild_from('select max(event_date) from ' ~ this) %}
{%- set rebuilt_days -%}
    {%- if rebuild_from is not none %}
    where event_ts >= cast('{{ rebuild_from }}' as timestamp)
    {%- endif %}
{%- endset %}

with events as (

    select * from {{ ref('int_events_roled') }}
    {{- rebuilt_days }}

),

failures as (

    select * from {{ ref('int_failures_classified') }}

),

prop_allowlist as (

    select list(prop_key) as allowed_keys from {{ ref('prop_allowlist') }}

),

props_texts as (

    -- allowlisting (JSON keys, filter, merge) was most of this model's time, and events
    -- repeat their props texts: once per distinct pair (0.5 M of 10 M generated events),
    -- not once per event. Read from the model again: a CTE read twice is materialized.
    select distinct
        string_props,
        numeric_props
    from {{ ref('int_events_roled') }}
    {{- rebuilt_days }}

),

allowlisted_props as (

    -- string and numeric props merged
    select
        props_texts.string_props,
        props_texts.numeric_props,
        json_merge_patch(
            {{ allowlisted_props('props_texts.string_props', 'prop_allowlist.allowed_keys') }},
            {{ allowlisted_props('props_texts.numeric_props', 'prop_allowlist.allowed_keys') }}
        ) as props
    from props_texts
    cross join prop_allowlist

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

        -- allowlisted props
        allowlisted_props.props
    from events
    left join failures
        on events.event_id = failures.event_id
    left join allowlisted_props
        on events.string_props is not distinct from allowlisted_props.string_props
        and events.numeric_props is not distinct from allowlisted_props.numeric_props

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
