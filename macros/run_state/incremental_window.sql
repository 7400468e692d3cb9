{#- The run window of the incremental models (int_events_roled, int_failures_classified,
    fct_events, fct_action_attempts). `ctl_incremental_window` computes it once per run,
    before any of them is built; each model reads it with `incremental_rebuild_from()`.

    Vars:
      incremental_lookback_days  days before the earliest day landed since the previous
                                 build that a run rebuilds too (default 1: attempts that
                                 started the day before pair with the new day's outcomes)
      incremental_rebuild_from   'YYYY-MM-DD': rebuild from this day at least (a manual
                                 backfill; rows landed after the last build are found
                                 without it) -#}

{% macro incremental_lookback_days() -%}
    {%- set raw = var('incremental_lookback_days') -%}
    {%- set days = raw | int(-1) -%}
    {%- if days < 0 or (days | string) != (raw | string | trim) -%}
        {{ exceptions.raise_compiler_error(
            "var incremental_lookback_days must be a whole number of days >= 0, got: " ~ raw) }}
    {%- endif -%}
    {{ return(days) }}
{%- endmacro %}

{% macro incremental_rebuild_from_var() -%}
    {%- set raw = var('incremental_rebuild_from') -%}
    {%- if raw is none or (raw | string | trim) in ('', 'null', 'none') -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set text = raw | string | trim -%}
    {%- if not modules.re.match('^\d{4}-\d{2}-\d{2}$', text) -%}
        {{ exceptions.raise_compiler_error(
            "var incremental_rebuild_from must be a day like '2026-02-01', got: " ~ raw) }}
    {%- endif -%}
    {{ return(text) }}
{%- endmacro %}

{#- On an incremental run: the first UTC day ('YYYY-MM-DD') this model rebuilds, or none to
    rebuild everything (the window asks for it, or the model is empty). The window's day;
    when this model is behind (`own_newest_day_sql`, the newest day it holds, is before the
    newest day the previous build reached: its last build failed), its newest day minus the
    lookback if that is earlier. Outside an incremental run: none. -#}
{% macro incremental_rebuild_from(own_newest_day_sql=none) -%}
    {%- if model.resource_type == 'unit_test' -%}
        {{ return(none) }}  {#- unit tests build from their given rows only -#}
    {%- endif -%}
    {%- set window_relation = ref('ctl_incremental_window') -%}
    {%- if not execute or not is_incremental() -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set window = incremental_window_days(window_relation) -%}
    {%- if window is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set cutoff, previous_newest = window -%}
    {%- if own_newest_day_sql is not none -%}
        {%- set own = run_query(
            "select strftime(newest_day, '%Y-%m-%d'),"
            ~ " strftime(newest_day - " ~ incremental_lookback_days() ~ ", '%Y-%m-%d')"
            ~ " from (select cast((" ~ own_newest_day_sql ~ ") as date) as newest_day)"
        ) -%}
        {%- if own.rows[0][0] is none -%}
            {{ return(none) }}
        {%- endif -%}
        {%- if own.rows[0][0] < previous_newest and own.rows[0][1] < cutoff -%}
            {%- set cutoff = own.rows[0][1] -%}
        {%- endif -%}
    {%- endif -%}
    {{ return(cutoff) }}
{%- endmacro %}

{#- The relation a model of this project was built as, found through the graph: none when it
    was never built; a compiler error when no model has that name (run state must never
    silently lose track of a renamed model and rebuild everything on every run). -#}
{% macro built_relation(model_name) -%}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set node = graph.nodes.get('model.' ~ project_name ~ '.' ~ model_name) -%}
    {%- if node is none -%}
        {{ exceptions.raise_compiler_error(
            "run state: no model named '" ~ model_name ~ "' in this project; it was renamed or"
            ~ " removed: update the run-state models in models/_control") }}
    {%- endif -%}
    {{ return(adapter.get_relation(
        database=node.database, schema=node.schema, identifier=node.alias)) }}
{%- endmacro %}

{#- The condition a data test of an incremental model keeps rows by in an incremental
    `dbt build`: the model's rows of the days this run rebuilt (`<column> >= cutoff`), when
    the tested model (`tested`, a graph node; by default the model the running generic test
    is attached to) names its day column in `meta: {rebuilt_days_column: ...}` and this run
    computed the run window. Everything ('true') on `dbt test`, --full-refresh, a full
    rebuild, or a build that did not select the window. -#}
{% macro rebuilt_days_condition(tested=none) -%}
    {%- if not execute or flags.WHICH != 'build' or flags.FULL_REFRESH -%}
        {{ return('true') }}
    {%- endif -%}
    {%- if tested is none and model.attached_node -%}
        {%- set tested = graph.nodes.get(model.attached_node) -%}
    {%- endif -%}
    {%- set column = (tested.config.meta or {}).get('rebuilt_days_column') if tested else none -%}
    {%- set window_id = 'model.' ~ project_name ~ '.ctl_incremental_window' -%}
    {%- if not column or window_id not in selected_resources -%}
        {{ return('true') }}
    {%- endif -%}
    {%- set window = incremental_window_days(built_relation('ctl_incremental_window')) -%}
    {%- if window is none -%}
        {{ return('true') }}
    {%- endif -%}
    {{ return(column ~ " >= cast('" ~ window[0] ~ "' as date)") }}
{%- endmacro %}

{#- The run window this run computed, as [first day rebuilt, newest day the previous build
    reached] ('YYYY-MM-DD'), or none when everything is rebuilt. -#}
{% macro incremental_window_days(window_relation) -%}
    {%- set window = run_query(
        "select full_rebuild, strftime(cutoff_date, '%Y-%m-%d'),"
        ~ " strftime(previous_newest_day, '%Y-%m-%d') from " ~ window_relation
    ) -%}
    {%- if window.rows | length != 1 or window.rows[0][0] or window.rows[0][1] is none -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return([window.rows[0][1], window.rows[0][2]]) }}
{%- endmacro %}

{#- The pre-hook of a model rebuilt by day (delete+insert on `day_column`): on an
    incremental run, delete every day it rebuilds, from the window's first day on (all
    days when it rebuilds everything). delete+insert alone only replaces the days its new
    rows fall on, so a day left without events (its file taken back by `telemetry unland`)
    would keep its old rows. Same window as the model's own (incremental_rebuild_from). -#}
{% macro delete_rebuilt_days(day_column) -%}
    {%- if execute and is_incremental() -%}
        {%- set rebuild_from = incremental_rebuild_from('select max(' ~ day_column ~ ') from ' ~ this) -%}
        delete from {{ this }}
        {%- if rebuild_from is not none %} where {{ day_column }} >= cast('{{ rebuild_from }}' as date){% endif %}
    {%- endif -%}
{%- endmacro %}
