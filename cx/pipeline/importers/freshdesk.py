"""Freshdesk's ticket export (CSV)."""

from cx.pipeline.importers.spec import Col, EmailKey, First, Format, Lower, Map, PlusMinutes

TICKETS = Format(
    key="freshdesk",
    name="Freshdesk ticket export",
    source="tickets",
    signature=("Ticket ID", "Created time", "Resolved time"),
    columns={
        "ticket_id": Col("Ticket ID"),
        "customer_id": First((Col("Contact ID"), EmailKey(First((Col("Requester Email"), Col("Email")))))),
        "created_at": Col("Created time"),
        "resolved_at": Col("Resolved time"),
        # Hours as a decimal (0.5) or a clock (00:30:00).
        "first_response_at": PlusMinutes(Col("Created time"), Col("First response time (in hrs)"), 60.0),
        "type": Lower(Col("Type")),
        "priority": Map(Lower(Col("Priority")), (("medium", "normal"),)),
        "channel": Lower(Col("Source")),
        "team": Col("Group"),
        "agent": Col("Agent"),
        "promised_at": Col("Due by Time"),
    },
    drop=("Full name", "Requester Name", "Contact Name"),
)

FORMATS = (TICKETS,)
