{#- The report window (kpi-definitions.md, "Scope"): one row. window_end is the window_end
    var when given, else the latest event; window_start is window_end - window_hours, or
    the earliest event when window_hours is not set (all data). -#}
{%- set window_hours = kpi_window_hours() -%}
{%- set window_end = kpi_window_end() -%}

with events as (

    select event_ts from {{ ref('fct_events') }}

),

data_bounds as (

    select
        min(event_ts) as first_event_ts,
        max(event_ts) as last_event_ts
    from events

),

window_end_resolved as (

    select
        first_event_ts,
        {% if window_end is not none -%}
            cast({{ kpi_text_literal(window_end) }} as timestamp)
        {%- else -%}
            last_event_ts
        {%- endif %} as window_end
    from data_bounds

),

final as (

    select
        cast({{ window_hours if window_hours is not none else 'null' }} as integer) as window_hours,
        {% if window_hours is not none -%}
            cast({{ dbt.dateadd('hour', -window_hours, 'window_end') }} as timestamp)
        {%- else -%}
            first_event_ts
        {%- endif %} as window_start,
        window_end
    from window_end_resolved

)

select * from final
