{#- The apps of the landed files, one row per app (telemetry/land/app.py: `land --app`, else
    the `{app}-{build_mode}-{YYYY-MM-DD}` file name, else the source's own app; landing
    refuses a second app, so one row at most), with the sources its files came from and the
    identity horizon they give, which landing records per file (telemetry/sources/):
    `user_day` for Aptabase (ids salted per UTC day: a user count over days counts
    user-days), `install` for ReverbCode and PostHog, `instance` for OTLP logs
    (`service.instance.id`). An app landed from sources of several kinds takes the
    shortest-lived: a count mixing them is only as stable as its shortest-lived ids.
    A warehouse last landed before apps were recorded has no `app` column: no rows then. -#}

{%- set landed = source('landing', 'landed_files') %}
{%- set has_app = false %}
{%- if execute %}
    {%- set has_app = adapter.get_columns_in_relation(landed)
        | selectattr('name', 'equalto', 'app') | list | length > 0 %}
{%- endif %}

{%- if has_app %}

    select
        app,
        string_agg(distinct event_source, ',' order by event_source) as event_source,
        case
            when bool_or(identity_horizon = 'user_day') then 'user_day'
            when bool_or(identity_horizon = 'instance') then 'instance'
            else 'install'
        end as identity_horizon,
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
