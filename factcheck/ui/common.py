"""What every page shares: the cached engine, the signed-in reviewer, running a service call
with its errors shown as `st.error`."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import streamlit as st
from pydantic import ValidationError
from sqlalchemy import Engine
from sqlmodel import Session

from factcheck.config import describe_database, get_settings, normalize_database_url
from factcheck.db import make_engine, read_session, write
from factcheck.errors import FactcheckError, describe_validation_error
from factcheck.models import Reviewer
from factcheck.reviewers import find_reviewer, get_or_create_reviewer, list_reviewers

T = TypeVar("T")

REVIEWER_KEY = "reviewer_name"


def database_url() -> str:
    return normalize_database_url(get_settings().database_url)


@st.cache_resource(show_spinner=False)
def _engine_for(url: str) -> Engine:
    return make_engine(url)


def engine() -> Engine:
    """One engine per server process and database (never a cached Session)."""
    return _engine_for(database_url())


def read(work: Callable[[Session], T]) -> T:
    with read_session(engine()) as session:
        return work(session)


def run_write(work: Callable[[Session], T], *, retry_on_integrity: bool = False) -> T | None:
    """Run a write; a user error becomes a red one-line message and None (nothing changed)."""
    try:
        return write(engine(), work, retry_on_integrity=retry_on_integrity)
    except FactcheckError as error:
        st.error(str(error), icon="⚠️")
    except ValidationError as error:
        st.error(describe_validation_error(error), icon="⚠️")
    return None


def current_reviewer() -> str | None:
    """The reviewer of this browser session; in local mode it survives a page reload through
    the URL (?reviewer=NAME), since a reload starts a new Streamlit session."""
    name = st.session_state.get(REVIEWER_KEY)
    if name is None and not get_settings().factcheck_team_mode:
        name = st.query_params.get("reviewer")
        if name:
            st.session_state[REVIEWER_KEY] = name
    if name and not get_settings().factcheck_team_mode and st.query_params.get("reviewer") != name:
        st.query_params["reviewer"] = name
    return name


def reviewer_sidebar() -> str | None:
    """Who is reviewing, chosen or created once per browser session, and which database."""
    with st.sidebar:
        name = current_reviewer()
        if name:
            st.markdown(f"**Reviewing as** `{name}`")
            if st.button("Switch reviewer", key="switch_reviewer"):
                del st.session_state[REVIEWER_KEY]
                st.query_params.pop("reviewer", None)
                st.rerun()
        else:
            known = [r.name for r in read(list_reviewers) if not r.disabled]
            st.markdown("**Who is reviewing?**")
            if known:
                picked = st.selectbox("Reviewer", ["—", *known], key="pick_reviewer")
                if picked != "—" and st.button("Continue", key="continue_reviewer"):
                    st.session_state[REVIEWER_KEY] = picked
                    st.rerun()
            new_name = st.text_input("New reviewer name", key="new_reviewer_name")
            if st.button("Start reviewing", key="create_reviewer") and new_name.strip():
                created = run_write(lambda s: get_or_create_reviewer(s, new_name).name)
                if created:
                    st.session_state[REVIEWER_KEY] = created
                    st.rerun()
        st.caption(describe_database(database_url()))
    return current_reviewer()


def require_reviewer() -> Reviewer:
    """The signed-in reviewer's record (created on first use); stops the page if nobody is."""
    name = current_reviewer()
    if not name:
        st.info("Choose or create a reviewer name in the sidebar to start.", icon="👤")
        st.stop()
    reviewer = read(lambda s: find_reviewer(s, name))  # type: ignore[arg-type]
    if reviewer is None:
        reviewer = run_write(lambda s: get_or_create_reviewer(s, name))  # type: ignore[arg-type]
    if reviewer is None:
        st.stop()
    return reviewer  # type: ignore[return-value]
