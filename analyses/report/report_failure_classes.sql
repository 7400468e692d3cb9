{#- Report section "Headline rates": failure events and affected users per failure class,
    so user-input mistakes stand apart from runtime, environment and upstream failures. -#}

with failures as (

    select
        failure_class,
        user_id
    from {{ ref('kpi_scope_events') }}
    where event_role = 'failure'

),

totals as (

    select count(*) as all_failure_events
    from failures

),

by_class as (

    select
        coalesce(failure_class, 'unclassified') as failure_class,
        count(*) as failure_events,
        count(distinct user_id) as affected_users
    from failures
    group by coalesce(failure_class, 'unclassified')

)

select
    by_class.failure_class,
    by_class.failure_class != 'user_input' as counts_as_runtime,
    by_class.failure_events,
    cast(by_class.failure_events as double) / nullif(totals.all_failure_events, 0)
        as share_of_failures,
    by_class.affected_users
from by_class
cross join totals
order by by_class.failure_events desc, by_class.failure_class asc
