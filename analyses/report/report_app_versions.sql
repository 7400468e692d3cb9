{#- Report section "Events" (version counts) and the version filter: every app version with
    events in the window, whether the filter kept it, and its users when kept. -#}

with versions as (

    select
        app_version,
        app_version_sort_key,
        window_events,
        version_rank,
        is_in_scope
    from {{ ref('kpi_scope_app_versions') }}

),

releases as (

    select
        app_version,
        events,
        active_users
    from {{ ref('kpi_release_health') }}

)

select
    versions.app_version,
    versions.window_events,
    versions.is_in_scope,
    releases.events as scope_events,
    releases.active_users
from versions
left join releases on versions.app_version = releases.app_version
order by versions.app_version_sort_key desc, versions.app_version desc
