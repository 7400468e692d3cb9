{#- Rate as double: numerator / denominator, null when the denominator is 0. -#}
{% macro kpi_rate(numerator, denominator) -%}
    cast({{ numerator }} as double) / nullif({{ denominator }}, 0)
{%- endmacro %}

{#- The event measures every KPI grain shares (kpi-definitions.md), in two steps so that no
    grain counts distinct users over every event:
    1. `kpi_user_event_counts()`: aggregates over rows of kpi_scope_events grouped by
       `user_id` plus the grain's columns (one row per user and grain value; the null user
       is one row). `primary_action_column` names a column holding the overall primary
       action on each row (null when there is none).
    2. `kpi_event_measures()`: aggregates over those rows grouped by the grain. -#}
{% macro kpi_user_event_counts(primary_action_column='primary_action') -%}
    count(*) as events,
    count(case when event_role = 'failure' then 1 end) as failure_events,
    count(case when event_role = 'success' then 1 end) as success_events,
    count(
        case when event_role = 'failure' and failure_class is distinct from 'user_input' then 1 end
    ) as runtime_failure_events,
    count(
        case when event_role = 'start' and action = {{ primary_action_column }} then 1 end
    ) as primary_starts,
    count(
        case when event_role = 'failure' and action = {{ primary_action_column }} then 1 end
    ) as primary_failures
{%- endmacro %}

{% macro kpi_event_measures() -%}
    {{ sum_as_bigint('events') }} as events,
    count(distinct user_id) as active_users,
    {{ sum_as_bigint('failure_events') }} as failure_events,
    {{ sum_as_bigint('success_events') }} as success_events,
    {{ sum_as_bigint('runtime_failure_events') }} as runtime_failure_events,
    count(distinct case when failure_events > 0 then user_id end) as affected_users,
    {{ sum_as_bigint('primary_starts') }} as primary_starts,
    {{ sum_as_bigint('primary_failures') }} as primary_failures
{%- endmacro %}

{#- A sum of counts as a bigint, 0 over no rows (as the count it adds up would be). -#}
{% macro sum_as_bigint(column) -%}
    cast(coalesce(sum({{ column }}), 0) as bigint)
{%- endmacro %}

{#- Abandoned attempts (a start with no outcome: the crash proxy, kpi-definitions.md) per
    user and `columns`, over the attempts in scope: a select for a CTE. `primary_action` is
    the CTE holding the scope's primary action (one row, as in the queries that call this). -#}
{% macro kpi_user_abandoned_attempts(columns=[]) -%}
    select
        attempts.user_id,
        {%- for column in columns %}
        attempts.{{ column }},
        {%- endfor %}
        count(*) as abandoned_attempts,
        count(case when attempts.action = primary_action.primary_action then 1 end)
            as primary_abandoned
    from {{ ref('kpi_scope_action_attempts') }} as attempts
    left join primary_action on true
    where attempts.attempt_outcome = 'abandoned'
    group by attempts.user_id{% for column in columns %}, attempts.{{ column }}{% endfor %}
{%- endmacro %}

{#- Per-user measures of the crash proxy, over rows of user event counts left joined with
    kpi_user_abandoned_attempts (`abandoned_attempts` null when the user abandoned none).
    Happy users keep kpi-definitions.md's definition (a success, no failure event). -#}
{% macro kpi_abandoned_measures() -%}
    {{ sum_as_bigint('abandoned_attempts') }} as abandoned_attempts,
    {{ sum_as_bigint('primary_abandoned') }} as primary_abandoned,
    count(distinct case when abandoned_attempts > 0 then user_id end) as abandoning_users,
    count(
        distinct case when failure_events = 0 and coalesce(abandoned_attempts, 0) = 0 then user_id end
    ) as failure_free_users
{%- endmacro %}

{#- Whether the UTC day `day_column` is only partly inside the scope's window (`scope`: an
    alias holding kpi_scope's row): its counts cover part of a day. -#}
{% macro kpi_is_partial_day(day_column, scope='scope') -%}
    (
        {{ scope }}.window_start > cast({{ day_column }} as timestamp)
        or {{ scope }}.window_end < {{ dbt.dateadd(
            'second', -1, dbt.dateadd('day', 1, 'cast(' ~ day_column ~ ' as timestamp)')
        ) }}
    )
{%- endmacro %}

{#- The app's product events, one row per event name whatever roles it holds (seed
    `product_events` has a row per role): 1/0 flags for launch, install marker and primary
    engagement event. A select for a CTE. -#}
{% macro kpi_product_event_flags() -%}
    select
        event_name,
        max(case when product_role = 'launch' then 1 else 0 end) as is_launch,
        max(case when product_role = 'install_marker' then 1 else 0 end) as is_install_marker,
        max(case when product_role = 'engagement' and is_primary then 1 else 0 end)
            as is_primary_engagement
    from {{ ref('dim_product_events') }}
    group by event_name
{%- endmacro %}

{#- Each identity's first install marker in all landed data, whatever the scope: one row per
    user id with `first_marker_date`. A "first" event that repeats (ReverbCode's
    `first_project_added` fires again once every project was archived) is one new install,
    on the day of its first marker. With ids that live one day, every id's first marker is
    on its only day. A select for a CTE. -#}
{% macro kpi_first_install_markers() -%}
    select
        facts.user_id,
        min(facts.event_date) as first_marker_date
    from {{ ref('fct_events') }} as facts
    inner join {{ ref('dim_product_events') }} as markers
        on facts.event_name = markers.event_name
    where markers.product_role = 'install_marker' and facts.user_id is not null
    group by facts.user_id
{%- endmacro %}
