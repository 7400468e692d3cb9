{#- Report section "Top issue buckets": each bucket's failures and affected users per app
    version in scope (zeros included), oldest version first, with what the version did to
    it (new, regressed, gone). -#}

select
    issue_bucket,
    app_version,
    release_order,
    version_active_users,
    version_small_sample,
    failure_events,
    affected_users,
    affected_user_share,
    failures_per_start,
    first_seen,
    last_seen,
    is_new_in_version,
    is_regressed,
    is_gone
from {{ ref('kpi_issue_bucket_versions') }}
order by issue_bucket, release_order
