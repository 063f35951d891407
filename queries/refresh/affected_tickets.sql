-- The tickets whose facts can differ from the previous warehouse's when files were only
-- added after its own (cx/pipeline/extend.py): the tickets of the added ticket files (a new
-- ticket, or a later version of an earlier one), the tickets the added survey files answer
-- (their post-ticket survey can change), and the tickets of earlier versions of the responses
-- the added survey files export again (`survey_facts_before`: the previous warehouse's).
-- Every other ticket's row is the previous warehouse's, unchanged.
with

added_tickets as (
    select ticket_id from checked_tickets
    where len(_problems) = 0 and _file_no >= $first_ticket_file
),

added_responses as (
    select response_id, ticket_id from checked_surveys
    where len(_problems) = 0 and _file_no >= $first_survey_file
),

final as (
    select ticket_id from added_tickets
    union
    select ticket_id from added_responses where ticket_id is not null
    union
    select b.ticket_id
    from survey_facts_before as b
    semi join added_responses as a on b.response_id = a.response_id
    where b.ticket_id is not null
)

select * from final
