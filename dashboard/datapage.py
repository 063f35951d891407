"""Parts of the Data page: tables about refreshes and checks, and the upload-and-refresh form."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from cx import audit
from cx.schema import SOURCE_ORDER
from dashboard import access, data, fmt, frame, mapping_page, uploads, warmup

col = st.column_config

ATTEMPT_COLUMNS = {
    "started_at": col.TextColumn("Started (UTC)"),
    "outcome": col.TextColumn("Outcome"),
    "rows_read": col.NumberColumn("Rows read", format="localized"),
    "rejected": col.NumberColumn("Rejected", format="localized", help="Rows set aside with their reason "
                                 "(Rejected rows below); the rest of the data was published"),
    "warnings": col.NumberColumn("Warnings", format="localized", help="Expectations that warned: reported, "
                                 "they do not stop a refresh"),
    "message": col.TextColumn("What happened", width="large"),
    "data_dir": col.TextColumn("Data folder"),
    "refresh_id": col.TextColumn("Refresh id"),
}

HISTORY_COLUMNS = {
    "refresh_id": col.TextColumn("Refresh id"),
    "started_at": col.DatetimeColumn("Started (UTC)", format="YYYY-MM-DD HH:mm:ss"),
    "finished_at": col.DatetimeColumn("Finished (UTC)", format="YYYY-MM-DD HH:mm:ss"),
    "seconds": col.NumberColumn("Took", format="%.1f s"),
    "data_dir": col.TextColumn("Data folder"),
    "files": col.NumberColumn("Files", format="localized"),
    "bytes": col.NumberColumn("Size", format="bytes"),
    "rows_read": col.NumberColumn("Rows read", format="localized"),
    "rows_rejected": col.NumberColumn("Rejected", format="localized"),
    "rows_updated": col.NumberColumn("Updated by later files", format="localized"),
    "first_day": col.DateColumn("First day"),
    "last_day": col.DateColumn("Last day"),
    "data_as_of": col.DatetimeColumn("Data as of (UTC)", format="YYYY-MM-DD HH:mm"),
    "timezone": col.TextColumn("Time zone"),
}

INPUT_COLUMNS = {
    "source": col.TextColumn("Source"),
    "file": col.TextColumn("File", width="medium"),
    "format": col.TextColumn("Format", help="The export format recognised from the file itself", width="medium"),
    "encoding": col.TextColumn("Encoding"),
    "bytes": col.NumberColumn("Size", format="bytes"),
    "rows": col.NumberColumn("Rows", format="localized"),
    "rejected": col.NumberColumn("Rejected", format="localized"),
    "skipped": col.NumberColumn(
        "Skipped", format="localized",
        help="Rows the export marks as not an answer (deleted tickets, ratings offered but not given, "
        "unfinished responses): left out of every metric, not rejected",
    ),
}

REJECTED_SUMMARY_COLUMNS = {
    "source": col.TextColumn("Source"),
    "column": col.TextColumn("Column"),
    "rule": col.TextColumn("Rule broken"),
    "rows": col.NumberColumn("Rows", format="localized"),
    "files": col.NumberColumn("Files", format="localized"),
    "example": col.TextColumn("Example", width="large"),
}

REJECTED_COLUMNS = {
    "source": col.TextColumn("Source"),
    "file": col.TextColumn("File"),
    "line": col.NumberColumn("Line", format="localized", help="Line in the file; the header is line 1"),
    "column": col.TextColumn("Column"),
    "value": col.TextColumn("Value"),
    "reason": col.TextColumn("Reason", width="large"),
    "record": col.JsonColumn("Row as read", width="medium"),
}


def audit_columns(tz: str) -> dict:
    return {
        "when": col.DatetimeColumn(f"When ({tz})", format="YYYY-MM-DD HH:mm"),
        "who": col.TextColumn("Who"),
        "what": col.TextColumn("What"),
        "subject": col.TextColumn("On what", width="medium"),
        "result": col.TextColumn("Result"),
        "detail": col.TextColumn("Detail", width="large"),
    }


def _zone() -> ZoneInfo:
    try:
        return ZoneInfo(frame.settings().timezone)
    except (KeyError, ValueError):  # load_settings checks the zone; this only guards a bad value
        return ZoneInfo("UTC")


def local_time(value: datetime | None) -> datetime | None:
    """A UTC moment (naive ones are UTC) in the dashboard's time zone, to the minute, naive."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(_zone()).replace(second=0, microsecond=0, tzinfo=None)


def _parse_at(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None


def audit_table(entries: list[dict]) -> pd.DataFrame:
    """The audit trail's entries (newest first, as cx.audit.recent gives them) as the page shows them."""
    rows = [{
        "when": local_time(_parse_at(e.get("at", ""))),
        "who": e.get("actor", ""), "what": e.get("action", ""), "subject": e.get("subject", ""),
        "result": e.get("result", ""), "detail": e.get("detail", ""),
    } for e in entries]
    return pd.DataFrame(rows, columns=["when", "who", "what", "subject", "result", "detail"])


def who_did_what(src: data.Source | None) -> None:
    """The section "Who did what": the audit trail beside the warehouse."""
    target = src.target if src else data.warehouse_path()
    table = audit_table(audit.recent(target, AUDIT_ROWS))
    st.markdown(f"**Who did what**, newest first: uploads, removals and refreshes, from this page or the command "
                f"line (the last {AUDIT_ROWS:,}; times in {frame.settings().timezone})")
    if table.empty:
        frame.empty("Nothing is recorded yet: uploads, removals and refreshes are listed here as they happen.")
        return
    frame.table(table, column_config=audit_columns(frame.settings().timezone))
    frame.download(table, "audit-trail", "who did what", key="dl-audit")


AUDIT_ROWS = 500


def _sum(sources: dict, key: str) -> int | None:
    values = [v.get(key) for v in sources.values() if isinstance(v, dict)]
    return sum(int(v) for v in values if isinstance(v, (int, float))) if values else None


def attempt_summary(entry: dict) -> str:
    """What an attempt did, in words: for a published one its counts (the log's message without
    the warehouse path it starts with), for a blocked one the refresh's own reason."""
    message = str(entry.get("message") or "")
    if entry.get("published") and message.startswith("published "):
        return message.partition(": ")[2] or message
    return message


def attempts_table(attempts: list[dict]) -> pd.DataFrame:
    rows = []
    for a in attempts:
        sources = a.get("sources") if isinstance(a.get("sources"), dict) else {}
        checks = a.get("failed_checks") if isinstance(a.get("failed_checks"), list) else None
        rows.append({
            "started_at": str(a.get("started_at", "")).replace("T", " ").replace("+00:00", ""),
            "outcome": "published" if a.get("published") else "blocked",
            "rows_read": _sum(sources, "rows"),
            "rejected": _sum(sources, "rejected"),
            "warnings": None if checks is None else sum(1 for c in checks if _severity(c.get("severity")) == "warn"),
            "message": attempt_summary(a),
            "data_dir": a.get("data_dir", ""),
            "refresh_id": a.get("refresh_id", ""),
        })
    return pd.DataFrame(rows, columns=list(ATTEMPT_COLUMNS))


# ---------------------------------------------------------------- validation report

_STATUS = ("success", "passed", "pass", "ok", "status", "result", "outcome")


def status_column(report: pd.DataFrame) -> str | None:
    """The column of a validation report that says pass or fail (the report's layout is the
    checks' own: the page adapts to it)."""
    for name in _STATUS:
        if name in report.columns:
            return name
    return None


def passed(value) -> bool | None:
    if fmt.is_missing(value):
        return None
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "pass", "passed", "ok", "success", "succeeded", "1", "yes"):
        return True
    if text in ("false", "fail", "failed", "error", "failure", "0", "no"):
        return False
    return None


def _severity(value) -> str:
    """block, reject or warn (the checks' three; "warning" and "info" read as warn). Anything
    else is taken as blocking: a check of unknown weight is not played down."""
    text = "" if fmt.is_missing(value) else str(value).strip().lower()
    if text in ("warn", "warning", "info"):
        return "warn"
    return text if text in ("block", "reject") else "block"


# What a row of the report means, by its result and severity: a rule that rejected rows or a
# warning did not fail the refresh, and reads differently from a check that blocks one.
_VERDICTS = {
    (True, None): ("✓ passed", 4),
    (False, "block"): ("✗ failed: blocks a refresh", 0),
    (False, "reject"): ("rows rejected", 1),
    (False, "warn"): ("⚠ warning", 2),
    (None, None): ("? not evaluated", 3),
}


def _verdict(ok: bool | None, severity: str) -> tuple[str, int]:
    return _VERDICTS[(ok, severity if ok is False else None)]


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def _listed(titles: list[str], limit: int = 3) -> str:
    shown = ", ".join(f"“{fmt.md(t)}”" for t in titles[:limit])
    return shown + (f" and {len(titles) - limit:,} more" if len(titles) > limit else "")


def checks_summary(report: pd.DataFrame, status: str, rejected: int | None = None) -> tuple[str, str]:
    """(colour, text) of the report's summary: what happened and what to do. Red only for a
    check that blocks a refresh; rows set aside by a row rule, and warnings, are the refresh
    working as meant: the data was published without those rows. `rejected`: the rows set aside."""
    ok = report[status].map(passed)
    severity = report["severity"].map(_severity) if "severity" in report.columns else pd.Series("block",
                                                                                                index=report.index)
    titles = report["title"].astype(str) if "title" in report.columns else report[status].astype(str)
    if "source" in report.columns:
        titles = titles + " (" + report["source"].astype(str) + ")"
    failed = ok == False  # noqa: E712
    blocking = titles[failed & (severity == "block")].tolist()
    rejecting = report[failed & (severity == "reject")]
    warned = titles[failed & (severity == "warn")].tolist()
    unknown = titles[ok.isna()].tolist()
    total, passed_n = len(report), int((ok == True).sum())  # noqa: E712
    if passed_n == total:
        return "success", f"All {_plural(total, 'expectation')} passed: no row was rejected and nothing warned."
    parts = [f"{passed_n:,} of {_plural(total, 'expectation')} passed"
             + ("." if blocking else ", and nothing blocked the refresh: its data is published.")]
    if blocking:
        parts.append(
            f"**{_plural(len(blocking), 'check')} that {'blocks' if len(blocking) == 1 else 'block'} a refresh "
            f"failed**: {_listed(blocking)}. A refresh "
            "with such a failure publishes nothing; the message of each, in the table, says what to correct."
        )
    if len(rejecting):
        # One row can break several rules (an empty date is neither set nor readable): the rows
        # set aside are the rejected rows' count, not the sum over the rules.
        n = rejected if rejected is not None else None
        rules = "a row rule" if len(rejecting) == 1 else f"{len(rejecting):,} row rules"
        if n:
            one = n == 1
            what = f"{rules.capitalize()} found rows to reject: {_plural(n, 'row')} {'was' if one else 'were'}"
        else:
            one, what = False, f"{rules.capitalize()} found rows to reject, which were"
        them = "it" if one else "them"
        parts.append(
            f"{what} set aside with {'its' if one else 'their'} reason, left out of the metrics. See {them} under "
            f"**Rejected rows** below (or run `python -m cx rejected`); to include {them}, correct the export, "
            "upload it again and refresh."
        )
    if warned:
        parts.append(
            f"{_plural(len(warned), 'expectation')} warned, which does not stop a refresh: {_listed(warned)}. "
            "Each warning's message, in the table, says what it found."
        )
    if unknown:
        parts.append(f"{_plural(len(unknown), 'expectation')} could not be evaluated: {_listed(unknown)}.")
    colour = "error" if blocking else "warning" if warned or unknown else "info"
    return colour, "\n\n".join(parts)


_SUMMARY_BOX = {
    "error": (st.error, ":material/error:"),
    "warning": (st.warning, ":material/warning:"),
    "info": (st.info, ":material/rule:"),
    "success": (st.success, ":material/check_circle:"),
}

# Shown first when the report has them; any other column follows. The expectation's and the
# rule's internal names, the check's arguments and the observed value (a bare share such as
# 0.000198, which the message says as "0.02% of 5,042 rows") stay in the download only.
_REPORT_ORDER = ("verdict", "source", "title", "column", "severity", "unexpected_count",
                 "unexpected_pct", "rows", "message", "examples", "error")
_REPORT_HIDDEN = {"refresh_id", "kwargs", "expectation", "rule", "rank", "observed"}


def validation_report(report: pd.DataFrame, rejected: int | None = None) -> None:
    if report.empty:
        frame.empty("The validation results table is empty: no expectation was checked in the last refresh.")
        return
    status = status_column(report)
    shown = report.copy()
    if status is not None:
        colour, summary = checks_summary(report, status, rejected)
        box, icon = _SUMMARY_BOX[colour]
        box(summary, icon=icon)
        severity = shown["severity"] if "severity" in shown.columns else pd.Series("block", index=shown.index)
        verdicts = [_verdict(passed(v), _severity(sev)) for v, sev in zip(shown[status], severity, strict=True)]
        shown.insert(0, "verdict", [v for v, _ in verdicts])
        shown["rank"] = [r for _, r in verdicts]
        shown = shown.sort_values("rank", kind="stable")
    if "examples" in shown.columns:
        shown["examples"] = shown["examples"].map(_examples)
    for c in shown.columns:  # other nested values as readable text
        if shown[c].map(lambda v: isinstance(v, (list, dict, tuple))).any():
            shown[c] = shown[c].map(lambda v: v if not isinstance(v, (list, dict, tuple)) else _short(v))
    order = [c for c in _REPORT_ORDER if c in shown.columns]
    hidden = {status} | _REPORT_HIDDEN
    order += [c for c in shown.columns if c not in order and c not in hidden]
    frame.table(shown[order], column_config={
        "verdict": col.TextColumn("Result", width=150),
        "source": col.TextColumn("Source"),
        "title": col.TextColumn("Check", width="medium"),
        "column": col.TextColumn("Column"),
        "severity": col.TextColumn("Severity", help="block: a failure stops the refresh; reject: rows that break "
                                                    "it are set aside; warn: reported only."),
        "unexpected_count": col.NumberColumn("Rows breaking it", format="localized"),
        "rows": col.NumberColumn("Rows checked", format="localized"),
        "observed": col.TextColumn("Observed"),
        "unexpected_pct": col.NumberColumn("Share breaking it", format="%.2f%%"),
        "examples": col.TextColumn("Examples", width="large"),
        "message": col.TextColumn("Message", width="large"),
        "error": col.TextColumn("Error"),
    })
    frame.download(shown.drop(columns=["rank"], errors="ignore"), "validation-report", "the report",
                   key="dl-validation")


def _examples(value):
    """Examples stored as a JSON list: shown as "surveys/x.csv line 4,691: 11, ..."."""
    if isinstance(value, str) and value.startswith("["):
        try:
            value = json.loads(value)
        except ValueError:
            return _short(value)
    if isinstance(value, (list, tuple)):
        return _short(", ".join(_example(v) for v in value)) if value else None
    return value


def _example(value) -> str:
    """One example: a rejected value with the file and line it came from, not its JSON keys."""
    if not isinstance(value, dict):
        return str(value)
    where = str(value.get("file") or "")
    line = value.get("line")
    if isinstance(line, (int, float)) and not fmt.is_missing(line):
        where += f" line {int(line):,}"
    rest = {k: v for k, v in value.items() if k not in ("file", "line", "value")}
    text = where.strip()
    if "value" in value:
        text = f"{text}: {value['value']}" if text else str(value["value"])
    if rest:
        text += (" " if text else "") + "(" + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in rest.items()) + ")"
    return text


def _short(value) -> str:
    text = str(value)
    return text if len(text) <= 300 else text[:297] + "..."


# ---------------------------------------------------------------- upload and refresh


def _working_folder(src: data.Source | None):
    """The folder uploads go to, and the data folder the shown warehouse was built from."""
    target = src.target if src else data.warehouse_path()
    last_dir = data.one_row("system/freshness").get("data_dir") if src is not None else None
    return target, uploads.working_folder(target), last_dir


def map_unknown_export(src: data.Source | None) -> None:
    target, folder, last_dir = _working_folder(src)
    mapping_page.map_unknown_export(folder, last_dir, target)


def upload_and_refresh(src: data.Source | None) -> None:
    target, folder, last_dir = _working_folder(src)
    limit = uploads.max_upload_mb()
    st.markdown(
        f"Add new export files to the working data folder `{folder}`, then refresh: the refresh rebuilds the "
        f"warehouse from the whole folder. Accepted: {uploads.ACCEPTED} files, up to {limit:,} MB each. A file "
        "with the same name replaces the earlier one; within a source, the file whose name sorts last wins for "
        "a row that appears in several."
    )
    outcome = st.session_state.pop("refresh_outcome", None)
    if outcome is not None:
        _show_outcome(outcome, data.one_row("system/freshness") if src is not None else {})
    if "refresh_waiting" in st.session_state:
        _wait_for_refresh(target)

    with st.form("upload", clear_on_submit=True, border=True):
        left, right = st.columns([1, 3])
        source = left.selectbox("Source", SOURCE_ORDER, index=3, format_func=str.capitalize)
        # No `type=`: the browser would turn away another type with its MIME name
        # ("application/vnd.openxmlformats-..."); uploads.save says in words what the file is.
        files = right.file_uploader(
            "Export files", accept_multiple_files=True, max_upload_size=limit,
            help=f"Accepted: {uploads.ACCEPTED} files, up to {limit:,} MB each.",
        )
        submitted = st.form_submit_button("Save to the working folder", icon=":material/upload:")
    if submitted:
        _save(folder, target, last_dir, source, files or [])

    present = uploads.list_files(folder)
    if present:
        listing = pd.DataFrame(present)
        with st.expander(f"Working folder: {_plural(len(present), 'file')}"):
            frame.table(listing, column_config={
                "source": col.TextColumn("Source"),
                "file": col.TextColumn("File"),
                "bytes": col.NumberColumn("Size", format="bytes"),
                "modified": col.DatetimeColumn("Modified", format="YYYY-MM-DD HH:mm"),
            })
            doomed = st.multiselect("Remove files", [f"{r['source']}/{r['file']}" for r in present],
                                    key="remove_files", placeholder="Pick files to take out of the folder")
            if doomed and st.button("Remove the picked files", icon=":material/delete:") \
                    and _remove(folder, target, doomed):
                st.session_state.pop("remove_files", None)
                st.rerun()
    else:
        st.caption("The working folder holds no files yet.")

    if st.button("Refresh the warehouse from the working folder", type="primary", icon=":material/refresh:",
                 disabled=not present):
        _refresh(folder, target)


def _remove(folder, target, items: list[str]) -> bool:
    """Remove the picked files, each recorded in the audit trail; False when one was refused."""
    actor, ok = access.who(), True
    for item in items:
        source_name, _, name = item.partition("/")
        try:
            uploads.remove(folder, source_name, name)
        except uploads.UploadError as exc:
            st.error(f"Not removed: {fmt.md(exc)}", icon=":material/block:")
            audit.safe_record(target, actor, "remove", item, "refused", str(exc))
            ok = False
        else:
            audit.safe_record(target, actor, "remove", item, "removed")
    return ok


def _save(folder, target, last_dir, source: str, files) -> None:
    if not files:
        st.warning("Choose one or more files first, then save.")
        return
    actor = access.who()
    try:
        uploads.check_count(len(files))
    except uploads.UploadError as exc:
        st.error(f"Not saved: {fmt.md(exc)}", icon=":material/block:")
        audit.safe_record(target, actor, "upload", f"{source}/ ({len(files):,} files)", "refused", str(exc))
        return
    good = []
    for f in files:
        try:
            uploads.check(f.name, f.getvalue())
        except uploads.UploadError as exc:
            # The reason names the file (the uploader's text: shown literally, never as Markdown).
            st.error(f"Not saved: {fmt.md(exc)}", icon=":material/block:")
            audit.safe_record(target, actor, "upload", uploads.audit_subject(source, f.name), "refused",
                              f"{fmt.file_size(len(f.getvalue()))}: {exc}")
        else:
            good.append(f)
    if not good:
        return  # nothing to add: the working folder is not started for a file turned away
    started = uploads.prepare(folder, last_dir)
    if started:
        st.info(fmt.md(started), icon=":material/folder_copy:")
    for f in good:
        size = fmt.file_size(len(f.getvalue()))
        try:
            saved = uploads.save(folder, source, f.name, f.getvalue())
        except uploads.UploadError as exc:
            st.error(f"Not saved: {fmt.md(exc)}", icon=":material/block:")
            audit.safe_record(target, actor, "upload", uploads.audit_subject(source, f.name), "refused",
                              f"{size}: {exc}")
            continue
        audit.safe_record(target, actor, "upload", f"{source}/{saved.name}", "accepted",
                          f"{size}, " + ("replaced the earlier file" if saved.replaced else "new file"))
        verb = "replaced" if saved.replaced else "saved"
        renamed = f" (as {fmt.md(saved.name)})" if saved.name != f.name else ""
        st.success(f"{fmt.md(f.name)}{renamed} {verb} in {source}/ ({fmt.file_size(len(f.getvalue()))}). "
                   "Refresh the warehouse to publish it.", icon=":material/check:")


def _refresh(folder, target) -> None:
    actor = access.who()
    if (running := uploads.running_refresh(target)) is not None:
        _refused(folder, target, actor, running)
        return
    bar = st.progress(0.0, text="Starting the refresh…")
    log = st.empty()
    seen: list[str] = []

    def on_line(line: str, progress: float | None) -> None:
        seen.append(line)
        if progress is not None:
            bar.progress(progress, text=line[:120])
        log.code("\n".join(seen[-8:]), language=None)

    try:
        # The refresh records itself in the audit trail, as `actor` (cx.cli.cmd_refresh).
        outcome = uploads.run_refresh(folder, target, on_line, actor=actor)
    except uploads.RefreshBusy:  # taken between the look and the start
        bar.empty()
        _refused(folder, target, actor, uploads.running_refresh(target))
        return
    st.session_state["refresh_outcome"] = {
        "kind": outcome.kind, "reason": outcome.reason, "lines": outcome.lines,
        "attempt": uploads.logged_attempt(target, outcome.refresh_id),
        "at": f"{_hhmm(datetime.now(UTC))} {frame.settings().timezone}",
    }
    st.rerun()  # the new warehouse version shows on every part of the page


def _hhmm(value: datetime | None) -> str:
    local = local_time(value)
    return f"{local:%H:%M}" if local else "an unknown time"


def _running_by(running) -> str:
    who = running.actor if running and running.actor else "another process"
    return f"started by {who} at {_hhmm(running.started_at if running else None)}"


def running_text(running) -> str:
    """What the page says when a refresh is asked for while another runs."""
    return (f"A refresh is already running ({_running_by(running)}); the page shows its result when it ends. "
            "This one was not started: refresh again afterwards if your new files were not in it.")


def _refused(folder, target, actor: str, running) -> None:
    """A refresh asked for while another runs: not started, recorded, and the running one watched."""
    text = running_text(running)
    audit.safe_record(target, actor, "refresh", str(folder), "refused", f"already running ({_running_by(running)})")
    st.session_state["refresh_waiting"] = {
        "text": text,
        "started_at": running.started_at.isoformat() if running and running.started_at else None,
    }
    st.rerun()


@st.fragment(run_every=timedelta(seconds=3))
def _wait_for_refresh(target) -> None:
    """While the refresh another started runs: say so; once it ends, show its result (its entry
    in the log beside the warehouse) with the page read again."""
    waiting = st.session_state.get("refresh_waiting")
    if not waiting:
        return
    if uploads.running_refresh(target) is not None:
        st.warning(waiting["text"], icon=":material/hourglass:")
        return
    st.session_state.pop("refresh_waiting", None)
    entry = uploads.attempt_since(target, _parse_at(waiting.get("started_at") or ""))
    if entry is None:
        outcome = {"kind": "stopped", "reason": None, "lines": [], "attempt": None}
    else:
        outcome = {"kind": "published" if entry.get("published") else "blocked",
                   "reason": str(entry.get("message") or ""), "lines": [], "attempt": entry}
    began = _parse_at(str((entry or {}).get("started_at") or waiting.get("started_at") or ""))
    outcome["at"] = f"{_hhmm(began)} {frame.settings().timezone}"
    st.session_state["refresh_outcome"] = outcome
    st.rerun(scope="app")


def _published_text(outcome: dict) -> str:
    """What a published refresh did, from its entry in the log: the rows each page now reads,
    the rows set aside, the warnings; and where to look at each."""
    entry = outcome.get("attempt") or {}
    sources = entry.get("sources") if isinstance(entry.get("sources"), dict) else {}
    counts = ", ".join(f"{int(v.get('published') or 0):,} {s}" for s, v in sources.items() if isinstance(v, dict))
    parts = [f"**Refresh published** at {outcome['at']}" + (f": every page now reads {counts}." if counts else ".")]
    rejected = _sum(sources, "rejected") or 0
    if rejected:
        were = "was" if rejected == 1 else "were"
        parts.append(
            f"{_plural(rejected, 'row')} {were} rejected and kept aside with the reason for each, left out of the "
            "metrics: see **Rejected rows** above (or run `python -m cx rejected`). To include "
            f"{'it' if rejected == 1 else 'them'}, correct the export, upload it again and refresh."
        )
    elif sources:
        parts.append("No row was rejected.")
    checks = entry.get("failed_checks") if isinstance(entry.get("failed_checks"), list) else []
    warned = [f"{c.get('title')} ({c.get('source')})" for c in checks
              if isinstance(c, dict) and _severity(c.get("severity")) == "warn"]
    if warned:
        parts.append(f"{_plural(len(warned), 'expectation')} warned, which does not stop a refresh: "
                     f"{_listed(warned)}. The **Validation report** above has each one's message.")
    return "\n\n".join(parts)


def _show_outcome(outcome: dict, fresh: dict) -> None:
    kind, at = outcome.get("kind"), outcome["at"]
    if kind == "published":
        st.success(_published_text(outcome), icon=":material/check_circle:")
    else:
        if fresh.get("refresh_id"):
            kept = (f"The last good data stays published (refresh `{fresh['refresh_id']}` of "
                    f"{fmt.moment(fresh.get('refreshed_at'))}): every page still shows it.")
        else:
            kept = "No warehouse has been published yet: the pages stay empty until a refresh succeeds."
        reason = fmt.md(outcome.get("reason") or "")
        if kind == "blocked":
            text = (
                f"**The refresh at {at} was blocked, and nothing was published.** What blocked it: {reason}\n\n"
                f"{kept}\n\n"
                "What to do: correct the file it names (or take it out of the working folder with *Remove files* "
                "below), upload the corrected export under the same name to replace it, and refresh again. "
                "**Refresh attempts** above keeps every blocked attempt with its reason."
            )
        elif kind == "error":
            text = (
                f"**The refresh at {at} could not run, and nothing was published.** It said: {reason}\n\n"
                f"{kept}\n\n"
                "What to do: this is about the folders, the configuration or the machine, not the rows of your "
                "files. Correct what it names (or ask whoever runs the dashboard), then refresh again."
            )
        else:
            text = (
                f"**The refresh at {at} stopped before it finished, and nothing was published.** It did not say "
                f"why: a fault in the product, not one it found in your files.\n\n{kept}\n\n"
                "What to do: refresh again; if it stops again, send what the refresh printed (below) to whoever "
                "maintains the dashboard."
            )
        st.error(text, icon=":material/block:")
    with st.expander("What the refresh printed, line by line"):
        st.code("\n".join(outcome.get("lines") or []) or "(nothing)", language=None)


def warmup_text(status: warmup.Status) -> str:
    """What the server's warm-up (dashboard/warmup.py) has done for this warehouse version."""
    if status.running:
        return ("The server is computing every page's default view for this version in the background; "
                "a page opened meanwhile may be slow.")
    now = datetime.now(UTC).replace(tzinfo=None)
    return (f"Every page's default view was computed {fmt.ago(status.finished_at, now)} "
            f"({status.pages} pages in {status.seconds:.1f} s): their first readers do not wait for queries.")
