{#- The run window of the incremental models (int_events_roled, int_failures_classified,
    fct_events, fct_action_attempts). `int_incremental_window` computes it once per run,
    before any of them is built; each model reads it with `incremental_rebuild_from()`.

    Vars:
      incremental_lookback_days  days before the newest day already built that every run
                                 rebuilds (default 1: the previous day, which a new day's
                                 export overlaps at midnight and late events reach)
      incremental_rebuild_from   'YYYY-MM-DD': rebuild from this day at least (a manual
                                 backfill; rows landed after the last build are found
                                 without it) -#}

{% macro incremental_lookback_days() -%}
    {%- set raw = var('incremental_lookback_days', 1) -%}
    {%- set days = raw | int(-1) -%}
    {%- if days < 0 or (days | string) != (raw | string | trim) -%}
        {{ exceptions.raise_compiler_error(
            "var incremental_lookback_days must be a whole number of days >= 0, got: " ~ raw) }}
    {%- endif -%}
    {{ return(days) }}
{%- endmacro %}

{% macro incremental_rebuild_from_var() -%}
    {%- set raw = var('incremental_rebuild_from', none) -%}
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
    rebuild everything (the window asks for it, or the model is empty). The window's day,
    moved back to `own_newest_day_sql` (the newest day this model holds) minus the lookback
    when the model is behind (its last build failed). Outside an incremental run: none. -#}
{% macro incremental_rebuild_from(own_newest_day_sql=none) -%}
    {%- if model.resource_type == 'unit_test' -%}
        {{ return(none) }}  {#- unit tests build from their given rows only -#}
    {%- endif -%}
    {%- set window_relation = ref('int_incremental_window') -%}
    {%- if not execute or not is_incremental() -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set window = run_query(
        'select full_rebuild, strftime(cutoff_date, \'%Y-%m-%d\') from ' ~ window_relation
    ) -%}
    {%- if window.rows | length != 1 or window.rows[0][0] or window.rows[0][1] is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set cutoff = window.rows[0][1] -%}
    {%- if own_newest_day_sql is not none -%}
        {%- set own = run_query(
            'select strftime(cast((' ~ own_newest_day_sql ~ ') as date) - '
            ~ incremental_lookback_days() ~ ', \'%Y-%m-%d\')'
        ) -%}
        {%- set own_cutoff = own.rows[0][0] -%}
        {%- if own_cutoff is none -%}
            {{ return(none) }}
        {%- endif -%}
        {%- if own_cutoff < cutoff -%}
            {%- set cutoff = own_cutoff -%}
        {%- endif -%}
    {%- endif -%}
    {{ return(cutoff) }}
{%- endmacro %}
