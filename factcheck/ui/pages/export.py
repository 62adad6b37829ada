"""Export: choose articles and reviewers, preview and download the ratings CSV (the same file
as `factcheck export`), and see simple charts of the ratings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
import streamlit as st

from factcheck.interchange.download import download_name, export_bytes
from factcheck.interchange.export import ExportFilter, csv_bytes
from factcheck.interchange.formats import FORMATS
from factcheck.services.access import acting_as
from factcheck.services.articles import list_articles
from factcheck.services.reviewers import list_reviewers
from factcheck.services.stats import (
    NOT_SET,
    PREVIEW_ROWS,
    count_ratings,
    preview_rows,
    rating_filter,
    rating_summary,
)
from factcheck.store.engine import read_session
from factcheck.ui.common import current_actor, engine, read

ARTICLE_CHOICES = 100
# Information credibility 1 (confirmed) … 6 (cannot be judged): green through red to grey.
CREDIBILITY_COLOURS = ("#1a9850", "#91cf60", "#d9ef8b", "#fc8d59", "#d73027", "#9e9e9e")
TITLES = "export_article_titles"

st.title("Export")
st.caption(
    "One CSV row per (claim, reviewer) assessment, or the project bundle, BRAT, quote JSON "
    "or ClaimReview: the same files as `factcheck export`. Leave a choice empty to include "
    "everything."
)

if not read(count_ratings):
    st.info(
        "No ratings yet. Rate claims on the Annotate page; they appear here, ready to download.",
        icon="📭",
    )
    st.stop()

# Articles: the search narrows the list offered; choices already made stay chosen.
article_search = st.text_input(
    "Find articles by title or outlet", key="export_article_search", placeholder="e.g. NATO"
)
found = read(lambda s: list_articles(s, search=article_search, limit=ARTICLE_CHOICES))
titles: dict[int, str] = st.session_state.setdefault(TITLES, {})
titles.update({row.id: f"{row.title} ({row.outlet})" if row.outlet else row.title for row in found})
chosen: list[int] = st.session_state.get("export_articles", [])
article_options = list(dict.fromkeys([*chosen, *(row.id for row in found)]))
article_ids = st.multiselect(
    "Articles (newest first; empty = all)",
    article_options,
    format_func=lambda article_id: f"{article_id}: {titles.get(article_id, '')}",
    key="export_articles",
    placeholder="All articles",
)
if len(found) == ARTICLE_CHOICES:
    st.caption(f"Showing the {ARTICLE_CHOICES} newest matches; search to find older articles.")

reviewer_names = read(lambda s: [r.name for r in list_reviewers(s)])
reviewers = st.multiselect(
    "Reviewers (empty = all)", reviewer_names, key="export_reviewers", placeholder="All reviewers"
)
final_col, dates_col = st.columns([1, 2])
final_only = final_col.checkbox(
    "Adjudicated final assessments only",
    key="export_final_only",
    help="Only the assessments an adjudicator settled as final.",
)
use_dates = final_col.checkbox("Only ratings made in a date range (UTC)", key="export_use_dates")
first_day = last_day = None
if use_dates:
    today = datetime.now(UTC).date()
    picked = dates_col.date_input(
        "Rated between", value=(today - timedelta(days=30), today), key="export_dates"
    )
    days = list(picked) if isinstance(picked, tuple | list) else [picked]
    if days:
        first_day, last_day = days[0], days[-1]

flt: ExportFilter = rating_filter(
    article_ids=article_ids,
    reviewers=reviewers,
    final_only=final_only,
    rated_on_or_after=first_day,
    rated_on_or_before=last_day,
)
summary = read(lambda s: rating_summary(s, flt))

if summary.is_empty:
    st.info("No ratings match these choices.", icon="🔎")
    st.stop()

database = engine()


export_format = st.selectbox(
    "Format",
    list(FORMATS),
    format_func=lambda fmt: FORMATS[fmt].label,
    key="export_format",
    help="The same files as `factcheck export --format …`, with the choices above.",
)
chosen_format = FORMATS[export_format]
st.caption(chosen_format.help)
for_excel = export_format == "csv" and st.checkbox(
    "For Excel (UTF-8 with a byte-order mark)",
    key="export_csv_excel",
    help="Excel on Windows shows quotes and accents right only with the mark; other tools "
    "read either. Or choose the Excel workbook format.",
)


# Who is exporting, captured in this run: the file is built off the script thread, where the
# browser session (and so the signed-in reviewer) is not known.
exporting_as = current_actor()


def build_download() -> bytes:
    # Runs only when the button is clicked (and off the script thread): no file is built on
    # every rerun of the page. The services check the account again when it runs.
    with acting_as(exporting_as):
        if export_format == "csv":
            with read_session(database) as session:
                return csv_bytes(session, flt, excel=for_excel)
        return export_bytes(database, export_format, flt)


st.download_button(
    f"Download CSV ({summary.total:,} rows)"
    if export_format == "csv"
    else f"Download {chosen_format.label}",
    data=build_download,
    file_name=download_name(export_format),
    mime=chosen_format.mime,
    type="primary",
    icon="⬇️",
    key="export_download",
    on_click="ignore",
)

st.subheader("Preview")
preview = read(lambda s: preview_rows(s, flt))
st.caption(f"The first {min(PREVIEW_ROWS, summary.total)} of {summary.total:,} rows.")
st.dataframe(pd.DataFrame(preview), hide_index=True, width="stretch", key="export_preview")

st.subheader("Ratings at a glance")
grades_col, lengths_col = st.columns(2)
with grades_col:
    st.markdown("**Grades**: source reliability (A–F) by information credibility (1–6)")
    matrix = pd.DataFrame.from_dict(summary.grade_matrix(), orient="index")
    # Credibility 1 (confirmed) to 6 (cannot be judged), green to red, stacked on A…F.
    st.bar_chart(
        matrix,
        x_label="source reliability",
        y_label="ratings",
        stack=True,
        color=list(CREDIBILITY_COLOURS),
    )
    ungraded = summary.total - int(matrix.to_numpy().sum())
    if ungraded:
        st.caption(f"{ungraded:,} rating(s) without a full grade are not shown.")
with lengths_col:
    st.markdown("**Chain lengths** (hops from origin to publisher)")
    # Every length from 0 to the longest, so a missing 4 shows as an empty bar, not a gap.
    longest = max(summary.chain_lengths, default=0)
    lengths = pd.DataFrame(
        {"ratings": [summary.chain_lengths.get(n, 0) for n in range(longest + 1)]},
        index=pd.Index(range(longest + 1), name="hops"),
    )
    st.bar_chart(lengths, x_label="hops", y_label="ratings")

st.markdown("**Attribution types**: share of ratings, in percent")
shares = pd.DataFrame(
    {"percent": list(summary.attribution_shares().values())},
    index=pd.Index(
        [kind.replace("_", " ") if kind != NOT_SET else kind for kind in summary.attribution_types],
        name="attribution type",
    ),
)
st.bar_chart(shares, x_label="percent of ratings", y_label="attribution type", horizontal=True)
