{#- Report section "Breakdowns" and the OS chart: reliability per OS family, OS name,
    OS version and app version, riskiest first (by the Wilson lower bound). -#}

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
    risk_rank
from {{ report_relation('kpi_reliability_by_dimension') }}
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
