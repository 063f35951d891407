-- The rows a metric counts: a window of local days and a segment filter.
-- start_day/end_day: DATE or null (null: the first/last day in the data).
-- f: a struct with one list per dimension; an empty list keeps every row, a non-empty one
-- keeps rows whose value is in it (rows with no known value are left out).

create or replace macro seg_ok(v, allowed) as (len(allowed) = 0 or list_contains(allowed, v));

create or replace macro in_segment(f, region, product, tier, language, channel, team, agent, type, priority, platform) as (
    seg_ok(region, f['region']) and seg_ok(product, f['product']) and seg_ok(tier, f['tier'])
    and seg_ok(language, f['language']) and seg_ok(channel, f['channel'])
    and seg_ok(team, f['team']) and seg_ok(agent, f['agent']) and seg_ok(type, f['type'])
    and seg_ok(priority, f['priority']) and seg_ok(platform, f['platform'])
);

create or replace macro window_days(start_day, end_day) as table
    select
        coalesce(start_day::date, first_day) as start_day,
        coalesce(end_day::date, last_day) as end_day
    from data_bounds;

create or replace macro surveys_in(start_day, end_day, f) as table
    select s.*
    from survey_facts as s, window_days(start_day, end_day) as w
    where s.submitted_date between w.start_day and w.end_day
        and in_segment(f, s.region, s.product, s.tier, s.language, s.channel, s.team, s.agent, s.type, s.priority, s.platform);

create or replace macro reviews_in(start_day, end_day, f) as table
    select r.*
    from review_facts as r, window_days(start_day, end_day) as w
    where r.posted_date between w.start_day and w.end_day
        and in_segment(f, r.region, r.product, r.tier, r.language, r.channel, r.team, r.agent, r.type, r.priority, r.platform);

create or replace macro tickets_in(start_day, end_day, f) as table
    select t.*
    from ticket_facts as t, window_days(start_day, end_day) as w
    where t.created_date between w.start_day and w.end_day
        and in_segment(f, t.region, t.product, t.tier, t.language, t.channel, t.team, t.agent, t.type, t.priority, t.platform);

create or replace macro failures_in(start_day, end_day, f) as table
    select r.*
    from failure_recoveries as r, window_days(start_day, end_day) as w
    where r.created_date between w.start_day and w.end_day
        and in_segment(f, r.region, r.product, r.tier, r.language, r.channel, r.team, r.agent, r.type, r.priority, r.platform);

-- The value of dimension dim (checked by the caller against cx.schema.DIMENSIONS, or
-- 'high_expectation', whose yes/no the caller computes as he_value) for one row.
create or replace macro segment_of(dim, region, product, tier, language, channel, team, agent, type, priority, platform, he_value) as (
    case dim
        when 'region' then region when 'product' then product when 'tier' then tier
        when 'language' then language when 'channel' then channel when 'team' then team
        when 'agent' then agent when 'type' then type when 'priority' then priority
        when 'platform' then platform
        when 'high_expectation' then he_value
    end
);
