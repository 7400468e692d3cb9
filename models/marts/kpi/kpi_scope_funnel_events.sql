{#- The query is the macro kpi_scope_funnel_events_query (macros/kpi/queries/): the one
    definition that `telemetry report` also runs, on the published facts, for its own scope. -#}
{#- A view, like kpi_scope_events: the step events can be most events (Vibe's funnel starts
    at the launch), and writing them to disk cost more than the two reads of the facts. -#}
{{ config(materialized='view') }}

{{ kpi_scope_funnel_events_query(ref) }}
