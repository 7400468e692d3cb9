{#- One row per UTC day, 2015-01-01 to 2035-12-31: the time spine MetricFlow joins metrics
    to (dbt's date_spine macro, portable across engines). Days outside the data have no
    events; the range covers every timestamp landing accepts. -#}

with days as (

    {{ dbt.date_spine(
        'day',
        "cast('2015-01-01' as date)",
        "cast('2036-01-01' as date)"
    ) }}

)

select cast(date_day as date) as date_day
from days
