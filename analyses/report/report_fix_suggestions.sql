{#- Report section "Prioritized fix suggestions": one suggestion per issue bucket, buckets
    outside the user_input class first, by the users a fix would spare (the bucket's
    affected users), then by failure events. user_input buckets follow as UX fixes. -#}

with buckets as (

    select
        issue_bucket,
        failure_class,
        failure_events,
        affected_users,
        share_of_failures,
        app_versions,
        os_families,
        likely_code_path,
        fix_hint
    from {{ report_relation('kpi_issue_buckets') }}

),

summary as (

    select affected_users as all_affected_users
    from {{ report_relation('kpi_reliability_summary') }}

),

ranked as (

    select
        buckets.*,
        buckets.failure_class = 'user_input' as is_user_input,
        cast(buckets.affected_users as double) / nullif(summary.all_affected_users, 0)
            as share_of_affected_users,
        row_number() over (
            order by
                buckets.failure_class = 'user_input' asc,
                buckets.affected_users desc,
                buckets.failure_events desc,
                buckets.issue_bucket asc
        ) as priority
    from buckets
    cross join summary

)

select
    priority,
    issue_bucket,
    failure_class,
    is_user_input,
    affected_users,
    share_of_affected_users,
    failure_events,
    share_of_failures,
    app_versions,
    os_families,
    likely_code_path,
    fix_hint
from ranked
order by priority
