{#- Stops the build naming the first value of `column_name` that more than one row holds. -#}
{% test unique_named(model, column_name) %}

with duplicated as (

    select
        cast({{ column_name }} as {{ dbt.type_string() }}) as value,
        count(*) as copies
    from {{ model }}
    where {{ column_name }} is not null
    group by {{ column_name }}
    having count(*) > 1

)

select value, copies
from duplicated
where {{ fail_with_message(
    "'" ~ model.identifier ~ "." ~ column_name ~ ": ''' || value || ''' is on '"
    ~ " || copies || ' rows; it must be on one'"
) }}

{% endtest %}
