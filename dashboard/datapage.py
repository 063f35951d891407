"""Parts of the Data page: tables about refreshes and checks, and the upload-and-refresh form."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pandas as pd
import streamlit as st

from cx.schema import SOURCE_ORDER
from dashboard import data, fmt, frame, mapping_page, uploads, warmup

col = st.column_config

ATTEMPT_COLUMNS = {
    "started_at": col.TextColumn("Started (UTC)"),
    "outcome": col.TextColumn("Outcome"),
    "data_dir": col.TextColumn("Data folder"),
    "message": col.TextColumn("Message", width="large"),
    "refresh_id": col.TextColumn("Refresh id"),
}

HISTORY_COLUMNS = {
    "refresh_id": col.TextColumn("Refresh id"),
    "started_at": col.DatetimeColumn("Started (UTC)", format="YYYY-MM-DD HH:mm:ss"),
    "finished_at": col.DatetimeColumn("Finished (UTC)", format="YYYY-MM-DD HH:mm:ss"),
    "seconds": col.NumberColumn("Took", format="%.1f s"),
    "data_dir": col.TextColumn("Data folder"),
    "files": col.NumberColumn("Files", format="%d"),
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
    "files": col.NumberColumn("Files", format="%d"),
    "example": col.TextColumn("Example", width="large"),
}

REJECTED_COLUMNS = {
    "source": col.TextColumn("Source"),
    "file": col.TextColumn("File"),
    "line": col.NumberColumn("Line", format="%d"),
    "column": col.TextColumn("Column"),
    "value": col.TextColumn("Value"),
    "reason": col.TextColumn("Reason", width="large"),
    "record": col.JsonColumn("Row as read", width="medium"),
}


def attempts_table(attempts: list[dict]) -> pd.DataFrame:
    rows = [{
        "started_at": str(a.get("started_at", "")).replace("T", " ").replace("+00:00", ""),
        "outcome": "published" if a.get("published") else "blocked",
        "data_dir": a.get("data_dir", ""),
        "message": a.get("message", ""),
        "refresh_id": a.get("refresh_id", ""),
    } for a in attempts]
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


# Shown first when the report has them; any other column follows.
_REPORT_ORDER = ("verdict", "source", "title", "expectation", "column", "severity", "unexpected_count",
                 "unexpected_pct", "rows", "observed", "examples", "message", "error")


def validation_report(report: pd.DataFrame) -> None:
    if report.empty:
        frame.empty("The validation results table is empty: no expectation was checked in the last refresh.")
        return
    status = status_column(report)
    shown = report.copy()
    if status is not None:
        verdict = shown[status].map(passed)
        failed, ok = int((verdict == False).sum()), int((verdict == True).sum())  # noqa: E712
        unknown = len(verdict) - failed - ok
        shown.insert(0, "verdict", verdict.map({True: "✓ pass", False: "✗ fail"}).fillna("? not evaluated"))
        shown = shown.iloc[verdict.map({False: 0, True: 2}).fillna(1).argsort(kind="stable")]
        summary = f"{ok} of {len(verdict)} expectations passed, {failed} failed"
        summary += f", {unknown} could not be evaluated." if unknown else "."
        mild = False
        if failed and "severity" in shown.columns:
            severities = shown.loc[verdict == False, "severity"].astype(str).str.lower()  # noqa: E712
            mild = bool(severities.isin(["warn", "warning", "info"]).all())
            summary += " Failed: " + ", ".join(f"{n} {sev}" for sev, n in severities.value_counts().items()) + "."
        if failed and not mild:
            st.error(summary, icon=":material/error:")
        elif failed:
            st.warning(summary, icon=":material/warning:")
        elif unknown:
            st.warning(summary, icon=":material/help:")
        else:
            st.success(summary, icon=":material/check_circle:")
    if "examples" in shown.columns:
        shown["examples"] = shown["examples"].map(_examples)
    for c in shown.columns:  # other nested values as readable text
        if shown[c].map(lambda v: isinstance(v, (list, dict, tuple))).any():
            shown[c] = shown[c].map(lambda v: v if not isinstance(v, (list, dict, tuple)) else _short(v))
    order = [c for c in _REPORT_ORDER if c in shown.columns]
    hidden = {status, "refresh_id", "kwargs"}
    order += [c for c in shown.columns if c not in order and c not in hidden]
    frame.table(shown[order], column_config={
        "verdict": col.TextColumn("Result"),
        "source": col.TextColumn("Source"),
        "title": col.TextColumn("Check", width="medium"),
        "expectation": col.TextColumn("Expectation"),
        "column": col.TextColumn("Column"),
        "severity": col.TextColumn("Severity", help="block: stops the refresh; reject: rows are set aside; "
                                                    "warn: reported only (as the checks define them)."),
        "unexpected_count": col.NumberColumn("Unexpected rows", format="localized"),
        "rows": col.NumberColumn("Rows checked", format="localized"),
        "observed": col.TextColumn("Observed"),
        "unexpected_pct": col.NumberColumn("Unexpected %", format="%.2f%%"),
        "examples": col.TextColumn("Examples", width="large"),
        "message": col.TextColumn("Message", width="large"),
    })
    frame.download(shown, "validation-report", "the report", key="dl-validation")


def _examples(value):
    """Examples stored as a JSON list: shown as "a, b, c"."""
    if isinstance(value, str) and value.startswith("["):
        try:
            value = json.loads(value)
        except ValueError:
            return _short(value)
    if isinstance(value, (list, tuple)):
        return _short(", ".join(str(v) for v in value)) if value else None
    return value


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
    _, folder, last_dir = _working_folder(src)
    mapping_page.map_unknown_export(folder, last_dir)


def upload_and_refresh(src: data.Source | None) -> None:
    target, folder, last_dir = _working_folder(src)
    limit = uploads.max_upload_mb()
    st.markdown(
        f"New files are added to the working data folder `{folder}`; a refresh then rebuilds the warehouse "
        f"from the whole folder. Accepted: {', '.join('.' + e for e in uploads.EXTENSIONS)}, up to {limit} MB "
        "each. A file with the same name replaces the earlier one; within a source, the file whose name sorts "
        "last wins for a row that appears in several."
    )
    outcome = st.session_state.pop("refresh_outcome", None)
    if outcome is not None:
        _show_outcome(outcome)

    with st.form("upload", clear_on_submit=True, border=True):
        left, right = st.columns([1, 3])
        source = left.selectbox("Source", SOURCE_ORDER, index=3, format_func=str.capitalize)
        files = right.file_uploader(
            "Export files", type=list(uploads.EXTENSIONS), accept_multiple_files=True, max_upload_size=limit,
        )
        submitted = st.form_submit_button("Save to the working folder", icon=":material/upload:")
    if submitted:
        _save(folder, last_dir, source, files or [])

    present = uploads.list_files(folder)
    if present:
        listing = pd.DataFrame(present)
        with st.expander(f"Working folder: {len(present)} files"):
            frame.table(listing, column_config={
                "bytes": col.NumberColumn("Size", format="bytes"),
                "modified": col.DatetimeColumn("Modified", format="YYYY-MM-DD HH:mm"),
            })
            doomed = st.multiselect("Remove files", [f"{r['source']}/{r['file']}" for r in present],
                                    key="remove_files", placeholder="Pick files to take out of the folder")
            if doomed and st.button("Remove the picked files", icon=":material/delete:"):
                for item in doomed:
                    source_name, _, name = item.partition("/")
                    uploads.remove(folder, source_name, name)
                st.session_state.pop("remove_files", None)
                st.rerun()
    else:
        st.caption("The working folder holds no files yet.")

    if st.button("Refresh the warehouse from the working folder", type="primary", icon=":material/refresh:",
                 disabled=not present):
        _refresh(folder, target)


def _save(folder, last_dir, source: str, files) -> None:
    if not files:
        st.warning("Choose one or more files first.")
        return
    started = uploads.prepare(folder, last_dir)
    if started:
        st.info(started, icon=":material/folder_copy:")
    for f in files:
        try:
            saved = uploads.save(folder, source, f.name, f.getvalue())
        except uploads.UploadError as exc:
            st.error(f"Not saved: {fmt.md(exc)}", icon=":material/block:")
            continue
        verb = "replaced" if saved.replaced else "saved"
        # File names are the uploader's text: shown literally, never as Markdown.
        renamed = f" (as {fmt.md(saved.name)})" if saved.name != f.name else ""
        st.success(f"{fmt.md(f.name)}{renamed} {verb} in {source}/ ({fmt.file_size(len(f.getvalue()))}).",
                   icon=":material/check:")


def _refresh(folder, target) -> None:
    bar = st.progress(0.0, text="Starting the refresh…")
    log = st.empty()
    seen: list[str] = []

    def on_line(line: str, progress: float | None) -> None:
        seen.append(line)
        if progress is not None:
            bar.progress(progress, text=line[:120])
        log.code("\n".join(seen[-8:]), language=None)

    try:
        outcome = uploads.run_refresh(folder, target, on_line)
    except uploads.RefreshBusy as exc:
        bar.empty()
        st.warning(fmt.md(str(exc).capitalize()), icon=":material/hourglass:")
        return
    st.session_state["refresh_outcome"] = {
        "published": outcome.published, "message": outcome.message, "lines": outcome.lines,
        "code": outcome.returncode, "at": datetime.now().strftime("%H:%M:%S"),
    }
    st.rerun()  # the new warehouse version shows on every part of the page


def _show_outcome(outcome: dict) -> None:
    if outcome["published"]:
        st.success(f"Refresh published at {outcome['at']}: {fmt.md(outcome['message'])}",
                   icon=":material/check_circle:")
    else:
        st.error(
            f"Refresh blocked at {outcome['at']} (exit code {outcome['code']}): {fmt.md(outcome['message'])} "
            "The previous warehouse is still the one shown.",
            icon=":material/block:",
        )
    with st.expander("Refresh output"):
        st.code("\n".join(outcome["lines"]) or "(no output)", language=None)


def warmup_text(status: warmup.Status) -> str:
    """What the server's warm-up (dashboard/warmup.py) has done for this warehouse version."""
    if status.running:
        return ("The server is computing every page's default view for this version in the background; "
                "a page opened meanwhile may be slow.")
    now = datetime.now(UTC).replace(tzinfo=None)
    return (f"Every page's default view was computed {fmt.ago(status.finished_at, now)} "
            f"({status.pages} pages in {status.seconds:.1f} s): their first readers do not wait for queries.")
