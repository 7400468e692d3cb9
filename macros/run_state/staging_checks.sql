{#- Staging's data tests in an incremental `dbt build` check what can have changed since the
    last build whose staging tests passed: the UTC days that raw rows landed in since then.
    Staging is 1:1 with `raw.events` (one row per event, kept by landing, which rewrites a
    row when a fuller copy lands), so a day's staged rows change only when a row of that
    day is landed: a day no row landed in since the last check is what was checked.

    What the last check covered is ctl_staging_checked_through, written only by a
    `dbt build` that ran every data test of stg_aptabase__events (dbt builds it after they
    pass, skips it when one fails). Everything is checked on `dbt test`, on --full-refresh,
    on the first build and when that model is missing or empty. A change of staging SQL or
    macros needs --full-refresh (README), as for the incremental models.

    A test opts in with `config: {meta: {check: landed_since_last_build}}`; the test's
    model is then filtered on `event_ts` (macros/run_state/get_where_subquery.sql). -#}

{% macro staging_check_from() -%}
    {#- none: check every day; 'nothing': no row landed since the last check; else the first
        UTC day ('YYYY-MM-DD') to check -#}
    {%- set raw_events = source('aptabase', 'events') -%}  {#- seen at parse time: a dependency -#}
    {%- if not execute or flags.WHICH != 'build' or flags.FULL_REFRESH -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set checked = built_relation('ctl_staging_checked_through') -%}
    {%- if checked is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set result = run_query(
        "select (select max(checked_through) from " ~ checked ~ ") is null,"
        ~ " strftime(min(cast(_event_ts as date)), '%Y-%m-%d')"
        ~ " from " ~ raw_events
        ~ " where _landed_at > (select max(checked_through) from " ~ checked ~ ")"
    ) -%}
    {%- if result.rows[0][0] -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(result.rows[0][1] or 'nothing') }}
{%- endmacro %}

{#- The condition a staging check keeps rows by, on the timestamp expression given. -#}
{% macro staging_check_condition(event_ts) -%}
    {%- set from_day = staging_check_from() -%}
    {%- if from_day is none -%}
        true
    {%- elif from_day == 'nothing' -%}
        false
    {%- else -%}
        {{ event_ts }} >= cast('{{ from_day }}' as timestamp)
    {%- endif -%}
{%- endmacro %}

{#- Whether the running test opted in to checking only what landed since the last check. -#}
{% macro checks_landed_since_last_build() -%}
    {{ return((config.get('meta') or {}).get('check') == 'landed_since_last_build') }}
{%- endmacro %}

{#- True when this invocation is a `dbt build` that selected every data test of
    stg_aptabase__events: then, by the time a model that depends on staging is built, they
    have all passed. -#}
{% macro staging_checks_all_ran() -%}
    {%- if not execute or flags.WHICH != 'build' -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set staging_id = 'model.' ~ project_name ~ '.stg_aptabase__events' -%}
    {%- set tests = [] -%}
    {%- for node in graph.nodes.values() -%}
        {%- if node.resource_type == 'test' and staging_id in node.depends_on.nodes -%}
            {%- do tests.append(node.unique_id) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- for test_id in tests -%}
        {%- if test_id not in selected_resources -%}
            {{ return(false) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(tests | length > 0) }}
{%- endmacro %}
