{#- Report section "Product", feature adoption: one row per feature, most adopted first, with
    its rate on each app version in scope (newest first; suppressed versions say so). -#}

with versions as (

    select
        feature,
        {{ dbt.listagg(
            "app_version || ' ' || case when suppressed then '(< ' || cast(min_group_users as varchar)
            || ' users)' else cast(round(100 * adoption_rate, 1) as varchar) || '%' end",
            "', '",
            'order by app_version_sort_key desc'
        ) }} as by_version
    from {{ ref('kpi_feature_adoption_versions') }}
    group by feature

)

select
    adoption.feature,
    adoption.adopting_users,
    adoption.active_users,
    adoption.adoption_rate,
    adoption.adoption_rate_low,
    adoption.adoption_rate_high,
    adoption.first_seen,
    adoption.last_seen,
    versions.by_version
from {{ ref('kpi_feature_adoption') }} as adoption
left join versions
    on adoption.feature = versions.feature
order by adoption.adoption_rate desc nulls last, adoption.feature asc
