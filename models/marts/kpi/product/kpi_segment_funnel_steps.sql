{#- Each funnel step per segment value (seed `segment_dimensions`): user-days reaching the
    step in order among those whose entry event held the value, and the conversion from
    the entry. A segment value of fewer than min_group_users entered user-days is
    suppressed (its counts null). -#}

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

segmented_progress as (

    select
        dimensions.dimension,
        {{ segment_value(
            'dimensions', 'progress.entry_app_version', 'progress.entry_os_family',
            'progress.entry_os_name', 'progress.entry_props'
        ) }} as segment_value,
        progress.funnel,
        progress.step_order
    from {{ ref('kpi_scope_funnel_progress') }} as progress
    cross join {{ ref('dim_segment_dimensions') }} as dimensions

),

reached as (

    select
        dimension,
        segment_value,
        funnel,
        step_order,
        count(*) as users_reached
    from segmented_progress
    group by dimension, segment_value, funnel, step_order

),

entered as (

    select
        dimension,
        segment_value,
        funnel,
        users_reached as entered_users
    from reached
    where step_order = 1

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

        -- segment and step
        entered.dimension,
        entered.segment_value,
        steps.funnel,
        steps.step_order,
        steps.step_name,
        entered.entered_users < scope.min_group_users as suppressed,

        -- conversion, null when suppressed
        {{ k_anonymous('entered.entered_users', 'entered.entered_users', 'scope.min_group_users') }}
            as entered_users,
        {{ k_anonymous(
            'coalesce(reached.users_reached, 0)', 'entered.entered_users', 'scope.min_group_users'
        ) }} as users_reached,
        {{ k_anonymous(
            kpi_rate('coalesce(reached.users_reached, 0)', 'entered.entered_users'),
            'entered.entered_users', 'scope.min_group_users'
        ) }} as conversion_from_start
    from entered
    inner join {{ ref('dim_funnel_steps') }} as steps
        on entered.funnel = steps.funnel
    left join reached
        on entered.dimension = reached.dimension
        and entered.segment_value = reached.segment_value
        and steps.funnel = reached.funnel
        and steps.step_order = reached.step_order
    cross join scope

)

select * from final
