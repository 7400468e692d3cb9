{#- Every non-null text or JSON value of every table in schema `marts`, as rows of
    (model_name, column_name, column_value): what the privacy test scans. Column lists are
    read from the database when the test runs, so new marts are covered automatically. -#}
{% macro marts_text_values() %}
    {%- set selects = [] -%}
    {%- if execute -%}
        {%- for node in graph.nodes.values()
            if node.resource_type == 'model' and node.config.schema == 'marts' -%}
            {%- set relation = adapter.get_relation(node.database, node.schema, node.alias) -%}
            {%- if relation is not none -%}
                {%- for column in adapter.get_columns_in_relation(relation) -%}
                    {%- if (column.dtype | lower).startswith('varchar') or column.dtype | lower in ('json', 'text') -%}
                        {%- do selects.append(
                            "select '" ~ node.name ~ "' as model_name, '" ~ column.name ~ "' as column_name, cast("
                            ~ adapter.quote(column.name) ~ " as varchar) as column_value from " ~ relation
                            ~ " where " ~ adapter.quote(column.name) ~ " is not null"
                        ) -%}
                    {%- endif -%}
                {%- endfor -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if selects -%}
        {{ selects | join('\nunion all\n') }}
    {%- else -%}
        select null as model_name, null as column_name, null as column_value where false
    {%- endif -%}
{% endmacro %}
