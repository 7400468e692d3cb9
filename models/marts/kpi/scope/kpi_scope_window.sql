{#- The report window (kpi-definitions.md, "Scope"): one row. window_end is the scope's
    window_end when given, else the latest event; window_start is window_end - window_hours,
    or the earliest event when window_hours is not set (all data). -#}

with events as (

    select event_ts from {{ ref('fct_events') }}

),

params as (

    select
        window_hours,
        window_end
    from {{ ref('kpi_scope_params') }}

),

data_bounds as (

    select
        min(event_ts) as first_event_ts,
        max(event_ts) as last_event_ts
    from events

),

window_end_resolved as (

    select
        params.window_hours,
        data_bounds.first_event_ts,
        coalesce(params.window_end, data_bounds.last_event_ts) as window_end
    from params
    cross join data_bounds

),

final as (

    select
        window_hours,
        case
            when window_hours is null then first_event_ts
            else cast({{ dbt.dateadd('hour', '-window_hours', 'window_end') }} as timestamp)
        end as window_start,
        window_end
    from window_end_resolved

)

select * from final
