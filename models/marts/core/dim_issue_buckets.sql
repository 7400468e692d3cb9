{#- One row per issue bucket that holds failures: its class (the most common among its
    failures), and the likely code path and fix hint of the rule that classified it (the
    rule that named it, or for a template bucket the rule that gave its class). -#}

with failures as (

    select * from {{ ref('int_failures_classified') }}

),

rules as (

    select * from {{ ref('failure_rules') }}

),

buckets as (

    select
        failures.issue_bucket,
        mode(failures.failure_class) as failure_class,
        -- the highest-priority rule that classified the bucket's failures (it named the
        -- bucket, or classified a template bucket), or 'template' when no rule matched
        arg_min(coalesce(failures.failure_rule_id, 'template'), coalesce(rules.priority, 1e9))
            as matched_by
    from failures
    left join rules
        on failures.failure_rule_id = rules.rule_id
    group by failures.issue_bucket

),

final as (

    select
        buckets.issue_bucket,
        buckets.failure_class,
        rules.likely_code_path,
        rules.fix_hint,
        buckets.matched_by
    from buckets
    left join rules
        on buckets.matched_by = rules.rule_id

)

select
    issue_bucket,
    failure_class,
    likely_code_path,
    fix_hint,
    matched_by
from final
