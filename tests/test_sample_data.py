"""The sample-data generator: determinism, file layout, the contract's validation rules and
the planted effects (checked on a 2000-customer sample with loose bounds)."""

import re

import duckdb
import pyarrow.parquet as pq
import pytest

from simulator import generator as sample_data

HEADERS = {
    "customers": "customer_id,region,product,tier,language,signup_at,email",
    "surveys": "response_id,customer_id,submitted_at,ticket_id,nps,csat,ces,comment,channel,region,product,tier",
    "reviews": "review_id,platform,posted_at,rating,title,body,customer_id,helpful_votes,replied_at,language,"
    "product,region",
    "tickets": "ticket_id,customer_id,created_at,first_response_at,resolved_at,type,priority,channel,team,agent,"
    "reopens,replies,promised_at,proactive,apologized,compensation,region,product,tier",
}
FAILURES = "('incident', 'problem', 'complaint')"


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    out = tmp_path_factory.mktemp("sample")
    return out, sample_data.generate(out, customers=2000)


@pytest.fixture(scope="module")
def db(sample):
    return load(sample[0])


def load(folder) -> duckdb.DuckDBPyConnection:
    """Tables of the CSVs (each read once): raw rows with their file, and typed rows with
    tickets deduplicated (the file that sorts last wins)."""
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")

    def raw(source):
        return f"read_csv('{folder}/{source}/*.csv', all_varchar = true, filename = true, header = true)"

    con.execute(f"create table raw_tickets as select * from {raw('tickets')}")
    con.execute("""create table tickets as
        select ticket_id, customer_id, created_at::timestamptz as created_at,
            first_response_at::timestamptz as first_response_at, resolved_at::timestamptz as resolved_at,
            type, priority, channel, team, agent, reopens::int as reopens, replies::int as replies,
            promised_at::timestamptz as promised_at, proactive::boolean as proactive,
            apologized::boolean as apologized, compensation::double as compensation,
            date_diff('second', created_at::timestamptz, first_response_at::timestamptz) / 3600 as fr_hours
        from raw_tickets
        qualify row_number() over (partition by ticket_id order by filename desc) = 1""")
    con.execute(f"create table raw_surveys as select * from {raw('surveys')}")
    con.execute("""create table surveys as
        select response_id, customer_id, submitted_at::timestamp::timestamptz as submitted_at, ticket_id,
            nps::int as nps, csat::int as csat, ces::int as ces, comment
        from raw_surveys""")
    con.execute(f"create table raw_reviews as select * from {raw('reviews')}")
    con.execute("""create table reviews as
        select review_id, customer_id, posted_at::timestamptz as posted_at, rating::int as rating,
            replied_at::timestamptz as replied_at, language
        from raw_reviews""")
    con.execute(f"create table customers as select * from {raw('customers')}")
    return con


def one(con, sql):
    return con.execute(sql).fetchone()


# --- determinism and layout ---------------------------------------------------------------
def test_same_arguments_give_identical_bytes(tmp_path):
    a = sample_data.generate(tmp_path / "a", customers=300, seed=3)
    b = sample_data.generate(tmp_path / "b", customers=300, seed=3)
    sample_data.generate(tmp_path / "c", customers=300, seed=4)
    names = [f.replace(str(tmp_path / "a"), "") for f in a["files"]]
    assert names == [f.replace(str(tmp_path / "b"), "") for f in b["files"]]
    for name in names:
        assert (tmp_path / ("a" + name)).read_bytes() == (tmp_path / ("b" + name)).read_bytes(), name
    assert (tmp_path / "a/tickets/tickets-2026-03.csv").read_bytes() != (
        tmp_path / "c/tickets/tickets-2026-03.csv"
    ).read_bytes()
    assert {k: v for k, v in a.items() if k != "files"} == {k: v for k, v in b.items() if k != "files"}


def test_files_headers_and_counts(sample, db):
    out, summary = sample
    files = {f.replace(str(out) + "/", "") for f in summary["files"]}
    months = [f"2025-{m}" for m in ("11", "12")] + [f"2026-{m:02d}" for m in range(1, 11)]
    assert files == {
        "customers/customers.csv", "reviews/reviews.csv", "surveys/surveys-2025H2.csv",
        "surveys/surveys-2026.csv", *(f"tickets/tickets-{m}.csv" for m in months),
    }
    for name in files:
        header = (out / name).read_text(encoding="utf-8").split("\n", 1)[0]
        assert header == HEADERS[name.split("/")[0]], name
    for source in ("customers", "surveys", "reviews"):
        assert one(db, f"select count(*) from {'customers' if source == 'customers' else 'raw_' + source}")[0] == (
            summary[source]
        )
    assert one(db, "select count(*) from raw_tickets")[0] == summary["tickets"]
    assert summary["customers"] == 2000
    assert one(db, "select count(*) from tickets")[0] == 5000  # 2.5 per customer
    assert 0.08 <= summary["reviews"] / 5000 <= 0.12


def test_explicit_tickets_scale_the_other_sources(tmp_path):
    summary = sample_data.generate(tmp_path / "x", customers=100, tickets=3000)
    con = load(tmp_path / "x")
    assert one(con, "select count(distinct ticket_id) from raw_tickets")[0] == 3000
    assert summary["reviews"] == 300
    post = one(con, "select count(*) from surveys where ticket_id is not null")[0]
    assert 0.2 <= post / 3000 <= 0.45
    empty = sample_data.generate(tmp_path / "none", customers=50, tickets=0)
    assert empty["tickets"] == 0 and empty["reviews"] == 0 and empty["surveys"] > 0
    assert all((tmp_path / "none" / f).exists() for f in ("tickets/tickets-2026-10.csv", "reviews/reviews.csv"))


def test_parquet_has_the_same_columns(tmp_path):
    summary = sample_data.generate(tmp_path / "p", customers=100, fmt="parquet")
    table = pq.read_table(tmp_path / "p/surveys/surveys-2026.parquet")
    assert ",".join(table.column_names) == HEADERS["surveys"]
    assert summary["surveys"] > 0


# --- the contract's rules -----------------------------------------------------------------
def test_ids_unique_within_each_file(db):
    for source, key in (("raw_tickets", "ticket_id"), ("raw_surveys", "response_id"), ("raw_reviews", "review_id")):
        repeated = f"select filename, {key} from {source} group by all having count(*) > 1"
        assert one(db, f"select count(*) from ({repeated})")[0] == 0
    assert one(db, "select count(*) - count(distinct customer_id) from customers")[0] == 0
    assert one(db, "select count(*) - count(distinct response_id) from raw_surveys")[0] == 0


def test_required_values_and_ranges(db):
    assert one(db, """select count(*) from surveys where customer_id is null or submitted_at is null
        or coalesce(nps, csat, ces) is null or nps not between 0 and 10 or csat not between 1 and 5
        or ces not between 1 and 7""")[0] == 0
    assert one(db, """select count(*) from raw_reviews where platform is null or posted_at is null
        or rating::int not between 1 and 5 or helpful_votes::int < 0""")[0] == 0
    assert one(db, """select count(*) from raw_tickets where customer_id is null or created_at is null
        or reopens::int < 0 or replies::int < 0 or compensation::double < 0
        or lower(proactive) not in ('true', 'false') or lower(apologized) not in ('true', 'false')""")[0] == 0
    # every reference points at a known customer / ticket
    assert one(db, "select count(*) from surveys where customer_id not in (select customer_id from customers)")[0] == 0
    assert one(db, """select count(*) from surveys where ticket_id is not null
        and ticket_id not in (select ticket_id from tickets)""")[0] == 0


def test_timestamps_in_order(db):
    for sql in (
        "first_response_at < created_at",
        "resolved_at < created_at",
        "promised_at < created_at",
        "resolved_at < first_response_at",
    ):
        assert one(db, f"select count(*) from raw_tickets where {sql.replace('_at', '_at::timestamptz')}")[0] == 0, sql
    assert one(db, "select count(*) from reviews where replied_at < posted_at")[0] == 0
    # post-ticket surveys come after the ticket's resolution; nothing after the export
    assert one(db, """select count(*) from surveys s join tickets t using (ticket_id)
        where t.resolved_at is null or s.submitted_at <= t.resolved_at""")[0] == 0
    latest = one(db, """select max(greatest(created_at, first_response_at, resolved_at)) from raw_tickets,
        lateral (select created_at::timestamptz, first_response_at::timestamptz, resolved_at::timestamptz)""")
    assert str(latest[0]).startswith("2026-10-31")
    assert one(db, "select min(created_at)::date::varchar, max(submitted_at)::date::varchar from tickets, surveys") == (
        "2025-11-01", "2026-10-31")


def test_open_tickets_reappear_in_the_next_month(db):
    twice = db.execute("""select ticket_id, list(filename order by filename) as files,
            list(resolved_at order by filename) as resolved
        from raw_tickets group by ticket_id having count(*) > 1""").fetchall()
    assert 0.03 <= len(twice) / 5000 <= 0.25
    assert one(db, "select max(c) from (select count(*) as c from raw_tickets group by ticket_id)")[0] == 2
    month = re.compile(r"tickets-(\d{4})-(\d{2})\.csv$")
    for _, files, resolved in twice:
        (y1, m1), (y2, m2) = (map(int, month.search(f).groups()) for f in files)
        assert y2 * 12 + m2 == y1 * 12 + m1 + 1
        assert resolved[0] is None
    assert sum(r[2][1] is not None for r in twice) > len(twice) / 2
    # some were not even answered by their month's end
    assert one(db, """select count(*) from raw_tickets a join raw_tickets b using (ticket_id)
        where a.filename < b.filename and a.first_response_at is null and b.first_response_at is not null""")[0] > 0


def test_formats(sample, db):
    out, _ = sample
    assert re.fullmatch(r"T\d{8},C\d{7},2025-11-\d\dT\d\d:\d\d:\d\dZ,.*",
                        (out / "tickets/tickets-2025-11.csv").read_text().split("\n")[1].replace('"', ""))
    stamps = [r[0] for r in db.execute("select submitted_at from raw_surveys").fetchall()]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", s) for s in stamps)
    reviews = db.execute("select posted_at, language from raw_reviews").fetchall()
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+]0[013]:[03]0", p) for p, _ in reviews)
    assert all(p.endswith("+03:30") == (lang == "fa") for p, lang in reviews)
    comments = [r[0] for r in db.execute("select comment from surveys where comment is not null").fetchall()]
    assert any("\n" in c for c in comments) and any('"' in c for c in comments) and any("," in c for c in comments)
    assert any(re.search("[۰-۹]", c) for c in comments) and any(re.search("[آ-ی]", c) for c in comments)
    assert one(db, "select count(*) from surveys where length(comment) >= 200")[0] >= 50
    # segment columns are sometimes empty (the customer's attribute then applies)
    empty = one(db, "select avg((region is null)::int) from raw_surveys")[0]
    assert 0.08 <= empty <= 0.25


# --- planted effects ----------------------------------------------------------------------
POST_CSAT = """(select ticket_id, arg_min(csat, submitted_at) as csat from surveys
    where ticket_id is not null and csat is not null group by ticket_id)"""


def nps(where="true"):
    return f"100 * (avg((nps >= 9)::int) filter ({where}) - avg((nps <= 6)::int) filter ({where}))"


def test_fast_first_response_raises_csat(db):
    fast, slow = one(db, f"""select avg((p.csat >= 4)::int) filter (fr_hours < 1),
            avg((p.csat >= 4)::int) filter (fr_hours > 24)
        from tickets t join {POST_CSAT} p using (ticket_id)""")
    assert fast >= 0.7 and slow <= fast - 0.2


def test_recovered_failures_keep_loyalty_failed_ones_lose_it(db):
    db.execute(f"""create or replace temp table outcomes as
        with as_of as (select max(greatest(created_at, coalesce(first_response_at, created_at),
                coalesce(resolved_at, created_at))) as t from tickets),
        failures as (
            select t.ticket_id, t.customer_id, coalesce(t.resolved_at, t.created_at) as anchor,
                case when t.resolved_at is not null and p.csat >= 4 then 'recovered'
                     when p.csat <= 3 then 'failed'
                     when t.resolved_at is null and as_of.t >= t.created_at + interval 14 day then 'failed'
                end as outcome
            from tickets t left join {POST_CSAT} p using (ticket_id), as_of
            where t.type in {FAILURES})
        select f.*, (select arg_min(s.nps, s.submitted_at) from surveys s where s.customer_id = f.customer_id
                and s.nps is not null and s.submitted_at between f.anchor and f.anchor + interval 180 day) as nps
        from failures f where outcome is not null""")
    share, recovered, failed, n_rec, n_fail = one(db, f"""select avg((outcome = 'recovered')::int),
        {nps("outcome = 'recovered'")}, {nps("outcome = 'failed'")},
        count(nps) filter (outcome = 'recovered'), count(nps) filter (outcome = 'failed') from outcomes""")
    baseline = one(db, f"""select {nps()} from surveys where customer_id not in
        (select customer_id from tickets where type in {FAILURES})""")[0]
    assert 0.4 <= share <= 0.8 and n_rec >= 100 and n_fail >= 60
    assert baseline - 12 <= recovered <= baseline + 25
    assert failed <= baseline - 40
    failure_share = one(db, f"select avg((type in {FAILURES})::int) from tickets")[0]
    assert 0.24 <= failure_share <= 0.32


def test_the_paradox_shows_only_where_the_literature_says(db):
    """Effect 2: after a recovered failure, the next NPS answer is higher after a first failure
    (none of the customer's in the 180 days before) that was mild, answered within 4 h and
    apologized for than after a repeat failure."""
    by = dict(db.execute(f"""
        with failures as (
            select t.*, lag(t.created_at) over (partition by t.customer_id order by t.created_at, t.ticket_id)
                    as previous,
                coalesce(t.resolved_at, t.created_at) as anchor
            from tickets t where t.type in {FAILURES}),
        recovered as (
            select f.*, case
                    when f.previous >= f.created_at - interval 180 day then 'repeat'
                    when f.priority in ('low', 'normal') and f.fr_hours < 4 and f.apologized then 'first, all'
                    else 'first, other' end as kind,
                (select arg_min(s.nps, s.submitted_at) from surveys s where s.customer_id = f.customer_id
                    and s.nps is not null and s.submitted_at between f.anchor and f.anchor + interval 180 day) as nps
            from failures f join {POST_CSAT} p using (ticket_id)
            where f.resolved_at is not null and p.csat >= 4)
        select kind, {nps()} from recovered group by kind""").fetchall())
    assert by["first, all"] >= by["repeat"] + 40
    assert by["first, other"] >= by["repeat"] + 10


def test_recovery_likelier_with_apology_and_compensation(db):
    rates = db.execute(f"""select apologized, coalesce(compensation, 0) > 0 as paid, avg((p.csat >= 4)::int)
        from tickets t join {POST_CSAT} p using (ticket_id)
        where type in {FAILURES} and apologized is not null group by all""").fetchall()
    rate = {(a, c): r for a, c, r in rates}
    assert rate[(True, False)] > rate[(False, False)] and rate[(True, True)] > rate[(False, False)]
    # compensation matters most when the first response was slow
    paid, unpaid = one(db, f"""select avg((p.csat >= 4)::int) filter (compensation > 0),
            avg((p.csat >= 4)::int) filter (coalesce(compensation, 0) = 0)
        from tickets t join {POST_CSAT} p using (ticket_id) where type in {FAILURES} and fr_hours > 24""")
    assert paid >= unpaid + 0.1


def test_proactive_notices_and_promises(db):
    with_notice, without = one(db, """select avg((type = 'complaint')::int) filter (proactive),
        avg((type = 'complaint')::int) filter (not proactive) from tickets""")
    assert with_notice < without * 0.7
    promised, kept = one(db, """select avg((promised_at is not null)::int),
        avg((resolved_at <= promised_at)::int) filter (resolved_at is not null and promised_at is not null)
        from tickets""")
    assert 0.3 <= promised <= 0.5 and 0.65 <= kept <= 0.85
    early, late = one(db, f"""select avg(p.csat) filter (resolved_at <= promised_at),
        avg(p.csat) filter (resolved_at > promised_at) from tickets t join {POST_CSAT} p using (ticket_id)""")
    assert early >= late + 0.5


def test_high_expectation_customers_are_detectable(db):
    flagged = {r[0] for r in db.execute("""
        with med as (select quantile_cont(fr_hours, 0.5) as h from tickets),
        signals as (
            select distinct s.customer_id, 'demanding' as signal from surveys s join tickets t using (ticket_id), med
                where s.csat <= 3 and t.fr_hours < med.h
            union all select customer_id, 'vocal' from surveys group by customer_id
                having max(length(comment)) >= 200 or count(comment) >= 3
            union all select customer_id, 'in_touch' from tickets group by customer_id having count(*) >= 3
            union all select distinct customer_id, 'influential' from reviews where customer_id is not null)
        select customer_id from signals group by 1 having count(*) >= 2""").fetchall()}
    active = one(db, """select count(*) from (select customer_id from surveys union select customer_id from tickets
        union select customer_id from reviews where customer_id is not null)""")[0]
    planted = set(sample_data.planted_high_expectation(customers=2000))
    assert 0.08 <= len(planted) / 2000 <= 0.16
    assert 0.08 <= len(flagged) / active <= 0.22
    assert len(flagged & planted) >= 0.8 * len(planted) and len(flagged & planted) >= 0.6 * len(flagged)
    # low csat even when answered fast
    db.execute("create or replace temp table planted (customer_id varchar)")
    db.executemany("insert into planted values (?)", [(c,) for c in planted])
    theirs, others = one(db, f"""select avg((p.csat >= 4)::int) filter (t.customer_id in (from planted)),
            avg((p.csat >= 4)::int) filter (t.customer_id not in (from planted))
        from tickets t join {POST_CSAT} p using (ticket_id) where fr_hours < 1""")
    assert theirs <= others - 0.3


def test_response_times_and_backlog(db):
    median, p90, unanswered, unresolved = one(db, """select quantile_cont(fr_hours, 0.5), quantile_cont(fr_hours, 0.9),
        avg((first_response_at is null)::int), avg((resolved_at is null)::int) from tickets""")
    assert 1.5 <= median <= 6 and 12 <= p90 <= 40
    assert 0.02 <= unanswered <= 0.06 and 0.01 <= unresolved <= 0.08


def test_a_staffing_gap_slows_latam_from_july(db):
    """Effect 6: LATAM tickets from 2026-07-01 are answered far later and satisfy less; the
    other regions do not change between the two quarters."""
    got = {
        (latam, q3): (median, ok)
        for latam, q3, median, ok in db.execute(f"""
            select c.region = 'LATAM', t.created_at >= timestamptz '2026-07-01 00:00:00+00',
                quantile_cont(t.fr_hours, 0.5), avg((p.csat >= 4)::int)
            from tickets t join customers c using (customer_id) left join {POST_CSAT} p using (ticket_id)
            where t.created_at >= timestamptz '2026-04-01 00:00:00+00'
                and t.created_at < timestamptz '2026-10-01 00:00:00+00'
            group by all""").fetchall()
    }
    (latam_q2, latam_ok_q2), (latam_q3, latam_ok_q3) = got[(True, False)], got[(True, True)]
    (rest_q2, rest_ok_q2), (rest_q3, rest_ok_q3) = got[(False, False)], got[(False, True)]
    assert latam_q3 >= 4 * latam_q2 and latam_ok_q3 <= latam_ok_q2 - 0.1
    assert 0.7 <= rest_q3 / rest_q2 <= 1.2 and abs(rest_ok_q3 - rest_ok_q2) <= 0.06
