"""Qualtrics survey CSV exports: the current one (three header rows: names, question texts,
import IDs with the time zone) and the older ones (2017 Insights, legacy V1..Vn)."""

import ast
import json
from dataclasses import replace

from cx.pipeline.importers.spec import Col, FileZone, First, Format, Skip, WithCompanion


def file_zone(header_rows: list[dict]) -> str | None:
    """Row 3's `{"ImportId": "recordedDate", "timeZone": "America/Denver"}` (JSON, or the
    2017 exports' Python-dict quoting), when the export states one."""
    for row in header_rows:
        for value in row.values():
            text = str(value or "").strip()
            if not text.startswith("{") or "imezone" not in text.lower():
                continue
            try:
                meta = json.loads(text)
            except json.JSONDecodeError:
                try:
                    meta = ast.literal_eval(text)
                except (ValueError, SyntaxError):
                    continue
            zone = meta.get("timeZone") or meta.get("timezone") if isinstance(meta, dict) else None
            if zone:
                return str(zone)
    return None


COLUMNS = {
    "response_id": Col("ResponseId"),
    # An embedded-data field named like the contract's column wins over the reference.
    "customer_id": First((Col("customer_id"), Col("ExternalReference"), Col("ExternalDataReference"))),
    "submitted_at": FileZone(First((Col("RecordedDate"), Col("EndDate")))),
    "nps": WithCompanion("_NPS_GROUP"),
}
UNFINISHED = Skip(Col("Finished"), ("0", "false"), "unfinished responses")
PERSONAL = (
    "RecipientEmail", "RecipientFirstName", "RecipientLastName", "IPAddress", "EmailAddress", "Name",
    "LocationLatitude", "LocationLongitude",
)

CSV_EXPORT = Format(
    key="qualtrics",
    name="Qualtrics CSV export",
    source="surveys",
    signature=("ResponseId", "RecordedDate"),
    columns=COLUMNS,
    skip=(UNFINISHED,),
    header_rows=2,
    nulls=("-99",),
    drop=PERSONAL,
    zone_hook=file_zone,
    priority=1,
)

# The 2017 Insights export (and, renamed from its second row, the legacy one): the same
# mapping, recognised without RecordedDate.
OLDER_EXPORT = replace(
    CSV_EXPORT,
    key="qualtrics_older",
    name="Qualtrics CSV export (older layout)",
    signature=("ResponseId", "StartDate", "EndDate", "Finished"),
    priority=0,
)

XML_EXPORT = Format(
    key="qualtrics_xml",
    name="Qualtrics XML export",
    source="surveys",
    signature=("_recordId", "recordedDate"),
    columns={
        "response_id": Col("_recordId"),
        "customer_id": First((Col("customer_id"), Col("externalDataReference"))),
        "submitted_at": First((Col("recordedDate"), Col("endDate"))),
        "nps": WithCompanion("_NPS_GROUP"),
    },
    skip=(Skip(Col("finished"), ("0", "false"), "unfinished responses"),),
    nulls=("-99",),
    drop=PERSONAL + ("recipientEmail", "recipientFirstName", "recipientLastName", "ipAddress",
                     "locationLatitude", "locationLongitude"),
)

FORMATS = (CSV_EXPORT, OLDER_EXPORT, XML_EXPORT)
