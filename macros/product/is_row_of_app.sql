{#- Whether a seed row keyed by app (`seed_app`: its app column) is one of the warehouse's
    app (`app`: dim_app.app): rows of that app, and `*` rows that apply to every app. -#}
{% macro is_row_of_app(seed_app, app) -%}
    ({{ seed_app }} = {{ app }} or {{ seed_app }} = '*')
{%- endmacro %}
