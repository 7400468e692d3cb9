{#- Report section "Prioritized fix suggestions": one suggestion per issue bucket, by impact:
    buckets still failing in the newest version first (a bucket that version shows gone is
    likely fixed), then by the users a fix would spare (the bucket's affected users, every
    class alike: a user-input bucket is a UX fix and ranks by the users it hurts), then
    buckets new or regressed in the newest version (the trend), then failure events. -#}

with buckets as (

    select
        issue_bucket,
        failure_class,
        failure_events,
        affected_users,
        share_of_failures,
        app_versions,
        os_families,
        latest_app_version,
        new_in_app_version,
        regressed_in_latest_app_version,
        is_gone_in_latest_version,
        likely_code_path,
        fix_hint
    from {{ ref('kpi_issue_buckets') }}

),

summary as (

    select
        affected_users as all_affected_users,
        runtime_failure_events as all_runtime_failure_events
    from {{ ref('kpi_reliability_summary') }}

),

ranked as (

    select
        buckets.*,
        coalesce(buckets.failure_class = 'user_input', false) as is_user_input,
        coalesce(
            buckets.new_in_app_version = buckets.latest_app_version
            or buckets.regressed_in_latest_app_version is not null,
            false
        ) as is_rising,
        cast(buckets.affected_users as double) / nullif(summary.all_affected_users, 0)
            as share_of_affected_users,
        case
            when coalesce(buckets.failure_class, '') != 'user_input'
                then
                    cast(buckets.failure_events as double)
                    / nullif(summary.all_runtime_failure_events, 0)
        end as share_of_runtime_failures
    from buckets
    cross join summary

),

prioritized as (

    select
        *,
        row_number() over (
            order by
                is_gone_in_latest_version asc,
                affected_users desc,
                is_rising desc,
                failure_events desc,
                issue_bucket asc
        ) as priority
    from ranked

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
    share_of_runtime_failures,
    app_versions,
    os_families,
    latest_app_version,
    new_in_app_version,
    regressed_in_latest_app_version,
    is_gone_in_latest_version,
    is_rising,
    likely_code_path,
    fix_hint
from prioritized
order by priority
