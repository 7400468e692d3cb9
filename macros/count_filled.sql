{#- How many of the given columns are not null, as one integer expression. -#}
{% macro count_filled(columns) -%}
    {%- for column in columns -%}
        (case when {{ column }} is not null then 1 else 0 end){{ ' + ' if not loop.last }}
    {%- endfor -%}
{%- endmacro %}
