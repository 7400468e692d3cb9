{#- Report section "Top issue buckets" and the Pareto chart: buckets by failure events,
    with the cumulative share of all failures for the Pareto line. -#}

select
    bucket_rank,
    issue_bucket,
    failure_class,
    failure_events,
    affected_users,
    share_of_failures,
    sum(share_of_failures) over (
        order by bucket_rank rows between unbounded preceding and current row
    ) as cumulative_share_of_failures,
    first_seen,
    last_seen,
    app_versions,
    os_families,
    latest_app_version,
    latest_version_failure_events,
    new_in_app_version,
    regressed_in_latest_app_version,
    is_gone_in_latest_version,
    example_message_redacted,
    likely_code_path,
    fix_hint
from {{ ref('kpi_issue_buckets') }}
order by bucket_rank
