{#- Each engagement event of the scope split by the props its seed rows name (Osaurus
    `message_sent` by `source`, `model_source`, `provider_type`, `is_agent`, `stream`):
    events, users (distinct per day: user-days under a `user_day` horizon), events per user
    and the share of the event's events. A value held by fewer than min_group_users users
    is suppressed: its counts are null, never a small exact number. -#}

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

breakdowns as (

    select
        event_name,
        prop_key
    from {{ ref('dim_engagement_breakdowns') }}

),

event_values as (

    select
        events_in_scope.event_name,
        breakdowns.prop_key,
        coalesce({{ prop_text('events_in_scope.props', 'breakdowns.prop_key') }}, '(not set)')
            as prop_value,
        events_in_scope.user_id,
        events_in_scope.event_date
    from {{ ref('kpi_scope_events') }} as events_in_scope
    inner join breakdowns
        on events_in_scope.event_name = breakdowns.event_name

),

user_day_values as (

    -- one row per user-day and value: users are counted per day (ids may rotate daily)
    select
        event_name,
        prop_key,
        prop_value,
        user_id,
        event_date,
        count(*) as events
    from event_values
    group by event_name, prop_key, prop_value, user_id, event_date

),

value_totals as (

    select
        event_name,
        prop_key,
        prop_value,
        {{ sum_as_bigint('events') }} as events,
        count(case when user_id is not null then 1 end) as users  -- noqa: RF04
    from user_day_values
    group by event_name, prop_key, prop_value

),

event_totals as (

    select
        event_name,
        prop_key,
        sum(events) as all_events
    from value_totals
    group by event_name, prop_key

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

        -- breakdown
        value_totals.event_name,
        value_totals.prop_key,
        value_totals.prop_value,
        value_totals.users < scope.min_group_users as suppressed,

        -- engagement, null when suppressed
        case when value_totals.users >= scope.min_group_users then value_totals.events end as events,
        case
            when value_totals.users >= scope.min_group_users then value_totals.users
        end as users,  -- noqa: RF04
        case
            when value_totals.users >= scope.min_group_users
                then {{ kpi_rate('value_totals.events', 'value_totals.users') }}
        end as events_per_user,
        case
            when value_totals.users >= scope.min_group_users
                then {{ kpi_rate('value_totals.events', 'event_totals.all_events') }}
        end as share_of_events
    from value_totals
    inner join event_totals
        on value_totals.event_name = event_totals.event_name
        and value_totals.prop_key = event_totals.prop_key
    cross join scope

)

select * from final
