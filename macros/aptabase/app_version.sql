{#- Semantic-version parts of an app version like `3.0.10`, `v3.1.0-beta.2` or `3.1`.
    `app_version_sort_key` orders versions semantically as text: `3.0.10` > `3.0.9`, and a
    pre-release sorts before its release (`3.1.0-beta.1` < `3.1.0`). -#}
{% macro app_version_part(column, index) -%}
    try_cast(nullif(regexp_extract({{ column }}, '^[vV]?(\d+)(?:\.(\d+))?(?:\.(\d+))?', {{ index }}), '') as integer)
{%- endmacro %}

{% macro app_version_prerelease(column) -%}
    nullif(regexp_extract({{ column }}, '^[vV]?\d+(?:\.\d+){0,2}[-+.]?(.*)$', 1), '')
{%- endmacro %}

{% macro app_version_sort_key(column) -%}
    case when {{ column }} is not null then
        lpad(coalesce(cast({{ app_version_part(column, 1) }} as varchar), ''), 6, '0')
        || '.' || lpad(coalesce(cast({{ app_version_part(column, 2) }} as varchar), ''), 6, '0')
        || '.' || lpad(coalesce(cast({{ app_version_part(column, 3) }} as varchar), ''), 6, '0')
        || '.' || coalesce({{ app_version_prerelease(column) }}, '~')
    end
{%- endmacro %}
