{#- Failure events in scope grouped by issue bucket (kpi-definitions.md, "Issue buckets"):
    one row per bucket, with where it shows up, one redacted example, the likely code
    path and fix hint of the rule that matched it, and what the app versions in scope did to
    it (kpi_issue_bucket_versions: the version it is new in, the newest it regressed in,
    whether the newest version shows it gone). -#}

with scope as (

    select
        app,
        identity_horizon,
        window_start,
        window_end,
        version_filter
    from {{ ref('kpi_scope') }}

),

failures as (

    select
        user_id,
        event_ts,
        failure_class,
        issue_bucket,
        error_message_redacted,
        os_family
    from {{ ref('kpi_scope_events') }}
    where event_role = 'failure'

),

buckets as (

    select
        issue_bucket,
        failure_class,
        likely_code_path,
        fix_hint
    from {{ ref('dim_issue_buckets') }}

),

bucket_totals as (

    select
        issue_bucket,
        min(failure_class) as event_failure_class,
        count(*) as failure_events,
        count(distinct user_id) as affected_users,
        min(event_ts) as first_seen,
        max(event_ts) as last_seen
    from failures
    group by issue_bucket

),

all_failures as (

    select count(*) as total_failure_events
    from failures

),

bucket_version_lists as (

    -- the versions the bucket failed on: its rows of kpi_issue_bucket_versions with failures
    select
        issue_bucket,
        {{ dbt.listagg('app_version', "', '", 'order by app_version_sort_key desc, app_version desc') }}
            as app_versions
    from {{ ref('kpi_issue_bucket_versions') }}
    where failure_events > 0
    group by issue_bucket

),

bucket_os_families as (

    select distinct
        issue_bucket,
        os_family
    from failures
    where os_family is not null

),

bucket_os_family_lists as (

    select
        issue_bucket,
        {{ dbt.listagg('os_family', "', '", 'order by os_family') }} as os_families
    from bucket_os_families
    group by issue_bucket

),

bucket_messages as (

    select
        issue_bucket,
        error_message_redacted,
        count(*) as message_events,
        max(event_ts) as message_last_seen
    from failures
    where error_message_redacted is not null
    group by issue_bucket, error_message_redacted

),

ranked_messages as (

    select
        issue_bucket,
        error_message_redacted,
        row_number() over (
            partition by issue_bucket
            order by message_events desc, message_last_seen desc, error_message_redacted asc
        ) as message_rank
    from bucket_messages

),

bucket_examples as (

    select
        issue_bucket,
        error_message_redacted as example_message_redacted
    from ranked_messages
    where message_rank = 1

),

bucket_versions_in_scope as (

    select
        issue_bucket,
        app_version,
        release_order,
        failure_events,
        is_new_in_version,
        is_regressed,
        is_gone,
        max(release_order) over () as latest_release_order
    from {{ ref('kpi_issue_bucket_versions') }}

),

bucket_version_flags as (

    select
        issue_bucket,
        max(case when release_order = latest_release_order then app_version end)
            as latest_app_version,
        {{ sum_as_bigint('case when release_order = latest_release_order then failure_events end') }}
            as latest_version_failure_events,
        max(case when is_new_in_version then app_version end) as new_in_app_version,
        max(case when is_regressed and release_order = latest_release_order then app_version end)
            as regressed_in_latest_app_version,
        coalesce({{ dbt.bool_or('is_gone and release_order = latest_release_order') }}, false)
            as is_gone_in_latest_version
    from bucket_versions_in_scope
    group by issue_bucket

)

select
    -- scope
    scope.app,
    scope.identity_horizon,
    scope.window_start,
    scope.window_end,
    scope.version_filter,

    -- bucket
    bucket_totals.issue_bucket,
    coalesce(buckets.failure_class, bucket_totals.event_failure_class) as failure_class,
    row_number() over (
        order by
            bucket_totals.failure_events desc,
            bucket_totals.affected_users desc,
            bucket_totals.issue_bucket asc
    ) as bucket_rank,

    -- volume
    bucket_totals.failure_events,
    bucket_totals.affected_users,
    {{ kpi_rate('bucket_totals.failure_events', 'all_failures.total_failure_events') }}
        as share_of_failures,

    -- where and when
    bucket_totals.first_seen,
    bucket_totals.last_seen,
    bucket_version_lists.app_versions,
    bucket_os_family_lists.os_families,

    -- versions
    bucket_version_flags.latest_app_version,
    coalesce(bucket_version_flags.latest_version_failure_events, 0)
        as latest_version_failure_events,
    bucket_version_flags.new_in_app_version,
    bucket_version_flags.regressed_in_latest_app_version,
    coalesce(bucket_version_flags.is_gone_in_latest_version, false) as is_gone_in_latest_version,

    -- diagnosis
    bucket_examples.example_message_redacted,
    buckets.likely_code_path,
    buckets.fix_hint
from bucket_totals
cross join scope
cross join all_failures
left join buckets on bucket_totals.issue_bucket = buckets.issue_bucket
left join bucket_version_lists on bucket_totals.issue_bucket = bucket_version_lists.issue_bucket
left join bucket_os_family_lists on bucket_totals.issue_bucket = bucket_os_family_lists.issue_bucket
left join bucket_examples on bucket_totals.issue_bucket = bucket_examples.issue_bucket
left join bucket_version_flags on bucket_totals.issue_bucket = bucket_version_flags.issue_bucket
