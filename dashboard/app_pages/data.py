"""Data, for analysts: what the warehouse was built from, what the checks found, the rows
they rejected, and new exports uploaded and refreshed from here."""

import streamlit as st

from dashboard import data, datapage, fmt, frame, warmup

ctx = frame.page("Data", upload_hint=True,
                 caption="Where the numbers come from: refreshes, checks, rejected rows, and new exports.")

if ctx is not None:
    # ------------------------------------------------------------ refreshes
    st.subheader("Refreshes")
    fresh = data.one_row("system/freshness")
    st.markdown(
        f"This warehouse: refresh `{fresh.get('refresh_id') or 'unknown'}` of "
        f"{fmt.moment(fresh.get('refreshed_at'))}, read from `{fresh.get('data_dir') or 'unknown'}`; "
        f"events from {fmt.day(data.as_date(fresh.get('first_day')))} to "
        f"{fmt.day(data.as_date(fresh.get('last_day')))}."
    )
    warm = warmup.status(ctx.source.version)
    if warm is not None:
        st.caption(datapage.warmup_text(warm))
    attempts = datapage.attempts_table(data.refresh_attempts(ctx.source))
    st.markdown("**Refresh attempts**, newest first (published or blocked; from the log beside the warehouse)")
    if attempts.empty:
        frame.empty("No refresh attempts are logged beside this warehouse.")
    else:
        frame.table(attempts, column_config=datapage.ATTEMPT_COLUMNS)
        frame.download(attempts, "refresh-attempts", "the attempts", key="dl-attempts")

    history = data.run_query("system/refresh_history")
    st.markdown("**Published refreshes** and the files each one read")
    if history.empty:
        frame.empty("This warehouse records no refreshes.")
    else:
        frame.table(history, column_config=datapage.HISTORY_COLUMNS)
        frame.download(history, "refreshes", "the refreshes", key="dl-refreshes")
        # Keyed on the version: after a refresh the newest one is chosen, not the one picked before.
        chosen = st.selectbox("Input files of refresh", history["refresh_id"].tolist(),
                              key=f"refresh_inputs-{ctx.source.version}")
        inputs = data.run_query("system/refresh_inputs", refresh_id=chosen)
        frame.table(inputs, column_config=datapage.INPUT_COLUMNS)
        frame.download(inputs, f"inputs-{chosen}", "the input files", key="dl-inputs")

    # Filled at the end of the page: what this run uploads or removes below is listed already.
    audit_slot = st.container()

    # ------------------------------------------------------------ validation
    st.subheader("Validation report")
    if data.table_exists("validation_results"):
        report = data.run_query("checks/validation_report")  # the list `python -m cx checks` prints
        datapage.validation_report(report, int(data.run_query("system/rejected_summary")["rows"].sum()))
    else:
        frame.empty(
            "Checks are not available for this warehouse yet: it has no validation results. They appear here "
            "once the expectation checks run as part of the refresh (each expectation, pass or fail, examples)."
        )

    # ------------------------------------------------------------ rejected rows
    st.subheader("Rejected rows")
    summary = data.run_query("system/rejected_summary")
    if summary.empty:
        st.success("No row was rejected: every row of every export passed the row checks.",
                   icon=":material/check_circle:")
    else:
        total = int(summary["rows"].sum())
        rows_were = f"**{total:,} rows** were" if total != 1 else "**1 row** was"
        them = "them" if total != 1 else "it"
        st.markdown(
            f"{rows_were} rejected and left out of every metric; the rest of the data is published. Each is "
            f"kept below with its file, line and reason: to include {them}, correct the export, upload it again "
            "and refresh. By rule:"
        )
        frame.table(summary, column_config=datapage.REJECTED_SUMMARY_COLUMNS)
        rejected = data.run_query("staging/rejected_list")
        sources = sorted(rejected["source"].unique())
        pick = st.segmented_control("Source", sources, selection_mode="multi", default=sources,
                                    key="rejected_sources")
        shown = rejected[rejected["source"].isin(pick or sources)]
        frame.table(shown, column_config=datapage.REJECTED_COLUMNS)
        st.caption("The same list as `python -m cx rejected`: file, line (the header is line 1), column and reason.")
        frame.download(shown, "rejected-rows", "the rejected rows", key="dl-rejected")
else:
    st.caption("Upload export files below and refresh to build the first warehouse.")
    audit_slot = st.container()

# ---------------------------------------------------------------- upload and refresh
st.subheader("Upload exports and refresh")
datapage.upload_and_refresh(ctx.source if ctx else None)

# ---------------------------------------------------------------- unknown layouts
st.subheader("Map an unknown export")
datapage.map_unknown_export(ctx.source if ctx else None)

with audit_slot:
    datapage.who_did_what(ctx.source if ctx else None)
