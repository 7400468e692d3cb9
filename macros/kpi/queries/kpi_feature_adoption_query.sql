{#- Feature adoption over the scope (kpi-definitions.md, "Feature adoption"): per feature of
    the app (seed `feature_events`), the user-days on which it was used (an event of it,
    passing its prop filter) over all active user-days, with a 95% Wilson interval, and when
    it was first and last used in scope. Under a `user_day` horizon a user is a user-day:
    ids rotate daily, so "users who ever used it" cannot be counted. -#}
{% macro kpi_feature_adoption_query(relation) -%}
with scope as (

    select
        app,
        identity_horizon,
        window_start,
        window_end,
        version_filter
    from {{ relation('kpi_scope') }}

),

active_user_days as (

    -- the days' distinct users, added up: active user-days
    select {{ sum_as_bigint('active_users') }} as active_users
    from {{ relation('kpi_activity_daily') }}

),

features as (

    select distinct feature
    from {{ relation('dim_features') }}

),

feature_user_version_days as (

    {{ kpi_feature_user_days(relation) }}

),

feature_user_days as (

    -- a user-day on two versions (an update that day) counts once
    select
        feature,
        user_id,
        event_date,
        min(first_used_at) as first_used_at,
        max(last_used_at) as last_used_at
    from feature_user_version_days
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
{%- endmacro %}

{#- The user-days on which each feature of the app was used, over the events in scope: one
    row per feature, user, day and app version, with its first and last use (a select for a
    CTE). An event says a feature was used when it is one of the feature's events and passes
    its prop filter; events without a user are not counted. -#}
{% macro kpi_feature_user_days(relation) -%}
    select
        feature_rules.feature,
        events_in_scope.user_id,
        events_in_scope.event_date,
        events_in_scope.app_version,
        min(events_in_scope.event_ts) as first_used_at,
        max(events_in_scope.event_ts) as last_used_at
    from {{ relation('kpi_scope_events') }} as events_in_scope
    inner join {{ relation('dim_features') }} as feature_rules
        on events_in_scope.event_name = feature_rules.event_name
    where events_in_scope.user_id is not null
        and {{ passes_prop_filter('events_in_scope.props', 'feature_rules.prop_key', 'feature_rules.prop_value') }}
    group by
        feature_rules.feature,
        events_in_scope.user_id,
        events_in_scope.event_date,
        events_in_scope.app_version
{%- endmacro %}
