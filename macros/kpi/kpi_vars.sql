{#- The KPI scope vars, read and validated in one place (see kpi-definitions.md, "Scope");
    their defaults are declared once, in dbt_project.yml. Each returns a plain Jinja value,
    or none when the var is null (no restriction). -#}

{#- window_hours: a positive whole number of hours, or none (all data). -#}
{% macro kpi_window_hours() -%}
    {%- set raw = var('window_hours') -%}
    {%- if raw is none or (raw is string and raw | trim in ('', 'null', 'none')) -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set hours = raw | int(-1) -%}
    {%- if hours <= 0 or (hours | string) != (raw | string | trim) -%}
        {{ exceptions.raise_compiler_error(
            "var window_hours must be a positive whole number of hours, got: " ~ raw) }}
    {%- endif -%}
    {{ return(hours) }}
{%- endmacro %}

{#- window_end: a UTC timestamp text like '2026-02-20 18:00:00', or none (latest event). -#}
{% macro kpi_window_end() -%}
    {%- set raw = var('window_end') -%}
    {%- if raw is none or (raw | string | trim) in ('', 'null', 'none') -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set text = raw | string | trim -%}
    {%- if not modules.re.match('^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$', text) -%}
        {{ exceptions.raise_compiler_error(
            "var window_end must be a UTC timestamp like '2026-02-20 18:00:00', got: " ~ raw) }}
    {%- endif -%}
    {{ return(text) }}
{%- endmacro %}

{#- app_versions: a list of version texts (or one comma-separated text), or none.
    Quote versions in YAML ('3.10' unquoted is the number 3.1). An empty list is none. -#}
{% macro kpi_app_versions() -%}
    {%- set raw = var('app_versions') -%}
    {%- if raw is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set items = raw.split(',') if raw is string else raw -%}
    {%- set versions = [] -%}
    {%- for item in items -%}
        {%- set version = item | string | trim -%}
        {%- if version and version not in versions -%}
            {%- do versions.append(version) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(versions if versions else none) }}
{%- endmacro %}

{#- top_app_versions: a positive whole number, or none. -#}
{% macro kpi_top_app_versions() -%}
    {%- set raw = var('top_app_versions') -%}
    {%- if raw is none or (raw is string and raw | trim in ('', 'null', 'none')) -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set top = raw | int(-1) -%}
    {%- if top <= 0 or (top | string) != (raw | string | trim) -%}
        {{ exceptions.raise_compiler_error(
            "var top_app_versions must be a positive whole number, got: " ~ raw) }}
    {%- endif -%}
    {{ return(top) }}
{%- endmacro %}

{#- min_sample: starts below this flag a group as small_sample. -#}
{% macro kpi_min_sample() -%}
    {%- set raw = var('min_sample') -%}
    {%- set min_sample = raw | int(-1) if raw is not none else -1 -%}
    {%- if min_sample < 0 -%}
        {{ exceptions.raise_compiler_error(
            "var min_sample must be a whole number >= 0, got: " ~ raw) }}
    {%- endif -%}
    {{ return(min_sample) }}
{%- endmacro %}

{#- min_group_users: the k of k-anonymity, a whole number >= 1: a group of fewer
    distinct users is never published as a number (kpi-definitions.md, "Segments"). -#}
{% macro kpi_min_group_users() -%}
    {%- set raw = var('min_group_users') -%}
    {%- set k = raw | int(-1) if raw is not none else -1 -%}
    {%- if k < 1 -%}
        {{ exceptions.raise_compiler_error(
            "var min_group_users must be a whole number >= 1, got: " ~ raw) }}
    {%- endif -%}
    {{ return(k) }}
{%- endmacro %}

{#- A SQL text literal, single quotes doubled. -#}
{% macro kpi_text_literal(value) -%}
    '{{ value | string | replace("'", "''") }}'
{%- endmacro %}

{#- max_funnel_steps: the most steps a funnel of seed `funnel_steps` may have:
    the funnel query follows a user-day step by step, one join per step, so the number of
    steps is fixed when the SQL is compiled. -#}
{% macro kpi_max_funnel_steps() -%}
    {%- set raw = var('max_funnel_steps') -%}
    {%- set steps = raw | int(-1) if raw is not none else -1 -%}
    {%- if steps < 1 -%}
        {{ exceptions.raise_compiler_error(
            "var max_funnel_steps must be a whole number >= 1, got: " ~ raw) }}
    {%- endif -%}
    {{ return(steps) }}
{%- endmacro %}
