{#- The query is the macro kpi_reliability_by_dimension_query (macros/kpi/queries/): the one definition
    that `telemetry report` also runs, on the published facts, for its own scope. -#}

{{ kpi_reliability_by_dimension_query(ref) }}
