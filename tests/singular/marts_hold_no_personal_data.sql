{#- Privacy: no home-folder user name and no e-mail address found in a raw error message
    appears in any text or JSON column of any table in `marts`. Fails with each leak. -#}
-- depends_on: {{ ref('fct_events') }}
-- depends_on: {{ ref('fct_action_attempts') }}
-- depends_on: {{ ref('dim_issue_buckets') }}
-- depends_on: {{ ref('kpi_reliability_summary') }}
-- depends_on: {{ ref('kpi_reliability_by_dimension') }}
-- depends_on: {{ ref('kpi_issue_buckets') }}
-- depends_on: {{ ref('kpi_action_lifecycle') }}
-- depends_on: {{ ref('kpi_daily') }}
-- depends_on: {{ ref('kpi_release_health') }}
-- depends_on: {{ ref('kpi_repeat_failures') }}

with messages as (

    select error_message
    from {{ ref('stg_aptabase__events') }}
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

),

personal_values as (

    -- names shorter than 3 characters would match ordinary text by chance
    select distinct trim(personal_value, '''') as personal_value
    from (
        select personal_value from home_folder_names
        union all
        select personal_value from emails
    ) as found
    where length(trim(personal_value, '''')) >= 3

),

mart_text as (

    {{ marts_text_values() }}

)

select
    mart_text.model_name,
    mart_text.column_name,
    personal_values.personal_value,
    mart_text.column_value
from mart_text
inner join personal_values
    on contains(mart_text.column_value, personal_values.personal_value)
