{#- Reconciliation: the sum of column_name over the model's rows (those matching
    `model_filter` when given) equals the sum of `field` over the rows of `to` (those
    matching `to_filter`). Fails with one row holding both totals when they differ; an
    empty set totals 0. -#}
{% test reconciles_with(model, column_name, to, field, model_filter=none, to_filter=none) %}

with model_total as (

    select coalesce(sum({{ column_name }}), 0) as model_total
    from {{ model }}
    {%- if model_filter %}
    where {{ model_filter }}
    {%- endif %}

),

reference_total as (

    select coalesce(sum({{ field }}), 0) as reference_total
    from {{ to }}
    {%- if to_filter %}
    where {{ to_filter }}
    {%- endif %}

)

select
    model_total.model_total,
    reference_total.reference_total
from model_total
cross join reference_total
where model_total.model_total != reference_total.reference_total

{% endtest %}
