{#- One row per funnel step of the app (kpi-definitions.md, "Funnels"): user-days that
    reached it in order (kpi_scope_funnel_progress), conversion from the entry and from the
    step before, users dropped since the step before and the median time from it; beside
    them, the user-days that viewed the step at all (in any order) and that skipped it. -#}

with scope as (

    select
        app,
        identity_horizon,
        window_start,
        window_end,
        version_filter
    from {{ ref('kpi_scope') }}

),

steps as (

    select
        funnel,
        step_order,
        step_name,
        skip_event_name
    from {{ ref('dim_funnel_steps') }}

),

reached as (

    select
        funnel,
        step_order,
        count(*) as users_reached,
        percentile_cont(0.5) within group (order by seconds_from_previous)
            as median_seconds_from_previous
    from {{ ref('kpi_scope_funnel_progress') }}
    group by funnel, step_order

),

user_day_markers as (

    -- one row per user-day and what it did on a step, in any order
    select distinct
        funnel,
        step_order,
        marks,
        user_id,
        event_date
    from {{ ref('kpi_scope_funnel_events') }}

),

markers as (

    select
        funnel,
        step_order,
        count(case when marks = 'step' then 1 end) as viewed_users,
        count(case when marks = 'skip' then 1 end) as skipped_users
    from user_day_markers
    group by funnel, step_order

),

step_counts as (

    select
        steps.funnel,
        steps.step_order,
        steps.step_name,
        coalesce(reached.users_reached, 0) as users_reached,
        reached.median_seconds_from_previous,
        coalesce(markers.viewed_users, 0) as viewed_users,
        -- null for a step that cannot be skipped (no skip event)
        case when steps.skip_event_name is not null then coalesce(markers.skipped_users, 0) end
            as skipped_users
    from steps
    left join reached
        on steps.funnel = reached.funnel
        and steps.step_order = reached.step_order
    left join markers
        on steps.funnel = markers.funnel
        and steps.step_order = markers.step_order

),

with_previous as (

    select
        step_counts.*,
        max(case when step_counts.step_order = 1 then step_counts.users_reached end)
            over (partition by step_counts.funnel)
            as entered_users,
        lag(step_counts.users_reached)
            over (partition by step_counts.funnel order by step_counts.step_order)
            as previous_users_reached
    from step_counts

),

final as (

    select
        -- what the counts rest on
        scope.app,
        scope.identity_horizon,
        scope.window_start,
        scope.window_end,
        scope.version_filter,

        -- step
        with_previous.funnel,
        with_previous.step_order,
        with_previous.step_name,

        -- conversion
        with_previous.users_reached,
        {{ kpi_rate('with_previous.users_reached', 'with_previous.entered_users') }}
            as conversion_from_start,
        {{ kpi_rate('with_previous.users_reached', 'with_previous.previous_users_reached') }}
            as conversion_from_previous,
        with_previous.previous_users_reached - with_previous.users_reached as dropped_users,
        with_previous.median_seconds_from_previous,

        -- the step in any order
        with_previous.viewed_users,
        with_previous.skipped_users
    from with_previous
    cross join scope

)

select * from final
