{#- The events in scope that say a feature of the app was used (seed `feature_events`: one
    of the feature's events, passing its prop filter), one row per event and feature, with
    what segments it. Events without a user are left out. The one definition the three
    adoption queries read, so the events are matched to features once. -#}

with feature_rules as (

    select
        feature,
        event_name,
        prop_key,
        prop_value
    from {{ ref('dim_features') }}

),

final as (

    select
        feature_rules.feature,
        events_in_scope.event_id,
        events_in_scope.user_id,
        events_in_scope.event_date,
        events_in_scope.event_ts,
        events_in_scope.app_version,
        events_in_scope.os_family,
        events_in_scope.os_name,
        events_in_scope.props
    from {{ ref('kpi_scope_events') }} as events_in_scope
    inner join feature_rules
        on events_in_scope.event_name = feature_rules.event_name
    where
        events_in_scope.user_id is not null
        and {{ passes_prop_filter(
            'events_in_scope.props', 'feature_rules.prop_key', 'feature_rules.prop_value'
        ) }}

)

select * from final
