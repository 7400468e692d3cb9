{#- One row per event name seen in the data or listed in the taxonomy: its action and role.
    The taxonomy seed decides where it has the name; otherwise the naming conventions seed
    (`<action>_<suffix>`, or `<ns>.<action>.<suffix>` for dot-namespaced names): a `started`
    name is a start only when its action also has outcomes, in the taxonomy or the data. -#}

with observed_names as (

    select event_name from {{ ref('stg_aptabase__event_names') }}
    union
    select distinct event_name from {{ ref('stg_reverbcode__events') }}
    union
    select distinct event_name from {{ ref('stg_posthog__events') }}
    union
    select distinct event_name from {{ ref('stg_otel__log_records') }}

),

taxonomy as (

    select * from {{ ref('event_taxonomy') }}

),

conventions as (

    select * from {{ ref('event_role_conventions') }}

),

all_names as (

    select event_name from observed_names
    union
    select event_name from taxonomy

),

name_parts as (

    select
        event_name,
        -- the last segment after `.`, else after the last `_`: `ao.spawn.failed` -> failed
        lower(regexp_extract(event_name, '[._]([^._]+)$', 1)) as suffix,
        nullif(regexp_replace(event_name, '[._][^._]+$', ''), '') as convention_action
    from all_names

),

by_convention as (

    select
        name_parts.event_name,
        coalesce(name_parts.convention_action, name_parts.event_name) as action,
        conventions.event_role as convention_role
    from name_parts
    left join conventions
        on name_parts.suffix = lower(conventions.suffix)

),

actions_with_outcomes as (

    select action from taxonomy
    where event_role in ('success', 'failure', 'outcome')
    union
    select by_convention.action
    from by_convention
    left join taxonomy on by_convention.event_name = taxonomy.event_name
    where taxonomy.event_name is null and by_convention.convention_role in ('success', 'failure')

),

classified as (

    select
        by_convention.event_name,
        coalesce(taxonomy.action, by_convention.action) as action,
        case
            when taxonomy.event_name is not null then taxonomy.event_role
            when by_convention.convention_role = 'start' and actions_with_outcomes.action is not null
                then 'start'
            when by_convention.convention_role in ('success', 'failure')
                then by_convention.convention_role
            else 'usage'
        end as name_role,
        taxonomy.outcome_prop,
        taxonomy.failure_class as fixed_failure_class,
        case
            when taxonomy.event_name is not null then 'taxonomy'
            when by_convention.convention_role is not null then 'convention'
            else 'default'
        end as role_source
    from by_convention
    left join taxonomy
        on by_convention.event_name = taxonomy.event_name
    left join actions_with_outcomes
        on by_convention.action = actions_with_outcomes.action

)

select * from classified
