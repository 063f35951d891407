"""Delighted survey responses: the CSV download and the API's records."""

from cx.pipeline.importers.spec import Col, First, Format, Skip, When

MEASURED = ("nps", "csat", "ces")

CSV_EXPORT = Format(
    key="delighted_csv",
    name="Delighted CSV export",
    source="surveys",
    signature=("Response ID", "Person ID", "Score"),
    columns={
        "response_id": Col("Response ID"),
        "customer_id": Col("Person ID"),
        "submitted_at": First((Col("Date"), Col("Response Date"), Col("Created At"))),
        "nps": Col("Score"),
        "comment": Col("Comment"),
    },
    drop=("Name",),
)

API_RESPONSES = Format(
    key="delighted_api",
    name="Delighted API survey responses",
    source="surveys",
    signature=("id", "person", "score", "survey_type"),
    records=("survey_responses", ""),
    columns={
        "response_id": Col("id"),
        "customer_id": Col("person"),
        "submitted_at": Col("created_at"),  # epoch seconds
        "nps": When(Col("survey_type"), "nps", Col("score")),
        "csat": When(Col("survey_type"), "csat", Col("score")),
        "ces": When(Col("survey_type"), "ces", Col("score")),
        "comment": Col("comment"),
    },
    skip=(Skip(Col("survey_type"), MEASURED, "survey types the product does not measure", unless=True),),
)

FORMATS = (CSV_EXPORT, API_RESPONSES)
