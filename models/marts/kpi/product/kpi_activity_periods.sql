{#- Activity per ISO week and calendar month of the scope, from its days
    (kpi_activity_daily): ids that rotate daily make distinct ids over a week user-days, not
    people, so a period gives the average of its days' active users (Aptabase's "Daily
    Users"), never distinct ids. Counts of events, sessions, installs and launches add up. -#}

with days as (

    select * from {{ ref('kpi_activity_daily') }}

),

period_days as (

    select
        'week' as period,
        cast({{ dbt.date_trunc('week', 'day') }} as date) as period_start,
        *
    from days
    union all
    select
        'month' as period,
        cast({{ dbt.date_trunc('month', 'day') }} as date) as period_start,
        *
    from days

),

periods as (

    select
        app,
        identity_horizon,
        window_start,
        window_end,
        version_filter,
        period,
        period_start,
        count(*) as days_with_events,
        max(case when is_partial_day then 1 else 0 end) as has_partial_day,
        {{ sum_as_bigint('events') }} as events,
        avg(cast(active_users as double)) as avg_daily_active_users,
        max(active_users) as max_daily_active_users,
        {{ sum_as_bigint('sessions') }} as sessions,
        -- null when the app names no install marker / launch event (as on its days)
        cast(sum(new_installs) as bigint) as new_installs,
        cast(sum(launches) as bigint) as launches
    from period_days
    group by app, identity_horizon, window_start, window_end, version_filter, period, period_start

)

select
    app,
    identity_horizon,
    window_start,
    window_end,
    version_filter,
    period,
    period_start,
    days_with_events,
    -- the window cuts the period, or a day of it is partial: not a whole period's activity
    (
        has_partial_day = 1
        or window_start > cast(period_start as timestamp)
        or window_end < {{ dbt.dateadd(
            'second', -1,
            "case when period = 'week' then "
            ~ dbt.dateadd('day', 7, 'cast(period_start as timestamp)')
            ~ " else " ~ dbt.dateadd('month', 1, 'cast(period_start as timestamp)') ~ " end"
        ) }}
    ) as is_partial_period,
    events,
    avg_daily_active_users,
    max_daily_active_users,
    sessions,
    new_installs,
    launches
from periods
