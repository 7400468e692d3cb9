{#- Feature adoption per segment value (seed `segment_dimensions`): the segment's user-days
    with the feature (the feature's event holding the value) over the segment's active
    user-days (kpi_segments), with a 95% Wilson interval. A segment value of fewer than
    min_group_users user-days is suppressed. -#}

with segments as (

    select
        app,
        identity_horizon,
        window_start,
        window_end,
        version_filter,
        min_group_users,
        dimension,
        segment_value,
        suppressed,
        active_users
    from {{ ref('kpi_segments') }}

),

features as (

    select distinct feature
    from {{ ref('dim_features') }}

),

feature_user_days as (

    select distinct
        dimensions.dimension,
        {{ segment_value(
            'dimensions', 'feature_events.app_version', 'feature_events.os_family',
            'feature_events.os_name', 'feature_events.props'
        ) }} as segment_value,
        feature_events.feature,
        feature_events.user_id,
        feature_events.event_date
    from {{ ref('kpi_scope_feature_events') }} as feature_events
    cross join {{ ref('dim_segment_dimensions') }} as dimensions

),

adoption as (

    select
        dimension,
        segment_value,
        feature,
        count(*) as adopting_users
    from feature_user_days
    group by dimension, segment_value, feature

),

final as (

    select
        segments.app,
        segments.identity_horizon,
        segments.window_start,
        segments.window_end,
        segments.version_filter,
        segments.min_group_users,
        segments.dimension,
        segments.segment_value,
        features.feature,
        segments.suppressed,
        case when not segments.suppressed then coalesce(adoption.adopting_users, 0) end as adopting_users,
        segments.active_users,
        {{ kpi_rate('coalesce(adoption.adopting_users, 0)', 'segments.active_users') }} as adoption_rate,
        {{ wilson_low('coalesce(adoption.adopting_users, 0)', 'segments.active_users') }}
            as adoption_rate_low,
        {{ wilson_high('coalesce(adoption.adopting_users, 0)', 'segments.active_users') }}
            as adoption_rate_high
    from segments
    cross join features
    left join adoption
        on segments.dimension = adoption.dimension
        and segments.segment_value = adoption.segment_value
        and features.feature = adoption.feature

)

select * from final
