-- Resolution time minus promised time, in hours (negative: early), binned for a histogram.
-- $bin_hours: bin width; values beyond +-$clip_hours fall in the outermost bins.
with

tickets as (
    select promise_delta_hours as delta
    from tickets_in($start, $end, $f)
    where promise_delta_hours is not null
),

-- Resolved exactly at the promised time is kept: it goes in the last bin before zero.
binned as (
    select
        case
            when delta = 0 then -$bin_hours
            else floor(least(greatest(delta, -$clip_hours), $clip_hours - 0.001) / $bin_hours) * $bin_hours
        end as bin_start
    from tickets
),

final as (
    select
        bin_start,
        bin_start + $bin_hours as bin_end,
        count(*) as tickets,
        bin_start < 0 as kept
    from binned
    group by bin_start
    order by bin_start
)

select * from final
