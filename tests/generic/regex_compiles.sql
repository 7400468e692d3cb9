{#- Stops the build naming the first row (by `row_id`) whose regular expression does not
    compile (a broken pattern in a rule seed would otherwise fail every model that applies
    the rules, with an error that does not say which rule). -#}
{% test regex_compiles(model, column_name, row_id) %}

with offending as (

    select
        cast({{ row_id }} as {{ dbt.type_string() }}) as row_id,
        {{ column_name }} as pattern
    from {{ model }}
    where {{ column_name }} is not null
        and {{ regex_does_not_compile(column_name) }}

)

select row_id, pattern
from offending
where {{ fail_with_message(
    "'" ~ model.identifier ~ "." ~ column_name ~ " of " ~ row_id ~ " ''' || row_id"
    ~ " || ''' is not a regular expression that compiles: ' || pattern"
) }}

{% endtest %}
