{#- Every KPI row states the scope of the run: the app and identity horizon, the window and
    the version filter of kpi_scope. Fails with each KPI row that states another. -#}
{%- set kpi_models = [
    'kpi_reliability_summary', 'kpi_reliability_by_dimension', 'kpi_issue_buckets',
    'kpi_issue_bucket_versions', 'kpi_code_paths', 'kpi_action_lifecycle', 'kpi_daily',
    'kpi_release_health', 'kpi_repeat_failures', 'kpi_activity_daily', 'kpi_activity_periods',
    'kpi_engagement_daily', 'kpi_engagement_breakdowns', 'kpi_feature_adoption',
    'kpi_feature_adoption_versions', 'kpi_funnel_steps', 'kpi_segments', 'kpi_segment_adoption',
    'kpi_segment_funnel_steps'
] -%}

with scope as (

    select
        app,
        identity_horizon,
        window_start,
        window_end,
        version_filter
    from {{ ref('kpi_scope') }}

),

kpi_rows as (

    {% for kpi_model in kpi_models -%}
        select
            '{{ kpi_model }}' as kpi_model,
            app,
            identity_horizon,
            window_start,
            window_end,
            version_filter
        from {{ ref(kpi_model) }}
        {{ 'union all' if not loop.last }}
    {% endfor %}

)

select
    kpi_rows.kpi_model,
    kpi_rows.app,
    kpi_rows.identity_horizon,
    kpi_rows.window_start,
    kpi_rows.window_end,
    kpi_rows.version_filter
from kpi_rows
cross join scope
where
    kpi_rows.app is distinct from scope.app
    or kpi_rows.identity_horizon is distinct from scope.identity_horizon
    or kpi_rows.window_start is distinct from scope.window_start
    or kpi_rows.window_end is distinct from scope.window_end
    or kpi_rows.version_filter is distinct from scope.version_filter
