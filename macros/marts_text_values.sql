{#- Every non-null text or JSON value of every table in schema `marts`, as rows of
    (model_name, column_name, column_value): what the privacy test scans. Column lists are
    read from the database when the test runs, so new marts are covered automatically.

    With `literals` (a list of strings), only the values of rows whose text columns, joined
    into one string, contain one of them: a superset of the values that contain one (a
    value is inside its row's joined text), found with one pattern match per row instead of
    one per value (10.5 -> 7.5 s over 10 M events). The caller checks each value.

    Views are not read: the KPI views in `marts` compute from the tables, which are read
    (their texts are the facts' texts, counted or picked); a model that computes new text
    from anything else must be a table. In an incremental `dbt build`, a model
    that names its day column (`meta: {rebuilt_days_column: ...}`) is read for the days the
    run rebuilt only (rebuilt_days_condition). -#}
{% macro marts_text_values(literals=none) %}
    {%- set selects = [] -%}
    {%- if execute -%}
        {%- for node in graph.nodes.values()
            if node.resource_type == 'model' and node.config.schema == 'marts'
                and node.config.materialized != 'view' -%}
            {%- set relation = adapter.get_relation(node.database, node.schema, node.alias) -%}
            {%- set text_columns = [] -%}
            {%- if relation is not none -%}
                {%- for column in adapter.get_columns_in_relation(relation) -%}
                    {%- if (column.dtype | lower).startswith('varchar') or column.dtype | lower in ('json', 'text') -%}
                        {%- do text_columns.append(adapter.quote(column.name)) -%}
                    {%- endif -%}
                {%- endfor -%}
            {%- endif -%}
            {%- if text_columns -%}
                {%- set as_text = [] -%}
                {%- for column in text_columns -%}
                    {%- do as_text.append('cast(' ~ column ~ ' as varchar) as ' ~ column) -%}
                {%- endfor -%}
                {%- set conditions = [rebuilt_days_condition(node)] -%}
                {%- if literals is not none -%}
                    {%- do conditions.append(matches_any_literal(
                        'concat_ws(chr(31), ' ~ text_columns | join(', ') ~ ')', literals)) -%}
                {%- endif -%}
                {%- set row_filter = ' where ' ~ conditions | join(' and ') -%}
                {%- do selects.append(
                    "select '" ~ node.name ~ "' as model_name, column_name, column_value"
                    ~ " from (unpivot (select " ~ as_text | join(', ') ~ " from " ~ relation
                    ~ row_filter ~ ") on " ~ text_columns | join(', ')
                    ~ " into name column_name value column_value) as " ~ node.name ~ "_values"
                ) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if selects -%}
        {{ selects | join('\nunion all\n') }}
    {%- else -%}
        select null as model_name, null as column_name, null as column_value where false
    {%- endif -%}
{% endmacro %}
