{#- The scope every KPI row states: one row with the app and the identity horizon its user
    counts rest on (dim_app), the window, the version filter applied and the small-sample
    and k-anonymity thresholds. version_filter is text: 'all', 'list: 3.1.0, 3.0.10' (as
    given), 'top 2: 3.1.0, 3.0.10' (the versions kept, most events first), or both
    ('list: ...; top N: ...'). -#}

with params as (

    select
        app_versions,
        top_app_versions,
        min_sample,
        min_group_users
    from {{ ref('kpi_scope_params') }}

),

report_window as (

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

app as (

    select
        app,
        identity_horizon
    from {{ ref('dim_app') }}

),

final as (

    select
        app.app,
        app.identity_horizon,
        report_window.window_hours,
        report_window.window_start,
        report_window.window_end,
        case
            when params.app_versions is null and params.top_app_versions is null then 'all'
            -- concat_ws skips the part that is null
            else concat_ws(
                '; ',
                'list: ' || params.app_versions,
                'top ' || cast(params.top_app_versions as {{ dbt.type_string() }}) || ': '
                || top_versions_text.top_versions
            )
        end as version_filter,
        params.app_versions is not null or params.top_app_versions is not null as has_version_filter,
        params.min_sample,
        params.min_group_users
    from params
    cross join report_window
    cross join top_versions_text
    cross join app

)

select * from final
