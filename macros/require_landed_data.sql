{#- on-run-start: a clear message instead of a catalog error when nothing was landed yet, or
    when the warehouse was landed by a version without one of the sources' raw tables
    (`telemetry land` and `telemetry build` create every source's tables). -#}
{% macro require_landed_data() %}
    {%- if execute and flags.WHICH in ('run', 'build', 'test') -%}
        {%- for table in ['landed_files', 'events', 'reverbcode_events', 'posthog_events', 'otel_log_records'] -%}
            {%- set landed = adapter.get_relation(database=target.database, schema='raw', identifier=table) -%}
            {%- if landed is none and loop.first -%}
                {{ exceptions.raise_compiler_error(
                    "No landed data in " ~ target.path ~ ": table raw.landed_files does not exist. "
                    ~ "Land files first: `uv run telemetry land PATH...` (or `uv run telemetry export ... --land`)."
                ) }}
            {%- elif landed is none -%}
                {{ exceptions.raise_compiler_error(
                    "Table raw." ~ table ~ " does not exist in " ~ target.path ~ ": the warehouse was landed by"
                    ~ " an earlier version; `uv run telemetry build` (or any `telemetry land`) adds it."
                ) }}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
{% endmacro %}
