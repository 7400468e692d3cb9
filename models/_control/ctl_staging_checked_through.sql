{#- How far staging's data tests have checked the landed rows: one row, the landing time of
    the newest raw row whose staging rows passed every data test of stg_aptabase__events.
    Rewritten only by a `dbt build` that ran all of them (dbt builds this model after they
    pass and skips it when one fails); any other run keeps the previous row. Staging tests
    in the next `dbt build` check the days of rows landed after it (macros/run_state/staging_checks.sql). -#}

{{ config(materialized='table') }}
-- depends_on: {{ ref('stg_aptabase__events') }}
{%- set previous = built_relation(this.identifier) %}

{%- if staging_checks_all_ran() %}

    select
        max(landed_at) as checked_through,
        {{ utc_now() }} as checked_at
    from {{ ref('stg_aptabase__events') }}

{%- elif previous is not none %}

    select
        checked_through,
        checked_at
    from {{ previous }}

{%- else %}

    select
        cast(null as timestamp) as checked_through,
        cast(null as timestamp) as checked_at

{%- endif %}
