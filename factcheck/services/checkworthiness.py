"""Check-worthiness of stored claims: a claim whose text changes is rescored. The score itself
is `factcheck.checkworthy`; imports store it with the claims
(`factcheck.services.articles.import_text`), and the Articles list counts each article's
check-worthy claims (`factcheck.services.articles.list_articles`)."""

from __future__ import annotations

from factcheck.checkworthy import score_text
from factcheck.store.models import Claim


def rescore(claim: Claim) -> None:
    """Give the claim the score and reasons of its current text. Its kind is left alone: after
    an import the kind is the reviewer's to change, and a reviewer's choice wins."""
    judged = score_text(claim.text)
    claim.checkworthiness = judged.score
    claim.checkworthiness_reasons = list(judged.reasons)
