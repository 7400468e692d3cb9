{#- Each start paired with its outcome: the first success or failure of the same action in
    the same session (the same user when the event has no session) after the start, before
    the action's next start and within `attempt_timeout_hours`. A start with no such outcome
    is `abandoned`. An outcome that closes no start is kept as an orphan attempt. Actions
    that have no start event at all are attempts of their own, not orphans: one-event
    lifecycles (Vibe's `handoff_transcribe`, its outcome in a prop) and actions whose
    success and failure have names of their own (ReverbCode's spawn: attempts = spawned +
    spawn_failed).
    Incremental: each run replaces the attempts of the days from the run window on
    (ctl_incremental_window), paired over the events that start `attempt_timeout_hours`
    before the window (an outcome can close a start no older than that); whether an action has
    starts at all is still decided over every event. -#}

{#- rebuilt by day: configured in dbt_project.yml (docs/run-window.md) -#}
{%- set timeout_hours = var('attempt_timeout_hours') -%}
{%- set rebuild_from = incremental_rebuild_from('select max(event_date) from ' ~ this) %}
{%- if rebuild_from is not none %}
    {#- an action that had no start (its outcomes were attempts of their own) and now has
        one: every attempt of it changes, rebuild everything -#}
    {%- set newly_started = run_query(
        'select count(*) from ' ~ this ~ ' as attempts where attempts.start_event_id is null'
        ~ ' and not attempts.is_orphan and attempts.action in (select action from '
        ~ ref('fct_events') ~ " where event_role = 'start')"
    ) %}
    {%- if newly_started.rows[0][0] > 0 %}
        {%- set rebuild_from = none %}
    {%- endif %}
{%- endif %}
{#- the events a rebuild reads: those since `attempt_timeout_hours` before its first day (a
    condition rendered on every run, so the SQL lints the same either way) -#}
{%- set events_read = 'events.event_ts >= ' ~ dbt.dateadd(
    'hour', -timeout_hours, "cast('" ~ rebuild_from ~ "' as timestamp)"
) | trim if rebuild_from is not none else 'true' %}

with actions_with_starts as (

    -- decided over every event, whatever the run rebuilds
    select distinct action
    from {{ ref('fct_events') }}
    where event_role = 'start'

),

actions_with_both_outcomes as (

    -- actions whose success and failure are events of their own names (ReverbCode's
    -- `ao.session.spawned` / `ao.session.spawn_failed`): without a start, each outcome is an
    -- attempt of its own. An action with failure names only (a usage error) has no
    -- denominator: its failures are no attempts.
    select action
    from {{ ref('int_event_names_classified') }}
    group by action
    having
        count(case when name_role = 'success' then 1 end) > 0
        and count(case when name_role = 'failure' then 1 end) > 0

),

lifecycle_events as (

    select
        events.event_id,
        events.event_ts,
        events.event_date,
        events.action,
        events.event_role,
        events.user_id,
        events.session_id,
        events.app_version,
        events.app_version_sort_key,
        events.os_family,
        events.os_name,
        events.os_version,
        events.failure_class,
        events.issue_bucket,
        event_names.name_role,
        -- actions without any start are one-event lifecycles
        actions_with_starts.action is not null as action_has_starts,
        actions_with_both_outcomes.action is not null as action_has_both_outcomes
    from {{ ref('fct_events') }} as events
    inner join {{ ref('int_event_names_classified') }} as event_names
        on events.event_name = event_names.event_name
    left join actions_with_starts
        on events.action = actions_with_starts.action
    left join actions_with_both_outcomes
        on events.action = actions_with_both_outcomes.action
    where
        events.event_role in ('start', 'success', 'failure')
        and {{ events_read }}

),

sequenced as (

    -- each pairing key's lifecycle in order, a start before an outcome at the same instant:
    -- the outcome that closes a start is the row right after it, so one sort pairs them
    -- all (no join on event ids)
    select
        *,
        lag(event_role) over lifecycle as previous_role,
        lag(event_ts) over lifecycle as previous_ts,
        lead(event_role) over lifecycle as next_role,
        lead(event_id) over lifecycle as next_event_id,
        lead(event_ts) over lifecycle as next_ts,
        lead(failure_class) over lifecycle as next_failure_class,
        lead(issue_bucket) over lifecycle as next_issue_bucket
    from lifecycle_events
    where action_has_starts
    window lifecycle as (
        -- pairing key: the session, or the user when the event has no session
        partition by action, session_id, case when session_id is null then user_id end
        order by event_ts, case when event_role = 'start' then 0 else 1 end, event_id
    )

),

paired as (

    -- the first outcome after a start, before the next start, closes it when inside the
    -- timeout
    select
        *,
        coalesce(
            event_role = 'start'
            and next_role != 'start'
            and next_ts <= {{ dbt.dateadd('hour', timeout_hours, 'event_ts') }},
            false
        ) as start_is_closed,
        coalesce(
            event_role != 'start'
            and previous_role = 'start'
            and event_ts <= {{ dbt.dateadd('hour', timeout_hours, 'previous_ts') }},
            false
        ) as closes_a_start
    from sequenced

),

attempts_of_actions_with_starts as (

    -- one pass over the paired lifecycle (a second reader of a CTE makes DuckDB materialize
    -- it or compute it twice): every start is an attempt, closed or abandoned; an outcome
    -- that closed no start is an orphan attempt
    select
        event_id as attempt_id,
        action,
        user_id,
        session_id,
        case when event_role = 'start' then event_ts end as started_at,
        case when event_role = 'start' then event_id end as start_event_id,
        case
            when event_role != 'start' then event_id
            when start_is_closed then next_event_id
        end as outcome_event_id,
        case
            when event_role != 'start' then event_ts
            when start_is_closed then next_ts
        end as outcome_at,
        case
            when event_role = 'success' then 'succeeded'
            when event_role = 'failure' then 'failed'
            when not start_is_closed then 'abandoned'
            when next_role = 'success' then 'succeeded'
            else 'failed'
        end as attempt_outcome,
        event_role != 'start' as is_orphan,
        case
            when start_is_closed
                then {{ dbt.datediff('event_ts', 'next_ts', 'second') }}
        end as duration_seconds,
        case
            when event_role != 'start' then failure_class
            when start_is_closed then next_failure_class
        end as failure_class,
        case
            when event_role != 'start' then issue_bucket
            when start_is_closed then next_issue_bucket
        end as issue_bucket,
        app_version,
        app_version_sort_key,
        os_family,
        os_name,
        os_version,
        event_date
    from paired
    where event_role = 'start' or not closes_a_start

),

attempts_of_one_event_lifecycles as (

    -- actions without any start: every outcome is an attempt of its own
    select
        event_id as attempt_id,
        action,
        user_id,
        session_id,
        cast(null as timestamp) as started_at,
        cast(null as varchar) as start_event_id,
        event_id as outcome_event_id,
        event_ts as outcome_at,
        case when event_role = 'success' then 'succeeded' else 'failed' end as attempt_outcome,
        false as is_orphan,
        cast(null as bigint) as duration_seconds,
        failure_class,
        issue_bucket,
        app_version,
        app_version_sort_key,
        os_family,
        os_name,
        os_version,
        event_date
    from lifecycle_events
    where
        not action_has_starts
        and (name_role = 'outcome' or action_has_both_outcomes)

),

final as (

    select * from attempts_of_actions_with_starts
    union all
    select * from attempts_of_one_event_lifecycles

)

select
    attempt_id,
    action,
    user_id,
    session_id,
    started_at,
    start_event_id,
    outcome_event_id,
    outcome_at,
    attempt_outcome,
    is_orphan,
    cast(duration_seconds as double) as duration_seconds,
    failure_class,
    issue_bucket,
    app_version,
    app_version_sort_key,
    os_family,
    os_name,
    os_version,
    event_date
from final
{%- if rebuild_from is not none %}
    where event_date >= cast('{{ rebuild_from }}' as date)
{%- endif %}
