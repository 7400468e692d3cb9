{#- Each start paired with its outcome: the first success or failure of the same action in
    the same session (the same user when the event has no session) after the start, before
    the action's next start and within `attempt_timeout_hours`. A start with no such outcome
    is `abandoned`. An outcome that closes no start is kept as an orphan attempt. Actions
    that have no start event at all (one-event lifecycles such as Vibe's
    `handoff_transcribe`) are attempts of their own, not orphans.
    Incremental: each run replaces the attempts of the days from the run window on
    (int_incremental_window), paired over the events from `attempt_timeout_hours` before
    the window (an outcome can close a start no older than that); whether an action has
    starts at all is still decided over every event. -#}

{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='event_date',
    on_schema_change='fail',
) }}
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

with actions_with_starts as (

    -- decided over every event, whatever the run rebuilds
    select distinct action
    from {{ ref('fct_events') }}
    where event_role = 'start'

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
        coalesce('session:' || events.session_id, 'user:' || events.user_id) as pairing_key,
        events.app_version,
        events.app_version_sort_key,
        events.os_family,
        events.os_name,
        events.os_version,
        events.failure_class,
        events.issue_bucket,
        event_names.name_role,
        -- actions without any start are one-event lifecycles
        actions_with_starts.action is not null as action_has_starts
    from {{ ref('fct_events') }} as events
    inner join {{ ref('int_event_names_classified') }} as event_names
        on events.event_name = event_names.event_name
    left join actions_with_starts
        on events.action = actions_with_starts.action
    where
        events.event_role in ('start', 'success', 'failure')
    {%- if rebuild_from is not none %}
        and events.event_ts >= {{ dbt.dateadd(
            'hour', -timeout_hours, "cast('" ~ rebuild_from ~ "' as timestamp)"
        ) }}
    {%- endif %}

),

sequenced as (

    -- each start opens a segment; an outcome belongs to the segment of the last start
    -- before it (segment 0: outcomes before any start)
    select
        *,
        sum(case when event_role = 'start' then 1 else 0 end) over (
            partition by action, pairing_key
            order by event_ts, case when event_role = 'start' then 0 else 1 end, event_id
            rows between unbounded preceding and current row
        ) as segment
    from lifecycle_events
    where action_has_starts

),

starts as (

    select *
    from sequenced
    where event_role = 'start'

),

outcomes as (

    select
        *,
        row_number() over (
            partition by action, pairing_key, segment order by event_ts, event_id
        ) as outcome_rank
    from sequenced
    where event_role != 'start'

),

paired_outcomes as (

    -- the first outcome of a segment closes its start when inside the timeout
    select
        outcomes.event_id as outcome_event_id,
        starts.event_id as start_event_id
    from outcomes
    inner join starts
        on outcomes.action = starts.action
        and outcomes.pairing_key = starts.pairing_key
        and outcomes.segment = starts.segment
    where
        outcomes.outcome_rank = 1
        and outcomes.event_ts <= {{ dbt.dateadd('hour', timeout_hours, 'starts.event_ts') }}

),

started_attempts as (

    select
        starts.event_id as attempt_id,
        starts.action,
        starts.user_id,
        starts.session_id,
        starts.event_ts as started_at,
        starts.event_id as start_event_id,
        outcomes.event_id as outcome_event_id,
        outcomes.event_ts as outcome_at,
        case
            when outcomes.event_role = 'success' then 'succeeded'
            when outcomes.event_role = 'failure' then 'failed'
            else 'abandoned'
        end as attempt_outcome,
        false as is_orphan,
        {{ dbt.datediff('starts.event_ts', 'outcomes.event_ts', 'second') }} as duration_seconds,  -- noqa: LT05
        outcomes.failure_class,
        outcomes.issue_bucket,
        starts.app_version,
        starts.app_version_sort_key,
        starts.os_family,
        starts.os_name,
        starts.os_version,
        starts.event_date
    from starts
    left join paired_outcomes
        on starts.event_id = paired_outcomes.start_event_id
    left join outcomes
        on paired_outcomes.outcome_event_id = outcomes.event_id

),

unpaired_outcomes as (

    -- orphans: outcomes of actions with starts that closed no start
    select
        outcomes.*,
        true as is_orphan
    from outcomes
    left join paired_outcomes
        on outcomes.event_id = paired_outcomes.outcome_event_id
    where paired_outcomes.outcome_event_id is null

    union all

    -- one-event lifecycles: every outcome is an attempt of its own
    select
        lifecycle_events.*,
        cast(null as bigint) as segment,
        cast(null as bigint) as outcome_rank,
        false as is_orphan
    from lifecycle_events
    where not lifecycle_events.action_has_starts and lifecycle_events.name_role = 'outcome'

),

outcome_attempts as (

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
        is_orphan,
        cast(null as bigint) as duration_seconds,
        failure_class,
        issue_bucket,
        app_version,
        app_version_sort_key,
        os_family,
        os_name,
        os_version,
        event_date
    from unpaired_outcomes

),

final as (

    select * from started_attempts
    union all
    select * from outcome_attempts

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
