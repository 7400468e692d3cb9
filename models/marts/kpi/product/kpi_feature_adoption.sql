{#- Feature adoption over the scope (kpi-definitions.md, "Feature adoption"): per feature of
    the app (seed `feature_events`), the user-days on which it was used (an event of it,
    passing its prop filter) over all active user-days, with a 95% Wilson interval, and when
    it was first and last used in scope. Under a `user_day` horizon a user is a user-day:
    ids rotate daily, so "users who ever used it" cannot be counted. -#}

with scope as (

    select
        app,
        identity_horizon,
        window_start,
        window_end,
        version_filter
    from {{ ref('kpi_scope') }}

),

active_user_days as (

    -- the days' distinct users, added up: active user-days
    select {{ sum_as_bigint('active_users') }} as active_users
    from {{ ref('kpi_activity_daily') }}

),

features as (

    select distinct feature
    from {{ ref('dim_features') }}

),

feature_user_days as (

    select
        feature,
        user_id,
        event_date,
        min(event_ts) as first_used_at,
        max(event_ts) as last_used_at
    from {{ ref('kpi_scope_feature_events') }}
    group by feature, user_id, event_date

),

adoption as (

    select
        feature,
        count(*) as adopting_users,
        min(first_used_at) as first_seen,
        max(last_used_at) as last_seen
    from feature_user_days
    group by feature

),

final as (

    select
        -- what the counts rest on
        scope.app,
        scope.identity_horizon,
        scope.window_start,
        scope.window_end,
        scope.version_filter,

        -- feature
        features.feature,
        coalesce(adoption.adopting_users, 0) as adopting_users,
        active_user_days.active_users,
        {{ kpi_rate('coalesce(adoption.adopting_users, 0)', 'active_user_days.active_users') }}
            as adoption_rate,
        {{ wilson_low('coalesce(adoption.adopting_users, 0)', 'active_user_days.active_users') }}
            as adoption_rate_low,
        {{ wilson_high('coalesce(adoption.adopting_users, 0)', 'active_user_days.active_users') }}
            as adoption_rate_high,
        adoption.first_seen,
        adoption.last_seen
    from features
    left join adoption
        on features.feature = adoption.feature
    cross join active_user_days
    cross join scope

)

select * from final
