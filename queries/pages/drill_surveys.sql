-- Survey responses of one segment ($dim = $seg, as in pages/segments) in the window and
-- filter, newest first: at most $limit rows, with how many match in all (matching).
-- $q: text to look for in the comment or the ids ('' for all); $comments_only: boolean.
with

signals as (
    select customer_id
    from he_signals($end)
    where is_high_expectation and $dim = 'high_expectation'
),

surveys as (
    select
        s.*,
        coalesce(segment_of(
            $dim, s.region, s.product, s.tier, s.language, s.channel, s.team, s.agent, s.type, s.priority, s.platform,
            case when sig.customer_id is null then 'no' else 'yes' end
        ), '(not set)') as segment
    from surveys_in($start, $end, $f) as s
    left join signals as sig on s.customer_id = sig.customer_id
),

matching as (
    select *
    from surveys
    where segment = $seg
        and (not $comments_only or comment is not null)
        and (
            coalesce($q, '') = ''
            or strpos(lower(coalesce(comment, '')), lower($q)) > 0
            or lower(response_id) = lower($q)
            or lower(customer_id) = lower($q)
            or lower(coalesce(ticket_id, '')) = lower($q)
        )
),

final as (
    select
        submitted_at,
        response_id,
        customer_id,
        nps,
        csat,
        ces,
        comment,
        ticket_id,
        region,
        product,
        tier,
        channel,
        language,
        count(*) over () as matching
    from matching
)

select * from final
order by submitted_at desc, response_id
limit $limit
