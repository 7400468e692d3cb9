{#- The text of one prop of an allowlisted props JSON (fct_events.props), where the key is
    a column (a seed's `prop_key`), not a constant; booleans and numbers as their JSON text
    (`true`, `16`). Null when the prop is absent. -#}
{% macro prop_text(props_column, key_column) -%}
    {{ return(adapter.dispatch('prop_text', 'telemetry')(props_column, key_column)) }}
{%- endmacro %}

{% macro default__prop_text(props_column, key_column) -%}
    json_extract_string({{ props_column }}, '$."' || {{ key_column }} || '"')
{%- endmacro %}

{#- Whether an event's props pass a seed row's optional prop filter: no filter (null key),
    or the prop's text equals the value. -#}
{% macro passes_prop_filter(props_column, key_column, value_column) -%}
    -- a case, not `or`: the prop is read only for a row with a filter
    case
        when {{ key_column }} is null then true
        else coalesce({{ prop_text(props_column, key_column) }} = {{ value_column }}, false)
    end
{%- endmacro %}
