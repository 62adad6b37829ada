"""What every page shares: the cached engine, the signed-in reviewer, running a service call
with its errors shown as `st.error`.

Local mode: a reviewer picks or creates a name, nothing else. Team mode: name and password in
the sidebar, through the same rate-limited sign-in as the CLI; the signed-in reviewer is handed
to the services (`access.set_actor_provider`), so their role checks apply to every page, widget
callbacks included."""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st
from pydantic import ValidationError
from sqlalchemy import Engine
from sqlmodel import Session

from factcheck.config import describe_database, get_settings, normalize_database_url
from factcheck.domain.display import markdown_literal
from factcheck.errors import (
    DatabaseUnavailable,
    FactcheckError,
    InputError,
    describe_validation_error,
)
from factcheck.services import access
from factcheck.services.reviewers import (
    clean_reviewer_name,
    find_reviewer,
    get_or_create_reviewer,
    list_reviewers,
    sign_in,
)
from factcheck.store.engine import make_engine, read_session, write
from factcheck.store.models import Reviewer
from schemas.vocab import (
    CREDIBILITY_MEANINGS,
    RELIABILITY_MEANINGS,
    AttributionType,
    ClaimKind,
    Relation,
    SourceKind,
)

T = TypeVar("T")

# One option list per vocabulary for every page's select boxes, in the vocabulary's order;
# "" (0 for credibility) is the "not set" choice where a field may stay empty.
ATTRIBUTION_TYPE_OPTIONS = ("", *(t.value for t in AttributionType))
CLAIM_KIND_OPTIONS = tuple(k.value for k in ClaimKind)
SOURCE_KIND_OPTIONS = tuple(k.value for k in SourceKind)
RELATION_OPTIONS = ("", *(r.value for r in Relation))
RELIABILITY_OPTIONS = ("", *RELIABILITY_MEANINGS)
CREDIBILITY_OPTIONS = (0, *CREDIBILITY_MEANINGS)

REVIEWER_KEY = "reviewer_name"
ACTOR_KEY = "signed_in_actor"
SIGNIN_ERROR_KEY = "signin_error"


def _signed_in_actor() -> access.Actor | None:
    """The services' acting reviewer inside a Streamlit run (None outside one: CLI, tests)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    if get_script_run_ctx(suppress_warning=True) is None:
        return None
    actor = st.session_state.get(ACTOR_KEY)
    return actor if isinstance(actor, access.Actor) else None


access.set_actor_provider(_signed_in_actor)


def _log_sign_ins() -> None:
    """Sign-ins and refusals go to the server's log with a timestamp (Streamlit configures only
    its own loggers); passwords are never logged."""
    auth_log = logging.getLogger("factcheck.services.reviewers")
    if not auth_log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        auth_log.addHandler(handler)
        auth_log.setLevel(logging.INFO)


_log_sign_ins()


@functools.cache
def pages() -> list[Any]:
    """The app's pages, built once per process: st.Page resolves and checks its file on the
    disk each time it is built, and app.py runs again on every rerun."""
    return [
        st.Page(
            "factcheck/ui/pages/articles.py",
            title="Articles",
            icon=":material/newspaper:",
            default=True,
        ),
        st.Page("factcheck/ui/pages/annotate.py", title="Annotate", icon=":material/edit_note:"),
        st.Page("factcheck/ui/pages/sources.py", title="Sources", icon=":material/account_tree:"),
        st.Page("factcheck/ui/pages/export.py", title="Export", icon=":material/download:"),
        st.Page("factcheck/ui/pages/review.py", title="Review", icon=":material/rate_review:"),
        st.Page("factcheck/ui/pages/statements.py", title="Statements", icon=":material/timeline:"),
    ]


def count_run() -> None:
    """Number every run of the app: a page can tell whether its widgets were drawn in the run
    just before (their keys then hold what the reviewer did) or whether another page ran in
    between (Streamlit has then dropped or reset them, and the page's own copy is the truth)."""
    st.session_state["run_seq"] = st.session_state.get("run_seq", 0) + 1


def drawn_in_previous_run(record_key: str, *, in_callback: bool = False) -> Any:
    """What a page recorded with `record_drawn` if that was in the run just before this one
    (widget callbacks run before the run's number is bumped), else None."""
    record = st.session_state.get(record_key)
    seq = st.session_state.get("run_seq", 0) - (0 if in_callback else 1)
    return record[1] if record and record[0] == seq else None


def record_drawn(record_key: str, value: Any) -> None:
    st.session_state[record_key] = (st.session_state.get("run_seq", 0), value)


REVIEWER_SECONDS = 30  # how long local mode trusts the reviewer record it looked up


def database_url() -> str:
    return normalize_database_url(get_settings().database_url)


# One engine per database for the whole server process, as st.cache_resource would keep it,
# but found with one dictionary lookup: pages ask for it several times per rerun, and
# cache_resource hashes its arguments and checks its stats on every call.
_ENGINES: dict[str, Engine] = {}
_ENGINES_LOCK = threading.Lock()


def _engine_for(url: str) -> Engine:
    engine = _ENGINES.get(url)
    if engine is None:
        with _ENGINES_LOCK:  # sessions run in threads: build each engine (and migrate) once
            engine = _ENGINES.get(url)
            if engine is None:
                engine = _ENGINES[url] = make_engine(url)
    return engine


def forget_engines() -> None:
    """Close every engine's connections (so a throwaway database can be dropped)."""
    with _ENGINES_LOCK:
        for engine in _ENGINES.values():
            engine.dispose()
        _ENGINES.clear()


def engine() -> Engine:
    """One engine per server process and database (never a cached Session). A database that
    cannot be opened stops the page with one line (not a traceback); the next rerun retries."""
    try:
        return _engine_for(database_url())
    except DatabaseUnavailable as error:
        st.error(markdown_literal(str(error)), icon="⚠️")
        st.caption("Check DATABASE_URL (or start the database server), then reload the page.")
        st.stop()


def team_mode() -> bool:
    """Whether this database is in team mode, read from it once per run: an admin enabling it
    (`factcheck team enable`) takes effect on every open browser's next click."""
    seq = st.session_state.get("run_seq", 0)
    cached = st.session_state.get("_team_mode")
    if cached is None or cached[0] != seq:
        cached = (seq, access.team_mode(engine()))
        st.session_state["_team_mode"] = cached
    return bool(cached[1])


def read(work: Callable[[Session], T]) -> T:
    with read_session(engine()) as session:
        return work(session)


def remembered(key: str, seconds: float, compute: Callable[[], T]) -> T:
    """`compute()`, kept in this browser session for `seconds`: for figures that change slowly
    and cost a query on every rerun otherwise. `forget(key)` when this session changed them.
    All in one session-state entry: every widget call scans every entry of the state."""
    now = time.monotonic()
    store: dict[str, tuple[float, Any]] = st.session_state.setdefault("_remembered", {})
    stored = store.get(key)
    if stored is None or now - stored[0] > seconds:
        for old in [k for k, (at, _) in store.items() if now - at > 3600]:
            del store[old]  # searches typed long ago
        stored = store[key] = (now, compute())
    return stored[1]


def forget(prefix: str) -> None:
    """Drop what `remembered` kept under keys starting with `prefix`."""
    store = st.session_state.get("_remembered", {})
    for key in [k for k in store if k.startswith(prefix)]:
        del store[key]


def run_write(work: Callable[[Session], T], *, retry_on_integrity: bool = False) -> T | None:
    """Run a write; a user error becomes a red one-line message and None (nothing changed)."""
    try:
        return write(engine(), work, retry_on_integrity=retry_on_integrity)
    except FactcheckError as error:
        st.error(markdown_literal(str(error)), icon="⚠️")
    except ValidationError as error:
        st.error(markdown_literal(describe_validation_error(error)), icon="⚠️")
    return None


def current_reviewer() -> str | None:
    """The reviewer of this browser session; in local mode it survives a page reload through
    the URL (?reviewer=NAME), since a reload starts a new Streamlit session. In team mode only
    a signed-in reviewer counts (a reload signs out: nothing secret goes into the URL)."""
    if team_mode():
        actor = st.session_state.get(ACTOR_KEY)
        return actor.name if isinstance(actor, access.Actor) else None
    name = st.session_state.get(REVIEWER_KEY)
    if name is None:
        name = st.query_params.get("reviewer")
        if name:
            try:
                name = clean_reviewer_name(name)
            except InputError:  # a hand-edited or hostile link: ignored, not a traceback
                st.query_params.pop("reviewer", None)
                return None
            st.session_state[REVIEWER_KEY] = name
    if name and st.query_params.get("reviewer") != name:
        st.query_params["reviewer"] = name
    return name


def current_actor() -> access.Actor | None:
    """The signed-in reviewer as the services' actor (team mode); None in local mode."""
    return _signed_in_actor() if team_mode() else None


def _sign_in() -> None:
    """Sign-in button callback: runs before the widgets are drawn, so it can clear the password
    field; the password never stays in the session state."""
    name = str(st.session_state.get("signin_name") or "").strip()
    password = str(st.session_state.get("signin_password") or "")
    st.session_state["signin_password"] = ""
    st.session_state.pop(SIGNIN_ERROR_KEY, None)
    if not name or not password:
        st.session_state[SIGNIN_ERROR_KEY] = "Enter your name and password."
        return
    try:
        actor = sign_in(engine(), name, password)
    except FactcheckError as error:
        st.session_state[SIGNIN_ERROR_KEY] = str(error)
        return
    st.session_state[ACTOR_KEY] = actor
    st.session_state[REVIEWER_KEY] = actor.name


def sign_out() -> None:
    for key in (ACTOR_KEY, REVIEWER_KEY, SIGNIN_ERROR_KEY):
        st.session_state.pop(key, None)


def _team_sidebar() -> None:
    actor = current_actor()
    if actor is not None:
        st.markdown(f"**Signed in as** {markdown_literal(actor.name)} ({actor.role})")
        st.button("Sign out", key="sign_out", on_click=sign_out)
        return
    # A form: name and password reach the callback together, however the reviewer leaves
    # the fields (Enter, Tab to the show-password eye, or a click straight on the button).
    with st.form("signin_form", border=False, enter_to_submit=True):
        st.markdown("**Sign in**")
        st.text_input("Name", key="signin_name")
        st.text_input("Password", type="password", key="signin_password")
        st.form_submit_button("Sign in", key="signin_button", type="primary", on_click=_sign_in)
    error = st.session_state.get(SIGNIN_ERROR_KEY)
    if error:
        st.error(markdown_literal(error), icon="🔒")


def _check_account() -> None:
    """Team mode: the signed-in account is read again on every run of every page, so disabling
    (or removing, or a role change) takes effect at the next click, not at the next sign-in."""
    actor = current_actor()
    if actor is None:
        return
    row = read(lambda s: s.get(Reviewer, actor.id))
    if row is None or row.disabled:
        sign_out()
        st.session_state[SIGNIN_ERROR_KEY] = "Your account was disabled or removed; ask an admin."
    elif row.role != actor.role or row.name != actor.name:
        st.session_state[ACTOR_KEY] = access.as_actor(row)


def require_sign_in() -> None:
    """Team mode shows nothing to a visitor who is not signed in: every page needs a reviewer
    (reading a team database is not anonymous), so no page can leak or write without one."""
    if team_mode() and current_actor() is None:
        st.info("Team mode: sign in with your name and password in the sidebar.", icon="🔒")
        st.stop()


def reviewer_sidebar() -> str | None:
    """Who is reviewing, chosen or created once per browser session (local mode) or signed in
    with a password (team mode), and which database."""
    if team_mode():
        _check_account()
        with st.sidebar:
            _team_sidebar()
            st.caption(markdown_literal(describe_database(database_url())))
        return current_reviewer()
    with st.sidebar:
        name = current_reviewer()
        if name:
            st.markdown(f"**Reviewing as** {markdown_literal(name)}")
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
        st.caption(markdown_literal(describe_database(database_url())))
    return current_reviewer()


def require_reviewer() -> Reviewer:
    """The signed-in reviewer's record (created on first use); stops the page if nobody is."""
    name = current_reviewer()
    if not name:
        if team_mode():
            st.info("Sign in with your name and password in the sidebar to start.", icon="🔒")
        else:
            st.info("Choose or create a reviewer name in the sidebar to start.", icon="👤")
        st.stop()
    team = team_mode()
    key = f"reviewer_{name}"

    def lookup() -> Reviewer | None:
        return read(lambda s: find_reviewer(s, name))

    # Team mode checks the account on every rerun (a disabled account is signed out at once);
    # local mode has no accounts to disable, so the record is kept for a while.
    reviewer = lookup() if team else remembered(key, REVIEWER_SECONDS, lookup)
    if team and (reviewer is None or reviewer.disabled):
        sign_out()
        st.error("Your account was disabled or removed; ask an admin.", icon="🔒")
        st.stop()
    if reviewer is None:
        forget(key)
        reviewer = run_write(lambda s: get_or_create_reviewer(s, name))
    if reviewer is None:
        st.stop()
    return reviewer
