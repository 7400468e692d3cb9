{#- Aptabase timestamps are UTC text, `YYYY-MM-DD HH:MM:SS`. A text with an explicit offset
    (rewritten files may carry `+00:00` or `Z`) is converted to UTC; null when unparseable.
    The offset pattern is not tried on the plain `YYYY-MM-DD HH:MM:SS` shape, which cannot
    match it (every landed row goes through this: a LIKE is cheaper than the pattern). -#}
{% macro parse_utc_timestamp(column) -%}
    case
        when not ({{ column }} like '____-__-__ __:__:__')
            and regexp_matches({{ column }}, '([+-][0-9]{2}(:?[0-9]{2})?|[zZ])$')
            then timezone('UTC', try_cast({{ column }} as timestamptz))
        else try_cast({{ column }} as timestamp)
    end
{%- endmacro %}

{#- The event time of a raw `raw.events` row: its `timestamp` text, trimmed, empty as null,
    read as UTC by parse_utc_timestamp. -#}
{% macro raw_event_ts(column='"timestamp"') -%}
    {{ parse_utc_timestamp("nullif(trim(" ~ column ~ "), '')") }}
{%- endmacro %}
