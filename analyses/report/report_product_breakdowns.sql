{#- Report section "Product", engagement breakdowns: each engagement event by its seed props;
    suppressed values (fewer than min_group_users users) carry no counts. -#}

select
    event_name,
    prop_key,
    prop_value,
    suppressed,
    min_group_users,
    events,
    users,
    events_per_user,
    share_of_events
from {{ ref('kpi_engagement_breakdowns') }}
order by event_name asc, prop_key asc, suppressed asc, events desc, prop_value asc
