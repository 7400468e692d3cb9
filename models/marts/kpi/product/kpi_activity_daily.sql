{#- Activity per UTC day of the scope (kpi-definitions.md, "Activity"): events, daily active
    users (distinct ids that day: exact under any identity horizon), sessions, new installs
    (identities whose first install marker in all data was that day: a repeated "first"
    event counts once) and launches (the app's launch
    event; both null when the app's seed rows name none). Days with at least one event in
    scope. -#}

with scope as (

    select
        app,
        identity_horizon,
        window_start,
        window_end,
        version_filter
    from {{ ref('kpi_scope') }}

),

product_markers as (

    {{ kpi_product_event_flags() }}

),

first_install_markers as (

    {{ kpi_first_install_markers() }}

),

marker_kinds as (

    -- whether the app names install markers and a launch event at all: without them the
    -- counts are unknown (null), not 0
    select
        coalesce(max(is_install_marker), 0) as has_install_markers,
        coalesce(max(is_launch), 0) as has_launch_event
    from product_markers

),

events as (

    select
        events_in_scope.event_date,
        events_in_scope.user_id,
        events_in_scope.session_id,
        -- a new install: the identity's first install marker ever, on its day
        case
            when
                product_markers.is_install_marker = 1
                and events_in_scope.event_date = first_install_markers.first_marker_date
                then 1
            else 0
        end as is_install_marker,
        coalesce(product_markers.is_launch, 0) as is_launch
    from {{ ref('kpi_scope_events') }} as events_in_scope
    left join product_markers
        on events_in_scope.event_name = product_markers.event_name
    left join first_install_markers
        on events_in_scope.user_id = first_install_markers.user_id

),

daily_totals as (

    select
        event_date,
        count(*) as events,
        count(distinct user_id) as active_users,
        count(distinct session_id) as sessions,
        count(distinct case when is_install_marker = 1 then user_id end) as new_installs,
        count(case when is_launch = 1 then 1 end) as launches
    from events
    group by event_date

)

select
    -- what the counts rest on
    scope.app,
    scope.identity_horizon,
    scope.window_start,
    scope.window_end,
    scope.version_filter,

    -- day
    daily_totals.event_date as day,  -- noqa: RF04
    {{ kpi_is_partial_day('daily_totals.event_date') }} as is_partial_day,

    -- activity
    daily_totals.events,
    daily_totals.active_users,
    daily_totals.sessions,
    {{ kpi_rate('daily_totals.events', 'daily_totals.active_users') }} as events_per_active_user,
    case when marker_kinds.has_install_markers = 1 then daily_totals.new_installs end as new_installs,
    case when marker_kinds.has_launch_event = 1 then daily_totals.launches end as launches
from daily_totals
cross join scope
cross join marker_kinds
