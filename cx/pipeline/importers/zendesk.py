"""Zendesk Support: the ticket CSV export, the API's tickets (with ticket_metrics) and
satisfaction ratings, and tickets as Fivetran lands them."""

from cx.pipeline.importers.spec import Col, Format, Lower, Map, PlusMinutes, Prefixed, Skip

DELETED = Skip(Col("Status"), ("deleted",), "deleted tickets")
# Names and addresses of requesters are personal data the metrics never use.
PERSONAL = ("Requester", "Requester email", "Requester external id", "recipient", "description")

CSV_EXPORT = Format(
    key="zendesk_csv",
    name="Zendesk Support CSV export",
    source="tickets",
    signature=("Id", "Requester id", "Created at", "First reply time in minutes"),
    columns={
        "ticket_id": Col("Id"),
        "customer_id": Col("Requester id"),
        "created_at": Col("Created at"),
        "first_response_at": PlusMinutes(Col("Created at"), Col("First reply time in minutes")),
        "resolved_at": Col("Solved at"),
        "type": Lower(Col("Ticket type")),
        "priority": Lower(Col("Priority")),
        "channel": Lower(Col("Via")),
        "team": Col("Group"),
        "agent": Col("Assignee"),
        "reopens": Col("Reopens"),
        "replies": Col("Replies"),
        "promised_at": Col("Due date"),
    },
    skip=(DELETED,),
    drop=PERSONAL,
)

API_TICKETS = Format(
    key="zendesk_api_tickets",
    name="Zendesk API tickets",
    source="tickets",
    signature=("id", "requester_id", "created_at", "via.channel"),
    records=("tickets", ""),
    companions={"ticket_metrics": ("ticket_id", "id")},
    columns={
        "ticket_id": Col("id"),
        "customer_id": Col("requester_id"),
        "created_at": Col("created_at"),
        "first_response_at": PlusMinutes(Col("created_at"), Col("ticket_metrics.reply_time_in_minutes.calendar")),
        "resolved_at": Col("ticket_metrics.solved_at"),
        "type": Lower(Col("type")),
        "priority": Lower(Col("priority")),
        "channel": Lower(Col("via.channel")),
        "team": Col("group_id"),
        "agent": Col("assignee_id"),
        "reopens": Col("ticket_metrics.reopens"),
        "replies": Col("ticket_metrics.replies"),
        "promised_at": Col("due_at"),
    },
    skip=(Skip(Col("status"), ("deleted",), "deleted tickets"),),
    drop=PERSONAL,
)

FIVETRAN_TICKETS = Format(
    key="zendesk_fivetran",
    name="Zendesk tickets (Fivetran)",
    source="tickets",
    signature=("id", "requester_id", "created_at", "via_channel", "_fivetran_synced"),
    columns={
        "ticket_id": Col("id"),
        "customer_id": Col("requester_id"),
        "created_at": Col("created_at"),
        "type": Lower(Col("type")),
        "priority": Lower(Col("priority")),
        "channel": Lower(Col("via_channel")),
        "team": Col("group_id"),
        "agent": Col("assignee_id"),
        "promised_at": Col("due_at"),
    },
    skip=(Skip(Col("status"), ("deleted",), "deleted tickets"),),
    drop=PERSONAL + ("via_source_to_address", "via_source_from_address"),
)

RATINGS = Format(
    key="zendesk_ratings",
    name="Zendesk API satisfaction ratings",
    source="surveys",
    signature=("id", "requester_id", "ticket_id", "score"),
    records=("satisfaction_ratings", ""),
    columns={
        "response_id": Col("id"),
        "customer_id": Col("requester_id"),
        "ticket_id": Col("ticket_id"),
        "submitted_at": Col("created_at"),
        "csat": Map(Col("score"), (("good", "5"), ("bad", "1"))),
        "comment": Col("comment"),
    },
    # Offered and unoffered: a survey sent or not sent, not an answer.
    skip=(Skip(Col("score"), ("offered", "unoffered"), "ratings offered but not given"),),
)

# The ticket export's Satisfaction Score as post-ticket survey responses, read from the
# tickets folder's Zendesk CSV files, unless a ratings file (the richer record) is present.
CSAT_FROM_TICKETS = Format(
    key="zendesk_csv_csat",
    name="Zendesk Support CSV export: Satisfaction Score",
    source="surveys",
    signature=CSV_EXPORT.signature + ("Satisfaction Score",),
    columns={
        "response_id": Prefixed("zendesk-csat-", Col("Id")),
        "customer_id": Col("Requester id"),
        "ticket_id": Col("Id"),
        "submitted_at": Col("Solved at"),
        "csat": Map(Col("Satisfaction Score"), (("good", "5"), ("bad", "1"))),
    },
    skip=(
        DELETED,
        Skip(Col("Satisfaction Score"), ("good", "bad"), "tickets without a satisfaction rating", unless=True),
    ),
    keep_extras=False,
    superseded_by=RATINGS.key,
)

FORMATS = (CSV_EXPORT, API_TICKETS, FIVETRAN_TICKETS, RATINGS)
