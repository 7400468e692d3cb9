{#- The query is the macro kpi_segment_adoption_query (macros/kpi/queries/): the one definition
    that `telemetry report` also runs, on the published facts, for its own scope. -#}

{{ kpi_segment_adoption_query(ref) }}
