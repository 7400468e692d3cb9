{#- Stops the build naming the first row (by `row_id`) whose value is not one of `values`
    (or is null, unless `allow_null`): for columns of seeds analysts edit, where a typo would silently match
    nothing. -#}
{% test values_in(model, column_name, values, row_id, allow_null=false) %}

with offending as (

    select
        cast({{ row_id }} as {{ dbt.type_string() }}) as row_id,
        cast({{ column_name }} as {{ dbt.type_string() }}) as value
    from {{ model }}
    where {{ 'false' if allow_null else column_name ~ ' is null' }}
        or {{ column_name }} not in (
            {%- for value in values %}'{{ value }}'{{ ", " if not loop.last }}{% endfor -%}
        )

)

select row_id, value
from offending
where {{ fail_with_message(
    "'" ~ model.identifier ~ "." ~ column_name ~ ": '"
    ~ " || coalesce('''' || value || '''', 'an empty value')"
    ~ " || ' (" ~ row_id ~ " ' || coalesce(row_id, 'null') || ')"
    ~ " is not one of " ~ values | join(", ") ~ "'"
) }}

{% endtest %}
