{#- The scope the KPI marts answer for (kpi-definitions.md, "Scope"): one row from the vars
    window_hours, window_end, app_versions, top_app_versions, min_sample and
    min_group_users; null means no
    restriction. The only model that reads them. `telemetry build` never sets them, so the
    published marts cover all data; `telemetry report` makes this row from its options and
    runs the same KPI queries on the published facts. -#}
{%- set window_hours = kpi_window_hours() -%}
{%- set window_end = kpi_window_end() -%}
{%- set app_versions = kpi_app_versions() -%}
{%- set top_app_versions = kpi_top_app_versions() -%}

select
    cast({{ window_hours if window_hours is not none else 'null' }} as integer) as window_hours,
    cast(
        {{ kpi_text_literal(window_end) if window_end is not none else 'null' }} as timestamp
    ) as window_end,
    cast(
        {{ kpi_text_literal(app_versions | join(', ')) if app_versions is not none else 'null' }}
        as {{ dbt.type_string() }}
    ) as app_versions,
    cast(
        {{ top_app_versions if top_app_versions is not none else 'null' }} as integer
    ) as top_app_versions,
    cast({{ kpi_min_sample() }} as integer) as min_sample,
    cast({{ kpi_min_group_users() }} as integer) as min_group_users
