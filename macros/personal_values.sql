{#- Home-folder user names and e-mail addresses found in raw error messages, one row each
    (`personal_value`): what must never reach `marts`. Names shorter than 3 characters are
    left out: they would match ordinary text by chance. The raw messages are read from
    int_events_roled, which holds every staged event with its raw message (a table, where
    the staging view would parse every event's props again). -#}
{% macro personal_values_in_raw_messages() %}
    with messages as (
        select error_message
        from {{ ref('int_events_roled') }}
        where error_message is not null
    ),

    home_folder_names as (
        select
            unnest(
                regexp_extract_all(
                    error_message, '(?i)(?:[a-z]:[\\/]+users[\\/]+|/home/|/Users/)([^\\/"\n]+)', 1
                )
            ) as personal_value
        from messages
    ),

    emails as (
        select
            unnest(
                regexp_extract_all(
                    error_message, '[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}', 0
                )
            ) as personal_value
        from messages
    )

    select distinct trim(personal_value, '''') as personal_value
    from (
        select personal_value from home_folder_names
        union all
        select personal_value from emails
    ) as found
    where length(trim(personal_value, '''')) >= 3
{% endmacro %}

{#- True where `column` contains any of `literals` (a list of strings), as regular
    expressions of quoted literals (RE2's \Q...\E), each compiled once, unlike a join on
    `contains`; one pattern per 500 literals keeps each pattern small. False for an empty
    list. -#}
{% macro matches_any_literal(column, literals) -%}
    {%- if literals | length == 0 -%}
        false
    {%- else -%}
        {%- set patterns = [] -%}
        {%- for chunk in literals | batch(500) -%}
            {%- set escaped = [] -%}
            {%- for literal in chunk -%}
                {%- do escaped.append('\\Q' ~ (literal | replace('\\E', '\\E\\\\E\\Q')) ~ '\\E') -%}
            {%- endfor -%}
            {%- do patterns.append(
                "regexp_matches(" ~ column ~ ", '" ~ (escaped | join('|') | replace("'", "''")) ~ "')"
            ) -%}
        {%- endfor -%}
        ({{ patterns | join(' or ') }})
    {%- endif -%}
{%- endmacro %}
