{#- Every unique event with its action and role (the staging columns that models downstream
    read). A one-event lifecycle (taxonomy role `outcome`) takes its role from the outcome
    prop: true/success/ok/1 is a success, false/failure/error/0 a failure. An event that
    echoes another of its request (seed `event_echoes`) is `usage`, so that one failure or
    one use is counted once. Messages are normalized here once: the redacted form
    published in marts and the template unmatched failures are bucketed by.
    Incremental: each run replaces the days from the run window on (ctl_incremental_window). -#}

{#- rebuilt by day: configured in dbt_project.yml (docs/run-window.md) -#}
{%- set rebuild_from = incremental_rebuild_from('select max(event_date) from ' ~ this) %}

with events as (

    -- every source's events, in the columns models downstream read (raw props text,
    -- context and provenance stay in staging: every column here is written for every event)
    select *
    from {{ ref('int_events_unioned') }}
    {%- if rebuild_from is not none %}
        where event_ts >= cast('{{ rebuild_from }}' as timestamp)
    {%- endif %}

),

event_echoes as (

    select * from {{ ref('event_echoes') }}

),

echoes as (

    -- events that repeat another event of the same request (seed `event_echoes`: a panic
    -- writes `ao.daemon.panic` and `ao.http.5xx`): one failure, one use, not two. Read
    -- apart from `events` (a CTE read twice is materialized), only rows with a request.
    select distinct echo.event_id
    from {{ ref('int_events_unioned') }} as echo
    inner join event_echoes
        on echo.event_name = event_echoes.event_name
    inner join {{ ref('int_events_unioned') }} as original
        on echo.request_key = original.request_key
        and event_echoes.echo_of = original.event_name
    where echo.request_key is not null
    {%- if rebuild_from is not none %}
        and echo.event_ts >= cast('{{ rebuild_from }}' as timestamp)
    {%- endif %}

),

event_names as (

    select * from {{ ref('int_event_names_classified') }}

),

joined as (

    select
        events.*,
        echoes.event_id is not null as is_echo,
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
    left join echoes
        on events.event_id = echoes.event_id

),

roled as (

    select
        *,
        case
            when is_echo then 'usage'
            when name_role != 'outcome' then name_role
            when outcome_value in ('true', 'success', 'succeeded', 'ok', '1') then 'success'
            when outcome_value in ('false', 'failure', 'failed', 'error', '0') then 'failure'
            else 'usage'
        end as event_role,
        json_extract_string(string_props, '$.error_code') as error_code,
        json_extract_string(string_props, '$.error_kind') as error_kind,
        json_extract_string(string_props, '$.fingerprint') as error_fingerprint
    from joined

)

select
    -- what decided the role stays here (int_event_names_classified has it per name)
    * exclude (name_role, outcome_prop, outcome_value),
    {{ normalize_message('error_message') }} as error_message_redacted,
    case when event_role = 'failure' then {{ message_template('error_message') }} end
        as message_template
from roled
