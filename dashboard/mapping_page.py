"""The Data page's "Map an unknown export": upload a file no format recognises, correct the
columns the product proposes for each contract column, preview the first mapped rows and
what the row rules would reject, and save the mapping (DATA/mappings.toml) with the file.

The proposal, preview and save are cx.pipeline.mapping_proposal's; this module holds the widgets.
"""

from __future__ import annotations

import fnmatch
import hashlib
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from cx import audit
from cx.pipeline import mapping_proposal as mp
from cx.pipeline.importers.mapping_file import FILE_NAME
from cx.schema import SOURCE_ORDER, SOURCES
from dashboard import access, fmt, frame, uploads

NONE = "(none)"
PREVIEW_ROWS = 20
col = st.column_config

REJECTED_COLUMNS = {
    "line": col.NumberColumn("Line", format="%d", help="Line in the file; the header is line 1"),
    "column": col.TextColumn("Column"),
    "value": col.TextColumn("Value"),
    "reason": col.TextColumn("Reason", width="large"),
}


def _lines(text: str):
    """The non-empty lines of a text box, with their 1-based numbers (for the messages)."""
    for n, raw in enumerate((text or "").splitlines(), start=1):
        if raw.strip():
            yield n, raw.strip()


def _contract(name: str, source: str) -> tuple[str, str | None]:
    """A name as typed and the contract column it means: its key or its label, any case."""
    name = name.strip().lower()
    known = SOURCES[source].columns
    return name, name if name in known else {mp.label(c).lower(): c for c in known}.get(name)


def parse_fixed(text: str, source: str) -> dict[str, str]:
    """`platform = Trustpilot`, one per line, into {contract column: value}; a line that is
    not `column = value` or names no contract column raises MappingError naming the line."""
    out: dict[str, str] = {}
    known = SOURCES[source].columns
    for n, line in _lines(text):
        name, eq, value = line.partition("=")
        name, contract = _contract(name, source)
        if not eq or not value.strip():
            raise mp.MappingError(f"Fixed values, line {n}: write it as column = value (e.g. channel = web)")
        if contract is None:
            raise mp.MappingError(
                f"Fixed values, line {n}: “{name}” is not a {source} column (they are: "
                f"{', '.join(mp.label(c) for c in known)})"
            )
        out[contract] = value.strip().strip('"')
    return out


def parse_values(text: str, source: str) -> dict[str, dict[str, str]]:
    """`csat: good = 5`, one per line, into {contract column: {export value: contract value}}."""
    out: dict[str, dict[str, str]] = {}
    for n, line in _lines(text):
        name, colon, rest = line.partition(":")
        given, eq, value = rest.partition("=")
        name, contract = _contract(name, source)
        if not colon or not eq or not given.strip():
            raise mp.MappingError(
                f"Value maps, line {n}: write it as column: export value = value (e.g. csat: good = 5)"
            )
        if contract is None:
            raise mp.MappingError(f"Value maps, line {n}: “{name}” is not a {source} column")
        out.setdefault(contract, {})[given.strip().strip('"')] = value.strip().strip('"')
    return out


def missing_required(proposal: mp.Proposal, columns: dict[str, str | None], fixed: dict[str, str]) -> list[str]:
    """Required contract columns the mapping leaves without a source (a column of the same
    name in the file counts: the refresh reads it by its name)."""
    own = {c.lower() for c in proposal.columns}
    return [
        c for c in SOURCES[proposal.source].required
        if c not in proposal.covered and not columns.get(c) and c not in fixed and c not in own
    ]


def _file_key(name: str, content: bytes, source: str) -> str:
    return hashlib.sha256(source.encode() + b"\0" + name.encode() + b"\0" + content).hexdigest()[:12]


def _proposal(source: str, safe_name: str, content: bytes, key: str) -> tuple[mp.Proposal, Path]:
    """The proposal for this upload, made once (a widget change reruns the page)."""
    held = st.session_state.get("map_proposal")
    if held and held[0] == key and held[2].exists():
        return held[1], held[2]
    if held:
        shutil.rmtree(held[2].parent, ignore_errors=True)  # the previous upload's copy
    folder = Path(tempfile.mkdtemp(prefix="cx-map-"))
    path = folder / safe_name
    path.write_bytes(content)
    proposal = mp.propose(path, source, frame.settings(), name=f"{source}/{safe_name}")
    st.session_state["map_proposal"] = (key, proposal, path)
    return proposal, path


def map_unknown_export(folder: Path, last_dir: str | None, target: Path | None = None) -> None:
    """`target`: the warehouse whose audit trail records a file saved here (cx/audit.py)."""
    st.markdown(
        "For an export in a layout the product does not know: upload it, check the column proposed for each "
        "contract column (by name and by values), preview the rows as mapped, and save. The mapping goes to "
        f"`{FILE_NAME}` in the working folder and the file to its source folder; the next refresh reads it "
        "with the mapping. Columns marked * are required."
    )
    left, right = st.columns([1, 3])
    source = left.selectbox("Source", SOURCE_ORDER, index=1, format_func=str.capitalize, key="map_source")
    # No `type=`: the browser would turn away another type with its MIME name; the check
    # below says in words what the file is and what is accepted.
    upload = right.file_uploader(
        "Export file to map", accept_multiple_files=False, max_upload_size=uploads.max_upload_mb(), key="map_file",
        help=f"Accepted: {uploads.ACCEPTED} files, up to {uploads.max_upload_mb():,} MB.",
    )
    saved = st.session_state.pop("map_saved", None)
    if saved:
        st.success(saved, icon=":material/check:")
    if upload is None:
        st.caption("Choose a file to see the proposed mapping.")
        return
    content = upload.getvalue()
    try:
        safe_name = uploads.sanitize_name(upload.name)
        uploads.check_content(safe_name, content[:4096], len(content), shown=upload.name)
    except uploads.UploadError as exc:
        st.error(fmt.md(exc), icon=":material/block:")  # the reason names the file
        return
    key = _file_key(safe_name, content, source)
    try:
        proposal, path = _proposal(source, safe_name, content, key)
    except mp.MappingError as exc:
        st.error(f"File {fmt.md(upload.name)} cannot be read: {fmt.md(exc)}", icon=":material/block:")
        return

    rows = f"{proposal.rows:,} row" + ("" if proposal.rows == 1 else "s")
    if proposal.format_name:
        st.info(
            f"{fmt.md(proposal.file_name)} is a **{fmt.md(proposal.format_name)}** ({rows}): the refresh reads it "
            f"without a mapping. It already gives {', '.join(mp.label(c) for c in proposal.covered)}. "
            "Below, only the columns it lacks.",
            icon=":material/verified:",
        )
    else:
        st.markdown(
            f"{fmt.md(proposal.file_name)}: {len(proposal.columns)} columns, {rows}; no known format recognises it."
        )
    if not proposal.choices:
        return

    options = [NONE, *proposal.columns]
    columns: dict[str, str | None] = {}
    required = set(SOURCES[source].required)
    grid = st.columns(3)
    for i, contract in enumerate(proposal.choices):
        choice = proposal.choices[contract]

        def shown(option: str, choice=choice) -> str:
            if option == choice.column:
                return f"{option} (proposed, {choice.confidence:.0%})"
            return option

        title = mp.label(contract) + (" *" if contract in required else "")
        help_text = (f"Proposed because: {choice.why} (confidence {choice.confidence:.0%})." if choice.column
                     else "Nothing in the file looks like this column.")
        picked = grid[i % 3].selectbox(
            title, options, index=options.index(choice.column) if choice.column else 0,
            format_func=shown, key=f"map_{key}_{contract}", help=help_text,
        )
        columns[contract] = None if picked == NONE else picked

    with st.expander("File pattern, fixed values, value maps and time zone", expanded=proposal.format_name is None):
        a, b = st.columns(2)
        pattern = a.text_input(
            "File pattern", value=safe_name, key=f"map_{key}_pattern",
            help=f"Which files of {source}/ this mapping reads: this file's name, or a pattern such as widget-*.csv",
        )
        zone = b.text_input("Time zone of timestamps without an offset", value="", key=f"map_{key}_zone",
                            placeholder=f"the configured zone ({frame.settings().timezone})",
                            help="An IANA name such as Asia/Tehran or Europe/Berlin")
        fixed_text = a.text_area("Fixed values, one per line", value="", key=f"map_{key}_fixed",
                                 placeholder="platform = Trustpilot\nchannel = web", height=100)
        header_rows = b.number_input("Rows under the header that are not data", min_value=0, max_value=20,
                                     value=0, step=1, key=f"map_{key}_header")
        values_text = b.text_area("Value maps, one per line", value="", key=f"map_{key}_values",
                                  placeholder="csat: good = 5\ncsat: bad = 1", height=100,
                                  help="An export value and the contract's value for it, per column")

    try:
        fixed = parse_fixed(fixed_text, source)
        value_maps = parse_values(values_text, source)
        mapping = mp.build_mapping(source, pattern, columns, fixed, zone, int(header_rows), proposal.columns,
                                   value_maps)
    except mp.MappingError as exc:
        st.error(fmt.md(exc), icon=":material/error:")
        return
    missing = missing_required(proposal, columns, fixed)
    if missing:
        st.warning(
            "Required, not mapped yet: " + ", ".join(mp.label(c) for c in missing)
            + ". Pick the file's column for each (or give a fixed value).",
            icon=":material/warning:",
        )
        return
    stored_as = f"{source}/{safe_name}"
    if not fnmatch.fnmatchcase(stored_as.lower(), mapping.files.lower()):
        st.warning(f"The pattern {fmt.md(mapping.files)} does not match this file ({fmt.md(stored_as)}): "
                   "the refresh would not read it with this mapping.", icon=":material/warning:")

    _preview(path, mapping, stored_as)
    if st.button("Save the mapping and the file", type="primary", icon=":material/save:", key=f"map_{key}_save"):
        _save(folder, last_dir, source, upload.name, content, mapping, target)


def _preview(path: Path, mapping: mp.Mapping, stored_as: str) -> None:
    st.markdown(f"**Preview**: the first {PREVIEW_ROWS} rows as the refresh would read them")
    pv = mp.preview(path, mapping, frame.settings(), PREVIEW_ROWS, name=stored_as)
    if pv.error:
        st.error(f"The refresh would stop at this file: {fmt.md(pv.error)}", icon=":material/block:")
        return
    table = pd.DataFrame(pv.rows)
    if not table.empty:
        # Only the columns the mapping fills: an empty column says nothing here.
        keep = [c for c in table.columns if c in ("Line", "Checks") or table[c].notna().any()]
        table = table[keep]
    frame.table(table, column_config={
        "Line": col.NumberColumn("Line", format="%d"), "Checks": col.TextColumn("Row checks", width="medium"),
    })
    kept = pv.rows_read - pv.rows_rejected
    summary = f"{pv.rows_read:,} rows read: {kept:,} kept, {pv.rows_rejected:,} would be rejected"
    if pv.skipped:
        summary += f", {pv.skipped:,} skipped as not answers"
    if pv.rows_rejected:
        st.warning(summary + ". The rejected rows (line, column, reason):", icon=":material/rule:")
        frame.table(pd.DataFrame(pv.rejected, columns=list(REJECTED_COLUMNS)), column_config=REJECTED_COLUMNS)
    else:
        st.success(summary + ".", icon=":material/check_circle:")


def _save(folder: Path, last_dir: str | None, source: str, raw_name: str, content: bytes,
          mapping: mp.Mapping, target: Path | None = None) -> None:
    started = uploads.prepare(folder, last_dir)
    size = fmt.file_size(len(content))
    try:
        stored = uploads.save(folder, source, raw_name, content)
        outcome = mp.save_mapping(folder, mapping)
    except (uploads.UploadError, mp.MappingError) as exc:
        st.error(f"Not saved: {fmt.md(exc)}", icon=":material/block:")
        if target is not None:
            audit.safe_record(target, access.who(), "upload", uploads.audit_subject(source, raw_name), "refused",
                              f"{size}: {exc}")
        return
    if target is not None:
        audit.safe_record(target, access.who(), "upload", f"{source}/{stored.name}", "accepted",
                          f"{size}, with a mapping ({outcome}), " + ("replaced the earlier file" if stored.replaced
                                                                     else "new file"))
    message = (f"{fmt.md(source)}/{fmt.md(stored.name)} {'replaced' if stored.replaced else 'saved'}, and the "
               f"mapping {outcome} in {FILE_NAME} of the working folder. Refresh the warehouse (above) to read it.")
    if started:
        message = f"{fmt.md(started)} {message}"
    st.session_state["map_saved"] = message
    st.session_state.pop("map_proposal", None)
    st.rerun()
