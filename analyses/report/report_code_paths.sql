{#- Report section "Prioritized fix suggestions", its roll-up: failures by the likely code
    path of their bucket, the path with the most runtime-like failures first. -#}

select
    code_path_rank,
    code_path,
    issue_buckets,
    failure_events,
    runtime_failure_events,
    share_of_runtime_failures,
    affected_users
from {{ ref('kpi_code_paths') }}
order by code_path_rank
