{#- Overrides dbt's get_where_subquery: the relation a generic test reads, filtered by its
    `where` config, as dbt does. Why: in an incremental `dbt build` a test reads only what
    the build changed, so a daily build tests the new days, not every row again: a staging
    test that opts in (`meta: {check: landed_since_last_build}`, macros/run_state/staging_checks.sql)
    reads the days landed since the last check; a test of an incremental model that names
    its day column (`meta: {rebuilt_days_column: ...}`, macros/run_state/incremental_window.sql)
    reads the days this run rebuilt. -#}
{% macro get_where_subquery(relation) -%}
    {%- set conditions = [] -%}
    {%- if config.get('where') -%}
        {%- do conditions.append('(' ~ config.get('where') ~ ')') -%}
    {%- endif -%}
    {%- if checks_landed_since_last_build() -%}
        {%- set scope = staging_check_condition('event_ts') -%}
        {%- if scope != 'true' -%}
            {%- do conditions.append(scope) -%}
        {%- endif -%}
    {%- endif -%}
    {%- set rebuilt_days = rebuilt_days_condition() -%}
    {%- if rebuilt_days != 'true' -%}
        {%- do conditions.append(rebuilt_days) -%}
    {%- endif -%}
    {%- if conditions -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ conditions | join(' and ') }}) dbt_subquery
        {%- endset -%}
        {{ return(filtered) }}
    {%- endif -%}
    {{ return(relation) }}
{%- endmacro %}
