{#- Overrides dbt's generate_schema_name. Why: dbt names a custom schema
    `<target schema>_<custom>` (`main_marts`); this project's schemas are exactly raw,
    staging, intermediate, marts and control, the names BI tools and the report are told to
    read, so the custom schema name is used as it is. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
