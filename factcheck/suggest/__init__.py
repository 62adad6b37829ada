"""Suggest attributions (source, cue, content) and chains of intermediaries for an article.

Pure and I/O-free: the reviewer's form is prefilled from it and the reviewer corrects it.
Two engines work together, on the lines, sentences, quotations and tokens of
`factcheck.domain.text` (the units claim splitting uses too):

- `rules`: the patterns a chain is built from, with the words in `lexicon`;
- `model`: a learned tagger trained on the train split of PolNeAR (weights shipped in the
  package) that finds the many cues beyond "said" and draws spans as the corpus does;
- `merge` combines them: where both find a cue, the rules' attribution keeps its type and
  chain and takes the tagger's spans; the tagger's other finds are added; the rules' weak
  finds the tagger does not confirm are dropped;
- `speakers` resolves who speaks ("he", "Stubb" -> "Alexander Stubb"), `chains` builds the
  hops from the speaker to the publisher, and `suggestions` turns each attribution into a
  `SuggestedAttribution` with its sourcing score; `candidates` is the record they all share.

`suggest_for_claim` asks the rules first, so a claim's chain comes from the patterns whenever
they apply. PolNeAR: Edward Newell, Drew Margolin, Derek Ruths, "An Attribution Relations
Corpus for Political News", LREC 2018.
"""

from __future__ import annotations

from factcheck.suggest.suggestions import (
    suggest_attributions,
    suggest_for_claim,
    suggest_for_claims,
)

__all__ = ["suggest_attributions", "suggest_for_claim", "suggest_for_claims"]

# Names imported from here before the split into modules (issue 12), kept importable:
# bench/train_attribution.py still imports the first three. Their homes are named below.
from factcheck.domain.text import lines as _paragraphs  # noqa: F401
from factcheck.domain.text import quotations as _quote_spans  # noqa: F401
from factcheck.domain.text import sentences as _sentences  # noqa: F401
from factcheck.suggest.candidates import Candidate as _Attr  # noqa: F401
from factcheck.suggest.merge import conventions as _conventions  # noqa: F401
from factcheck.suggest.merge import fallback_content as _fallback_content  # noqa: F401
