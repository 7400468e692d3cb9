{#- The keys of a JSON object that are in an allowlist (a list-typed column), as a JSON
    object; `{}` when none. Only allowlisted props ever reach marts. -#}
{% macro allowlisted_props(json_column, allowed_keys) -%}
    coalesce(
        to_json(map_from_entries(list_transform(
            list_filter(json_keys({{ json_column }}), k -> list_contains({{ allowed_keys }}, k)),
            k -> {'k': k, 'v': {{ json_column }} -> ('$."' || k || '"')}
        ))),
        '{}'
    )
{%- endmacro %}
