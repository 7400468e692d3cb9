{#- Every unique event with its action and role (the staging columns that models downstream
    read). A one-event lifecycle (taxonomy role `outcome`) takes its role from the outcome
    prop: true/success/ok/1 is a success, false/failure/error/0 a failure. Messages are normalized here once: the redacted form
    published in marts and the template unmatched failures are bucketed by.
    Incremental: each run replaces the days from the run window on (ctl_incremental_window). -#}

{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='event_date',
    pre_hook="{{ delete_rebuilt_days('event_date') }}",
    meta={'rebuilt_days_column': 'event_date'},
    on_schema_change='fail',
) }}
{%- set rebuild_from = incremental_rebuild_from('select max(event_date) from ' ~ this) %}

with events as (

    -- the staging columns models downstream read (raw props text, context and provenance
    -- stay in staging: every column here is written for every event)
    select
        event_id,
        user_id,
        session_id,
        event_name,
        event_ts,
        event_date,
        app_version,
        app_version_sort_key,
        os_family,
        os_name,
        os_version,
        string_props,
        numeric_props,
        error_message,
        message_truncated,
        landed_at
    from {{ ref('stg_aptabase__events') }}
    {%- if rebuild_from is not none %}
        where event_ts >= cast('{{ rebuild_from }}' as timestamp)
    {%- endif %}

),

event_names as (

    select * from {{ ref('int_event_names_classified') }}

),

joined as (

    select
        events.*,
        event_names.action,
        event_names.name_role,
        event_names.outcome_prop,
        event_names.fixed_failure_class,
        lower(coalesce(
            json_extract_string(events.string_props, '$.' || event_names.outcome_prop),
            json_extract_string(events.numeric_props, '$.' || event_names.outcome_prop)
        )) as outcome_value
    from events
    inner join event_names
        on events.event_name = event_names.event_name

),

roled as (

    select
        *,
        case
            when name_role != 'outcome' then name_role
            when outcome_value in ('true', 'success', 'succeeded', 'ok', '1') then 'success'
            when outcome_value in ('false', 'failure', 'failed', 'error', '0') then 'failure'
            else 'usage'
        end as event_role,
        json_extract_string(string_props, '$.error_code') as error_code
    from joined

)

select
    -- what decided the role stays here (int_event_names_classified has it per name)
    * exclude (name_role, outcome_prop, outcome_value),
    {{ normalize_message('error_message') }} as error_message_redacted,
    case when event_role = 'failure' then {{ message_template('error_message') }} end
        as message_template
from roled
