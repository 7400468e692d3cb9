{#- The scope and KPI steps of a report, in build order: each runs the same query as its
    mart (macros/kpi/queries/), on the published copy's facts, after `telemetry report` made
    its temp table kpi_scope_params from its options. Materialized as the marts are: the
    two scope filters of the facts as views, the rest as (small) tables. -#}

create temp table kpi_scope_window as ({{ kpi_scope_window_query(report_relation) }});

create temp table kpi_scope_app_versions as ({{ kpi_scope_app_versions_query(report_relation) }});

create temp table kpi_scope as ({{ kpi_scope_query(report_relation) }});

create temp view kpi_scope_events as ({{ kpi_scope_events_query(report_relation) }});

create temp view kpi_scope_action_attempts as ({{ kpi_scope_action_attempts_query(report_relation) }});

create temp table kpi_scope_primary_action as ({{ kpi_scope_primary_action_query(report_relation) }});

create temp table kpi_reliability_summary as ({{ kpi_reliability_summary_query(report_relation) }});

create temp table kpi_reliability_by_dimension as (
    {{ kpi_reliability_by_dimension_query(report_relation) }}
);

create temp table kpi_action_lifecycle as ({{ kpi_action_lifecycle_query(report_relation) }});

create temp table kpi_daily as ({{ kpi_daily_query(report_relation) }});

create temp table kpi_release_health as ({{ kpi_release_health_query(report_relation) }});

create temp table kpi_issue_bucket_versions as (
    {{ kpi_issue_bucket_versions_query(report_relation) }}
);

create temp table kpi_issue_buckets as ({{ kpi_issue_buckets_query(report_relation) }});

create temp table kpi_code_paths as ({{ kpi_code_paths_query(report_relation) }});

create temp table kpi_repeat_failures as ({{ kpi_repeat_failures_query(report_relation) }});

create temp table kpi_activity_daily as ({{ kpi_activity_daily_query(report_relation) }});

create temp table kpi_activity_periods as ({{ kpi_activity_periods_query(report_relation) }});

create temp table kpi_engagement_daily as ({{ kpi_engagement_daily_query(report_relation) }});

create temp table kpi_engagement_breakdowns as (
    {{ kpi_engagement_breakdowns_query(report_relation) }}
);

-- a view in the warehouse; here an in-memory temp table, read by the three adoption steps
create temp table kpi_scope_feature_events as ({{ kpi_scope_feature_events_query(report_relation) }});

create temp table kpi_feature_adoption as ({{ kpi_feature_adoption_query(report_relation) }});

create temp table kpi_feature_adoption_versions as (
    {{ kpi_feature_adoption_versions_query(report_relation) }}
);

-- a view in the warehouse (writing it to disk cost more than reading the facts twice); here
-- an in-memory temp table, read by the two funnel steps below
create temp table kpi_scope_funnel_events as ({{ kpi_scope_funnel_events_query(report_relation) }});

create temp table kpi_scope_funnel_progress as (
    {{ kpi_scope_funnel_progress_query(report_relation) }}
);

create temp table kpi_funnel_steps as ({{ kpi_funnel_steps_query(report_relation) }});

create temp table kpi_segments as ({{ kpi_segments_query(report_relation) }});

create temp table kpi_segment_adoption as ({{ kpi_segment_adoption_query(report_relation) }});

create temp table kpi_segment_funnel_steps as ({{ kpi_segment_funnel_steps_query(report_relation) }});
