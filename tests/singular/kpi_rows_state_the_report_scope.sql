{#- Every KPI row states the scope of the run: the window and version filter of
    kpi_scope. Fails with each KPI row that states another. -#}
{%- set kpi_models = [
    'kpi_reliability_summary', 'kpi_reliability_by_dimension', 'kpi_issue_buckets',
    'kpi_action_lifecycle', 'kpi_daily', 'kpi_release_health', 'kpi_repeat_failures'
] -%}

with scope as (

    select
        window_start,
        window_end,
        version_filter
    from {{ ref('kpi_scope') }}

),

kpi_rows as (

    {% for kpi_model in kpi_models -%}
        select
            '{{ kpi_model }}' as kpi_model,
            window_start,
            window_end,
            version_filter
        from {{ ref(kpi_model) }}
        {{ 'union all' if not loop.last }}
    {% endfor %}

)

select
    kpi_rows.kpi_model,
    kpi_rows.window_start,
    kpi_rows.window_end,
    kpi_rows.version_filter
from kpi_rows
cross join scope
where
    kpi_rows.window_start is distinct from scope.window_start
    or kpi_rows.window_end is distinct from scope.window_end
    or kpi_rows.version_filter is distinct from scope.version_filter
