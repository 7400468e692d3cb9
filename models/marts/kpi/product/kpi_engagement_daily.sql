{#- Engagement per UTC day and engagement event of the app (kpi-definitions.md,
    "Engagement"): events, users that day, events per user and the share of the day's active
    users who sent it. Every day with an event in scope has a row per engagement event, 0
    when none was sent. -#}

with days as (

    select
        app,
        identity_horizon,
        window_start,
        window_end,
        version_filter,
        day,
        is_partial_day,
        active_users
    from {{ ref('kpi_activity_daily') }}

),

engagement_events as (

    select
        event_name,
        is_primary
    from {{ ref('dim_product_events') }}
    where product_role = 'engagement'

),

engagement as (

    select
        events_in_scope.event_date,
        events_in_scope.event_name,
        events_in_scope.user_id
    from {{ ref('kpi_scope_events') }} as events_in_scope
    inner join engagement_events
        on events_in_scope.event_name = engagement_events.event_name

),

daily_engagement as (

    select
        event_date,
        event_name,
        count(*) as events,
        count(distinct user_id) as users  -- noqa: RF04
    from engagement
    group by event_date, event_name

),

final as (

    select
        -- what the counts rest on
        days.app,
        days.identity_horizon,
        days.window_start,
        days.window_end,
        days.version_filter,

        -- day and event
        days.day,
        days.is_partial_day,
        engagement_events.event_name,
        engagement_events.is_primary,

        -- engagement
        coalesce(daily_engagement.events, 0) as events,
        coalesce(daily_engagement.users, 0) as users,  -- noqa: RF04
        {{ kpi_rate('daily_engagement.events', 'daily_engagement.users') }} as events_per_user,
        days.active_users,
        {{ kpi_rate('coalesce(daily_engagement.users, 0)', 'days.active_users') }} as active_user_share
    from days
    cross join engagement_events
    left join daily_engagement
        on days.day = daily_engagement.event_date
        and engagement_events.event_name = daily_engagement.event_name

)

select * from final
