{#- How the report's compiled SQL (analyses/report/) names a relation, where the KPI
    queries use `ref`: the scope and KPI steps (kpi_*) are temp tables and views the report
    creates for its own scope, in its connection to the published copy; everything else
    (the core facts) is read from the published copy's `marts`. -#}
{% macro report_relation(name) -%}
    {%- if name.startswith('kpi_') -%}
        {{ name }}
    {%- else -%}
        marts.{{ name }}
    {%- endif -%}
{%- endmacro %}
