{#- Each dimension of kpi_reliability_by_dimension partitions the events in scope: summed
    over its values, events, failure events and primary starts / failures equal the
    summary's. Fails with each dimension and measure that does not add up. -#}

with dimension_sums as (

    select
        dimension,
        sum(events) as events,
        sum(failure_events) as failure_events,
        sum(primary_starts) as primary_starts,
        sum(primary_failures) as primary_failures
    from {{ ref('kpi_reliability_by_dimension') }}
    group by dimension

),

summary as (

    select
        events,
        failure_events,
        primary_starts,
        primary_failures
    from {{ ref('kpi_reliability_summary') }}

)

select
    dimension_sums.dimension,
    dimension_sums.events,
    summary.events as summary_events,
    dimension_sums.failure_events,
    summary.failure_events as summary_failure_events,
    dimension_sums.primary_starts,
    summary.primary_starts as summary_primary_starts,
    dimension_sums.primary_failures,
    summary.primary_failures as summary_primary_failures
from dimension_sums
cross join summary
where
    dimension_sums.events != summary.events
    or dimension_sums.failure_events != summary.failure_events
    or dimension_sums.primary_starts != summary.primary_starts
    or dimension_sums.primary_failures != summary.primary_failures
