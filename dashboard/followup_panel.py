"""Who to contact: the follow-up list the high-expectation and service recovery pages end with.

The candidates come from the warehouse (queries/metrics/at_risk_customers.sql, the
high-expectation customers at risk; queries/metrics/followup_recovery.sql, the failures not
recovered or still open); their owner, status and note from the follow-up store beside it
(cx/followups.py), which no refresh replaces. Owner, status and note are edited in the table
itself; every other column is read-only.

An edit is applied on the run after it was made, against the table that run showed: the rows
and versions the person saw are kept in the session, so a row changed by another session in
between is refused (cx.followups.Conflict) instead of overwritten. After each save the editor
starts fresh (a new widget key), so an edit is never applied twice and the table shows what
was stored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import pandas as pd
import streamlit as st

from cx import export, followups
from dashboard import access, analyses, data, fmt, frame, readings

col = st.column_config
EDITABLE = followups.FIELDS
LISTED = 500  # candidates the editor lists, most urgent first (the CSV has them all)
FLAGGED, NO_LONGER = "yes", "no longer"
HISTORY_SHOWN = 50


@dataclass(frozen=True)
class ListKind:
    """One follow-up list: where its candidates come from and how its rows read."""

    query: str
    ticket_keyed: bool  # one follow-up per ticket (recovery) or per customer (high expectation)
    noun: str  # what a row is, for the sentences
    renames: dict  # query column -> the panel's column
    why: Callable[[dict], str]  # why the row is listed, kept with the follow-up when first worked on
    order: tuple  # the editor's columns
    integers: tuple  # whole-number columns (NA where unknown)
    export: tuple  # (column, CSV header) in the order the CSV has them


def _he_why(row: dict) -> str:
    return "; ".join(str(v) for v in (row.get("why"), f"signals: {row.get('signals')}" if row.get("signals") else None)
                     if v)


KINDS = {
    "high_expectation": ListKind(
        query="metrics/at_risk_customers", ticket_keyed=False, noun="customer",
        renames={"needs": "why", "oldest_open_days": "open_days"}, why=_he_why,
        # The columns people edit next to who and why, the details after them.
        order=("customer_id", "customer_link", "why", "status", "owner", "note", "since", "changed", "signals",
               "latest_nps", "ticket_id", "ticket_link", "open_days", "flagged"),
        integers=("latest_nps", "open_days", "urgency", "open_failures", "negative_reviews"),
        export=(("customer_id", "Customer"), ("customer_link", "Customer page"), ("why", "Why"),
                ("signals", "Signals"), ("urgency", "Urgency"), ("latest_nps", "Latest NPS"),
                ("ticket_id", "Open failure ticket"), ("ticket_link", "Ticket page"),
                ("open_days", "Open (days)"), ("region", "Region"), ("tier", "Tier"), ("product", "Product")),
    ),
    "recovery": ListKind(
        query="metrics/followup_recovery", ticket_keyed=True, noun="failure",
        renames={}, why=lambda row: str(row.get("why") or ""),
        order=("ticket_id", "ticket_link", "customer_id", "customer_link", "why", "status", "owner", "note",
               "since", "changed", "created_date", "type", "priority", "post_csat", "loyalty_nps", "flagged"),
        integers=("post_csat", "loyalty_nps", "open_days", "resolution_days"),
        export=(("ticket_id", "Ticket"), ("ticket_link", "Ticket page"), ("customer_id", "Customer"),
                ("customer_link", "Customer page"), ("created_date", "Created"), ("type", "Type"),
                ("priority", "Priority"), ("team", "Team"), ("why", "Why"), ("post_csat", "Post-ticket CSAT"),
                ("loyalty_nps", "NPS after the failure"), ("open_days", "Open (days)"),
                ("resolution_days", "Resolved in (days)"), ("region", "Region"), ("tier", "Tier"),
                ("product", "Product")),
    ),
}

STATE_EXPORT = (("owner", "Owner"), ("status", "Status"), ("note", "Note"), ("changed_by", "Changed by"),
                ("changed_at", "Changed at (UTC)"), ("contacted_on", "Called or resolved on"),
                ("answered_on", "Answered a survey on"), ("nps_since", "NPS since"), ("csat_since", "CSAT since"),
                ("nps_before", "NPS before"), ("flagged", "On the list now"))


def columns(kind: str, links: dict) -> dict:
    """The editor's columns: owner, status and note editable, the rest read-only."""
    spec = KINDS[kind]
    config = {
        "customer_id": col.TextColumn("Customer", pinned=not spec.ticket_keyed, disabled=True),
        "customer_link": col.LinkColumn("Customer page", display_text="open ↗", disabled=True)
        if links.get("customer_url") else None,
        "ticket_id": col.TextColumn("Ticket" if spec.ticket_keyed else "Open failure", pinned=spec.ticket_keyed,
                                    disabled=True,
                                    help=None if spec.ticket_keyed else "The oldest failure ticket still open."),
        "ticket_link": col.LinkColumn("Ticket page", display_text="open ↗", disabled=True)
        if links.get("ticket_url") else None,
        "why": col.TextColumn("Why", width=320, disabled=True),
        "signals": col.TextColumn("Signals", width="medium", disabled=True),
        "latest_nps": col.NumberColumn("Latest NPS", format="%d", disabled=True),
        "open_days": col.NumberColumn("Open (days)", format="%d", disabled=True,
                                      help="Whole days since it was opened, at the data's as-of time."),
        "created_date": col.DateColumn("Created", format="YYYY-MM-DD", disabled=True),
        "type": col.TextColumn("Type", disabled=True),
        "priority": col.TextColumn("Priority", disabled=True),
        "post_csat": col.NumberColumn("Post-ticket CSAT", format="%d", disabled=True),
        "loyalty_nps": col.NumberColumn("NPS after", format="%d", disabled=True,
                                        help="The customer's first NPS answer after the failure, if any."),
        "owner": col.TextColumn("Owner", max_chars=followups.MAX_OWNER, help="Who calls this customer."),
        "status": col.SelectboxColumn("Status", options=list(followups.STATUSES), required=True),
        "note": col.TextColumn("Note", width="medium", max_chars=followups.MAX_NOTE),
        "changed": col.TextColumn("Last change", disabled=True),
        "since": col.TextColumn("Answered since", width="medium", disabled=True,
                                help="The customer's first survey answer after the follow-up was marked called "
                                     "or resolved."),
        "flagged": col.TextColumn("On the list now", disabled=True,
                                  help="'no longer': worked on earlier, and these dates and filters no longer list "
                                       "it (the problem may be solved, or the dates moved)."),
    }
    return {k: config[k] for k in spec.order if config.get(k) is not None}


# ---------------------------------------------------------------- the list


def candidates(kind: str, params: dict, limit: int | None, **query_args) -> pd.DataFrame:
    """The warehouse's candidates for list `kind`, most urgent first (`limit` None: all, not
    cached: for the download)."""
    spec = KINDS[kind]
    if limit is None:
        df = data.full_frame(spec.query, **params, **query_args, limit=None)
    else:
        df = data.run_query(spec.query, **params, **query_args, limit=limit)
    return df.rename(columns=spec.renames)


def later_answers(stored: dict) -> pd.DataFrame:
    """What the customers of the follow-ups marked called or resolved answered since (one row
    per follow-up, then one for all of them: queries/metrics/followup_later_scores.sql)."""
    contacted = [f for f in stored.values() if f.contacted_at]
    if not contacted:
        return pd.DataFrame()
    return data.run_query("metrics/followup_later_scores", followup_ids=[f.id for f in contacted],
                          customer_ids=[f.customer_id for f in contacted],
                          since=[followups.parse(f.contacted_at) for f in contacted])


def _since_text(answer: dict | None) -> str:
    if answer is None:
        return ""
    if answer.get("answered_at") is None:
        return "no answer yet"
    parts = [f"{label} {int(answer[c])}" for c, label in (("nps_since", "NPS"), ("csat_since", "CSAT"))
             if answer.get(c) is not None]
    return f"{' · '.join(parts)} on {fmt.day(answer['answered_at'])}"


def worklist(kind: str, found: pd.DataFrame, stored: dict, later: pd.DataFrame | None = None,
             include_unflagged: bool = True, today: datetime | None = None) -> pd.DataFrame:
    """The candidates with their follow-up state (owner, status, note, version, last change,
    the answer since), then, with `include_unflagged`, the follow-ups worked on earlier that the
    candidates no longer hold (flagged 'no longer', with the reason kept when first worked on)."""
    spec = KINDS[kind]
    answers = {}
    if later is not None and not later.empty:
        answers = {int(r["followup_id"]): r for r in analyses.rows(later) if r.get("followup_id") is not None}
    records, seen = [], set()
    for row in analyses.rows(found):
        k = followups.key(kind, row["customer_id"], row.get("ticket_id") if spec.ticket_keyed else None)
        if k in seen:
            continue
        seen.add(k)
        f = stored.get(k) or followups.new(*k)
        records.append(_state(row | {"why_kept": spec.why(row)}, f, answers, FLAGGED, today))
    if include_unflagged:
        for k, f in stored.items():
            if k not in seen and f.version:
                records.append(_state({"customer_id": k[1], "ticket_id": k[2] or None, "why": f.why,
                                       "why_kept": f.why}, f, answers, NO_LONGER, today))
    out = pd.DataFrame.from_records(records, columns=_all_columns(kind, found))
    for c in spec.integers:
        if c in out:
            out[c] = pd.to_numeric(out[c], errors="coerce").round().astype("Int64")
    if "created_date" in out:
        out["created_date"] = pd.to_datetime(out["created_date"])
    return out


def _all_columns(kind: str, found: pd.DataFrame) -> list[str]:
    cols = [c for c in found.columns if c != "matching"]
    for c in ("customer_id", "ticket_id", "why"):
        if c not in cols:
            cols.append(c)
    return cols + ["why_kept", "owner", "status", "note", "version", "changed", "changed_by", "changed_at",
                   "contacted_on", "answered_on", "nps_since", "csat_since", "nps_before", "since", "flagged"]


def _state(row: dict, f: followups.Followup, answers: dict, flagged: str, today: datetime | None) -> dict:
    answer = answers.get(f.id) if f.contacted_at else None
    changed = f"{f.updated_by}, {followups.shown_time(f.updated_at, today)}" if f.version else ""
    return row | {
        "owner": f.owner, "status": f.status, "note": f.note, "version": f.version, "changed": changed,
        "changed_by": f.updated_by or "", "changed_at": fmt.moment(followups.parse(f.updated_at)) if f.version else "",
        "contacted_on": fmt.day(followups.parse(f.contacted_at)) if f.contacted_at else "",
        "answered_on": fmt.day(answer["answered_at"]) if answer and answer.get("answered_at") else "",
        "nps_since": answer.get("nps_since") if answer else None,
        "csat_since": answer.get("csat_since") if answer else None,
        "nps_before": answer.get("nps_before") if answer else None,
        "since": _since_text(answer) if f.contacted_at else "", "flagged": flagged,
    }


def export_frame(kind: str, shown: pd.DataFrame, links: dict) -> pd.DataFrame:
    """The list as the CSV has it: readable headers, days and scores as whole numbers, dates as
    dates, links only where [links] has a template."""
    spec = KINDS[kind]
    df = analyses.with_links(shown, links)
    out = pd.DataFrame(index=df.index)
    for column, header in spec.export + STATE_EXPORT:
        if column not in df:
            continue
        values = df[column]
        if column in spec.integers or column in ("nps_since", "csat_since", "nps_before"):
            # Whole numbers as Python ints, blanks as None: the CSV writer reads pandas' NA as neither.
            whole = pd.to_numeric(values, errors="coerce").round().astype("Int64")
            values = pd.Series([None if pd.isna(v) else int(v) for v in whole], index=df.index, dtype=object)
        elif column == "created_date":
            values = pd.to_datetime(values).dt.strftime("%Y-%m-%d")
        out[header] = values
    return out.reset_index(drop=True)


# ---------------------------------------------------------------- edits


def apply_edits(kind: str, shown: pd.DataFrame, edited_rows: dict, target, actor: str) -> tuple[int, list[str]]:
    """Store the editor's changes (row position in `shown` -> {column: value}), each against the
    version `shown` had. Returns how many rows were saved and a message per refused row."""
    saved, refused = 0, []
    for position, changes in sorted(edited_rows.items(), key=lambda kv: int(kv[0])):
        position = int(position)
        if position >= len(shown):
            continue
        row = shown.iloc[position]
        wanted = {f: "" if changes[f] is None else changes[f] for f in EDITABLE if f in changes}
        if not wanted:
            continue
        ticket = row["ticket_id"] if KINDS[kind].ticket_keyed else None
        name = _row_name(kind, row)
        try:
            followups.update(target, kind, row["customer_id"], ticket, base_version=int(row["version"]),
                             actor=actor, why=str(row.get("why_kept") or ""), **wanted)
        except followups.Conflict as exc:
            refused.append(f"Not saved: {name} was changed by {exc.by} at {followups.shown_time(exc.at)}, after "
                           "this list was opened. The list below shows that change now; make yours again if it "
                           "still applies.")
        except ValueError as exc:
            refused.append(f"Not saved: {name}: {exc}.")
        else:
            saved += 1
    return saved, refused


def _row_name(kind: str, row) -> str:
    if KINDS[kind].ticket_keyed:
        return f"the follow-up of ticket {row['ticket_id']}"
    return f"the follow-up of customer {row['customer_id']}"


# ---------------------------------------------------------------- whether calling helped


def later_reading(kind: str, later: pd.DataFrame, min_n: int = readings.MIN_N) -> str:
    """'Of 12 follow-ups marked called or resolved, 7 customers answered a survey since: NPS
    ... against ... before', with the margins, and "too few to tell" under min_n answers."""
    noun = KINDS[kind].noun
    if later is None or later.empty:
        return (f"No {noun} on this list is marked called or resolved yet. Once one is, the customer's next "
                "survey answer shows here, so you can see whether the calls helped.")
    total = next(r for r in analyses.rows(later) if r.get("followup_id") is None)
    n, answered = int(total["followups"]), int(total["answered"])
    text = (f"Of **{n:,}** follow-up{'s' if n != 1 else ''} marked called or resolved, **{answered:,}** "
            f"{'customer' if answered == 1 else 'customers'} answered a survey since.")
    if not answered:
        return text + " Nothing to compare yet."
    after = readings.Score(total["nps_since_score"], total["nps_since_moe95"], int(total["nps_since_responses"]))
    before = readings.Score(total["nps_before_score"], total["nps_before_moe95"], int(total["nps_before_responses"]))
    if after.n and before.n:
        gap = readings.nps_gap(after, before, min_n=min_n)
        verdict = {readings.ABOVE: "higher, beyond the margin", readings.BELOW: "lower, beyond the margin",
                   readings.WITHIN: "within the margin: no real change",
                   readings.TOO_FEW: f"too few to tell (fewer than {min_n} answers on a side)",
                   readings.UNKNOWN: "nothing to compare"}[gap.verdict]
        text += (f" NPS since: **{analyses.nps_text(after)}** ({_answers(after.n)}), against "
                 f"{analyses.nps_text(before)} before ({_answers(before.n)}, each customer's latest before the call): "
                 f"{fmt.signed(gap.diff, 1, ' pts')}, {verdict}.")
    elif after.n:
        text += f" NPS since: {analyses.nps_text(after)} ({_answers(after.n)}); no NPS answer before to compare."
    since = readings.Share(total["csat_since_pct"], int(total["csat_since_responses"]))
    prior = readings.Share(total["csat_before_pct"], int(total["csat_before_responses"]))
    if since.n:
        text += f" CSAT since: {fmt.number(since.pct, 1, '%')} ({_answers(since.n)})"
        if prior.n:
            gap = readings.share_gap(since, prior, min_n=min_n)
            text += f" against {fmt.number(prior.pct, 1, '%')} before ({_answers(prior.n)})"
            if gap.verdict == readings.TOO_FEW:
                text += ": too few to tell"
            elif gap.verdict == readings.WITHIN:
                text += ": within noise"
            elif gap.verdict in (readings.ABOVE, readings.BELOW):
                text += f": {'higher' if gap.verdict == readings.ABOVE else 'lower'}, beyond noise"
        text += "."
    return text


def _answers(n: int) -> str:
    return f"{n:,} answer" + ("" if n == 1 else "s")


# ---------------------------------------------------------------- the section


def _keys(kind: str) -> tuple[str, str, str]:
    base = f"followups-{kind}"
    return f"{base}-{st.session_state.get(base + '-n', 0)}", base + "-shown", base + "-n"


@st.fragment
def show(kind: str, page: analyses.Analysis, limit: int = LISTED, **query_args) -> None:
    """The follow-up list of `kind` for the page's dates and filters, editable, with the later
    scores of the follow-ups closed and a CSV download. A fragment: an edit reruns this list
    only, not the page's charts. Nothing at all for a role that does not include it."""
    if not access.allows(access.FOLLOW_UPS):
        return
    st.subheader("Who to contact")
    spec = KINDS[kind]
    target, actor = data.warehouse_path(), access.who()
    links = page.ctx.settings.links
    editor_key, shown_key, counter_key = _keys(kind)

    pending = (st.session_state.get(editor_key) or {}).get("edited_rows") or {}
    shown_before = st.session_state.get(shown_key)
    notices: list[str] = []
    if pending and shown_before is not None:
        saved, notices = apply_edits(kind, shown_before, pending, target, actor)
        st.session_state[counter_key] = st.session_state.get(counter_key, 0) + 1
        editor_key, _, _ = _keys(kind)
        if saved:
            st.toast(f"Saved {saved} change{'s' if saved != 1 else ''} to the follow-up list.",
                     icon=":material/check:")

    stored = followups.listing(target, kind)
    found = candidates(kind, page.params, limit, **query_args)
    later = later_answers(stored)
    matching = int(found["matching"].iloc[0]) if not found.empty else 0

    left, middle, right = st.columns([2, 2, 3])
    statuses = left.pills("Status", list(followups.STATUSES), selection_mode="multi",
                          default=list(followups.STATUSES), key=f"followups-{kind}-status") or []
    owners = sorted({f.owner for f in stored.values() if f.owner})
    owner = middle.selectbox("Owner", ["anyone", "no owner yet", *owners], key=f"followups-{kind}-owner")
    with right:
        st.space("small")
        unflagged = st.toggle("Also list follow-ups no longer flagged", value=True, key=f"followups-{kind}-unflagged",
                              help="Worked on earlier, and not among the candidates of these dates and filters "
                                   "any more.")

    listed = worklist(kind, found, stored, later, include_unflagged=unflagged)
    chosen = _filtered(listed, statuses, owner)

    for notice in notices:
        st.warning(notice, icon=":material/sync_problem:")
    if listed.empty:
        frame.empty(f"No {spec.noun} to contact in these dates and filters.")
        st.session_state[shown_key] = chosen
        return
    more = (f" The {limit:,} most urgent are listed; the CSV has all {matching:,}." if matching > len(found)
            else "")
    st.caption(f"{matching:,} {spec.noun}{'s' if matching != 1 else ''} to contact in these dates and filters, most "
               f"urgent first.{more} Set the owner, the status (to call, called, resolved) and a note in the table; "
               "each change is saved at once, with who made it and when.")
    shown = analyses.with_links(chosen, links).reset_index(drop=True)
    config = columns(kind, links)
    st.session_state[shown_key] = shown
    st.data_editor(shown, column_config=config, column_order=list(config), hide_index=True, width="stretch",
                   num_rows="fixed", key=editor_key, placeholder=fmt.DASH)

    st.markdown(later_reading(kind, later))
    st.caption("Customers are listed for a low score or an open problem, so their next answer tends to be better "
               "even without a call: read this as a comparison, not proof that the calls worked.")

    st.download_button(
        "Download the follow-up list (CSV)",
        lambda: export.frame_csv(export_frame(kind, _filtered(worklist(
            kind, candidates(kind, page.params, None, **query_args), followups.listing(target, kind), later,
            include_unflagged=unflagged), statuses, owner), links)),
        file_name=f"follow-ups-{kind.replace('_', '-')}.csv", mime="text/csv", key=f"dl-followups-{kind}",
        icon=":material/download:", on_click="ignore",
    )
    changes = followups.history(target, kind, limit=HISTORY_SHOWN)
    with st.expander("Recent changes" if changes else "Recent changes (none yet)"):
        if changes:
            st.caption(f"The latest {HISTORY_SHOWN} changes to this list, newest first: who changed what, from what "
                       "to what." if len(changes) == HISTORY_SHOWN else "Every change to this list, newest first.")
            frame.table(_history_frame(changes), column_config=HISTORY_COLUMNS)
        else:
            st.caption("Nobody has changed a follow-up on this list yet.")


def _filtered(listed: pd.DataFrame, statuses: list[str], owner: str) -> pd.DataFrame:
    out = listed[listed["status"].isin(statuses)] if not listed.empty else listed
    if owner == "no owner yet":
        out = out[out["owner"] == ""]
    elif owner != "anyone":
        out = out[out["owner"] == owner]
    return out


HISTORY_COLUMNS = {
    "at": col.TextColumn("When (UTC)"),
    "actor": col.TextColumn("Who"),
    "customer_id": col.TextColumn("Customer"),
    "ticket_id": col.TextColumn("Ticket"),
    "field": col.TextColumn("Changed"),
    "old": col.TextColumn("From", width="medium"),
    "new": col.TextColumn("To", width="medium"),
}


def _history_frame(changes: list[dict]) -> pd.DataFrame:
    df = pd.DataFrame(changes, columns=list(HISTORY_COLUMNS))
    df["at"] = [fmt.moment(followups.parse(a)) for a in df["at"]]
    df["ticket_id"] = df["ticket_id"].replace("", None)
    return df
