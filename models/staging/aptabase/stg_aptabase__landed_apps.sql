{#- The apps of the landed files, one row per app (telemetry/land/app.py: `land --app`, else
    the `{app}-{build_mode}-{YYYY-MM-DD}` file name; landing refuses a second app, so one row
    at most). Aptabase ids are salted per UTC day: every user count over this source counts
    user-days, so its identity horizon is `user_day` (kpi-definitions.md). A warehouse last
    landed before apps were recorded has no `app` column: no rows then. -#}

{%- set landed = source('aptabase', 'landed_files') %}
{%- set has_app = false %}
{%- if execute %}
    {%- set has_app = adapter.get_columns_in_relation(landed)
        | selectattr('name', 'equalto', 'app') | list | length > 0 %}
{%- endif %}

{%- if has_app %}

    select
        app,
        'aptabase' as event_source,
        'user_day' as identity_horizon,
        count(*) as landed_files,
        min(landed_at) as first_landed_at
    from {{ landed }}
    where app is not null
    group by app

{%- else %}

    select
        cast(null as varchar) as app,
        cast(null as varchar) as event_source,
        cast(null as varchar) as identity_horizon,
        cast(null as bigint) as landed_files,
        cast(null as timestamp) as first_landed_at
    where false

{%- endif %}
