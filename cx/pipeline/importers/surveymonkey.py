"""SurveyMonkey's CSV export: question texts as the header, a second row of answer labels."""

from cx.pipeline.importers.spec import Col, EmailKey, First, Format, HeaderStarts, LeadingInt, Strptime

CSV_EXPORT = Format(
    key="surveymonkey",
    name="SurveyMonkey CSV export",
    source="surveys",
    signature=("Respondent ID", "Collector ID", "Start Date", "End Date"),
    columns={
        "response_id": Col("Respondent ID"),
        "customer_id": First((Col("Custom Data 1"), EmailKey(Col("Email Address")))),
        # US dates, in the account's zone (read in the configured one).
        "submitted_at": Strptime(
            Col("End Date"), ("%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %I:%M %p", "%m/%d/%Y %H:%M"),
        ),
        "nps": LeadingInt(HeaderStarts("How likely is it that you would recommend")),
    },
    header_rows=1,
    drop=("IP Address", "First Name", "Last Name"),
)

FORMATS = (CSV_EXPORT,)
