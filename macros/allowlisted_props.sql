{#- The keys of a JSON object that are in an allowlist (a list-typed column), as a JSON
    object; `{}` when none. Only allowlisted props ever reach marts, and a text value
    among them with personal data redacted (a path or an e-mail in `model_name`). -#}
{% macro allowlisted_props(json_column, allowed_keys) -%}
    coalesce(
        to_json(map_from_entries(list_transform(
            list_filter(json_keys({{ json_column }}), k -> list_contains({{ allowed_keys }}, k)),
            k -> {'k': k, 'v': case
                when json_type({{ json_column }}, '$."' || k || '"') = 'VARCHAR'
                    then to_json({{ redact_personal_where_needed("json_extract_string(" ~ json_column ~ ", '$.\"' || k || '\"')") }})
                else {{ json_column }} -> ('$."' || k || '"')
            end}
        ))),
        '{}'
    )
{%- endmacro %}
