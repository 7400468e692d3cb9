{#- Staging holds exactly one row per distinct event key in raw: fails with the two counts
    when de-duplication lost or invented events. With the `landed_since_last_build` check
    scope (macros/staging_checks.sql), both sides are counted over the same days. -#}
{% test staging_matches_raw_distinct_events(model) %}
{%- set raw_scope = staging_check_condition('event_ts')
    if checks_landed_since_last_build() else 'true' %}

with raw_keys as (

    select count(*) as raw_distinct_events
    from (
        select distinct
            {{ raw_event_ts() }} as event_ts,
            nullif(event_name, '') as event_name,
            nullif(user_id, '') as user_id,
            nullif(app_version, '') as app_version,
            nullif(os_name, '') as os_name,
            nullif(os_version, '') as os_version,
            nullif(string_props, '') as string_props,
            nullif(numeric_props, '') as numeric_props
        from {{ source('aptabase', 'events') }}
    ) as distinct_events
    where event_ts is not null and {{ raw_scope }}

),

staged as (

    select count(*) as staged_events from {{ model }}

)

select raw_distinct_events, staged_events
from raw_keys
cross join staged
where raw_distinct_events != staged_events

{% endtest %}
