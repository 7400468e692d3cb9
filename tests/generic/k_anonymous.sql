{#- No group under k is published: a row of `model` not `suppressed` counts at least `k`
    users in `column_name`, and a suppressed row carries none of `counts` (nor
    `column_name`). `k` names the row's column holding min_group_users. -#}
{% test k_anonymous(model, column_name, counts=[], k='min_group_users', suppressed='suppressed') %}

select *
from {{ model }}
where (not {{ suppressed }} and ({{ column_name }} is null or {{ column_name }} < {{ k }}))
    or ({{ suppressed }} and {{ column_name }} is not null)
    {%- for count_column in counts %}
    or ({{ suppressed }} and {{ count_column }} is not null)
    {%- endfor %}

{% endtest %}
