{#- Files taken back by `telemetry unland`, one row per time one was: the days their events
    were on, which the next incremental build rebuilds (ctl_incremental_window). A warehouse
    last landed before files could be taken back has no raw.unlanded_files: no rows then. -#}

{%- set unlanded = source('landing', 'unlanded_files') %}
{%- set found = none %}
{%- if execute %}
    {%- set found = adapter.get_relation(unlanded.database, unlanded.schema, unlanded.identifier) %}
{%- endif %}

{%- if found is not none %}

    select
        file_checksum,
        source_file,
        cast(first_event_ts as date) as first_event_date,
        cast(last_event_ts as date) as last_event_date,
        rows_taken_back,
        unlanded_at
    from {{ unlanded }}

{%- else %}

    select
        cast(null as varchar) as file_checksum,
        cast(null as varchar) as source_file,
        cast(null as date) as first_event_date,
        cast(null as date) as last_event_date,
        cast(null as bigint) as rows_taken_back,
        cast(null as timestamp) as unlanded_at
    where false

{%- endif %}
