"""The Articles page shows each article's number of check-worthy claims (AppTest)."""

from __future__ import annotations

from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from factcheck.checkworthy import DEFAULT_THRESHOLD, score_claims
from factcheck.domain.split import split_into_claims
from factcheck.services import claims
from factcheck.store.engine import make_engine, write
from factcheck.store.models import Claim
from tests.conftest import DEMO_TEXT
from tests.ui.test_app import import_demo, sign_in

COLUMN = f"check-worthy (≥ {DEFAULT_THRESHOLD:g})"


def test_articles_page_counts_checkworthy_claims(app: AppTest, sqlite_url: str) -> None:
    sign_in(app)
    import_demo(app)
    expected = sum(
        (c.checkworthiness or 0.0) >= DEFAULT_THRESHOLD
        for c in score_claims(split_into_claims(DEMO_TEXT.read_text(encoding="utf-8"))).claims
    )
    assert expected >= 3
    table = app.dataframe[0].value
    assert list(table[COLUMN]) == [expected]
    assert list(table["claims"]) == [16]

    # dropping a check-worthy claim elsewhere (the CLI, another reviewer) updates the count
    engine = make_engine(sqlite_url)
    with Session(engine) as session:
        top = session.exec(select(Claim).order_by(Claim.checkworthiness.desc())).first()  # type: ignore[union-attr]
        assert top is not None and top.id is not None
        top_id = top.id
    write(engine, lambda s: claims.drop_claim(s, top_id))
    engine.dispose()
    app.run()
    assert not app.exception
    assert list(app.dataframe[0].value[COLUMN]) == [expected - 1]
