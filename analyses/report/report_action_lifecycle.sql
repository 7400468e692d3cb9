{#- Report section "Action lifecycle": how started attempts of each action ended. -#}

select
    action,
    attempts,
    starts,
    successes,
    failures,
    abandoned,
    orphans,
    orphan_failures,
    rate_basis,
    abandoned_rate,
    failure_rate,
    failure_rate_low,
    failure_rate_high,
    small_sample,
    median_duration_seconds
from {{ ref('kpi_action_lifecycle') }}
order by attempts desc, action asc
