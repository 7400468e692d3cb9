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
    read as UTC by parse_utc_timestamp. The export's own form (`2026-02-01 10:00:00`, nearly
    every row) is cast as it is: it has no offset, and a cast ignores surrounding blanks, so
    trimming it first (which copies the text, here once per row of every staging read)
    would give the same time. -#}
{% macro raw_event_ts(column='"timestamp"') -%}
    case
        when {{ column }} like '____-__-__ __:__:__' then try_cast({{ column }} as timestamp)
        else {{ parse_utc_timestamp("nullif(trim(" ~ column ~ "), '')") }}
    end
{%- endmacro %}
