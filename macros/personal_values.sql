{#- The personal values found in the raw texts of events that can reach marts, one row
    each (`personal_value`): what must never be published. Texts: every event name, every
    error message and every string prop value (decoded JSON), read from int_events_roled
    (a table; staging would parse every event's props again), only those holding `@`, a
    path separator or `~`. Values, with the patterns redaction uses (personal_data_patterns):
    e-mail addresses (a cut one too); home-folder names, whole up to the next separator
    (`Maria Garcia`) or to the end of the text, their first word, and each word of a name of two or three capitalised
    words (a partly redacted `<user> Garcia` still leaks `Garcia`); `~name` names. Values
    shorter than 3 characters are left out: they would match ordinary text by chance.
    Beside them, the values a source holds outside its event texts
    (stg_reverbcode__private_values: repository, session and host names). -#}
{% macro personal_values_in_raw_texts() %}
    {%- set p = personal_data_patterns() %}
    with events as (
        select event_name, error_message, string_props
        from {{ ref('int_events_roled') }}
    ),

    prop_values as (
        select prop.value ->> '$' as raw_text
        from (
            select distinct string_props from events where string_props is not null
        ) as props,
            json_each(props.string_props) as prop
        where prop.type = 'VARCHAR'
    ),

    raw_texts as (
        select distinct raw_text
        from (
            select event_name as raw_text from events
            union all
            select error_message from events
            union all
            select raw_text from prop_values
        ) as texts
        where regexp_matches(raw_text, '[@/\\~]')
    ),

    found as (
        select
            regexp_extract_all(raw_text, '{{ p.email | replace("'", "''") }}', 0) as emails,
            regexp_extract_all(raw_text, '{{ p.home }}([^\\/"\n]+)[\\/]', 2) as home_folders,
            regexp_extract_all(raw_text, '{{ p.home }}([^\\/\s"'']+)', 2) as home_first_words,
            regexp_extract_all(raw_text, '(?m){{ p.home }}([^\\/"\n]+)("|$)', 2) as home_folders_to_end,
            regexp_extract_all(raw_text, '{{ p.tilde_user | replace("'", "''") }}', 2) as tilde_names
        from raw_texts
    ),

    values_found as (
        select unnest(list_concat(emails, home_folders, home_first_words, home_folders_to_end, tilde_names)) as value
        from found
    ),

    name_words as (
        -- each word of a personal name (2 or 3 capitalised words)
        select unnest(string_split(value, ' ')) as value
        from values_found
        where regexp_full_match(value, '\p{Lu}\S*( \p{Lu}\S*){1,2}')
    )

    select distinct trim(value, '''') as personal_value
    from (
        select value from values_found
        union all
        select value from name_words
    ) as personal
    where length(trim(value, '''')) >= 3
    union
    -- what a source holds outside the event texts (ReverbCode's repository and host names)
    select personal_value from {{ ref('stg_reverbcode__private_values') }}
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
