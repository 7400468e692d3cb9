{#- Whether a row is in the KPI scope (kpi-definitions.md, "Scope"): its time inside
    [window_start, window_end] of `scope` (an alias holding kpi_scope's row) and, when a
    version filter is set, its app version one that the filter keeps. The one definition
    that kpi_scope_events (on the event) and kpi_scope_action_attempts (on the event
    that anchors the attempt) select by. -#}
{% macro in_kpi_scope(ts_column, version_column, scope='scope') -%}
    {{ ts_column }} >= {{ scope }}.window_start
    and {{ ts_column }} <= {{ scope }}.window_end
    and (
        not {{ scope }}.has_version_filter
        or {{ version_column }} in (
            select versions.app_version
            from {{ ref('kpi_scope_app_versions') }} as versions
            where versions.is_in_scope
        )
    )
{%- endmacro %}

{#- Whether the version in `version_column` is one of `list_column`: a text of versions
    joined by ', ', as kpi_scope_params.app_versions holds them (versions never hold a comma
    or a space: `telemetry report` refuses them, and the app_versions var splits on commas).
    Null when the list is null (no list given). -#}
{% macro kpi_version_is_listed(version_column, list_column) -%}
    {{ dbt.position(
        "', ' || " ~ version_column ~ " || ', '",
        "', ' || " ~ list_column ~ " || ', '"
    ) }} > 0
{%- endmacro %}
