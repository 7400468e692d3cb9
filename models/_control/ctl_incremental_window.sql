{#- The run window of the incremental models, one row, computed once per run before any of
    them is built (they ref this model). They delete and re-insert every UTC day starting
    at `cutoff_date`, which is:
    - `incremental_lookback_days` (var, default 1) days before the earliest day of any event
      landed after the previous build (a new day, a re-exported or backfilled day, a fuller
      copy of an event, a late event): attempts that started the day before pair with it;
    - moved back to the earliest day of a file taken back (`telemetry unland`) since the
      previous build (its `unland_watermark`);
    - moved back to var `incremental_rebuild_from` when given;
    - nothing landed and no var: the day after the newest day built, so nothing is rebuilt
      (`nothing_to_rebuild`).
    `full_rebuild` (everything is rebuilt) on the first build, on --full-refresh, and when
    what classifies old events changed since the previous run: the action or role of an
    event name already seen (a first `<action>_failed` makes `<action>_started` a start),
    the failure rules, the prop allowlist or var `attempt_timeout_hours`.
    It reads the previous state of int_events_roled and of itself without ref() (they are
    what this run replaces), found through the graph (a renamed model fails the build, never
    turns every run into a first build), and the landing times of staged events (two
    columns of one scan: landing keeps each event once, replacing it when a fuller copy
    lands). -#}

{%- set lookback_days = incremental_lookback_days() -%}
{%- set rebuild_from = incremental_rebuild_from_var() -%}
{%- set previous_events = built_relation('int_events_roled') -%}
{%- set previous_window = built_relation(this.identifier) -%}
{%- set has_previous = (
    previous_events is not none and previous_window is not none and not flags.FULL_REFRESH
) -%}
{#- a window computed before files could be taken back has no unland watermark -#}
{%- set previous_has_unlands = has_previous and (
    adapter.get_columns_in_relation(previous_window) | selectattr('name', 'equalto', 'unland_watermark') | list
) -%}

with event_names as (

    select
        event_name,
        concat_ws(
            '|', event_name, action, name_role, coalesce(outcome_prop, ''),
            coalesce(fixed_failure_class, '')
        ) as name_class
    from {{ ref('int_event_names_classified') }}

),

failure_rules as (

    select
        concat_ws('|', rule_id, priority, match_on, pattern, issue_bucket, failure_class)
            as rule_text
    from {{ ref('failure_rules') }}

),

prop_allowlist as (

    select prop_key from {{ ref('prop_allowlist') }}

),

current_inputs as (

    select
        (select list(name_class order by name_class) from event_names) as name_classes,
        md5(concat_ws(
            '#',
            (select string_agg(rule_text, chr(10) order by rule_text) from failure_rules),
            (select string_agg(prop_key, ',' order by prop_key) from prop_allowlist),
            '{{ var("attempt_timeout_hours") }}'
        )) as inputs_fingerprint

),

previous_events_built as (

    {% if has_previous -%}
        select
            max(event_date) as newest_day,
            max(landed_at) as landed_watermark
        from {{ previous_events }}
    {%- else -%}
        select
            cast(null as date) as newest_day,
            cast(null as timestamp) as landed_watermark
    {%- endif %}

),

previous as (

    {% if has_previous -%}
        select
            previous_window.name_classes,
            previous_window.inputs_fingerprint,
            previous_events_built.newest_day,
            previous_events_built.landed_watermark,
            {{ 'previous_window.unland_watermark' if previous_has_unlands else 'cast(null as timestamp)' }}
                as unland_watermark
        from {{ previous_window }} as previous_window
        cross join previous_events_built
    {%- else -%}
        select
            cast(null as varchar []) as name_classes,
            cast(null as varchar) as inputs_fingerprint,
            previous_events_built.newest_day,
            previous_events_built.landed_watermark,
            cast(null as timestamp) as unland_watermark
        from previous_events_built
    {%- endif %}

),

landed_since as (

    -- the earliest day of a raw row landed after the previous build
    select min(events.event_date) as earliest_day
    from {{ ref('int_events_unioned') }} as events
    where events.landed_at > (select previous.landed_watermark from previous)

),

unlanded_since as (

    -- the earliest day of a file taken back (telemetry unland) after the previous build
    select
        min(unlanded.first_event_date) filter (
            where unlanded.unlanded_at > coalesce(
                (select previous.unland_watermark from previous), cast('-infinity' as timestamp)
            )
        ) as earliest_day,
        max(unlanded.unlanded_at) as unland_watermark
    from {{ ref('stg_landing__unlanded_files') }} as unlanded

),

reclassified_names as (

    -- names seen before whose action or role is now different
    select count(*) as names_changed
    from (select unnest(previous.name_classes) as name_class from previous) as previous_names
    inner join event_names
        on split_part(previous_names.name_class, '|', 1) = event_names.event_name
    where previous_names.name_class != event_names.name_class

),

final as (

    select
        {{ utc_now() }} as computed_at,
        case
            when {{ 'true' if flags.FULL_REFRESH else 'false' }} then 'full refresh'
            when previous.newest_day is null then 'first build'
            when previous.inputs_fingerprint != current_inputs.inputs_fingerprint
                then 'failure rules, prop allowlist or attempt_timeout_hours changed'
            when reclassified_names.names_changed > 0
                then 'the action or role of an event name changed'
        end as full_rebuild_reason,
        previous.newest_day as previous_newest_day,
        previous.landed_watermark as previous_landed_watermark,
        landed_since.earliest_day as earliest_day_landed_since,
        unlanded_since.earliest_day as earliest_day_unlanded_since,
        unlanded_since.unland_watermark,
        {{ lookback_days }} as lookback_days,
        {{ "date '" ~ rebuild_from ~ "'" if rebuild_from else 'cast(null as date)' }}
            as rebuild_from_var,
        current_inputs.name_classes,
        current_inputs.inputs_fingerprint
    from current_inputs
    cross join previous
    cross join landed_since
    cross join unlanded_since
    cross join reclassified_names

)

select
    computed_at,
    full_rebuild_reason is not null as full_rebuild,
    full_rebuild_reason,
    case
        when full_rebuild_reason is null
            then coalesce(
                least(
                    earliest_day_landed_since - {{ lookback_days }},
                    earliest_day_unlanded_since,
                    rebuild_from_var
                ),
                previous_newest_day + 1
            )
    end as cutoff_date,
    coalesce(
        full_rebuild_reason is null
        and earliest_day_landed_since is null
        and earliest_day_unlanded_since is null
        and rebuild_from_var is null,
        false
    ) as nothing_to_rebuild,
    previous_newest_day,
    previous_landed_watermark,
    earliest_day_landed_since,
    earliest_day_unlanded_since,
    unland_watermark,
    lookback_days,
    rebuild_from_var,
    name_classes,
    inputs_fingerprint
from final
