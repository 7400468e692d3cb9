{#- Report section "Product", activity: one row per UTC day in scope with the app's primary
    engagement event beside the day's activity. -#}

with primary_engagement as (

    select
        day,
        event_name,
        events,
        users,
        active_user_share
    from {{ ref('kpi_engagement_daily') }}
    where is_primary

)

select
    activity.app,
    activity.identity_horizon,
    activity.day,
    activity.is_partial_day,
    activity.events,
    activity.active_users,
    activity.sessions,
    activity.events_per_active_user,
    activity.new_installs,
    activity.launches,
    primary_engagement.event_name as primary_event,
    primary_engagement.events as primary_events,
    primary_engagement.users as primary_users,
    primary_engagement.active_user_share as primary_active_user_share
from {{ ref('kpi_activity_daily') }} as activity
left join primary_engagement
    on activity.day = primary_engagement.day
order by activity.day
