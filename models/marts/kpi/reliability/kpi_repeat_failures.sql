{#- Users whose failures repeat (kpi-definitions.md: a few users repeating a mistake can
    dominate the raw error rate): one row per user with 2 or more failure events in scope,
    ranked, with how concentrated the raw error volume is among all failing users - the
    share the top 1% of failing users and the top 10 users produce (the same on every
    row). user_id rotates daily, so a "user" is a user-day. Ties among users do not change
    the volumes: tied users hold as many failures. -#}

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
        issue_bucket
    from {{ ref('kpi_scope_events') }}
    where event_role = 'failure'

),

all_failures as (

    select count(*) as scope_failure_events
    from failures

),

user_failures as (

    select
        user_id,
        count(*) as failure_events,
        count(case when failure_class = 'user_input' then 1 end) as user_input_failure_events,
        count(distinct issue_bucket) as issue_buckets,
        min(event_ts) as first_failure_at,
        max(event_ts) as last_failure_at
    from failures
    where user_id is not null
    group by user_id

),

user_bucket_failures as (

    select
        user_id,
        issue_bucket,
        count(*) as bucket_failure_events
    from failures
    where user_id is not null
    group by user_id, issue_bucket

),

ranked_user_buckets as (

    select
        user_id,
        issue_bucket,
        row_number() over (
            partition by user_id
            order by bucket_failure_events desc, issue_bucket asc
        ) as bucket_rank
    from user_bucket_failures

),

user_top_buckets as (

    select
        user_id,
        issue_bucket as top_issue_bucket
    from ranked_user_buckets
    where bucket_rank = 1

),

ranked_users as (

    select
        user_failures.*,
        row_number() over (
            order by user_failures.failure_events desc, user_failures.user_id asc
        ) as user_rank,
        sum(user_failures.failure_events) over (
            order by user_failures.failure_events desc, user_failures.user_id asc
            rows between unbounded preceding and current row
        ) as cumulative_failure_events,
        count(*) over () as failing_users
    from user_failures

),

concentration as (

    select
        count(*) as failing_users,
        count(case when failure_events >= 2 then 1 end) as repeat_failing_users,
        coalesce(sum(case when failure_events >= 2 then failure_events end), 0)
            as repeat_failure_events,
        cast(ceil(0.01 * count(*)) as bigint) as top_1pct_users,
        coalesce(
            sum(case when user_rank <= ceil(0.01 * failing_users) then failure_events end), 0
        ) as top_1pct_failure_events,
        coalesce(sum(case when user_rank <= 10 then failure_events end), 0)
            as top_10_failure_events
    from ranked_users

)

select
    -- scope
    scope.app,
    scope.identity_horizon,
    scope.window_start,
    scope.window_end,
    scope.version_filter,

    -- user
    ranked_users.user_id,
    cast(ranked_users.user_rank as bigint) as user_rank,

    -- the user's failures
    ranked_users.failure_events,
    ranked_users.user_input_failure_events,
    ranked_users.issue_buckets,
    user_top_buckets.top_issue_bucket,
    ranked_users.first_failure_at,
    ranked_users.last_failure_at,
    {{ kpi_rate('ranked_users.failure_events', 'all_failures.scope_failure_events') }}
        as share_of_failures,
    {{ kpi_rate('ranked_users.cumulative_failure_events', 'all_failures.scope_failure_events') }}
        as cumulative_share_of_failures,
    ranked_users.user_rank <= concentration.top_1pct_users as is_top_1pct,
    ranked_users.user_rank <= 10 as is_top_10,

    -- concentration over all failing users in scope (the same on every row)
    all_failures.scope_failure_events,
    concentration.failing_users,
    concentration.repeat_failing_users,
    cast(concentration.repeat_failure_events as bigint) as repeat_failure_events,
    {{ kpi_rate('concentration.repeat_failure_events', 'all_failures.scope_failure_events') }}
        as repeat_failure_share,
    concentration.top_1pct_users,
    cast(concentration.top_1pct_failure_events as bigint) as top_1pct_failure_events,
    {{ kpi_rate('concentration.top_1pct_failure_events', 'all_failures.scope_failure_events') }}
        as top_1pct_failure_share,
    cast(concentration.top_10_failure_events as bigint) as top_10_failure_events,
    {{ kpi_rate('concentration.top_10_failure_events', 'all_failures.scope_failure_events') }}
        as top_10_failure_share
from ranked_users
cross join scope
cross join all_failures
cross join concentration
left join user_top_buckets on ranked_users.user_id = user_top_buckets.user_id
where ranked_users.failure_events >= 2
