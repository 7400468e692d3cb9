{#- on-run-start: a clear message instead of a catalog error when nothing was landed yet. -#}
{% macro require_landed_data() %}
    {%- if execute and flags.WHICH in ('run', 'build', 'test') -%}
        {%- set landed = adapter.get_relation(database=target.database, schema='raw', identifier='events') -%}
        {%- if landed is none -%}
            {{ exceptions.raise_compiler_error(
                "No landed data in " ~ target.path ~ ": table raw.events does not exist. "
                ~ "Land exports first: `uv run telemetry land PATH...` (or `uv run telemetry export ... --land`)."
            ) }}
        {%- endif -%}
    {%- endif -%}
{% endmacro %}
