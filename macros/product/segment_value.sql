{#- The value an event (or a funnel's entry event) holds on a segment dimension
    (`dimension`: an alias of a dim_segment_dimensions row): one of the event's columns the
    seed may name, or the text of its prop; `(not set)` when it has none. -#}
{% macro segment_value(dimension, app_version, os_family, os_name, props) -%}
    coalesce(
        case
            when {{ dimension }}.column_name = 'app_version' then {{ app_version }}
            when {{ dimension }}.column_name = 'os_family' then {{ os_family }}
            when {{ dimension }}.column_name = 'os_name' then {{ os_name }}
            else {{ prop_text(props, dimension ~ '.prop_key') }}
        end,
        '(not set)'
    )
{%- endmacro %}

{#- A count of a group, published only when the group holds at least `k` users: null
    (suppressed) otherwise, never a small exact number (k-anonymity). -#}
{% macro k_anonymous(value, users, k) -%}
    case when {{ users }} >= {{ k }} then {{ value }} end
{%- endmacro %}
