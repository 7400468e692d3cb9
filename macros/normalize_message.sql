{#- Sentry-style parameterization of an error message: the parts that identify a person
    become placeholders first (redact_personal: e-mails, URLs, secrets, home-folder names,
    paths), then the parts that vary between occurrences of one cause: IPs and ports,
    UUIDs, hashes, numbers and hex ids. Identifiers such as `GLIBCXX_3.4.32` keep their
    digits: they name the cause.
    Used for `error_message_redacted` and for bucketing unmatched failures by template. -#}
{% macro normalize_message(column) -%}
    {%- set steps = [
        ('\\b\\d{1,3}(?:\\.\\d{1,3}){3}\\b', '<ip>'),
        ('(<ip>|localhost|<url>):\\d+', '\\1:<port>'),
        ('\\b[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\\b', '<uuid>'),
        ('\\b[0-9A-Fa-f]{32,}\\b', '<hash>'),
        ('\\b0[xX][0-9A-Fa-f]+\\b', '<hex>'),
        ('(^|[^A-Za-z0-9_.<$-])\\d+(?:\\.\\d+)*', '\\1<n>'),
        ('\\b(?:[0-9A-Fa-f]*[0-9][0-9A-Fa-f]*[A-Fa-f]|[0-9A-Fa-f]*[A-Fa-f][0-9A-Fa-f]*[0-9])[0-9A-Fa-f]*\\b', '<hex>'),
        ('\'[^\'\\n]{41,}\'', '\'<v>\''),
        ('"[^"\\n]{41,}"', '"<v>"'),
    ] -%}
    {{ regexp_replace_steps(redact_personal(column), steps) }}
{%- endmacro %}

{#- The template a failure without a matching rule is bucketed by: the normalized message
    with the server's `...` truncation mark dropped, whitespace folded, first 100 characters
    (messages cut by the server at different places still share their front). -#}
{% macro message_template(column) -%}
    left(trim(regexp_replace(regexp_replace({{ normalize_message(column) }}, '\.\.\.$', ''), '\s+', ' ', 'g')), 100)
{%- endmacro %}
