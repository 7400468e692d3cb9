{#- The scope every KPI row states: one row with the window and the version filter applied,
    as text: 'all', 'list: 3.1.0, 3.0.10' (as given), 'top 2: 3.1.0, 3.0.10' (the versions
    kept, most events first), or both ('list: ...; top N: ...'). -#}
{%- set app_versions = kpi_app_versions() -%}
{%- set top_app_versions = kpi_top_app_versions() -%}

with report_window as (

    select
        window_hours,
        window_start,
        window_end
    from {{ ref('kpi_scope_window') }}

),

versions_in_scope as (

    select
        app_version,
        version_rank
    from {{ ref('kpi_scope_app_versions') }}
    where is_in_scope

),

top_versions_text as (

    select
        coalesce(
            {{ dbt.listagg('app_version', "', '", 'order by version_rank') }},
            '(none)'
        ) as top_versions
    from versions_in_scope

),

final as (

    select
        report_window.window_hours,
        report_window.window_start,
        report_window.window_end,
        {% if app_versions is none and top_app_versions is none -%}
            'all'
        {%- else -%}
            {%- set parts = [] -%}
            {%- if app_versions is not none -%}
                {%- do parts.append(kpi_text_literal('list: ' ~ app_versions | join(', '))) -%}
            {%- endif -%}
            {%- if top_app_versions is not none -%}
                {%- do parts.append(kpi_text_literal('top ' ~ top_app_versions ~ ': ')
                    ~ ' || top_versions_text.top_versions') -%}
            {%- endif -%}
            {{ parts | join(" || '; ' || ") }}
        {%- endif %} as version_filter,
        {{ 'true' if kpi_version_filter_active() else 'false' }} as has_version_filter
    from report_window
    cross join top_versions_text

)

select * from final
