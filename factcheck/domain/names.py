"""THE name key for people and outlets: the one form in which the registry stores names and
aliases, the suggester looks them up, and reviews and agreement compare chain hops and
speakers. One function, so "The Guardian", "the  Guardian" and "Guardian's" are the same
source everywhere (see docs/domain.md, "Source identity")."""

from __future__ import annotations

import functools
import unicodedata

# Typographic apostrophes that text pasted from a news page carries instead of "'".
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})
# Punctuation that frames a name in running text ("Reuters.", "AFP,") but is not part of it.
_FRAME = " .,;:"
_ARTICLE = "the "
_POSSESSIVE = "'s"


@functools.lru_cache(maxsize=8192)  # the suggester asks for the same few hundred names again
def name_key(name: str) -> str:
    """The comparison key of a person's or outlet's name: NFKC, typographic apostrophes as
    "'", case-folded, whitespace collapsed, without a leading "the " or a trailing "'s" and
    without surrounding " .,;:".

    The drops are repeated until nothing changes, so the key of a key is itself (the
    registry stores keys, and a stored key looked up again must find its record); a drop
    that would leave nothing is not made ("The" stays "the", "..." stays "...")."""
    # NFKC around the case fold: folding can leave text that is no longer normalised.
    text = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold())
    key = " ".join(text.translate(_APOSTROPHES).split())
    previous = None
    while key != previous:
        previous = key
        key = _shorter(key, key.strip(_FRAME))
        key = _shorter(key, key.removeprefix(_ARTICLE))
        key = _shorter(key, key.removesuffix(_POSSESSIVE))
    return key


def _shorter(key: str, shorter: str) -> str:
    """`shorter`, unless it holds nothing but framing: a name made only of dots or of "the 's"
    keeps a key of its own rather than sharing the empty one."""
    return shorter if shorter.strip(_FRAME) else key
