{#- The marketing names of OS versions (seed `os_version_names`), published beside the facts
    so the KPI queries, in the warehouse and in `telemetry report`, label OS versions the
    same way (macro os_version_label). -#}

with names as (

    select * from {{ ref('os_version_names') }}

)

select
    os_name,
    version_prefix,
    version_name
from names
