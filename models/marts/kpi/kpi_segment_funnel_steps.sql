{#- The query is the macro kpi_segment_funnel_steps_query (macros/kpi/queries/): the one definition
    that `telemetry report` also runs, on the published facts, for its own scope. -#}

{{ kpi_segment_funnel_steps_query(ref) }}
