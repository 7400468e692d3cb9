{#- Personal data in a text, replaced by placeholders; what is left is safe to publish:
    - e-mail addresses: any `name@domain` token, also one cut by the server's 180-character
      truncation (`maria.garcia@exa...`) and one with non-ASCII letters;
    - URLs and secrets (`token=...`, `Bearer ...`, `password: ...`);
    - the user name of a home folder, in every path form: Windows (`C:\Users\<name>`,
      `Documents and Settings`), UNC and WSL (`\\wsl$\Ubuntu\home\<name>`,
      `/mnt/c/Users/<name>`), macOS (`/Users/<name>`), Linux (`/home/<name>`, `/var/home`,
      `/export/home`) and `~<name>`; a name with spaces is replaced up to the next path
      separator, or to the end of the text or value when none follows;
    - every absolute path then (Windows, UNC, POSIX, `~/`): a folder can name a person.
    The patterns are listed once in personal_data_patterns() and read by the privacy test
    too (personal_values_in_raw_texts), so the test looks for exactly what this hides. -#}
{% macro redact_personal(column) -%}
    {%- set p = personal_data_patterns() -%}
    {%- set steps = [
        (p.email, '<email>'),
        ('[A-Za-z][A-Za-z0-9+.-]*://[^\\s"\'<>()]+', '<url>'),
        ('(?i)\\b(bearer|token|api[_-]?key|secret|password|passwd|authorization)([=: ]+)[^\\s"\',;]+', '\\1\\2<secret>'),
        (p.home ~ '[^\\\\/"\\n]+([\\\\/])', '\\1<user>\\2'),
        ('(?m)' ~ p.home ~ '[^\\\\/"\\n]+("|$)', '\\1<user>\\2'),
        (p.tilde_user, '\\1~<user>'),
        ('(?i)\\b[A-Za-z]:[\\\\/]+(?:[^\\\\/"\'\\n:*?|]+[\\\\/]+)*[^\\\\/"\'\\n:*?|]*', '<path>'),
        ('\\\\\\\\[^\\\\/\\s"\']+[\\\\/][^\\s"\']*', '<path>'),
        ('(^|[\\s\'"(=:`])~?(?:<user>)?/[^\\s\'"():,`]+', '\\1<path>'),
    ] -%}
    {{ regexp_replace_steps(column, steps) }}
{%- endmacro %}

{#- `column` with every (pattern, replacement) of `steps` applied in turn, each to every
    match (RE2; `\1` in a replacement is the pattern's first group). -#}
{% macro regexp_replace_steps(column, steps) -%}
    {%- set ns = namespace(expr=column) -%}
    {%- for pattern, replacement in steps -%}
        {%- set ns.expr = "regexp_replace(" ~ ns.expr ~ ", '" ~ pattern | replace("'", "''") ~ "', '" ~ replacement | replace("'", "''") ~ "', 'g')" -%}
    {%- endfor -%}
    {{ ns.expr }}
{%- endmacro %}

{#- The patterns of personal data that redaction hides and the privacy test looks for:
    `email` (a whole address), `home` (the folder a home-folder name follows, as group 1:
    case-insensitive, either separator) and `tilde_user` (`~name`, the name as group 2). -#}
{% macro personal_data_patterns() -%}
    {{ return({
        'email': '[^\\s@"\'<>()\\[\\]{},;:]+@[^\\s@"\'<>()\\[\\]{},;]*',
        'home': '(?i)([\\\\/](?:users|home|documents and settings|var[\\\\/]+home|export[\\\\/]+home)[\\\\/]+)',
        'tilde_user': '(^|[\\s\'"(=:`])~([^\\\\/\\s"\'~<]+)',
    }) }}
{%- endmacro %}

{#- redact_personal, evaluated only for texts holding a character some pattern needs (`@`,
    a path separator, `~`, `:`, `=` or a space): most event names and prop values hold
    none, and a character class costs one scan where nine patterns cost nine. -#}
{% macro redact_personal_where_needed(column) -%}
    case
        when regexp_matches({{ column }}, '[@/\\~:= ]') then {{ redact_personal(column) }}
        else {{ column }}
    end
{%- endmacro %}
