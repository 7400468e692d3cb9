{#- The query is the macro kpi_scope_feature_events_query (macros/kpi/queries/): the one
    definition that `telemetry report` also runs, on the published facts, for its own scope. -#}
{#- A view, like kpi_scope_events: a filter of the facts the adoption marts read. -#}
{{ config(materialized='view') }}

{{ kpi_scope_feature_events_query(ref) }}
