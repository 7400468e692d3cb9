{#- Privacy: no personal value (an e-mail address, a home-folder name or a word of one, a
    `~name`) found in a raw event name, error message or string prop appears in any text or
    JSON column of any table in `marts` (ids, values made only of hex digits and dashes,
    aside). Fails with each leak. The KPI views are not read: they compute from these
    tables, whose every text is read here. -#}
-- depends_on: {{ ref('fct_events') }}
-- depends_on: {{ ref('stg_reverbcode__private_values') }}
-- depends_on: {{ ref('fct_action_attempts') }}
-- depends_on: {{ ref('dim_issue_buckets') }}

{#- The personal values, read once so they can also form one constant pattern: a pass over
    every mart value with that pattern (compiled once) leaves the exact substring join below
    only the few values that can leak. -#}
{%- set personal_values_found = [] -%}
{%- set events = ref('int_events_roled') -%}
{%- if execute and adapter.get_relation(events.database, events.schema, events.identifier) -%}
    {%- set found = run_query(personal_values_in_raw_texts()) -%}
    {%- set personal_values_found = found.columns[0].values() | list -%}
{%- endif %}

with personal_values as (

    {{ personal_values_in_raw_texts() }}

),

mart_text as (

    -- only values of rows that contain a personal value somewhere (one match per row)
    {{ marts_text_values(personal_values_found) }}

),

candidates as (

    -- a value made only of hex digits and dashes is an id (an md5 event id, a hashed user
    -- id, a UUID): a name such as `abe` or `dee` is inside thousands of them by chance
    select *
    from mart_text
    where
        {{ matches_any_literal('column_value', personal_values_found) }}
        and not regexp_full_match(column_value, '[0-9A-Fa-f-]+')

)

select
    candidates.model_name,
    candidates.column_name,
    personal_values.personal_value,
    candidates.column_value
from candidates
inner join personal_values
    on contains(candidates.column_value, personal_values.personal_value)
