{#- Each segment of the app's users (seed `segment_dimensions`: app version, OS family, a prop
    such as Osaurus's RAM tier): its active user-days and events, new installs, the primary
    engagement event per user-day, and the workflow failure rate with its 95% Wilson
    interval. An event counts in the segment its own value says (a user-day that updated the
    app counts in both versions). A segment value of fewer than min_group_users user-days is
    suppressed: every count null, never a small exact number. -#}

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

primary_action as (

    select primary_action
    from {{ ref('kpi_scope_primary_action') }}

),

product_events as (

    {{ kpi_product_event_flags() }}

),

first_install_markers as (

    {{ kpi_first_install_markers() }}

),

segmented_events as (

    select
        dimensions.dimension,
        {{ segment_value(
            'dimensions', 'events_in_scope.app_version', 'events_in_scope.os_family',
            'events_in_scope.os_name', 'events_in_scope.props'
        ) }} as segment_value,
        events_in_scope.user_id,
        events_in_scope.event_date,
        events_in_scope.action,
        events_in_scope.event_role,
        events_in_scope.failure_class,
        primary_action.primary_action,
        -- a new install: the identity's first install marker ever, on its day
        case
            when
                product_events.is_install_marker = 1
                and events_in_scope.event_date = first_install_markers.first_marker_date
                then 1
            else 0
        end as is_install_marker,
        coalesce(product_events.is_primary_engagement, 0) as is_primary_engagement
    from {{ ref('kpi_scope_events') }} as events_in_scope
    cross join {{ ref('dim_segment_dimensions') }} as dimensions
    left join primary_action on true
    left join product_events
        on events_in_scope.event_name = product_events.event_name
    left join first_install_markers
        on events_in_scope.user_id = first_install_markers.user_id

),

user_days as (

    -- one row per segment value and user-day (the null user is one row per day)
    select
        dimension,
        segment_value,
        user_id,
        event_date,
        {{ kpi_user_event_counts() }},
        max(is_install_marker) as is_new_install,
        {{ sum_as_bigint('is_primary_engagement') }} as primary_events
    from segmented_events
    group by dimension, segment_value, user_id, event_date

),

segments as (

    select
        dimension,
        segment_value,
        count(case when user_id is not null then 1 end) as active_users,
        {{ sum_as_bigint('events') }} as events,
        count(case when user_id is not null and is_new_install = 1 then 1 end) as new_installs,
        {{ sum_as_bigint('primary_events') }} as primary_events,
        count(case when user_id is not null and primary_events > 0 then 1 end) as primary_users,
        {{ sum_as_bigint('failure_events') }} as failure_events,
        count(case when user_id is not null and failure_events > 0 then 1 end) as affected_users,
        {{ sum_as_bigint('primary_starts') }} as primary_starts,
        {{ sum_as_bigint('primary_failures') }} as primary_failures
    from user_days
    group by dimension, segment_value

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

        -- segment
        segments.dimension,
        segments.segment_value,
        segments.active_users < scope.min_group_users as suppressed,

        -- activity and engagement, null when suppressed
        {{ k_anonymous('segments.active_users', 'segments.active_users', 'scope.min_group_users') }}
            as active_users,
        {{ k_anonymous('segments.events', 'segments.active_users', 'scope.min_group_users') }} as events,
        {{ k_anonymous('segments.new_installs', 'segments.active_users', 'scope.min_group_users') }}
            as new_installs,
        {{ k_anonymous('segments.primary_events', 'segments.active_users', 'scope.min_group_users') }}
            as primary_events,
        {{ k_anonymous(
            kpi_rate('segments.primary_events', 'segments.active_users'),
            'segments.active_users', 'scope.min_group_users'
        ) }} as primary_events_per_active_user,
        {{ k_anonymous(
            kpi_rate('segments.primary_users', 'segments.active_users'),
            'segments.active_users', 'scope.min_group_users'
        ) }} as primary_active_user_share,

        -- reliability, null when suppressed
        {{ k_anonymous('segments.failure_events', 'segments.active_users', 'scope.min_group_users') }}
            as failure_events,
        {{ k_anonymous('segments.affected_users', 'segments.active_users', 'scope.min_group_users') }}
            as affected_users,
        {{ k_anonymous('segments.primary_starts', 'segments.active_users', 'scope.min_group_users') }}
            as primary_starts,
        {{ k_anonymous('segments.primary_failures', 'segments.active_users', 'scope.min_group_users') }}
            as primary_failures,
        {{ k_anonymous(
            kpi_rate('segments.primary_failures', 'segments.primary_starts'),
            'segments.active_users', 'scope.min_group_users'
        ) }} as workflow_failure_rate,
        {{ k_anonymous(
            wilson_low('segments.primary_failures', 'segments.primary_starts'),
            'segments.active_users', 'scope.min_group_users'
        ) }} as workflow_failure_rate_low,
        {{ k_anonymous(
            wilson_high('segments.primary_failures', 'segments.primary_starts'),
            'segments.active_users', 'scope.min_group_users'
        ) }} as workflow_failure_rate_high
    from segments
    cross join scope

)

select * from final
