{#- Fails with every row in which any of `columns` is null. One scan for several columns:
    on a view whose every read is expensive (staging de-duplicates all landed rows), it
    replaces one `not_null` test per column. -#}
{% test not_null_columns(model, columns) %}

select {{ columns | join(', ') }}
from {{ model }}
where
{%- for column in columns %}
    {{ 'or ' if not loop.first }}{{ column }} is null
{%- endfor %}

{% endtest %}
