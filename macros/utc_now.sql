{#- The current time as a UTC timestamp without a zone, whatever the session's time zone:
    the project writes every timestamp in UTC. -#}
{% macro utc_now() -%}
    {{ return(adapter.dispatch('utc_now')()) }}
{%- endmacro %}

{% macro default__utc_now() -%}
    timezone('UTC', current_timestamp)
{%- endmacro %}

{% macro spark__utc_now() -%}
    to_utc_timestamp(current_timestamp(), current_timezone())
{%- endmacro %}
