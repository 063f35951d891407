-- The values each sidebar filter offers: every known value of the dimension in any source,
-- with how many rows carry it (most common first). One small group-by per column keeps this
-- a scan of six columns, not of whole rows.
with

surveys as (select region, product, tier, channel, team, platform from survey_facts),

reviews as (select region, product, tier, channel, team, platform from review_facts),

tickets as (select region, product, tier, channel, team, platform from ticket_facts),

counted as (
    select 'region' as dimension, region as value, count(*) as n_rows from surveys group by all
    union all select 'region', region, count(*) from reviews group by all
    union all select 'region', region, count(*) from tickets group by all
    union all select 'product', product, count(*) from surveys group by all
    union all select 'product', product, count(*) from reviews group by all
    union all select 'product', product, count(*) from tickets group by all
    union all select 'tier', tier, count(*) from surveys group by all
    union all select 'tier', tier, count(*) from reviews group by all
    union all select 'tier', tier, count(*) from tickets group by all
    union all select 'channel', channel, count(*) from surveys group by all
    union all select 'channel', channel, count(*) from reviews group by all
    union all select 'channel', channel, count(*) from tickets group by all
    union all select 'team', team, count(*) from surveys group by all
    union all select 'team', team, count(*) from reviews group by all
    union all select 'team', team, count(*) from tickets group by all
    union all select 'platform', platform, count(*) from surveys group by all
    union all select 'platform', platform, count(*) from reviews group by all
    union all select 'platform', platform, count(*) from tickets group by all
),

final as (
    select dimension, value, sum(n_rows)::bigint as n_rows
    from counted
    where value is not null
    group by all
)

select * from final
order by dimension, n_rows desc, value
