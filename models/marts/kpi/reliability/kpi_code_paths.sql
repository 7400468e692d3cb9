{#- Failure events in scope rolled up by the likely code path of their bucket
    (kpi-definitions.md, "Code paths"): where in the code the failures concentrate. The
    code path is the rule's `likely_code_path` up to its first " (" (so
    `sona/mod.rs (load_model)` and `sona/mod.rs (transcribe)` roll up to one file); failures
    of buckets no rule names a code path for are one row with a null `code_path`. -#}

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
        failure_class,
        issue_bucket
    from {{ ref('kpi_scope_events') }}
    where event_role = 'failure'

),

bucket_code_paths as (

    select
        issue_bucket,
        nullif(trim({{ dbt.split_part('likely_code_path', "' ('", 1) }}), '') as code_path
    from {{ ref('dim_issue_buckets') }}

),

failures_by_path as (

    select
        failures.user_id,
        failures.issue_bucket,
        failures.failure_class,
        bucket_code_paths.code_path
    from failures
    left join bucket_code_paths on failures.issue_bucket = bucket_code_paths.issue_bucket

),

path_totals as (

    select
        code_path,
        count(distinct issue_bucket) as issue_buckets,
        count(*) as failure_events,
        count(case when failure_class is distinct from 'user_input' then 1 end)
            as runtime_failure_events,
        count(distinct user_id) as affected_users
    from failures_by_path
    group by code_path

),

all_totals as (

    select
        count(*) as total_failure_events,
        count(case when failure_class is distinct from 'user_input' then 1 end)
            as total_runtime_failure_events
    from failures

)

select
    -- scope
    scope.app,
    scope.identity_horizon,
    scope.window_start,
    scope.window_end,
    scope.version_filter,

    -- code path
    path_totals.code_path,
    row_number() over (
        order by
            path_totals.runtime_failure_events desc,
            path_totals.failure_events desc,
            path_totals.code_path is null asc,
            path_totals.code_path asc
    ) as code_path_rank,

    -- volume
    path_totals.issue_buckets,
    path_totals.failure_events,
    path_totals.runtime_failure_events,
    path_totals.affected_users,
    {{ kpi_rate('path_totals.failure_events', 'all_totals.total_failure_events') }}
        as share_of_failures,
    {{ kpi_rate('path_totals.runtime_failure_events', 'all_totals.total_runtime_failure_events') }}
        as share_of_runtime_failures
from path_totals
cross join scope
cross join all_totals
