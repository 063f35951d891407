"""Deterministic sample data: customers, tickets, surveys and reviews with planted effects.

    generate(out_dir, customers=3000, seed=7, tickets=None, fmt="csv") -> summary dict

writes out_dir/{customers,surveys,reviews,tickets}/ with the contract's canonical columns.
Activity covers one fixed year, 2025-11-01 through 2026-10-31 UTC, and the data are exported
as of the end of that year; nothing depends on the wall clock, so the same arguments give
byte-identical files.

Scale: customers are cut into blocks of at most ~500k tickets each; a block is generated
from its own seed ([seed, 1, block]) and appended to every output file, so memory stays
flat whatever the size. Rows in a file are therefore grouped by block.

Files
    customers/customers.csv
    tickets/tickets-YYYY-MM.csv   by created month. A ticket still open at the end of its
        month is written there as that month-end snapshot (empty resolved_at, maybe empty
        first_response_at) and again in the next month's file with its final state: the
        file that sorts last wins, as the contract says.
    surveys/surveys-2025H2.csv, surveys/surveys-2026.csv   by submitted_at
    reviews/reviews.csv
Timestamps: tickets and signup_at `2026-03-01T10:15:00Z`; surveys `2026-03-01 10:15:00`
(UTC, no offset); reviews ISO 8601 with the reviewer's offset (+03:30 for Persian rows,
+01:00 for EU, else +00:00). fmt="parquet" writes the same tables with typed columns.

Volumes (tickets=None means 2.5 per customer): post-ticket surveys ~31% of resolved
tickets, relationship surveys ~0.9 per customer, reviews 0.1 per ticket (45% of them by
known customers). The default, 3000 customers, writes ~2.5 MB.

Planted effects, as measured on the default sample (customers=3000, seed=7); the tests
check them on a 2000-customer sample with loose bounds:
 1. Speed: post-ticket csat >= 4 for 82% of tickets first answered within 1 h (97% for
    ordinary customers), 35% when the first answer took over 24 h.
 2. Service recovery: 29% of tickets are failures (incident, problem, complaint), 55% of
    those with an outcome recover. For 180 days after a failure the customer's NPS answers
    follow its outcome: failed (csat <= 3, or never resolved) -2.6 on the latent 0-10 score,
    NPS -63; recovered, as the literature finds it (Magnini et al. 2007, Maxham & Netemeyer
    2002): -0.5 after a repeat failure (another in the 180 days before), and after a first
    one -1.5, plus 2.0 when it was mild (low or normal priority), 1.5 with a first response
    under 4 h and 1.5 with an apology. Raw, NPS after a recovery is +37.6 against +24.6
    without a failure, a gap beyond its margin (±8.7) that looks like a paradox; matched on
    region, month and the answer before, a recovered customer's 0-10 answer moves only +0.34
    (95% -0.09 to +0.76) more than one with no failure (105 of 129 matched), +2.1 after a
    first, mild, fast, owned failure (9 matched, too few to tell). By condition, NPS after a
    recovery: first failure +56.9 against +0.9 after a repeat; normal priority +43.2 against
    +33.3 high; answered within 1 h +50.4 against +23.3 in 4-24 h; with an apology +47.3
    against +24.8. Behaviour is not planted: 85% are active again within 180 days after a
    recovery, 91% after a failed one. Recovery is likelier with a fast first response, an
    apology (+0.6 latent csat) and compensation (+0.3, +1.3 when the first response took
    over 8 h: on failures answered after 24 h, 67% vs 25% recover).
 3. Proactive notices (22% of tickets, known on 88%): complaints 3% of those tickets
    against 10% without. Promises on 40% of tickets, 75% kept (resolved_at <=
    promised_at); kept +0.35 latent csat, broken -0.9: csat >= 4 for 73% vs 47%.
 4. 11% of customers are high-expectation: 3 tickets up front plus a share (~5 a year),
    85% of their surveys carry a comment and half of those are 200+ characters, they
    write most known-customer reviews, and their csat is 2.2 latent points lower (51%
    csat >= 4 on tickets answered within 1 h). The contract's two-of-four-signals rule
    flags 14% of active customers: 93% of the planted ones, 83% of flags planted.
 5. First response median 3.2 h, p90 29 h, ~30% faster by the end of the year; 3% never
    answered; 3.6% unresolved at the export. A one-week outage (2026-03-09..15) doubles
    volume and incidents; a bad Wallet release (March-April) lowers anonymous ratings.
 6. A staffing gap on the LATAM desk from 2026-07-01: first responses to LATAM customers
    take 8x longer and satisfy less (-1.0 latent csat). LATAM tickets created in Q3: median
    first response 23.7 h against 2.4 h in Q2, post-ticket csat >= 4 for 22% against 74%.
    It is the one segment the overview's "biggest movers" lists for Q3 (CSAT 75.8% -> 36.8%
    against the previous 92 days); the default last 90 days list it second, after a chance
    drop of Team Billing's NPS (+15.7 -> -25.4 on some 70 post-ticket answers a period).
"""

from __future__ import annotations

import math
import pathlib
from types import SimpleNamespace

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from simulator import text as sample_text

# --- the calendar -------------------------------------------------------------------------
MONTH_STARTS = (
    np.arange("2025-11", "2026-12", dtype="datetime64[M]").astype("datetime64[s]").astype(np.int64)
)
START = int(MONTH_STARTS[0])  # 2025-11-01T00:00:00Z
END = int(MONTH_STARTS[-1]) - 1  # 2026-10-31T23:59:59Z, the export's as-of time
N_DAYS = (END + 1 - START) // 86400
N_MONTHS = len(MONTH_STARTS) - 1
DAY, HOUR = 86400, 3600
NA = -1  # a missing timestamp (real ones are positive epoch seconds)
OUTAGE_DAYS = (128, 135)  # 2026-03-09 .. 2026-03-15
# The LATAM desk loses staff from 2026-07-01 (the start of Q3) to the export: first responses
# to LATAM customers take this many times longer, and the rushed answers satisfy less
# (latent csat). A regional regression for the overview's "biggest movers" to find and the
# segment drill-down to explain. It draws no random numbers of its own.
STAFFING_GAP_FROM_DAY = int((MONTH_STARTS[8] - START) // 86400)
STAFFING_GAP_SLOWDOWN = 8.0
STAFFING_GAP_SAT = -1.0

# --- segments -----------------------------------------------------------------------------
REGIONS = ("EU", "NA", "LATAM", "APAC", "MENA", "IR")
REGION_P = (0.28, 0.24, 0.12, 0.14, 0.09, 0.13)
REGION_UTC_S = np.array([60, -300, -180, 480, 180, 210]) * 60
PERSIAN_SHARE = np.array([0.02, 0.01, 0.0, 0.01, 0.7, 0.95])
LANGUAGES = ("en", "fa")
PRODUCTS = ("Wallet", "Checkout", "Invoicing", "Payroll", "Insights")
PRODUCT_P = (0.3, 0.25, 0.2, 0.15, 0.1)
TIERS = ("free", "standard", "premium", "enterprise")
TIER_P = (0.35, 0.35, 0.2, 0.1)
HIGH_EXPECTATION_BY_TIER = np.array([0.08, 0.10, 0.15, 0.20])  # ~11% overall
DOMAINS = ("example.com", "example.org", "example.net", "mail.example")

# --- tickets ------------------------------------------------------------------------------
CHANNELS = ("email", "chat", "phone", "web", "social", "app")
CHANNEL_P = (0.34, 0.25, 0.12, 0.13, 0.05, 0.11)
TYPES = ("question", "request", "incident", "problem", "complaint")
FAILURE_FROM = 2  # incident, problem and complaint are service failures
# Rows: plain, proactive notice sent, outage week, both. A notice halves complaints.
TYPE_P = np.array([
    [0.36, 0.34, 0.12, 0.08, 0.10],
    [0.42, 0.34, 0.12, 0.08, 0.04],
    [0.28, 0.27, 0.27, 0.08, 0.10],
    [0.34, 0.27, 0.27, 0.08, 0.04],
])
PRIORITIES = ("low", "normal", "high", "urgent")
PRIORITY_P = np.array([  # by type
    [0.35, 0.55, 0.08, 0.02],
    [0.30, 0.55, 0.12, 0.03],
    [0.05, 0.35, 0.35, 0.25],
    [0.10, 0.50, 0.30, 0.10],
    [0.10, 0.50, 0.30, 0.10],
])
TEAMS = tuple(sample_text.AGENTS)  # Billing, Technical, Accounts, Logistics, Onboarding
TEAM_P = np.array([  # by type
    [0.25, 0.25, 0.25, 0.10, 0.15],
    [0.20, 0.15, 0.30, 0.20, 0.15],
    [0.05, 0.75, 0.10, 0.10, 0.00],
    [0.15, 0.55, 0.15, 0.15, 0.00],
    [0.40, 0.10, 0.15, 0.30, 0.05],
])
HOUR_W = (1, .6, .4, .3, .3, .5, 1, 2, 4, 6, 7, 7, 6, 6, 7, 7, 6, 5, 4, 3.5, 3, 2.5, 2, 1.5)
FR_MEDIAN_H, FR_SIGMA = 6.5, 1.15  # before the multipliers below
FR_BY_CHANNEL = np.array([1.5, 0.12, 0.05, 1.2, 0.8, 1.0])
FR_BY_PRIORITY = np.array([1.4, 1.0, 0.7, 0.4])
FR_BY_TIER = np.array([1.3, 1.0, 0.8, 0.6])
UNANSWERED = 0.03
AUTO_CLOSED = 0.4  # of unanswered tickets, closed without a reply
ABANDONED = 0.015  # of answered tickets, never resolved
WORK_MEDIAN_H = np.array([2.0, 16.0, 8.0, 40.0, 24.0])  # first response -> resolved, by type
REOPEN_LAM = np.array([0.04, 0.08, 0.15, 0.25, 0.2])
REPLY_LAM = np.array([0.4, 0.9, 1.2, 2.0, 1.6])
PROMISE_P = np.array([0.2, 0.55, 0.5, 0.65, 0.5])
PROMISE_KEPT = 0.72  # of promises that could be broken; ~75% kept overall
PROACTIVE = 0.22
APOLOGY_P = np.array([0.05, 0.06, 0.45, 0.40, 0.55])
COMPENSATIONS = np.array([5.0, 10.0, 25.0, 50.0, 100.0])
COMPENSATION_P = (0.3, 0.3, 0.2, 0.15, 0.05)

# --- satisfaction model (latent score; csat/ces are cuts of it) -----------------------------
CSAT_CUTS = np.array([-1.9, -1.2, -0.45, 0.6])
CES_CUTS = np.array([-2.0, -1.3, -0.7, -0.1, 0.6, 1.5])
TYPE_SAT = np.array([0.2, 0.1, -0.3, -0.5, -0.8])
HIGH_EXPECTATION_SAT = -2.2
NPS_MEAN, NPS_LOYALTY_SD, NPS_NOISE_SD = 8.1, 1.1, 1.2
STATE_NPS = np.array([0.0, 0.25, -2.6])  # no recent failure, recovered, failed recovery
# What a recovered failure does to the customer's later NPS answers (instead of STATE_NPS[1]),
# as the literature finds it (Magnini et al. 2007, Maxham & Netemeyer 2002): less after a
# repeat failure (another in the LOYALTY_DAYS before); after a first one, a step for each
# condition met (a mild failure: low or normal priority; a first response under 4 h; an
# apology) from a loss when none is: the paradox shows only where the conditions meet.
RECOVERED_NPS_REPEAT = -0.5
RECOVERED_NPS_FIRST = -1.5
RECOVERED_NPS_STEP = (2.0, 1.5, 1.5)  # mild, fast, apologized
STATE_SAT = np.array([0.0, 0.2, -1.2])
LOYALTY_DAYS = 180

# --- volumes ------------------------------------------------------------------------------
TICKETS_PER_CUSTOMER = 2.5
POST_SURVEY_P = (0.27, 0.45)  # of resolved tickets: other customers, high-expectation
RELATIONSHIP_PER_CUSTOMER = (0.9, 1.3)
REVIEWS_PER_TICKET = 0.1
KNOWN_REVIEWER_SHARE = 0.45
BLOCK_TICKETS, BLOCK_CUSTOMERS = 500_000, 500_000

PLATFORMS = ("Google Play", "App Store", "Trustpilot", "Google")
PLATFORM_P = (0.35, 0.30, 0.20, 0.15)
RATING_CUTS = np.array([-1.0, -0.4, 0.2, 0.9])  # known reviewers' latent mood -> 1-5 stars
ANON_RATING_P = np.array([[0.16, 0.07, 0.08, 0.19, 0.50], [0.35, 0.15, 0.12, 0.13, 0.25]])

OFFSETS = ("+00:00", "+01:00", "+03:30")


def generate(out_dir, customers: int = 3000, seed: int = 7, tickets: int | None = None,
             fmt: str = "csv") -> dict:
    """Write the four sources under out_dir; return {source: rows written, "files": [paths]}.

    tickets=None means 2.5 per customer. The tickets count is of rows, so it includes the
    month-end snapshots of tickets carried into the next month's file (~7% more rows)."""
    if customers < 1:
        raise ValueError("customers must be at least 1")
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"unknown format {fmt!r}: use csv or parquet")
    n_tickets = round(TICKETS_PER_CUSTOMER * customers) if tickets is None else int(tickets)
    if n_tickets < 0:
        raise ValueError("tickets must be >= 0")
    world = _world(seed)
    sink = _Sink(pathlib.Path(out_dir), fmt)
    counters = {"survey": 0, "review": 0}
    try:
        for k, (c0, c1, t0, t1) in enumerate(_blocks(customers, n_tickets)):
            rng = np.random.default_rng([seed, 1, k])
            _block(rng, world, sink, counters, c0, c1, t0, t1 - t0)
    finally:
        sink.close()
    return sink.summary()


def planted_high_expectation(customers: int = 3000, seed: int = 7, tickets: int | None = None) -> list[str]:
    """The customer_ids generate() made high-expectation (for tests and sanity checks)."""
    n_tickets = round(TICKETS_PER_CUSTOMER * customers) if tickets is None else int(tickets)
    ids = []
    for k, (c0, c1, _, _) in enumerate(_blocks(customers, n_tickets)):
        cu = _customers(np.random.default_rng([seed, 1, k]), c0, c1)  # a block's first draws
        ids.extend(f"C{n:07d}" for n in cu.number[cu.he])
    return ids


def _blocks(n_customers: int, n_tickets: int):
    """Customer ranges with their share of tickets, each block at most ~BLOCK_* rows."""
    n = max(1, math.ceil(n_tickets / BLOCK_TICKETS), math.ceil(n_customers / BLOCK_CUSTOMERS))
    n = min(n, n_customers)
    cuts = [n_customers * k // n for k in range(n + 1)]
    tcuts = [n_tickets * c // n_customers for c in cuts]
    return [(cuts[k], cuts[k + 1], tcuts[k], tcuts[k + 1]) for k in range(n)]


def _block(rng, world, sink, counters, c0, c1, t0, n_tickets):
    cu = _customers(rng, c0, c1)
    tk = _tickets(rng, world, cu, n_tickets)
    tk.number = t0 + 1 + np.arange(len(tk.created))
    fail = _failure_anchors(tk)
    sv = _surveys(rng, world, cu, tk, fail)
    rv = _reviews(rng, world, cu, fail, n_tickets)
    sink.write("customers", "customers", _customer_table(rng, cu))
    for month, table in _ticket_tables(rng, cu, tk):
        sink.write("tickets", f"tickets-{_month_name(month)}", table)
    table = _survey_table(rng, cu, tk, sv, counters["survey"])
    counters["survey"] += table.num_rows
    late = pc.greater_equal(table["submitted_at"], _ts_scalar(MONTH_STARTS[2]))
    sink.write("surveys", "surveys-2025H2", table.filter(pc.invert(late)))
    sink.write("surveys", "surveys-2026", table.filter(late))
    table = _review_table(rng, cu, rv, counters["review"])
    counters["review"] += table.num_rows
    sink.write("reviews", "reviews", table)


# --- world and customers ------------------------------------------------------------------
def _world(seed: int) -> SimpleNamespace:
    """What all blocks share: the calendar's weights and the agents."""
    rng = np.random.default_rng([seed, 0])
    days = np.arange(N_DAYS)
    weight = np.where((days + 5) % 7 >= 5, 0.6, 1.0)  # 2025-11-01 was a Saturday
    weight[53:62] *= 0.7  # the year-end holidays
    outage = (days >= OUTAGE_DAYS[0]) & (days < OUTAGE_DAYS[1])
    weight[outage] *= 2.0
    cdf = np.cumsum(weight) / weight.sum()
    team_size = np.array([len(sample_text.AGENTS[t]) for t in TEAMS])
    n_agents = int(team_size.sum())
    return SimpleNamespace(
        day_cdf=cdf,
        cdf_before=np.concatenate([[0.0], cdf[:-1]]),
        outage=outage,
        trend=np.linspace(1.25, 0.8, N_DAYS),  # first responses get faster over the year
        hour_cdf=np.cumsum(HOUR_W) / np.sum(HOUR_W),
        team_size=team_size,
        team_first=np.concatenate([[0], np.cumsum(team_size)[:-1]]),
        agent_speed=rng.lognormal(0.0, 0.25, n_agents),
        agent_quality=rng.normal(0.0, 0.15, n_agents),
    )


def _customers(rng, c0: int, c1: int) -> SimpleNamespace:
    n = c1 - c0
    region = _pick(rng, REGION_P, n)
    tier = _pick(rng, TIER_P, n)
    joined_in_year = rng.random(n) < 0.15
    signup = np.where(joined_in_year, START + rng.integers(0, 330 * DAY, n),
                      START - rng.integers(DAY, 5 * 365 * DAY, n))
    return SimpleNamespace(
        n=n, number=c0 + 1 + np.arange(n), region=region, tier=tier,
        product=_pick(rng, PRODUCT_P, n),
        lang=(rng.random(n) < PERSIAN_SHARE[region]).astype(np.int8),
        signup=signup,
        # activity starts the day after an in-year signup
        first_day=np.where(joined_in_year, (signup - START) // DAY + 1, 0),
        he=rng.random(n) < HIGH_EXPECTATION_BY_TIER[tier],
        loyalty=rng.normal(0.0, NPS_LOYALTY_SD, n),
        sat_bias=rng.normal(0.0, 0.4, n),
    )


def _activity_times(rng, world, region, first_day):
    """Epoch seconds: day by the calendar weights (not before first_day), local office hours."""
    lo = world.cdf_before[first_day]
    day = np.searchsorted(world.day_cdf, lo + rng.random(len(lo)) * (1.0 - lo), side="right")
    day = np.minimum(day, N_DAYS - 1)
    hour = np.minimum(np.searchsorted(world.hour_cdf, rng.random(len(lo)), side="right"), 23)
    local = hour * HOUR + rng.integers(0, HOUR, len(lo))
    return START + day * DAY + (local - REGION_UTC_S[region]) % DAY, day


# --- tickets ------------------------------------------------------------------------------
def _ticket_counts(rng, cu, n_tickets: int):
    """High-expectation customers get 3 tickets up front, then all share by weight."""
    base = np.where(cu.he, 3, 0)
    if base.sum() > n_tickets:
        base[:] = 0
    weight = np.where(cu.he, rng.gamma(4.0, 0.25, cu.n) * 0.9, rng.gamma(1.0, 1.0, cu.n))
    return base + rng.multinomial(n_tickets - base.sum(), weight / weight.sum())


def _tickets(rng, world, cu, n_tickets: int) -> SimpleNamespace:
    ci = np.repeat(np.arange(cu.n), _ticket_counts(rng, cu, n_tickets))
    created, day = _activity_times(rng, world, cu.region[ci], cu.first_day[ci])
    order = np.argsort(created, kind="stable")
    tk = SimpleNamespace(ci=ci[order], created=created[order], day=day[order])
    n = len(tk.ci)
    tk.proactive = rng.random(n) < PROACTIVE
    tk.type = _pick_rows(rng, TYPE_P, tk.proactive + 2 * world.outage[tk.day])
    tk.failure = tk.type >= FAILURE_FROM
    tk.priority = _pick_rows(rng, PRIORITY_P, tk.type)
    tk.channel = _pick(rng, CHANNEL_P, n)
    tk.team = _pick_rows(rng, TEAM_P, tk.type)
    # a few agents in each team take most of the work
    tk.agent = world.team_first[tk.team] + (rng.random(n) ** 1.4 * world.team_size[tk.team]).astype(int)
    _ticket_timeline(rng, world, cu, tk)
    _ticket_promises(rng, tk)
    _ticket_recovery(rng, tk)
    tk.csat, tk.sat = _ticket_satisfaction(rng, world, cu, tk)
    _censor(tk)
    return tk


def _ticket_timeline(rng, world, cu, tk):
    n = len(tk.ci)
    tk.gap = (cu.region[tk.ci] == REGIONS.index("LATAM")) & (tk.day >= STAFFING_GAP_FROM_DAY)
    speed = (FR_BY_CHANNEL[tk.channel] * FR_BY_PRIORITY[tk.priority] * FR_BY_TIER[cu.tier[tk.ci]]
             * world.agent_speed[tk.agent] * world.trend[tk.day] * np.where(tk.gap, STAFFING_GAP_SLOWDOWN, 1.0))
    tk.fr_h = np.minimum(rng.lognormal(math.log(FR_MEDIAN_H), FR_SIGMA, n) * speed, 30 * 24.0)
    tk.answered = rng.random(n) >= UNANSWERED
    tk.fr = np.where(tk.answered, tk.created + np.maximum(60, tk.fr_h * HOUR).astype(np.int64), NA)
    tk.reopens = np.minimum(rng.poisson(REOPEN_LAM[tk.type] + 0.15 * cu.he[tk.ci]), 3)
    work_h = (rng.lognormal(0.0, 1.1, n) * WORK_MEDIAN_H[tk.type]
              + tk.reopens * rng.uniform(4, 72, n))
    work_s = np.maximum(300, np.minimum(work_h, 60 * 24.0) * HOUR).astype(np.int64)
    closed = tk.answered & (rng.random(n) >= ABANDONED)
    auto_closed = ~tk.answered & (rng.random(n) < AUTO_CLOSED)
    tk.resolved = np.where(closed, tk.fr + work_s, NA)
    tk.resolved = np.where(auto_closed, tk.created + rng.integers(2 * DAY, 10 * DAY, n), tk.resolved)
    tk.replies = np.where(tk.answered, 1 + rng.poisson(REPLY_LAM[tk.type] + 1.2 * tk.reopens), 0)


def _ticket_promises(rng, tk):
    """Promises made at the first response; kept ones land after resolved_at, broken before."""
    n = len(tk.ci)
    has = tk.answered & (rng.random(n) < PROMISE_P[tk.type])
    resolved = tk.resolved >= 0
    span = np.where(resolved, tk.resolved - tk.fr, 0)
    breakable = resolved & (span > 2 * HOUR)
    tk.kept = has & resolved & (~breakable | (rng.random(n) < PROMISE_KEPT))
    tk.broken = has & resolved & ~tk.kept
    kept_at = _ceil_hour(tk.resolved + (rng.uniform(0.1, 1.0, n) * span).astype(np.int64) + 1800)
    broken_at = np.maximum(tk.fr, _floor_hour(tk.fr + (rng.uniform(0.2, 0.85, n) * span).astype(np.int64)))
    open_at = _ceil_hour(tk.fr + (rng.lognormal(math.log(24), 0.8, n) * HOUR).astype(np.int64))
    tk.promised = np.where(tk.kept, kept_at, np.where(tk.broken, broken_at, open_at))
    tk.promised = np.where(has, tk.promised, NA)


def _ticket_recovery(rng, tk):
    """Apologies and compensation, both likelier on failures (compensation when slow)."""
    n = len(tk.ci)
    tk.apologized = tk.answered & (rng.random(n) < APOLOGY_P[tk.type])
    slow = tk.answered & (tk.fr_h > 24)
    u = rng.random(n)
    p_paid = np.where(tk.failure, 0.22 + 0.2 * slow, 0.0)
    p_zero = np.where(tk.failure, 0.35, 0.08)
    value = COMPENSATIONS[_pick(rng, COMPENSATION_P, n)]
    tk.compensation = np.where(u < p_paid, value, np.where(u < p_paid + p_zero, 0.0, np.nan))
    tk.compensation[~tk.answered] = np.nan


def _ticket_satisfaction(rng, world, cu, tk):
    """Latent satisfaction with the ticket and the csat it would get (1-5)."""
    n = len(tk.ci)
    fr_h = tk.fr_h
    speed = np.select([fr_h < 1, fr_h < 4, fr_h < 24], [0.9, 0.45, -0.1], -1.1)
    speed = np.where(tk.answered, speed, -1.3)
    days = np.where(tk.resolved >= 0, tk.resolved - tk.created, 0) / DAY
    paid = np.nan_to_num(tk.compensation) > 0
    recovery = tk.failure * (0.6 * tk.apologized + paid * (0.3 + 1.0 * (fr_h > 8)))
    sat = (1.0 + speed - 0.25 * np.log1p(days) - 0.6 * (days > 14) - 0.6 * tk.reopens
           + 0.35 * tk.kept - 0.9 * tk.broken + TYPE_SAT[tk.type] + recovery
           + HIGH_EXPECTATION_SAT * cu.he[tk.ci] + cu.sat_bias[tk.ci]
           + world.agent_quality[tk.agent] + STAFFING_GAP_SAT * tk.gap + rng.normal(0.0, 0.9, n))
    return 1 + np.searchsorted(CSAT_CUTS, sat), sat


def _censor(tk):
    """The export knows nothing after END."""
    late_fr = tk.fr > END
    tk.fr = np.where(late_fr, NA, tk.fr)
    tk.resolved = np.where(tk.resolved > END, NA, tk.resolved)
    tk.replies = np.where(late_fr, 0, tk.replies)
    tk.promised = np.where(late_fr, NA, tk.promised)
    tk.apologized = tk.apologized & ~late_fr
    tk.compensation = np.where(late_fr, np.nan, tk.compensation)


def _failure_anchors(tk) -> SimpleNamespace:
    """Failures as (customer, time, outcome): resolved ones from resolved_at with their csat,
    unresolved ones from created_at as failed recoveries (state 1 = recovered, 2 = failed)."""
    f = tk.failure
    resolved = tk.resolved[f] >= 0
    ci = tk.ci[f]
    # A first failure: none of the customer's in the LOYALTY_DAYS before it (a count from the
    # start of the data would make repeats ever more common as the year goes on).
    created = tk.created[f]
    order = np.lexsort((created, ci))
    same = np.r_[False, ci[order][1:] == ci[order][:-1]]
    previous = np.full(len(ci), NA)
    previous[order] = np.where(same, np.r_[NA, created[order][:-1]], NA)
    first = (previous < 0) | (created - previous > LOYALTY_DAYS * DAY)
    mild, fast, owned = RECOVERED_NPS_STEP
    met = mild * (tk.priority[f] <= 1) + fast * (tk.answered[f] & (tk.fr_h[f] < 4)) + owned * tk.apologized[f]
    lift = np.where(first, RECOVERED_NPS_FIRST + met, RECOVERED_NPS_REPEAT)
    state = np.where(resolved & (tk.csat[f] >= 4), 1, 2)
    return SimpleNamespace(ci=ci, at=np.where(resolved, tk.resolved[f], tk.created[f]), state=state,
                           lift=np.where(state == 1, lift, 0.0))


def _state_at(fail, ci, at, lift=False):
    """Per event: the outcome of the customer's latest failure anchored at or before it
    within LOYALTY_DAYS (0 = none), and with `lift` also that failure's NPS lift. One sort of
    both sets plus a running max, no loops."""
    nf = len(fail.ci)
    cust = np.concatenate([fail.ci, ci])
    time = np.concatenate([fail.at, at])
    kind = np.concatenate([np.zeros(nf, np.int8), np.ones(len(ci), np.int8)])
    order = np.lexsort((kind, time, cust))
    pos = np.where(kind[order] == 0, np.arange(len(order)), -1)
    last = np.maximum.accumulate(pos) if len(pos) else pos
    events = np.flatnonzero(kind[order] == 1)
    src = last[events]
    ok = src >= 0
    src_c = np.where(ok, src, 0)
    ok &= (cust[order][src_c] == cust[order][events])
    ok &= (time[order][events] - time[order][src_c]) <= LOYALTY_DAYS * DAY
    state_sorted = np.where(ok, np.concatenate([fail.state, np.zeros(len(ci), int)])[order][src_c], 0)
    state = np.zeros(len(ci), dtype=np.int64)
    state[order[events] - nf] = state_sorted
    if not lift:
        return state
    lift_sorted = np.where(ok, np.concatenate([fail.lift, np.zeros(len(ci))])[order][src_c], 0.0)
    lifts = np.zeros(len(ci))
    lifts[order[events] - nf] = lift_sorted
    return state, lifts


# --- surveys ------------------------------------------------------------------------------
def _surveys(rng, world, cu, tk, fail) -> SimpleNamespace:
    """Post-ticket surveys (csat, often nps and ces), then relationship surveys (nps)."""
    asked = (tk.resolved >= 0) & (rng.random(len(tk.ci)) < np.where(cu.he[tk.ci], *POST_SURVEY_P[::-1]))
    delay = np.clip(rng.lognormal(math.log(8 * HOUR), 1.0, len(tk.ci)), 1800, 10 * DAY)
    at = tk.resolved + delay.astype(np.int64)
    ti = np.flatnonzero(asked & (at <= END))
    rel = np.repeat(np.arange(cu.n), rng.poisson(np.where(cu.he, *RELATIONSHIP_PER_CUSTOMER[::-1])))
    rel_at, _ = _activity_times(rng, world, cu.region[rel], cu.first_day[rel])
    sv = SimpleNamespace(
        ti=np.concatenate([ti, np.full(len(rel), -1)]),
        ci=np.concatenate([tk.ci[ti], rel]),
        at=np.concatenate([at[ti], rel_at]),
    )
    _survey_scores(rng, cu, tk, sv, *_state_at(fail, sv.ci, sv.at, lift=True))
    sv.comment = _comments(rng, cu, sv, _from_ticket(sv, tk.fr_h, 0) > 24)
    # relationship surveys go out by email, in the app or on the web
    invite = np.array([CHANNELS.index(c) for c in ("email", "app", "web")])[_pick(rng, (.6, .3, .1), len(sv.ci))]
    sv.channel = np.where(sv.ti >= 0, _from_ticket(sv, tk.channel, 0), invite)
    return sv


def _from_ticket(sv, values, fill):
    """values[ticket] for post-ticket surveys, fill for relationship ones."""
    out = np.full(len(sv.ti), fill, dtype=values.dtype)
    post = sv.ti >= 0
    out[post] = values[sv.ti[post]]
    return out


def _survey_scores(rng, cu, tk, sv, state, lift):
    """csat/nps/ces (0 or -1 = not asked). A post-ticket survey carries its ticket's csat;
    NPS follows the customer's loyalty and the outcome of their latest failure (`state`;
    after a recovered one, that failure's `lift`)."""
    n, post, he = len(sv.ci), sv.ti >= 0, cu.he[sv.ci]
    mood = 1.0 + cu.sat_bias[sv.ci] - 1.0 * he + STATE_SAT[state] + rng.normal(0, 0.9, n)
    sat = np.where(post, _from_ticket(sv, tk.sat, 0.0), mood)
    csat = 1 + np.searchsorted(CSAT_CUTS, sat)
    # on an ordinary ticket the answer to one question colours the other a little
    nudge = np.where(post & ~_from_ticket(sv, tk.failure, False), 0.3 * (csat - 4), 0.0)
    after = np.where(state == 1, lift, STATE_NPS[state])
    nps = NPS_MEAN + cu.loyalty[sv.ci] + after + nudge + rng.normal(0, NPS_NOISE_SD, n)
    effort = np.where(post, _from_ticket(sv, tk.replies - 1.0 + 1.5 * tk.reopens, 0.0), 0.0)
    ces = 0.5 * sat - 0.25 * effort + rng.normal(0, 0.9, n)
    u = rng.random((3, n))
    sv.csat = np.where(post | (u[0] < 0.2), csat, 0)
    sv.nps = np.where(~post | (u[1] < 0.55), np.clip(np.rint(nps), 0, 10).astype(int), -1)
    sv.ces = np.where(u[2] < np.where(post, 0.5, 0.25), 1 + np.searchsorted(CES_CUTS, ces), 0)


def _comments(rng, cu, sv, slow):
    """Index into the comment pool (-1 = no comment), by language and sentiment."""
    n, post, he = len(sv.ci), sv.ti >= 0, cu.he[sv.ci]
    mood = np.where(post, np.select([sv.csat <= 2, sv.csat == 3], [2, 1], 0),
                    np.select([sv.nps <= 6, sv.nps <= 8], [2, 1], 0))
    has = rng.random(n) < np.where(he, 0.85, np.where(post, 0.3 + 0.2 * (mood == 2), 0.25))
    long = rng.random(n) < np.where(he, 0.5, 0.02)
    kind = np.select(
        [long & (mood == 0), long, (mood == 2) & slow & (rng.random(n) < 0.6)],
        [COMMENT_KINDS.index("long_pos"), COMMENT_KINDS.index("long_neg"), COMMENT_KINDS.index("slow")],
        mood)
    return np.where(has, _pool_index(rng, COMMENT_POOL, cu.lang[sv.ci], kind), -1)


# --- reviews ------------------------------------------------------------------------------
def _reviews(rng, world, cu, fail, n_tickets: int) -> SimpleNamespace:
    """Public reviews: a known share by customers (mostly high-expectation), the rest anonymous."""
    total = round(REVIEWS_PER_TICKET * n_tickets)
    known = round(KNOWN_REVIEWER_SHARE * total)
    weight = np.where(cu.he, 1.0, 0.02)
    kci = np.repeat(np.arange(cu.n), rng.multinomial(known, weight / weight.sum()))
    kat, _ = _activity_times(rng, world, cu.region[kci], cu.first_day[kci])
    state = _state_at(fail, kci, kat)
    latent = (1.0 + STATE_SAT[state] - 1.0 * cu.he[kci] + cu.sat_bias[kci]
              + rng.normal(0, 1.0, len(kci)))
    n_anon = total - known
    region = _pick(rng, REGION_P, n_anon)
    aat, aday = _activity_times(rng, world, region, np.zeros(n_anon, int))
    product = _pick(rng, PRODUCT_P, n_anon)
    # a bad Wallet release in March-April shows in anonymous ratings
    bad = (product == 0) & (aday >= 120) & (aday < 181)
    return SimpleNamespace(
        ci=np.concatenate([kci, np.full(n_anon, -1)]),
        at=np.concatenate([kat, aat]),
        rating=np.concatenate([1 + np.searchsorted(RATING_CUTS, latent),
                               1 + _pick_rows(rng, ANON_RATING_P, bad.astype(int))]),
        region=np.concatenate([cu.region[kci], region]),
        product=np.concatenate([cu.product[kci], product]),
        lang=np.concatenate([cu.lang[kci], rng.random(n_anon) < PERSIAN_SHARE[region]]).astype(int),
        he=np.concatenate([cu.he[kci], np.zeros(n_anon, bool)]),
    )


# --- tables -------------------------------------------------------------------------------
def _customer_table(rng, cu) -> pa.Table:
    first = pa.array(sample_text.FIRST_NAMES).take(pa.array(rng.integers(0, len(sample_text.FIRST_NAMES), cu.n)))
    domain = pa.array(DOMAINS).take(pa.array(_pick(rng, (0.55, 0.2, 0.15, 0.1), cu.n)))
    email = pc.binary_join_element_wise(first, ".", _num_str(cu.number), "@", domain, "")
    return pa.table({
        "customer_id": _ids("C", cu.number, 7),
        "region": _cat(REGIONS, cu.region),
        "product": _cat(PRODUCTS, cu.product),
        "tier": _cat(TIERS, cu.tier),
        "language": _cat(LANGUAGES, cu.lang),
        "signup_at": _ts(cu.signup),
        "email": email,
    })


def _ticket_tables(rng, cu, tk):
    """(month, table) per created month: final rows, plus month-end snapshots of tickets still
    open then, whose final row goes to the next month's file instead."""
    n = len(tk.ci)
    month = np.searchsorted(MONTH_STARTS, tk.created, side="right") - 1
    month_end = MONTH_STARTS[month + 1]
    carried = (month < N_MONTHS - 1) & ((tk.resolved < 0) | (tk.resolved >= month_end))
    snap_idx = np.flatnonzero(carried)
    idx = np.concatenate([np.arange(n), snap_idx])
    snap = np.concatenate([np.zeros(n, bool), np.ones(len(snap_idx), bool)])
    file = month[idx] + (carried[idx] & ~snap)
    later = ~(carried[idx] & ~snap)  # carried-over rows lead their file
    order = np.lexsort((tk.created[idx], later, file))
    idx, snap, file = idx[order], snap[order], file[order]
    table = _ticket_rows(rng, cu, tk, idx, snap, month_end[idx])
    bounds = np.searchsorted(file, np.arange(N_MONTHS + 1))
    return [(m, table.slice(bounds[m], bounds[m + 1] - bounds[m])) for m in range(N_MONTHS)]


def _ticket_rows(rng, cu, tk, idx, snap, month_end) -> pa.Table:
    """One row per (ticket, state): a snapshot hides what happened after its month's end."""
    ci = tk.ci[idx]
    # drawn per ticket, so both rows of a carried-over ticket agree
    u = rng.random((8, len(tk.ci)))[:, idx]
    other_product = _pick(rng, PRODUCT_P, len(tk.ci))[idx]
    fr = tk.fr[idx]
    fr = np.where(snap & (fr >= month_end), NA, fr)
    answered = fr >= 0
    replies = np.where(snap, np.where(answered, np.maximum(1, tk.replies[idx] // 2), 0), tk.replies[idx])
    product = np.where(u[0] < 0.06, other_product, cu.product[ci])
    comp = np.where(snap, np.nan, tk.compensation[idx])
    return pa.table({
        "ticket_id": _ids("T", tk.number[idx], 8),
        "customer_id": _ids("C", cu.number[ci], 7),
        "created_at": _ts(tk.created[idx]),
        "first_response_at": _ts(fr),
        "resolved_at": _ts(np.where(snap, NA, tk.resolved[idx])),
        "type": _cat(TYPES, tk.type[idx]),
        "priority": _cat(PRIORITIES, tk.priority[idx], u[1] < 0.05),
        "channel": _cat(CHANNELS, tk.channel[idx]),
        "team": _cat(TEAMS, tk.team[idx]),
        "agent": _cat(_AGENTS, tk.agent[idx], ~answered),
        "reopens": pa.array(np.where(snap, 0, tk.reopens[idx]), pa.int64()),
        "replies": pa.array(replies, pa.int64(), mask=u[2] < 0.05),
        "promised_at": _ts(np.where(answered, tk.promised[idx], NA)),
        "proactive": pa.array(tk.proactive[idx], pa.bool_(), mask=u[3] < 0.12),
        "apologized": pa.array(tk.apologized[idx] & answered, pa.bool_(), mask=u[4] < 0.1),
        "compensation": pa.array(comp, pa.float64(), mask=np.isnan(comp)),
        "region": _cat(REGIONS, cu.region[ci], u[5] < 0.10),
        "product": _cat(PRODUCTS, product, u[6] < 0.08),
        "tier": _cat(TIERS, cu.tier[ci], u[7] < 0.20),
    })


def _survey_table(rng, cu, tk, sv, first_number: int) -> pa.Table:
    order = np.argsort(sv.at, kind="stable")
    n = len(order)
    ci, ti = sv.ci[order], sv.ti[order]
    numbers = np.append(tk.number, 0)  # ti = -1 (no ticket) reads the trailing 0
    blank = rng.random((4, n)) < np.array([[0.10], [0.15], [0.10], [0.12]])
    return pa.table({
        "response_id": _ids("S", first_number + 1 + np.arange(n), 8),
        "customer_id": _ids("C", cu.number[ci], 7),
        "submitted_at": _ts(sv.at[order]),
        "ticket_id": _ids("T", numbers[ti], 8, ti < 0),
        "nps": pa.array(sv.nps[order], pa.int64(), mask=sv.nps[order] < 0),
        "csat": pa.array(sv.csat[order], pa.int64(), mask=sv.csat[order] == 0),
        "ces": pa.array(sv.ces[order], pa.int64(), mask=sv.ces[order] == 0),
        "comment": _texts(COMMENT_POOL, sv.comment[order]),
        "channel": _cat(CHANNELS, sv.channel[order], blank[0]),
        "region": _cat(REGIONS, cu.region[ci], blank[1]),
        "product": _cat(PRODUCTS, cu.product[ci], blank[2]),
        "tier": _cat(TIERS, cu.tier[ci], blank[3]),
    })


def _review_table(rng, cu, rv, first_number: int) -> pa.Table:
    order = np.argsort(rv.at, kind="stable")
    n = len(order)
    ci, rating, lang = rv.ci[order], rv.rating[order], rv.lang[order]
    known = ci >= 0
    mood = np.select([rating <= 2, rating == 3], [2, 1], 0)
    long = rv.he[order] & (mood == 2) & (rng.random(n) < 0.5)
    body_kind = np.where(long, REVIEW_KINDS.index("long_neg"), mood)
    title = np.where(rng.random(n) < 0.7, _pool_index(rng, TITLE_POOL, lang, mood), -1)
    body = np.where(rng.random(n) < 0.85, _pool_index(rng, BODY_POOL, lang, body_kind), -1)
    replied = rng.random(n) < np.select([rating <= 2, rating == 3], [0.75, 0.5], 0.35)
    reply_at = rv.at[order] + np.clip(rng.lognormal(math.log(18 * HOUR), 1.2, n), 600, 60 * DAY).astype(np.int64)
    reply_at = np.where(replied & (reply_at <= END), reply_at, NA)
    votes = np.floor(rng.lognormal(0.3 + 0.7 * (rating <= 2), 1.2, n)).astype(np.int64) - 1
    platform = _pick(rng, PLATFORM_P, n)
    return pa.table({
        "review_id": _ids("R", first_number + 1 + np.arange(n), 8),
        "platform": _cat(PLATFORMS, platform),
        "posted_at": _ts(rv.at[order]),
        "rating": pa.array(rating, pa.int64()),
        "title": _texts(TITLE_POOL, title),
        "body": _texts(BODY_POOL, body),
        "customer_id": _ids("C", cu.number[np.maximum(ci, 0)], 7, ~known),
        "helpful_votes": pa.array(np.maximum(votes, 0), pa.int64(),
                                  mask=(platform == 3) & (rng.random(n) < 0.5)),
        "replied_at": _ts(reply_at),
        "language": _cat(LANGUAGES, lang),
        "product": _cat(PRODUCTS, rv.product[order], rng.random(n) < np.where(known, 0.1, 0.2)),
        "region": _cat(REGIONS, rv.region[order], rng.random(n) < np.where(known, 0.3, 0.6)),
    })


# --- text pools ---------------------------------------------------------------------------
COMMENT_KINDS = ("pos", "neu", "neg", "slow", "long_neg", "long_pos")
REVIEW_KINDS = ("pos", "neu", "neg", "long_neg")


def _flatten(pools, kinds) -> SimpleNamespace:
    """{lang: {kind: [text]}} -> one Arrow array with (lang, kind) -> offset, size tables."""
    texts, offset, size = [], np.zeros((2, len(kinds)), int), np.zeros((2, len(kinds)), int)
    for li, lang in enumerate(LANGUAGES):
        for ki, kind in enumerate(kinds):
            items = pools[lang].get(kind) or pools[lang]["neg"]
            offset[li, ki], size[li, ki] = len(texts), len(items)
            texts.extend(items)
    return SimpleNamespace(texts=pa.array(texts, pa.string()), offset=offset, size=size)


COMMENT_POOL = _flatten(sample_text.COMMENTS, COMMENT_KINDS)
TITLE_POOL = _flatten(sample_text.REVIEW_TITLES, ("pos", "neu", "neg"))
BODY_POOL = _flatten(sample_text.REVIEW_BODIES, REVIEW_KINDS)
_AGENTS = tuple(a for t in TEAMS for a in sample_text.AGENTS[t])


def _pool_index(rng, pool, lang, kind):
    return pool.offset[lang, kind] + (rng.random(len(lang)) * pool.size[lang, kind]).astype(int)


def _texts(pool, index) -> pa.Array:
    return pool.texts.take(pa.array(np.maximum(index, 0), mask=index < 0))


# --- small helpers ------------------------------------------------------------------------
def _pick(rng, p, n: int):
    """n category indices with probabilities p (inverse CDF, vectorised)."""
    cum = np.cumsum(p) / np.sum(p)
    return np.minimum(np.searchsorted(cum, rng.random(n), side="right"), len(cum) - 1)


def _pick_rows(rng, table, row):
    """Category per element i drawn with the probabilities table[row[i]]."""
    cum = np.cumsum(table, axis=1) / table.sum(axis=1, keepdims=True)
    u = rng.random(len(row))
    return np.minimum((u[:, None] >= cum[row]).sum(axis=1), table.shape[1] - 1)


def _ceil_hour(t):
    return -(-t // HOUR) * HOUR


def _floor_hour(t):
    return t // HOUR * HOUR


def _cat(names, index, blank=None) -> pa.Array:
    return pa.array(names, pa.string()).take(pa.array(np.asarray(index, np.int64), mask=blank))


def _num_str(numbers) -> pa.Array:
    return pc.cast(pa.array(np.asarray(numbers, np.int64)), pa.string())


def _ids(prefix: str, numbers, width: int, blank=None) -> pa.Array:
    digits = pc.utf8_lpad(_num_str(numbers), width, padding="0")
    ids = pc.binary_join_element_wise(prefix, digits, "")
    if blank is not None:
        ids = pc.if_else(pa.array(blank), pa.scalar(None, pa.string()), ids)
    return ids


def _ts(seconds) -> pa.Array:
    seconds = np.asarray(seconds, np.int64)
    return pa.array(seconds, pa.timestamp("s", tz="UTC"), mask=seconds < 0)


def _ts_scalar(seconds):
    return pa.scalar(int(seconds), pa.timestamp("s", tz="UTC"))


def _month_name(month: int) -> str:
    return str(MONTH_STARTS[month].astype("datetime64[s]").astype("datetime64[M]"))


# --- output -------------------------------------------------------------------------------
class _Sink:
    """One writer per file. Every block writes every file (maybe an empty table), so each
    file exists with its header even when it has no rows."""

    FILES = {
        "customers": ["customers"],
        "tickets": [f"tickets-{_month_name(m)}" for m in range(N_MONTHS)],
        "surveys": ["surveys-2025H2", "surveys-2026"],
        "reviews": ["reviews"],
    }

    def __init__(self, out_dir: pathlib.Path, fmt: str):
        self.out_dir, self.fmt = out_dir, fmt
        self.writers, self.rows, self.paths = {}, {}, []
        for source, names in self.FILES.items():
            (out_dir / source).mkdir(parents=True, exist_ok=True)
            self.rows[source] = 0
            for name in names:
                self.paths.append(out_dir / source / f"{name}.{fmt}")

    def write(self, source: str, name: str, table: pa.Table):
        if self.fmt == "csv":
            table = _csv_ready(source, table)
        key = (source, name)
        if key not in self.writers:
            path = self.out_dir / source / f"{name}.{self.fmt}"
            if self.fmt == "csv":
                options = pacsv.WriteOptions(quoting_header="none")
                self.writers[key] = pacsv.CSVWriter(str(path), table.schema, write_options=options)
            else:
                self.writers[key] = pq.ParquetWriter(str(path), table.schema)
        self.writers[key].write_table(table)
        self.rows[source] += table.num_rows

    def close(self):
        for writer in self.writers.values():
            writer.close()
        self.writers = {}

    def summary(self) -> dict:
        return {**self.rows, "files": [str(p) for p in self.paths]}


def _csv_ready(source: str, table: pa.Table) -> pa.Table:
    """Timestamps as text in the source's own style."""
    for i, field in enumerate(table.schema):
        if not pa.types.is_timestamp(field.type):
            continue
        if source == "reviews":
            text = _local_iso(table[field.name], table["language"], table["region"])
        elif source == "surveys":
            text = _plain_text(table[field.name])
        else:
            text = pc.utf8_replace_slice(pc.utf8_replace_slice(_plain_text(table[field.name]), 10, 11, "T"),
                                         19, 19, "Z")
        table = table.set_column(i, field.name, text)
    return table


def _plain_text(ts, shift=0):
    """`YYYY-MM-DD HH:MM:SS` (a cast: much faster than strftime), optionally shifted first."""
    seconds = pc.cast(ts, pa.int64())
    if not isinstance(shift, int) or shift:
        seconds = pc.add(seconds, pa.array(shift, pa.int64()))
    return pc.cast(pc.cast(seconds, pa.timestamp("s")), pa.string())


def _local_iso(ts, language, region) -> pa.Array:
    """ISO 8601 in the reviewer's local time with its offset (Iran: +03:30, no DST)."""
    fa = pc.fill_null(pc.equal(language, "fa"), False).to_numpy(zero_copy_only=False)
    eu = pc.fill_null(pc.equal(region, "EU"), False).to_numpy(zero_copy_only=False)
    which = np.where(fa, 2, np.where(eu, 1, 0))
    text = pc.utf8_replace_slice(_plain_text(ts, np.array([0, HOUR, 12600])[which]), 10, 11, "T")
    return pc.binary_join_element_wise(text, _cat(OFFSETS, which), "")
