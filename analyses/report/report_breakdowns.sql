{#- Report section "Breakdowns" and the OS chart: reliability per OS family, OS name,
    OS version and app version, riskiest first (groups with enough sample first, then by
    the Wilson lower bound). A group stands out only when it has enough sample and its
    whole interval lies above the overall workflow failure rate. -#}

with summary as (

    select workflow_failure_rate as overall_workflow_failure_rate
    from {{ ref('kpi_reliability_summary') }}

),

breakdowns as (

    select * from {{ ref('kpi_reliability_by_dimension') }}

),

final as (

    select
        breakdowns.*,
        coalesce(
            not breakdowns.small_sample
            and breakdowns.workflow_failure_rate_low > summary.overall_workflow_failure_rate,
            false
        ) as stands_out
    from breakdowns
    cross join summary

)

select
    dimension,
    dimension_value,
    events,
    failure_events,
    raw_error_rate,
    active_users,
    affected_users,
    affected_user_share,
    primary_starts,
    primary_failures,
    workflow_failure_rate,
    workflow_failure_rate_low,
    workflow_failure_rate_high,
    small_sample,
    risk_rank,
    stands_out
from final
order by
    case dimension
        when 'os_family' then 1
        when 'os_name' then 2
        when 'os_version' then 3
        when 'app_version' then 4
        else 5
    end,
    risk_rank asc,
    events desc,
    dimension_value asc
