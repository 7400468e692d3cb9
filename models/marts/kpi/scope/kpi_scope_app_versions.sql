{#- One row per app version with events in the window, and whether the version filter
    keeps it (kpi-definitions.md, "Scope"): `app_versions` keeps exactly the listed
    versions; `top_app_versions: N` keeps the N versions with the most events in the window,
    ties broken by the higher semantic version (3.0.10 > 3.0.9). With both vars, the top N
    are chosen among the listed versions. Events without an app version are not a version:
    only an unfiltered scope keeps them. -#}

with events as (

    select
        event_ts,
        app_version,
        app_version_sort_key
    from {{ ref('fct_events') }}

),

params as (

    select
        app_versions,
        top_app_versions
    from {{ ref('kpi_scope_params') }}

),

report_window as (

    select
        window_start,
        window_end
    from {{ ref('kpi_scope_window') }}

),

version_events as (

    select
        events.app_version,
        max(events.app_version_sort_key) as app_version_sort_key,
        count(*) as window_events
    from events
    inner join report_window
        on events.event_ts >= report_window.window_start
        and events.event_ts <= report_window.window_end
    where events.app_version is not null
    group by events.app_version

),

candidates as (

    select
        version_events.app_version,
        version_events.app_version_sort_key,
        version_events.window_events,
        params.top_app_versions,
        coalesce(
            {{ kpi_version_is_listed('version_events.app_version', 'params.app_versions') }}, true
        ) as is_listed
    from version_events
    cross join params

),

ranked as (

    select
        app_version,
        app_version_sort_key,
        window_events,
        is_listed,
        top_app_versions,
        case
            when is_listed then row_number() over (
                partition by is_listed
                order by window_events desc, app_version_sort_key desc, app_version desc
            )
        end as version_rank
    from candidates

),

final as (

    select
        app_version,
        app_version_sort_key,
        cast(window_events as bigint) as window_events,
        cast(version_rank as bigint) as version_rank,
        is_listed,
        is_listed and coalesce(version_rank <= top_app_versions, true) as is_in_scope
    from ranked

)

select * from final
