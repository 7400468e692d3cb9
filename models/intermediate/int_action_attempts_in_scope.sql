{#- Action attempts in scope: an attempt belongs to the report when the event that anchors
    it is in scope (int_events_in_scope) - its start event, or its outcome event for an
    orphan outcome that has no start. So attempts follow exactly the events' window and
    version filter; an attempt started in the window keeps its outcome even when the outcome
    falls after window_end, and an outcome whose start is before window_start is not an
    attempt of this report (its failure event still counts in the event KPIs). -#}

with attempts as (

    select * from {{ ref('fct_action_attempts') }}

),

events_in_scope as (

    select
        event_id,
        window_start,
        window_end,
        version_filter
    from {{ ref('int_events_in_scope') }}

),

final as (

    select
        -- ids
        attempts.attempt_id,
        attempts.action,
        attempts.user_id,
        attempts.session_id,
        attempts.start_event_id,
        attempts.outcome_event_id,

        -- outcome
        attempts.attempt_outcome,
        attempts.is_orphan,
        attempts.duration_seconds,
        attempts.failure_class,
        attempts.issue_bucket,

        -- app and platform
        attempts.app_version,
        attempts.app_version_sort_key,
        attempts.os_family,
        attempts.os_name,
        attempts.os_version,

        -- timestamps
        attempts.started_at,
        attempts.outcome_at,
        attempts.event_date,

        -- scope
        events_in_scope.window_start,
        events_in_scope.window_end,
        events_in_scope.version_filter
    from attempts
    inner join events_in_scope
        on coalesce(attempts.start_event_id, attempts.outcome_event_id) = events_in_scope.event_id

)

select * from final
