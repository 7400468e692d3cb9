{#- Events in scope (kpi-definitions.md): unique events inside the window
    [window_start, window_end] and, when a version filter is set, of a version it keeps.
    Every row carries the scope it was selected by. -#}

{#- In the report a temp view, not a table: a filter of the facts, cheaper to read again
    than to copy every event of the scope. -#}
{{ config(meta={'report_materialized': 'view'}) }}

with events as (

    select * from {{ ref('fct_events') }}

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

    select
        -- ids
        events.event_id,
        events.user_id,
        events.session_id,

        -- event
        events.event_name,
        events.event_ts,
        events.event_date,
        events.action,
        events.event_role,

        -- failure
        events.failure_class,
        events.issue_bucket,
        events.error_message_redacted,
        events.message_truncated,

        -- app and platform
        events.app_version,
        events.app_version_sort_key,
        events.os_family,
        events.os_name,
        events.os_version,

        -- allowlisted props (product KPIs: prop filters, breakdowns, segments)
        events.props,

        -- scope
        scope.window_start,
        scope.window_end,
        scope.version_filter
    from events
    inner join scope
        on {{ in_kpi_scope('events.event_ts', 'events.app_version') }}

)

select * from final
