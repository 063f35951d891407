"""Vendor exports, unchanged, give the same metrics as the same facts in canonical columns.

Each test writes the hand-made fixture (tests/fixtures/small) in a vendor's exact shape
(headers, header rows, JSON envelopes, value spellings, durations instead of timestamps,
local times with the zone the file states), plus rows the vendor marks as not an answer,
refreshes, and compares every KPI with the canonical build. The skipped rows are counted,
never rejected.
"""

from __future__ import annotations

import csv
import json
import math
import shutil
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pandas as pd
import pytest
from conftest import SMALL, build

from cx.config import Settings
from cx.metrics import kpis
from cx.pipeline import importers
from cx.pipeline.importers import mapping_file


def utc(text: str) -> datetime | None:
    if not text:
        return None
    ts = pd.Timestamp(text)
    if ts.tzinfo is None:
        ts = ts.tz_localize("UTC")
    return ts.tz_convert("UTC").to_pydatetime()


def fmt(ts: datetime | None, pattern: str = "%Y-%m-%d %H:%M:%S") -> str:
    return ts.strftime(pattern) if ts else ""


def frame(source: str, name: str) -> pd.DataFrame:
    df = pd.read_csv(SMALL / source / name, dtype=str, keep_default_na=False)
    df.columns = [c.lower() for c in df.columns]
    return df


def all_kpis(path: Path) -> dict:
    with duckdb.connect(str(path), read_only=True) as con:
        return kpis(con)


def same(a: dict, b: dict, keys=None) -> list[str]:
    diffs = []
    for k in keys or a:
        x, y = a[k], b[k]
        if x is None or y is None:
            if x is not y:
                diffs.append(f"{k}: {x} != {y}")
        elif not math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-9):
            diffs.append(f"{k}: {x} != {y}")
    return diffs


@pytest.fixture(scope="module")
def canonical(tmp_path_factory) -> dict:
    target = tmp_path_factory.mktemp("canonical") / "w.duckdb"
    assert build(SMALL, target).published
    return all_kpis(target)


def data_with(tmp_path: Path, source: str) -> Path:
    data = tmp_path / "data"
    shutil.copytree(SMALL, data)
    for p in (data / source).iterdir():
        p.unlink()
    return data


def refreshed(data: Path, tmp_path: Path):
    result = build(data, tmp_path / "w.duckdb")
    assert result.published, result.message
    return result, all_kpis(tmp_path / "w.duckdb")


# --- tickets ---------------------------------------------------------------------------------

def zendesk_rows(df: pd.DataFrame) -> list[dict]:
    rows = []
    for r in df.to_dict("records"):
        created, first = utc(r["created_at"]), utc(r["first_response_at"])
        minutes = "" if first is None else f"{(first - created).total_seconds() / 60:g}"
        rows.append({
            "Summation column": "", "Id": r["ticket_id"], "Requester": "Ann Person", "Requester id": r["customer_id"],
            "Requester email": f"{r['customer_id'].lower()}@example.com",
            "Status": (r.get("status") or "solved").title(),
            "Priority": r["priority"].title(), "Via": r["channel"].title(), "Ticket type": r["type"].title(),
            "Created at": fmt(created), "Solved at": fmt(utc(r["resolved_at"])), "Group": r["team"],
            "Assignee": "", "Reopens": r["reopens"], "Replies": r["replies"],
            "First reply time in minutes": minutes, "Due date": fmt(utc(r["promised_at"])),
            # Columns the format does not map are kept, under their own names.
            "Proactive": r["proactive"], "Apologized": r["apologized"], "Compensation": r["compensation"],
            "Region": r["region"],
        })
    return rows


def write_csv(path: Path, rows: list[dict], encoding: str = "utf-8", header_rows: list[list[str]] = ()) -> None:
    with path.open("w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh)
        w.writerow(rows[0].keys())
        for extra in header_rows:
            w.writerow(extra)
        for r in rows:
            w.writerow(r.values())


def test_zendesk_csv_export(tmp_path, canonical):
    data = data_with(tmp_path, "tickets")
    for name in ("tickets-2026-01.csv", "tickets-2026-02.csv"):
        rows = zendesk_rows(frame("tickets", name))
        deleted = dict(rows[0], Id="T99", Status="Deleted")
        write_csv(data / "tickets" / f"zendesk-{name}", rows + [deleted])
    result, got = refreshed(data, tmp_path)
    assert same(canonical, got) == []
    assert result.sources["tickets"].skipped == 2 and result.sources["tickets"].rejected == 0
    assert any("Zendesk Support CSV export, 3 rows, 1 skipped" in line for line in result.lines)
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        cols = {r[0] for r in con.execute("describe ticket_facts").fetchall()}
        assert not {"requester", "requester_email"} & cols  # personal columns are not kept
        assert con.execute("select skipped from refresh_inputs where file like '%2026-01%'").fetchone() == (1,)


def test_zendesk_api_tickets_with_metrics_beside_them(tmp_path, canonical):
    data = data_with(tmp_path, "tickets")
    for k, name in enumerate(("tickets-2026-01.csv", "tickets-2026-02.csv"), start=1):
        tickets, metrics = [], []
        for r in zendesk_rows(frame("tickets", name)):
            created = datetime.strptime(r["Created at"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
            tickets.append({
                "id": r["Id"], "requester_id": r["Requester id"],
                "created_at": created.isoformat().replace("+00:00", "Z"), "status": r["Status"].lower(),
                "type": r["Ticket type"].lower(), "priority": r["Priority"].lower() or None,
                "via": {"channel": r["Via"].lower(), "source": {"from": {}, "to": {}}},
                "group_id": r["Group"], "assignee_id": None,
                "due_at": (r["Due date"].replace(" ", "T") + "Z") if r["Due date"] else None,
                "proactive": r["Proactive"], "apologized": r["Apologized"], "compensation": r["Compensation"],
                "region": r["Region"],
            })
            minutes = r["First reply time in minutes"]
            metrics.append({
                "ticket_id": r["Id"], "reopens": int(r["Reopens"]) if r["Reopens"] else None,
                "replies": int(r["Replies"]) if r["Replies"] else None,
                "solved_at": (r["Solved at"].replace(" ", "T") + "Z") if r["Solved at"] else None,
                "reply_time_in_minutes": {"calendar": float(minutes) if minutes else None, "business": None},
            })
        tickets.append(dict(tickets[0], id="T99", status="deleted"))
        page = {"tickets": tickets, "next_page": None, "end_of_stream": True}
        (data / "tickets" / f"tickets-{k}.json").write_text(json.dumps(page, indent=2), encoding="utf-8")
        (data / "tickets" / f"ticket_metrics-{k}.json").write_text(
            json.dumps({"ticket_metrics": metrics}), encoding="utf-8"
        )
    result, got = refreshed(data, tmp_path)
    assert same(canonical, got) == []
    assert result.sources["tickets"].rejected == 0
    assert any("Zendesk API tickets, 3 rows, 1 skipped" in line for line in result.lines)


def test_freshdesk_export_hours_and_priorities(tmp_path, canonical):
    data = data_with(tmp_path, "tickets")
    for name in ("tickets-2026-01.csv", "tickets-2026-02.csv"):
        rows = []
        for r in frame("tickets", name).to_dict("records"):
            created, first = utc(r["created_at"]), utc(r["first_response_at"])
            hours = "" if first is None else f"{(first - created).total_seconds() / 3600:g}"
            prio = {"normal": "Medium", "": ""}.get(r["priority"], r["priority"].title())
            rows.append({
                "Ticket ID": r["ticket_id"], "Subject": "s", "Status": "Closed", "Priority": prio,
                "Source": r["channel"].title(), "Type": r["type"].title(), "Agent": "", "Group": r["team"],
                "Created time": fmt(created), "Due by Time": fmt(utc(r["promised_at"])),
                "Resolved time": fmt(utc(r["resolved_at"])), "First response time (in hrs)": hours,
                "Full name": "A Person", "Contact ID": r["customer_id"], "Reopens": r["reopens"],
                "Replies": r["replies"], "Proactive": r["proactive"], "Apologized": r["apologized"],
                "Compensation": r["compensation"], "Region": r["region"],
            })
        write_csv(data / "tickets" / f"freshdesk-{name}", rows)
    result, got = refreshed(data, tmp_path)
    assert same(canonical, got) == []
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        assert con.execute("select priority from ticket_facts where ticket_id = 'T3'").fetchone() == ("normal",)


# --- surveys ---------------------------------------------------------------------------------

def test_qualtrics_export_with_zone_nps_group_and_a_mapping(tmp_path, canonical):
    """Row 3's timeZone applies to RecordedDate; Q5 beside Q5_NPS_GROUP is the NPS; -99 is
    not an answer; an unfinished response is skipped; csat, ces and comment come from the
    mapping file, as Qualtrics question tags differ per survey."""
    data = data_with(tmp_path, "surveys")
    denver = ZoneInfo("America/Denver")
    df = frame("surveys", "surveys.csv")
    rows = []
    for r in df.to_dict("records"):
        local = utc(r["submitted_at"]).astimezone(denver)
        nps = r["nps"]
        group = "" if not nps else ("Promoter" if int(nps) >= 9 else "Detractor" if int(nps) <= 6 else "Passive")
        rows.append({
            "StartDate": fmt(local), "EndDate": fmt(local), "Status": "0", "Finished": "1",
            "RecordedDate": fmt(local), "ResponseId": f"R_{r['response_id']}", "RecipientEmail": "x@example.com",
            "ExternalReference": r["customer_id"], "Q5": nps or "-99", "Q5_NPS_GROUP": group,
            "Q7": r["csat"], "Q8": r["ces"] or "-99", "Q9": r["comment"], "ticket_id": r["ticket_id"],
            "region": r["region"],
        })
    rows.append(dict(rows[0], ResponseId="R_unfinished", Finished="0"))
    texts = ["Start Date", "End Date", "Response Type", "Finished", "Recorded Date", "Response ID", "Email",
             "External Data Reference", "How likely...", "NPS group", "How satisfied...", "Easy?", "Comments",
             "ticket_id", "region"]
    ids = [json.dumps({"ImportId": k, "timeZone": "America/Denver"}) for k in rows[0]]
    write_csv(data / "surveys" / "qualtrics.csv", rows, header_rows=[texts, ids])
    (data / "mappings.toml").write_text(
        '[[mapping]]\nfiles = "surveys/qualtrics*.csv"\nsource = "surveys"\n'
        '[mapping.columns]\ncsat = "Q7"\nces = "Q8"\ncomment = "Q9"\n', encoding="utf-8",
    )
    result, got = refreshed(data, tmp_path)
    assert same(canonical, got) == []
    assert result.sources["surveys"].skipped == 1 and result.sources["surveys"].rejected == 0
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        assert con.execute("select submitted_at from survey_facts where response_id = 'R_S1'").fetchone() == (
            datetime(2026, 1, 6, 12, 0),
        )
        assert "recipientemail" not in {r[0].lower() for r in con.execute("describe survey_facts").fetchall()}


def test_zendesk_ratings_in_an_envelope_file(tmp_path, canonical):
    """A connector's line envelopes: the satisfaction_ratings stream's good/bad scores become
    csat 5/1; offered ratings and the other streams' records are skipped."""
    data = tmp_path / "data"
    shutil.copytree(SMALL, data)
    lines = [
        {"stream": "satisfaction_ratings", "data": {"id": 901, "requester_id": "C1", "ticket_id": "T2",
                                                    "score": "good", "created_at": "2026-02-26T10:00:00Z",
                                                    "comment": "thanks"}, "emitted_at": 1},
        {"stream": "satisfaction_ratings", "data": {"id": 902, "requester_id": "C2", "ticket_id": "T3",
                                                    "score": "offered", "created_at": "2026-02-26T10:00:00Z"},
         "emitted_at": 1},
        {"stream": "tickets", "data": {"id": 5, "via": {"channel": "web"}}, "emitted_at": 1},
    ]
    (data / "surveys" / "zendesk.jsonl").write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    result, got = refreshed(data, tmp_path)
    assert got["responses"] == canonical["responses"] + 1
    assert result.sources["surveys"].skipped == 2 and result.sources["surveys"].rejected == 0
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        assert con.execute("select csat, ticket_id from survey_facts where response_id = '901'").fetchone() == (5, "T2")


def test_surveymonkey_export_labels_and_us_dates(tmp_path, canonical):
    data = tmp_path / "data"
    shutil.copytree(SMALL, data)
    question = "How likely is it that you would recommend us to a friend or colleague?"
    rows = [
        {"Respondent ID": "1101", "Collector ID": "9", "Start Date": "02/26/2026 09:58:00 AM",
         "End Date": "02/26/2026 10:01:05 AM", "IP Address": "10.0.0.1", "Email Address": "",
         "First Name": "", "Last Name": "", "Custom Data 1": "C3", question: "10 - Extremely likely"},
        {"Respondent ID": "1102", "Collector ID": "9", "Start Date": "02/26/2026 01:00:00 PM",
         "End Date": "02/26/2026 01:02:00 PM", "IP Address": "10.0.0.2", "Email Address": "",
         "First Name": "", "Last Name": "", "Custom Data 1": "", question: "0 - Not at all likely"},
    ]
    labels = ["", "", "", "", "", "", "", "", "", "Response"]
    write_csv(data / "surveys" / "monkey.csv", rows, header_rows=[labels])
    result, got = refreshed(data, tmp_path)
    assert got["responses"] == canonical["responses"] + 2
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        got_rows = con.execute(
            "select response_id, customer_id, nps, submitted_at from survey_facts where response_id like '110%' "
            "order by 1"
        ).fetchall()
    # The second response is anonymous: kept, counted in the survey metrics only.
    assert got_rows == [("1101", "C3", 10, datetime(2026, 2, 26, 10, 1, 5)),
                        ("1102", None, 0, datetime(2026, 2, 26, 13, 2))]


def test_delighted_api_records_epoch_seconds(tmp_path, canonical):
    data = tmp_path / "data"
    shutil.copytree(SMALL, data)
    when = int(datetime(2026, 2, 26, 10, tzinfo=UTC).timestamp())
    records = [
        {"id": "7001", "person": "C4", "survey_type": "nps", "score": 9, "comment": "ok", "created_at": when},
        {"id": "7002", "person": "C4", "survey_type": "smileys", "score": 2, "created_at": when},
    ]
    (data / "surveys" / "delighted.json").write_text(json.dumps(records), encoding="utf-8")
    result, got = refreshed(data, tmp_path)
    assert got["responses"] == canonical["responses"] + 1
    assert result.sources["surveys"].skipped == 1
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        assert con.execute("select nps, submitted_at from survey_facts where response_id = '7001'").fetchone() == (
            9, datetime(2026, 2, 26, 10),
        )


def test_jalali_dates_with_persian_digits(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(SMALL, data)
    (data / "surveys" / "persian.csv").write_text(
        "response_id,customer_id,submitted_at,nps\nP1,C1,۱۴۰۴/۱۲/۰۵ ۱۴:۳۰,۹\nP2,C2,1404-12-06,3\n", encoding="utf-8",
    )
    result = build(data, tmp_path / "w.duckdb")
    assert result.published, result.message
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        got = con.execute(
            "select response_id, submitted_at, nps from survey_facts where response_id like 'P%' order by 1"
        ).fetchall()
    # 5 Esfand 1404 is 24 February 2026 (jdatetime).
    assert got == [("P1", datetime(2026, 2, 24, 14, 30), 9), ("P2", datetime(2026, 2, 25), 3)]


def test_an_unreadable_jalali_date_is_a_rejected_row(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(SMALL, data)
    # 1404 is not a leap year: Esfand has 29 days.
    (data / "surveys" / "persian.csv").write_text(
        "response_id,customer_id,submitted_at,nps\nP1,C1,1404/12/30 10:00,9\nP2,C1,1404/13/01,9\n", encoding="utf-8",
    )
    result = build(data, tmp_path / "w.duckdb", Settings(max_rejected_pct=50))
    assert result.published, result.message
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        got = con.execute(
            "select line, reason from rejected_rows where file = 'surveys/persian.csv' order by 1"
        ).fetchall()
    assert [line for line, _ in got] == [2, 3]
    assert all("is not a readable timestamp" in reason for _, reason in got)


# --- reviews ---------------------------------------------------------------------------------

REVIEW_KPIS = ("reviews", "review_rating_avg", "negative_review_pct", "review_reply_pct", "review_reply_hours_median",
               "high_expectation_pct")


def review_rows():
    return frame("reviews", "reviews.csv").to_dict("records")


def test_trustpilot_export(tmp_path, canonical):
    data = data_with(tmp_path, "reviews")
    rows = [{
        "Review Created (UTC)": fmt(utc(r["posted_at"])), "Review Id": r["review_id"], "Review Stars": r["rating"],
        "Review Title": r["title"], "Review Content": r["body"], "Review Username": "someone",
        "Review Language": "fa", "Reference Id": r["customer_id"], "Helpful Votes": r["helpful_votes"],
        "Company Reply Date (UTC)": fmt(utc(r["replied_at"])),
    } for r in review_rows()]
    write_csv(data / "reviews" / "trustpilot.csv", rows)
    _, got = refreshed(data, tmp_path)
    assert same(canonical, got, REVIEW_KPIS) == []


def test_google_business_profile_and_app_store_json(tmp_path, canonical):
    data = data_with(tmp_path, "reviews")
    stars = {1: "ONE", 2: "TWO", 3: "THREE", 4: "FOUR", 5: "FIVE"}
    rows = review_rows()
    google = [{
        "reviewId": r["review_id"], "reviewer": {"displayName": "A", "isAnonymous": False},
        "starRating": stars[int(r["rating"])], "comment": r["body"],
        "createTime": utc(r["posted_at"]).isoformat().replace("+00:00", ".000000000Z"),
        "customer_id": r["customer_id"], "helpful_votes": r["helpful_votes"],
        **({"reviewReply": {"comment": "Sorry", "updateTime": utc(r["replied_at"]).isoformat()}}
           if r["replied_at"] else {}),
    } for r in rows[:2]]
    (data / "reviews" / "google.json").write_text(
        json.dumps({"reviews": google, "averageRating": 3.5, "totalReviewCount": 2}), encoding="utf-8",
    )
    apple, included = [], []
    for r in rows[2:]:
        review = {"type": "customerReviews", "id": r["review_id"],
                  "attributes": {"rating": int(r["rating"]), "title": r["title"], "body": r["body"],
                                 "reviewerNickname": "nick", "territory": "USA",
                                 "createdDate": utc(r["posted_at"]).astimezone(ZoneInfo("America/Los_Angeles"))
                                 .isoformat()},
                  "customer_id": r["customer_id"], "helpful_votes": r["helpful_votes"]}
        if r["replied_at"]:
            ref = {"type": "customerReviewResponses", "id": "R" + r["review_id"]}
            review["relationships"] = {"response": {"data": ref}}
            replied = utc(r["replied_at"]).isoformat()
            included.append(dict(ref, attributes={"state": "PUBLISHED", "lastModifiedDate": replied}))
        apple.append(review)
    (data / "reviews" / "appstore.json").write_text(
        json.dumps({"data": apple, "included": included, "links": {}}), encoding="utf-8",
    )
    result, got = refreshed(data, tmp_path)
    assert same(canonical, got, REVIEW_KPIS) == []
    assert any("Google Business Profile reviews, 2 rows" in line for line in result.lines)
    assert any("App Store Connect customer reviews, 2 rows" in line for line in result.lines)


def test_google_play_report_utf16_without_review_ids(tmp_path, canonical):
    data = data_with(tmp_path, "reviews")
    rows = [{
        "Package Name": "com.example.app", "App Version Code": "1", "Reviewer Language": "fa",
        "Review Submit Date and Time": utc(r["posted_at"]).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "Star Rating": r["rating"], "Review Title": r["title"], "Review Text": r["body"],
        "Developer Reply Date and Time": utc(r["replied_at"]).strftime("%Y-%m-%dT%H:%M:%SZ") if r["replied_at"] else "",
        "Review Link": "", "customer_id": r["customer_id"], "helpful_votes": r["helpful_votes"],
    } for r in review_rows()]
    write_csv(data / "reviews" / "reviews_com.example.app_202602.csv", rows, encoding="utf-16")
    _, got = refreshed(data, tmp_path)
    assert same(canonical, got, REVIEW_KPIS) == []
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        ids = [r[0] for r in con.execute("select review_id from review_facts").fetchall()]
    assert len(set(ids)) == 4 and all(i.startswith("gp-") for i in ids)


# --- recognition and messages ----------------------------------------------------------------

def test_every_format_is_recognised_by_its_own_signature_only():
    for f in importers.FORMATS:
        if f.records:
            continue
        others = [g.key for g in importers.formats_for(f.source) if g is not f and g.matches(f.signature)]
        assert importers.recognise(f.source, list(f.signature)) is f or others, f.key


def test_a_file_near_a_known_format_names_what_it_lacks(tmp_path):
    data = data_with(tmp_path, "tickets")
    (data / "tickets" / "export.csv").write_text(
        "Id,Requester id,Created at\nT1,C1,2026-01-05 09:00\n", encoding="utf-8"
    )
    result = build(data, tmp_path / "w.duckdb")
    assert not result.published
    assert "closest known format is Zendesk Support CSV export, which also has First reply time in minutes" in (
        result.message
    )


def test_rows_under_an_unknown_key_say_where_they_were(tmp_path):
    data = data_with(tmp_path, "tickets")
    (data / "tickets" / "t.json").write_text(json.dumps({"items": [{"ticket": "T1"}]}), encoding="utf-8")
    result = build(data, tmp_path / "w.duckdb")
    assert not result.published and "rows were read from under `items`" in result.message


def test_an_exports_own_line_column_is_kept_apart_from_the_line_number(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(SMALL, data)
    (data / "surveys" / "fivetran.csv").write_text(
        "_file,_line,response_id,customer_id,submitted_at,nps\nx.csv,77,F1,C1,2026-02-01 10:00,11\n", encoding="utf-8",
    )
    result = build(data, tmp_path / "w2.duckdb", Settings(max_rejected_pct=50))
    assert result.published, result.message
    with duckdb.connect(str(tmp_path / "w2.duckdb"), read_only=True) as con:
        assert con.execute("select line, reason from rejected_rows where file = 'surveys/fivetran.csv'").fetchall() == [
            (2, "nps 11 is outside 0-10")
        ]


def test_mapping_file_round_trip_and_its_errors():
    m = mapping_file.Mapping(
        files="surveys/widget-*.csv", source="surveys", columns={"response_id": "Submission", "nps": "Score"},
        fixed={"channel": "web"}, values={"csat": {"good": "5", "bad": "1"}}, time_zone="Asia/Tehran", header_rows=1,
    )
    back = mapping_file.parse(m.as_toml())
    assert back == [m]
    with pytest.raises(Exception, match="not surveys columns"):
        mapping_file.parse('[[mapping]]\nfiles = "x"\nsource = "surveys"\n[mapping.columns]\nscore = "S"\n')
    with pytest.raises(Exception, match="unknown time zone"):
        mapping_file.parse('[[mapping]]\nfiles = "x"\nsource = "surveys"\ntime_zone = "Mars/Base"\n')


def test_mapping_file_maps_an_unknown_layout(tmp_path, canonical):
    data = tmp_path / "data"
    shutil.copytree(SMALL, data)
    (data / "surveys" / "widget.csv").write_text(
        "Submission,When,Feeling\nW1,1404/12/07 10:00,good\nW2,1404/12/07 11:00,bad\n", encoding="utf-8",
    )
    (data / "mappings.toml").write_text(
        '[[mapping]]\nfiles = "surveys/widget*.csv"\nsource = "surveys"\ntime_zone = "Asia/Tehran"\n'
        '[mapping.columns]\nresponse_id = "Submission"\nsubmitted_at = "When"\ncsat = "Feeling"\n'
        '[mapping.fixed]\nchannel = "web"\n[mapping.values.csat]\ngood = 5\nbad = 1\n', encoding="utf-8",
    )
    result, got = refreshed(data, tmp_path)
    assert got["responses"] == canonical["responses"] + 2
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        rows = con.execute(
            "select response_id, submitted_at, csat, channel, customer_id from survey_facts "
            "where response_id like 'W%' order by 1"
        ).fetchall()
    # 7 Esfand 1404 10:00 in Tehran (+03:30) is 26 February 2026 06:30 UTC.
    assert rows == [("W1", datetime(2026, 2, 26, 6, 30), 5, "web", None),
                    ("W2", datetime(2026, 2, 26, 7, 30), 1, "web", None)]


def test_an_anonymous_response_counts_in_the_survey_metrics_only(tmp_path, canonical):
    """Nine NPS answers in the fixture: promoters 10, 9, 9, 10 and detractors 3, 5, 6, so NPS
    is 100 * (4 - 3) / 9 = 11.1. An anonymous 10 makes it 100 * (5 - 3) / 10 = 20; it is no
    customer's, so the no-failure group and the high-expectation share do not move."""
    data = tmp_path / "data"
    shutil.copytree(SMALL, data)
    (data / "surveys" / "widget.csv").write_text(
        "response_id,customer_id,submitted_at,nps\nA1,,2026-02-10 10:00,10\n", encoding="utf-8",
    )
    _, got = refreshed(data, tmp_path)
    assert canonical["nps"] == pytest.approx(100 / 9)
    assert got["responses"] == canonical["responses"] + 1
    assert got["nps"] == pytest.approx(20.0)
    assert same(canonical, got, ("nps_no_failure", "nps_after_recovery", "high_expectation_pct")) == []


def zendesk_with_scores(data: Path) -> None:
    for p in (data / "tickets").iterdir():
        p.unlink()
    rows = zendesk_rows(frame("tickets", "tickets-2026-02.csv"))
    scores = {"T3": "Good", "T6": "Bad", "T7": "Offered"}
    for r in rows:
        r["Satisfaction Score"] = scores.get(r["Id"], "")
    write_csv(data / "tickets" / "zendesk.csv", rows)


def test_zendesk_satisfaction_scores_become_post_ticket_responses(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(SMALL, data)
    zendesk_with_scores(data)
    result = build(data, tmp_path / "w.duckdb")
    assert result.published, result.message
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        got = con.execute(
            "select response_id, customer_id, ticket_id, csat, submitted_at from survey_facts "
            "where response_id like 'zendesk-%' order by 1"
        ).fetchall()
    # Good -> 5 and Bad -> 1, submitted when the ticket was solved; Offered and empty are skipped.
    assert got == [("zendesk-csat-T3", "C2", "T3", 5, datetime(2026, 1, 22, 8)),
                   ("zendesk-csat-T6", "C1", "T6", 1, datetime(2026, 2, 10, 12, 30))]
    assert result.sources["surveys"].skipped == 3 and result.sources["surveys"].rejected == 0
    assert any("tickets/zendesk.csv (Satisfaction Score): Zendesk Support CSV export: Satisfaction Score, 2 rows"
               in line for line in result.lines)


def test_a_ratings_file_replaces_the_ticket_exports_scores(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(SMALL, data)
    zendesk_with_scores(data)
    ratings = {"satisfaction_ratings": [{"id": 1, "requester_id": "C2", "ticket_id": "T3", "score": "good",
                                         "created_at": "2026-01-22T09:00:00Z"}]}
    (data / "surveys" / "ratings.json").write_text(json.dumps(ratings), encoding="utf-8")
    result = build(data, tmp_path / "w.duckdb")
    assert result.published, result.message
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        ids = {r[0] for r in con.execute("select response_id from survey_facts").fetchall()}
    assert "1" in ids and not any(i.startswith("zendesk-csat-") for i in ids)


def test_qualtrics_xml_export(tmp_path):
    """One element per response; Q3 beside Q3_NPS_GROUP is the NPS; -99 is not an answer;
    finished False is skipped."""
    data = tmp_path / "data"
    shutil.copytree(SMALL, data)
    def response(rid, nps, group, finished="True", when="2026-02-26 10:00:00"):
        return (f"<Response><startDate>{when}</startDate><finished>{finished}</finished>"
                f"<recordedDate>{when}</recordedDate><_recordId>{rid}</_recordId>"
                f"<recipientEmail>a@example.com</recipientEmail><externalDataReference>C1</externalDataReference>"
                f"<QID3>{nps}</QID3><QID3_NPS_GROUP>{group}</QID3_NPS_GROUP><QID4_TEXT>multi\nline</QID4_TEXT>"
                "</Response>")
    body = response("R_a", "9", "Promoter") + response("R_b", "-99", "") + response("R_c", "3", "Detractor", "False")
    (data / "surveys" / "qualtrics.xml").write_text(f'<?xml version="1.0" ?>\n<Responses>{body}</Responses>\n',
                                                   encoding="utf-8")
    result = build(data, tmp_path / "w.duckdb", Settings(max_rejected_pct=50))
    assert result.published, result.message
    assert result.sources["surveys"].skipped == 1
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        kept = con.execute(
            "select response_id, customer_id, nps from survey_facts where response_id like 'R_%'"
        ).fetchall()
        rejected = con.execute("select line, reason from rejected_rows where file = 'surveys/qualtrics.xml'").fetchall()
    # R_b has no score once -99 is read as empty: rejected, at its position (the 2nd record).
    assert kept == [("R_a", "C1", 9)]
    assert rejected == [(2, "none of nps, csat, ces is set: a response needs a score")]


def test_an_xml_bomb_is_refused(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(SMALL, data)
    (data / "surveys" / "bomb.xml").write_text(
        '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        "<r><Response><x>&b;</x></Response></r>", encoding="utf-8",
    )
    result = build(data, tmp_path / "w.duckdb")
    assert not result.published and "surveys/bomb.xml: the file cannot be read as XML" in result.message
