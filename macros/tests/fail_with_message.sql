{#- A where-clause condition that stops the query with `message` (a SQL text expression)
    for the first row it is evaluated on. Generic tests of seeds use it so that a failing
    row is named in dbt's output (a plain failing test only says how many rows failed);
    being a filter, it is evaluated even when dbt only counts the test's rows. -#}
{% macro fail_with_message(message) -%}
    {{ return(adapter.dispatch('fail_with_message')(message)) }}
{%- endmacro %}

{% macro default__fail_with_message(message) -%}
    error({{ message }}) is null
{%- endmacro %}

{% macro spark__fail_with_message(message) -%}
    raise_error({{ message }}) is null
{%- endmacro %}


{#- True when `pattern` is not a regular expression the engine can compile. -#}
{% macro regex_does_not_compile(pattern) -%}
    {{ return(adapter.dispatch('regex_does_not_compile')(pattern)) }}
{%- endmacro %}

{% macro default__regex_does_not_compile(pattern) -%}
    try(regexp_matches('', {{ pattern }})) is null
{%- endmacro %}
