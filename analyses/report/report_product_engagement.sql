{#- Report section "Product", engagement: each engagement event over the scope (its days
    added up: users are user-days), the primary one first. -#}

select
    event_name,
    is_primary,
    sum(events) as events,
    sum(users) as user_days,
    sum(active_users) as active_user_days,
    cast(sum(users) as double) / nullif(sum(active_users), 0) as active_user_share,
    cast(sum(events) as double) / nullif(sum(users), 0) as events_per_user_day
from {{ ref('kpi_engagement_daily') }}
group by event_name, is_primary
order by is_primary desc, events desc, event_name asc
