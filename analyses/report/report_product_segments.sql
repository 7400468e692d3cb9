{#- Report section "Product", segments: each segment value of each dimension with its
    activity, engagement and workflow failure rate, and the conversion of the app's first
    funnel (alphabetically) from entry to its last step. Suppressed values carry no counts.
    Prop dimensions first; values in length-then-text order (8, 16, 128+; 0.9.4, 0.10.0). -#}

with last_steps as (

    select
        funnel,
        max(step_order) as last_step
    from {{ ref('dim_funnel_steps') }}
    group by funnel

),

first_funnel as (

    select min(funnel) as funnel
    from last_steps

),

funnel_conversion as (

    select
        segment_steps.dimension,
        segment_steps.segment_value,
        segment_steps.funnel,
        segment_steps.step_name,
        segment_steps.suppressed,
        segment_steps.entered_users,
        segment_steps.conversion_from_start
    from {{ ref('kpi_segment_funnel_steps') }} as segment_steps
    inner join last_steps
        on segment_steps.funnel = last_steps.funnel
        and segment_steps.step_order = last_steps.last_step
    inner join first_funnel
        on segment_steps.funnel = first_funnel.funnel

)

select
    segments.dimension,
    segments.segment_value,
    segments.suppressed,
    segments.min_group_users,
    segments.active_users,
    segments.events,
    segments.new_installs,
    segments.primary_events_per_active_user,
    segments.primary_active_user_share,
    segments.primary_starts,
    segments.workflow_failure_rate,
    segments.workflow_failure_rate_low,
    segments.workflow_failure_rate_high,
    funnel_conversion.funnel,
    funnel_conversion.step_name as funnel_last_step,
    funnel_conversion.suppressed as funnel_suppressed,
    funnel_conversion.entered_users as funnel_entered_users,
    funnel_conversion.conversion_from_start as funnel_conversion
from {{ ref('kpi_segments') }} as segments
inner join {{ ref('dim_segment_dimensions') }} as dimensions
    on segments.dimension = dimensions.dimension
left join funnel_conversion
    on segments.dimension = funnel_conversion.dimension
    and segments.segment_value = funnel_conversion.segment_value
order by
    -- prop dimensions (a RAM tier) first: the app's own segments
    dimensions.prop_key is null asc,
    segments.dimension asc,
    segments.suppressed asc,
    length(segments.segment_value) asc,
    segments.segment_value asc
