{#- Fails with every row where the interval [low, high] does not hold the column's value:
    when the value is not null both bounds must be too, with low <= value <= high. -#}
{% test interval_contains(model, column_name, low, high) %}

select *
from {{ model }}
where {{ column_name }} is not null
    and not coalesce({{ low }} <= {{ column_name }} and {{ column_name }} <= {{ high }}, false)

{% endtest %}
