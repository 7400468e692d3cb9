{#- Report section "Repeated failures": the ten users (user-days) with the most failures,
    with how many were their own input mistakes and which bucket most of them fall in.
    The anonymous user id is left out: the rank identifies the row. -#}

select
    user_rank,
    failure_events,
    user_input_failure_events,
    issue_buckets,
    top_issue_bucket,
    share_of_failures,
    cumulative_share_of_failures
from {{ ref('kpi_repeat_failures') }}
where user_rank <= 10
order by user_rank
