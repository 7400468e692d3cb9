{#- Feature adoption per app version in scope (did a release move adoption?): per feature
    and version, the version's user-days on which the feature was used over the version's
    active user-days, with a 95% Wilson interval. A version with fewer than min_group_users
    active user-days is suppressed (its counts and rates null). -#}

with scope as (

    select
        app,
        identity_horizon,
        window_start,
        window_end,
        version_filter,
        min_group_users
    from {{ ref('kpi_scope') }}

),

version_user_days as (

    select
        app_version,
        user_id,
        event_date,
        max(app_version_sort_key) as app_version_sort_key
    from {{ ref('kpi_scope_events') }}
    where
        user_id is not null
        and app_version is not null
    group by app_version, user_id, event_date

),

versions as (

    select
        app_version,
        max(app_version_sort_key) as app_version_sort_key,
        count(*) as active_users
    from version_user_days
    group by app_version

),

features as (

    select distinct feature
    from {{ ref('dim_features') }}

),

feature_user_days as (

    select distinct
        feature,
        app_version,
        user_id,
        event_date
    from {{ ref('kpi_scope_feature_events') }}
    where app_version is not null

),

version_adoption as (

    select
        feature,
        app_version,
        count(*) as adopting_users
    from feature_user_days
    group by feature, app_version

),

grid as (

    select
        features.feature,
        versions.app_version,
        versions.app_version_sort_key,
        versions.active_users,
        coalesce(version_adoption.adopting_users, 0) as adopting_users
    from features
    cross join versions
    left join version_adoption
        on features.feature = version_adoption.feature
        and versions.app_version = version_adoption.app_version

),

final as (

    select
        -- what the counts rest on
        scope.app,
        scope.identity_horizon,
        scope.window_start,
        scope.window_end,
        scope.version_filter,
        scope.min_group_users,

        -- feature and version
        grid.feature,
        grid.app_version,
        grid.app_version_sort_key,
        grid.active_users < scope.min_group_users as suppressed,

        -- adoption, null when suppressed
        case when grid.active_users >= scope.min_group_users then grid.adopting_users end
            as adopting_users,
        case when grid.active_users >= scope.min_group_users then grid.active_users end
            as active_users,
        case
            when grid.active_users >= scope.min_group_users
                then {{ kpi_rate('grid.adopting_users', 'grid.active_users') }}
        end as adoption_rate,
        case
            when grid.active_users >= scope.min_group_users
                then {{ wilson_low('grid.adopting_users', 'grid.active_users') }}
        end as adoption_rate_low,
        case
            when grid.active_users >= scope.min_group_users
                then {{ wilson_high('grid.adopting_users', 'grid.active_users') }}
        end as adoption_rate_high
    from grid
    cross join scope

)

select * from final
