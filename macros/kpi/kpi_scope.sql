{#- Whether a row is in the KPI scope (kpi-definitions.md, "Scope"): its time inside
    [window_start, window_end] of `scope` (an alias holding int_kpi_scope's row) and, when a
    version filter is set, its app version one that the filter keeps. The one definition
    that int_events_in_scope (on the event) and int_action_attempts_in_scope (on the event
    that anchors the attempt) select by. -#}
{% macro in_kpi_scope(ts_column, version_column, scope='scope') -%}
    {{ ts_column }} >= {{ scope }}.window_start
    and {{ ts_column }} <= {{ scope }}.window_end
    and (
        not {{ scope }}.has_version_filter
        or {{ version_column }} in (
            select versions.app_version
            from {{ ref('int_app_versions_in_scope') }} as versions
            where versions.is_in_scope
        )
    )
{%- endmacro %}
