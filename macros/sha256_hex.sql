{#- The full lower-case hex SHA-256 of a text (null stays null): how ReverbCode's own
    PostHog sink sends `project_id_hash` and `session_id_hash`, so ids hashed here join
    that source. -#}
{% macro sha256_hex(expression) -%}
    {{ return(adapter.dispatch('sha256_hex', 'telemetry')(expression)) }}
{%- endmacro %}

{% macro default__sha256_hex(expression) -%}
    sha256({{ expression }})
{%- endmacro %}

{% macro spark__sha256_hex(expression) -%}
    sha2({{ expression }}, 256)
{%- endmacro %}
