{#- Rate as double: numerator / denominator, null when the denominator is 0. -#}
{% macro kpi_rate(numerator, denominator) -%}
    cast({{ numerator }} as double) / nullif({{ denominator }}, 0)
{%- endmacro %}

{#- The event measures every KPI grain shares (kpi-definitions.md), as aggregate expressions
    over rows of int_events_in_scope. `primary_action_column` names a column holding the
    overall primary action on each row (null when there is none). -#}
{% macro kpi_event_measures(primary_action_column='primary_action') -%}
    count(*) as events,
    count(distinct user_id) as active_users,
    count(case when event_role = 'failure' then 1 end) as failure_events,
    count(case when event_role = 'success' then 1 end) as success_events,
    count(
        case when event_role = 'failure' and failure_class is distinct from 'user_input' then 1 end
    ) as runtime_failure_events,
    count(distinct case when event_role = 'failure' then user_id end) as affected_users,
    count(
        case when event_role = 'start' and action = {{ primary_action_column }} then 1 end
    ) as primary_starts,
    count(
        case when event_role = 'failure' and action = {{ primary_action_column }} then 1 end
    ) as primary_failures
{%- endmacro %}
