{#- 95% Wilson score interval for a failure proportion (Wilson 1927; kpi-definitions.md):
    p = failures / n,
    centre = (p + z²/2n) / (1 + z²/n),
    margin = z·√(p(1−p)/n + z²/4n²) / (1 + z²/n),
    low = centre − margin, high = centre + margin.
    Null when n is 0 or null. Failures above n (failure events whose start fell before the
    window) count as n, so the interval is always defined. At 0 failures the formula's low
    bound is exactly 0 and at n failures its high bound is exactly 1: those are returned as
    0 and 1 so floating-point noise cannot put the bound on the wrong side of the rate. -#}
{% macro wilson_interval_bound(failures, n, side, z=1.96) -%}
    {%- set p = '(cast(least(' ~ failures ~ ', ' ~ n ~ ') as double) / (' ~ n ~ '))' -%}
    {%- set z2 = '(' ~ z ~ ' * ' ~ z ~ ')' -%}
    {%- set centre = '((' ~ p ~ ' + ' ~ z2 ~ ' / (2.0 * (' ~ n ~ '))) / (1.0 + ' ~ z2 ~ ' / (' ~ n ~ ')))' -%}
    {%- set margin = '(' ~ z ~ ' * sqrt(' ~ p ~ ' * (1.0 - ' ~ p ~ ') / (' ~ n ~ ') + ' ~ z2
        ~ ' / (4.0 * (' ~ n ~ ') * (' ~ n ~ '))) / (1.0 + ' ~ z2 ~ ' / (' ~ n ~ ')))' -%}
    case
        when coalesce({{ n }}, 0) <= 0 then null
        {% if side == 'low' -%}
        when {{ failures }} <= 0 then 0.0
        else greatest(0.0, {{ centre }} - {{ margin }})
        {%- else -%}
        when {{ failures }} >= {{ n }} then 1.0
        else least(1.0, {{ centre }} + {{ margin }})
        {%- endif %}
    end
{%- endmacro %}

{% macro wilson_low(failures, n, z=1.96) -%}
    {{ wilson_interval_bound(failures, n, 'low', z) }}
{%- endmacro %}

{% macro wilson_high(failures, n, z=1.96) -%}
    {{ wilson_interval_bound(failures, n, 'high', z) }}
{%- endmacro %}
