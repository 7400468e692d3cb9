{#- Action attempts in scope: an attempt belongs to the report when the event that anchors
    it is in scope (kpi_scope_events) - its start event, or its outcome event for an
    orphan outcome that has no start. So attempts follow exactly the events' window and
    version filter; an attempt started in the window keeps its outcome even when the outcome
    falls after window_end, and an outcome whose start is before window_start is not an
    attempt of this report (its failure event still counts in the event KPIs).
    The anchoring event's time and version are on the attempt (`started_at`, else
    `outcome_at`; `app_version`), so the scope (macro in_kpi_scope, as for
    kpi_scope_events) is applied to them directly: no join of every attempt with every
    event. -#}

{#- In the report a temp view, not a table: a filter of the facts, cheaper to read again
    than to copy every event of the scope. -#}
{{ config(meta={'report_materialized': 'view'}) }}

with attempts as (

    select
        *,
        coalesce(started_at, outcome_at) as anchored_at
    from {{ ref('fct_action_attempts') }}

),

scope as (

    select
        window_start,
        window_end,
        version_filter,
        has_version_filter
    from {{ ref('kpi_scope') }}

),

final as (

    -- in scope: the anchoring event's time and version
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
        scope.window_start,
        scope.window_end,
        scope.version_filter
    from attempts
    inner join scope
        on {{ in_kpi_scope('attempts.anchored_at', 'attempts.app_version') }}

)

select * from final
