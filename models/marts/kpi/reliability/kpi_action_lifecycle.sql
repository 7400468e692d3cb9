{#- Lifecycle of each action over the attempts in scope (kpi_scope_action_attempts).
    An attempt is a start with its outcome, or an outcome of a one-event lifecycle (no
    start exists for that action); successes + failures + abandoned = attempts. An action's
    attempts are all starts or all one-event outcomes: `rate_basis` says which, so a rate is
    never read as "of starts" when there are none. Orphans (outcomes of an action with
    starts that closed no start) are counted apart and are in no rate. Abandoned attempts
    (starts without an outcome) are the crash proxy. -#}

with scope as (

    select
        app,
        identity_horizon,
        window_start,
        window_end,
        version_filter,
        min_sample
    from {{ ref('kpi_scope') }}

),

attempts as (

    select
        action,
        start_event_id,
        attempt_outcome,
        is_orphan,
        duration_seconds
    from {{ ref('kpi_scope_action_attempts') }}

),

action_totals as (

    select
        action,
        count(case when not is_orphan then 1 end) as attempts,
        count(start_event_id) as starts,  -- noqa: RF04
        count(case when not is_orphan and attempt_outcome = 'succeeded' then 1 end) as successes,
        count(case when not is_orphan and attempt_outcome = 'failed' then 1 end) as failures,
        count(case when attempt_outcome = 'abandoned' then 1 end) as abandoned,
        count(case when is_orphan then 1 end) as orphans,
        count(case when is_orphan and attempt_outcome = 'failed' then 1 end) as orphan_failures,
        percentile_cont(0.5) within group (order by duration_seconds) as median_duration_seconds
    from attempts
    group by action

)

select
    -- scope
    scope.app,
    scope.identity_horizon,
    scope.window_start,
    scope.window_end,
    scope.version_filter,

    -- action
    action_totals.action,

    -- attempts
    action_totals.attempts,
    action_totals.starts,
    action_totals.successes,
    action_totals.failures,
    action_totals.abandoned,
    action_totals.orphans,
    action_totals.orphan_failures,
    case
        when action_totals.starts > 0 then 'starts'
        when action_totals.attempts > 0 then 'outcomes'
    end as rate_basis,

    -- failure rate of attempts
    {{ kpi_rate('action_totals.failures', 'action_totals.attempts') }} as failure_rate,
    {{ wilson_low('action_totals.failures', 'action_totals.attempts') }} as failure_rate_low,
    {{ wilson_high('action_totals.failures', 'action_totals.attempts') }} as failure_rate_high,
    action_totals.attempts < scope.min_sample as small_sample,

    -- crash proxy: starts without an outcome
    {{ kpi_rate('action_totals.abandoned', 'action_totals.starts') }} as abandoned_rate,

    -- duration
    cast(action_totals.median_duration_seconds as double) as median_duration_seconds
from action_totals
cross join scope
