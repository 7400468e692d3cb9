{#- Each issue bucket in scope against each app version in scope (kpi-definitions.md, "Issue
    buckets by version"): its failures there, and whether the version brought it (new),
    brought it back (regressed) or shows it gone. "Before" is read over every failure in the
    warehouse up to the window end, of any version, not only the scope: a bucket seen in
    3.0.8 last month is not new in 3.1.0 because the window starts this week.
    One row per (bucket, version), zeros included, so a version without the bucket says so.
    A version compares with the version just before it in scope (`previous_app_version` of
    kpi_release_health). Each flag is claimed only when the data can support it:
    - new: fails on this version, never on an older one, and the previous version was used
      enough (no small sample) to have shown it;
    - regressed: failed on an older version, never on the previous one (up to the window
      end), fails again on this one, and at this version's rate per start the previous
      version would have shown at least 3 (a chance of about 5% to see none);
    - gone: failed on the previous version, not on this one, and at the previous version's
      rate this one would have shown at least 3. -#}

with scope as (

    select
        app,
        identity_horizon,
        window_start,
        window_end,
        version_filter
    from {{ ref('kpi_scope') }}

),

versions as (

    select
        app_version,
        app_version_sort_key,
        release_order,
        active_users as version_active_users,
        primary_starts as version_primary_starts,
        small_sample as version_small_sample,
        previous_app_version
    from {{ ref('kpi_release_health') }}

),

failures as (

    select
        issue_bucket,
        user_id,
        event_ts,
        app_version
    from {{ ref('kpi_scope_events') }}
    where event_role = 'failure' and app_version is not null

),

buckets as (

    select distinct issue_bucket
    from failures

),

bucket_version_totals as (

    select
        issue_bucket,
        app_version,
        count(*) as failure_events,
        count(distinct user_id) as affected_users,
        min(event_ts) as first_seen,
        max(event_ts) as last_seen
    from failures
    group by issue_bucket, app_version

),

history_versions as (

    -- the versions each bucket in scope failed on, over the warehouse up to the window end
    select distinct
        history.issue_bucket,
        history.app_version,
        history.app_version_sort_key
    from {{ ref('fct_events') }} as history
    cross join scope
    where
        history.event_role = 'failure'
        and history.app_version is not null
        and history.event_ts <= scope.window_end
        and history.issue_bucket in (select buckets.issue_bucket from buckets)

),

grid as (

    select
        buckets.issue_bucket,
        versions.*,
        coalesce(totals.failure_events, 0) as failure_events,
        coalesce(totals.affected_users, 0) as affected_users,
        totals.first_seen,
        totals.last_seen,
        coalesce(previous_totals.failure_events, 0) as previous_failure_events,
        previous_versions.version_small_sample as previous_small_sample,
        previous_versions.version_primary_starts as previous_primary_starts
    from buckets
    cross join versions
    left join bucket_version_totals as totals
        on buckets.issue_bucket = totals.issue_bucket
        and versions.app_version = totals.app_version
    left join bucket_version_totals as previous_totals
        on buckets.issue_bucket = previous_totals.issue_bucket
        and versions.previous_app_version = previous_totals.app_version
    left join versions as previous_versions
        on versions.previous_app_version = previous_versions.app_version

),

seen_before as (

    -- per (bucket, version): how many older versions the bucket failed on, and whether the
    -- previous version is one of them
    select
        grid.issue_bucket,
        grid.app_version,
        count(history_versions.app_version) as older_versions_seen,
        count(
            case when history_versions.app_version = grid.previous_app_version then 1 end
        ) as previous_version_seen
    from grid
    left join history_versions
        on grid.issue_bucket = history_versions.issue_bucket
        and (
            grid.app_version_sort_key > history_versions.app_version_sort_key
            or (
                grid.app_version_sort_key = history_versions.app_version_sort_key
                and grid.app_version > history_versions.app_version
            )
        )
    group by grid.issue_bucket, grid.app_version

)

select
    -- scope
    scope.app,
    scope.identity_horizon,
    scope.window_start,
    scope.window_end,
    scope.version_filter,

    -- bucket and version
    grid.issue_bucket,
    grid.app_version,
    grid.app_version_sort_key,
    grid.release_order,
    grid.previous_app_version,

    -- the version's use
    grid.version_active_users,
    grid.version_primary_starts,
    grid.version_small_sample,

    -- the bucket on this version
    grid.failure_events,
    grid.affected_users,
    {{ kpi_rate('grid.affected_users', 'grid.version_active_users') }} as affected_user_share,
    {{ kpi_rate('grid.failure_events', 'grid.version_primary_starts') }} as failures_per_start,
    grid.first_seen,
    grid.last_seen,
    grid.previous_failure_events,

    -- what the version did to the bucket
    coalesce(
        grid.failure_events > 0
        and seen_before.older_versions_seen = 0
        and not grid.previous_small_sample,
        false
    ) as is_new_in_version,
    coalesce(
        grid.failure_events > 0
        and seen_before.older_versions_seen > 0
        and seen_before.previous_version_seen = 0
        and grid.failure_events * grid.previous_primary_starts >= 3 * grid.version_primary_starts,
        false
    ) as is_regressed,
    coalesce(
        grid.failure_events = 0
        and grid.previous_failure_events > 0
        and grid.previous_failure_events * grid.version_primary_starts
        >= 3 * grid.previous_primary_starts,
        false
    ) as is_gone
from grid
inner join seen_before
    on grid.issue_bucket = seen_before.issue_bucket
    and grid.app_version = seen_before.app_version
cross join scope
