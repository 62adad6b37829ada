"""Articles: import (paste or upload), search, page through, open, delete."""

from __future__ import annotations

import time

import pyarrow as pa
import streamlit as st
from sqlmodel import Session

from factcheck.config import get_settings
from factcheck.domain.textio import SUPPORTED_SUFFIXES
from factcheck.errors import FactcheckError, describe_validation_error
from factcheck.services import articles as article_service
from factcheck.services.articles import ArticleRow
from factcheck.services.batch import import_uploads, progress_text, split_text
from factcheck.services.reviewers import find_reviewer
from factcheck.ui.common import current_reviewer, engine, forget, read, remembered, run_write
from schemas.records import ArticleMeta

PAGE_SIZES = (25, 50, 100)
TOTAL_SECONDS = 10

st.title("Articles")
reviewer_name = current_reviewer()


def open_in_annotate(article_id: int) -> None:
    st.session_state["article_id"] = article_id
    st.session_state.pop("claim_id", None)
    st.switch_page("factcheck/ui/pages/annotate.py")


with st.expander("Import articles", expanded=False):
    paste_tab, upload_tab = st.tabs(["Paste text", "Upload files"])
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
                st.error(describe_validation_error(error))
            else:
                # Split before the write, a large text in a worker process: neither the
                # database's write lock nor this process's interpreter lock (which every
                # other reviewer's page needs) is held while it is split.
                try:
                    split = split_text(text)
                except FactcheckError as error:
                    st.error(str(error), icon="⚠️")
                else:
                    article = run_write(
                        lambda s: article_service.import_text(s, text, meta, split=split)
                    )
                    forget("article_total")
                    if article is not None:
                        st.success(f"Imported article {article.id}: {article.title}")
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
            imported = [f"{i.title!r} → article {i.article_id}" for i in summary.imported]
            skipped, failed = summary.duplicates, summary.failed
            if imported:
                st.success(f"Imported {len(imported)}: " + "; ".join(imported))
            for message in skipped:
                st.warning(f"Duplicate skipped: {message}")
            for message in failed:
                st.error(message)

search = st.text_input("Search title or outlet", key="article_search", placeholder="e.g. zerohedge")
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
