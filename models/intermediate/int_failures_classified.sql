{#- Each failure event with its class and bucket. Rules (seed `failure_rules`) are tried in
    priority order against the message, the event name, the `error_code` or the
    `error_kind` prop; the first match wins. A class fixed by the taxonomy overrides the
    rule's. Failures no rule buckets are bucketed by their message template, or without a
    message by event name, error code and the app's own `fingerprint` prop (ReverbCode's
    grouping key); unmatched ones are `unclassified`.
    Incremental: a failure's class depends only on the event itself and on inputs whose
    change makes ctl_incremental_window rebuild everything, so a run classifies the failures
    not classified yet; the pre-hook drops events that are no longer failures. -#}

{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='event_id',
    on_schema_change='fail',
    pre_hook="{% if is_incremental() %}delete from {{ this }} where event_id not in (select event_id from {{ ref('int_events_roled') }} where event_role = 'failure'){% endif %}",
) }}
{%- set rebuild_from = incremental_rebuild_from() %}
{#- an incremental run classifies the failures not classified yet (a condition rendered on
    every run, so the SQL lints the same either way) -#}
{%- set not_yet_classified = 'event_id not in (select classified.event_id from '
    ~ this ~ ' as classified)' if rebuild_from is not none else 'true' %}

with failures as (

    select * from {{ ref('int_events_roled') }}
    where
        event_role = 'failure'
        and {{ not_yet_classified }}

),

rules as (

    select * from {{ ref('failure_rules') }}

),

match_inputs as (

    -- the rules read only these four columns: match each distinct combination once
    -- (a pattern from a table is compiled per row it is tried on)
    select distinct
        error_message,
        event_name,
        error_code,
        error_kind
    from failures

),

rule_matches as (

    select
        match_inputs.error_message,
        match_inputs.event_name,
        match_inputs.error_code,
        match_inputs.error_kind,
        rules.rule_id,
        rules.issue_bucket,
        rules.failure_class,
        rules.priority
    from match_inputs
    inner join rules
        on case rules.match_on
            when 'message' then regexp_matches(match_inputs.error_message, rules.pattern, 'i')
            when 'event_name' then regexp_matches(match_inputs.event_name, rules.pattern, 'i')
            when 'error_code' then regexp_matches(match_inputs.error_code, rules.pattern, 'i')
            when 'error_kind' then regexp_matches(match_inputs.error_kind, rules.pattern, 'i')
            else false
        end
    qualify row_number() over (
        partition by
            match_inputs.error_message,
            match_inputs.event_name,
            match_inputs.error_code,
            match_inputs.error_kind
        order by rules.priority, rules.rule_id
    ) = 1

),

classified as (

    select
        failures.event_id,
        rule_matches.rule_id as failure_rule_id,
        coalesce(failures.fixed_failure_class, rule_matches.failure_class, 'unclassified')
            as failure_class,
        coalesce(
            rule_matches.issue_bucket,
            failures.message_template,
            failures.event_name
            || coalesce(' [error_code=' || failures.error_code || ']', '')
            || coalesce(' [fingerprint=' || failures.error_fingerprint || ']', '')
        ) as issue_bucket,
        case when rule_matches.issue_bucket is null then 'template' else rule_matches.rule_id end
            as bucket_source
    from failures
    left join rule_matches
        on failures.error_message is not distinct from rule_matches.error_message
        and failures.event_name is not distinct from rule_matches.event_name
        and failures.error_code is not distinct from rule_matches.error_code
        and failures.error_kind is not distinct from rule_matches.error_kind

)

select * from classified
