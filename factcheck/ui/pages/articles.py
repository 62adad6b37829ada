"""Articles: import (paste or upload), search, page through, open, delete."""

from __future__ import annotations

import time

import pyarrow as pa
import streamlit as st
from sqlmodel import Session

from factcheck.checkworthy import DEFAULT_THRESHOLD
from factcheck.config import get_settings
from factcheck.domain.display import markdown_literal
from factcheck.domain.textio import SUPPORTED_SUFFIXES
from factcheck.errors import FactcheckError, describe_validation_error
from factcheck.services import articles as article_service
from factcheck.services.articles import ArticleRow
from factcheck.services.batch import import_uploads, progress_text, split_text
from factcheck.services.reviewers import find_reviewer
from factcheck.ui.common import (
    current_reviewer,
    drawn_in_previous_run,
    engine,
    forget,
    read,
    record_drawn,
    remembered,
    run_write,
)
from schemas.records import ArticleMeta

PAGE_SIZES = (25, 50, 100)
CHECKWORTHY_COLUMN = f"check-worthy (≥ {DEFAULT_THRESHOLD:g})"
TOTAL_SECONDS = 10

st.title("Articles")
reviewer_name = current_reviewer()


def imported_now(key: str) -> tuple[int, str] | None:
    """What an import recorded in this run or the one just before, else None."""
    record = st.session_state.get(key)
    if record and record[0] == st.session_state.get("run_seq", 0):
        return record[1]
    return drawn_in_previous_run(key)


def open_in_annotate(article_id: int) -> None:
    st.session_state["article_id"] = article_id
    st.session_state.pop("claim_id", None)
    st.switch_page("factcheck/ui/pages/annotate.py")


with st.expander("Import articles", expanded=False):
    paste_tab, upload_tab, url_tab = st.tabs(["Paste text", "Upload files", "From a web page"])
    with paste_tab, st.form("paste_form", clear_on_submit=False):
        text = st.text_area("Article text", height=200, key="paste_text")
        left, right = st.columns(2)
        title = left.text_input("Title (default: first line)", key="paste_title")
        outlet = right.text_input("Outlet", key="paste_outlet")
        url = left.text_input("URL", key="paste_url")
        published = right.text_input(
            "Published (YYYY-MM-DD or YYYY-MM-DDTHH:MM)", key="paste_published"
        )
        if st.form_submit_button("Import", type="primary", key="paste_import"):
            try:
                meta = ArticleMeta(title=title, outlet=outlet, url=url, published=published)
            except ValueError as error:
                st.error(markdown_literal(describe_validation_error(error)))
            else:
                # Split before the write, a large text in a worker process: neither the
                # database's write lock nor this process's interpreter lock (which every
                # other reviewer's page needs) is held while it is split.
                try:
                    split = split_text(text)
                except FactcheckError as error:
                    st.error(markdown_literal(str(error)), icon="⚠️")
                else:
                    article = run_write(
                        lambda s: article_service.import_text(s, text, meta, split=split)
                    )
                    forget("article_total")
                    if article is not None:
                        record_drawn("just_imported", (article.id, article.title))
    with upload_tab:
        files = st.file_uploader(
            "Article files (.txt, .md, .html)",
            type=[s.lstrip(".") for s in SUPPORTED_SUFFIXES],
            accept_multiple_files=True,
            key="upload_files",
        )
        upload_outlet = st.text_input("Outlet for these files (optional)", key="upload_outlet")
        if st.button("Import files", key="import_files", disabled=not files):
            progress = st.progress(0.0, text="Importing…")
            max_bytes = get_settings().factcheck_max_bytes
            started = time.monotonic()
            uploads = list(files or [])
            forget("article_total")
            # Large files are read and split in a worker process (see import_uploads).
            summary = import_uploads(
                engine(),
                [(u.name, u.getvalue()) for u in uploads],
                ArticleMeta(outlet=upload_outlet or None),
                lambda done: progress.progress(
                    done / len(uploads), text=progress_text(done, len(uploads), started)
                ),
                max_bytes=max_bytes,
            )
            imported = [
                f"{markdown_literal(repr(i.title))} → article {i.article_id}"
                for i in summary.imported
            ]
            skipped, failed = summary.duplicates, summary.failed
            if imported:
                st.success(f"Imported {len(imported)}: " + "; ".join(imported))
            for message in skipped:
                st.warning(f"Duplicate skipped: {markdown_literal(message)}")
            for message in failed:
                st.error(markdown_literal(message))
            if len(summary.imported) == 1:
                only = summary.imported[0]
                record_drawn("just_imported", (only.article_id, only.title))
    with url_tab, st.form("url_form", clear_on_submit=False):
        page_url = st.text_input(
            "Web page address", key="url_address", placeholder="https://example.org/news/story"
        )
        url_outlet = st.text_input("Outlet (default: what the page says)", key="url_outlet")
        st.caption(
            "The page is fetched once; its text, title, author, date and canonical address "
            "are extracted, and the HTML and fetch time are kept with the article."
        )
        if st.form_submit_button("Fetch and import", type="primary", key="url_import"):
            from factcheck.interchange.web import import_url

            try:
                with st.spinner("Fetching the page…"):
                    fetched = import_url(engine(), page_url, ArticleMeta(outlet=url_outlet or None))
            except FactcheckError as error:
                st.error(markdown_literal(str(error)), icon="⚠️")
            except ValueError as error:  # the outlet failed ArticleMeta's rules
                st.error(markdown_literal(describe_validation_error(error)), icon="⚠️")
            else:
                forget("article_total")
                record_drawn("just_imported", (fetched.id, fetched.title))

# After an import: say what it became, and open it in one click (shown in the import's run
# and the next, so the click on "Annotate it" finds its button).
just = imported_now("just_imported")
if just is not None:
    new_id, new_title = just
    done, go = st.columns([4, 1], vertical_alignment="center")
    done.success(f"Imported article {new_id}: {markdown_literal(new_title)}")
    if go.button("Annotate it", key="annotate_imported", type="primary", width="stretch"):
        open_in_annotate(new_id)

search = st.text_input(
    "Search title, outlet or text",
    key="article_search",
    placeholder="e.g. zerohedge putin",
    help="Every word must appear (as the start of a word) in the title, outlet or text.",
)
size_col, page_col = st.columns([1, 3])
page_size = size_col.selectbox("Per page", PAGE_SIZES, key="article_page_size")


def load_page(session: Session, page: int) -> tuple[int, list[ArticleRow]]:
    """The number of matching articles and one page of them, in one read."""
    # Counting every article is a scan on PostgreSQL; the total only sizes the page control,
    # so it is kept for a few seconds (and dropped at once when this session adds or deletes).
    total = remembered(
        f"article_total:{search}",
        TOTAL_SECONDS,
        lambda: article_service.count_articles(session, search),
    )
    page = min(page, max(1, -(-total // page_size)))
    reviewer = find_reviewer(session, reviewer_name) if reviewer_name else None
    rows = article_service.list_articles(
        session,
        search=search,
        offset=(page - 1) * page_size,
        limit=page_size,
        reviewer_id=reviewer.id if reviewer else None,
        counts_cache=st.session_state.setdefault("article_counts", {}),
    )
    return total, rows


total, rows = read(lambda s: load_page(s, st.session_state.get("article_page") or 1))
pages = max(1, -(-total // page_size))
with page_col:
    page = st.pagination(pages, key="article_page") if pages > 1 else 1

if not rows:
    st.info(
        "No articles yet. Import one above (or run `factcheck demo`)."
        if not search
        else "No article matches."
    )
else:
    st.caption(f"{total} article{'s' if total != 1 else ''}")
    # An Arrow table, not a list of dicts: Streamlit then skips building a pandas frame.
    st.dataframe(
        pa.Table.from_pylist(
            [
                {
                    "id": r.id,
                    "title": r.title,
                    "outlet": r.outlet or "",
                    "published": r.published_at or "",
                    "claims": r.claims,
                    CHECKWORTHY_COLUMN: r.checkworthy,
                    "my progress": f"{r.rated}/{r.claims}",
                }
                for r in rows
            ]
        ),
        hide_index=True,
        width="stretch",
    )
    labels = {r.id: f"{r.id} · {r.title[:80]}" for r in rows}
    choice = st.selectbox(
        "Article", list(labels), format_func=lambda i: labels[i], key="article_choice"
    )
    chosen = int(choice if choice is not None else rows[0].id)  # a list of rows: never empty
    open_col, delete_col = st.columns([1, 1])
    if open_col.button("Annotate", type="primary", key="open_article"):
        open_in_annotate(chosen)
    with delete_col.popover("Delete…"):
        st.write(f"Delete article {chosen} with all its claims and every reviewer's ratings?")
        if st.button("Yes, delete it", key="confirm_delete"):
            deleted = run_write(lambda s: article_service.delete_article(s, chosen))
            forget("article_total")
            if deleted is not None:
                st.success(f"Deleted article {chosen}.")
                st.rerun()
