{#- The scope and the one-row KPI mart hold exactly one row, even for an empty scope. -#}

with row_counts as (

    select
        'kpi_scope' as model_name,
        count(*) as row_count
    from {{ ref('kpi_scope') }}
    union all
    select
        'kpi_reliability_summary' as model_name,
        count(*) as row_count
    from {{ ref('kpi_reliability_summary') }}

)

select
    model_name,
    row_count
from row_counts
where row_count != 1
