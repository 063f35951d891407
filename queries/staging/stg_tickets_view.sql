-- stg_tickets as published: the ticket columns of ticket_facts. While it builds, the refresh
-- has stg_tickets as a temporary view over the checked rows; one copy of the tickets is
-- kept on disk, not two.
create view stg_tickets as
select * exclude (
    first_response_hours, resolution_hours, is_resolved, is_failure, promise_delta_hours,
    promise_kept, promise_timing, response_band, post_response_id, post_csat, post_nps,
    post_submitted_at
)
from ticket_facts;
