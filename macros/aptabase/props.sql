{#- Aptabase string_props as exported: .NET-escaped JSON in which every `\u0022` / `\u0027`
    came out as the two characters `\'` (the export query's replace() quirk). Repair that
    to `'` so a JSON parser accepts it; `\uXXXX` escapes are decoded by the JSON functions. -#}
{% macro repair_props_json(column) -%}
    replace({{ column }}, '\''', '''')
{%- endmacro %}

{#- One string prop from repaired props text; when the JSON does not parse, the value is
    still recovered with a pattern so no message is lost. -#}
{% macro extract_string_prop(props_column, key) -%}
    case
        when json_valid({{ props_column }})
            then json_extract_string({{ props_column }}, '$.{{ key }}')
        else coalesce(
            json_extract_string(
                try_cast('"' || regexp_extract({{ props_column }}, '"{{ key }}":"((?:[^"\\]|\\.)*)', 1) || '"' as json),
                '$'
            ),
            nullif(regexp_extract({{ props_column }}, '"{{ key }}":"((?:[^"\\]|\\.)*)', 1), '')
        )
    end
{%- endmacro %}
