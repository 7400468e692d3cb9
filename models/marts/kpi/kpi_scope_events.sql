{#- The query is the macro kpi_scope_events_query (macros/kpi/queries/): the one definition
    that `telemetry report` also runs, on the published facts, for its own scope. -#}
{#- its rows are a filter of the facts, rebuilt day by day: in an incremental build its data
    tests read the rebuilt days (meta rebuilt_days_column) -#}
{{ config(materialized='view', meta={'rebuilt_days_column': 'event_date'}) }}

{{ kpi_scope_events_query(ref) }}
