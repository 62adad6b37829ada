"""Check-worthiness: how much a sentence deserves a fact-checker's time (0–1), why, and what
kind of claim it is. Pure and I/O free apart from reading the shipped weights once.

A logistic regression (numpy only) over words, word pairs and features beyond words: numbers,
dates, percentages and money; named people and institutions (capitalisation patterns and
acronyms, not a tagger); tense (past, present perfect, future, conditional); first and second
person; hedges; opinion and evaluative words; quotation; questions; length. Trained by
`bench/train_checkworthy.py` on ClaimBuster (Arslan, Hassan, Li, Tremayne, "A Benchmark
Dataset of Check-worthy Factual Claims", ICWSM 2020, CC BY 4.0): debate sentences labelled
check-worthy factual or not. The weights (`weights.npz`, shipped in the package; nothing is
downloaded at run time) hold the vocabulary and one weight per feature.

Debates have no headlines, page furniture or category labels, so news prose gets a few fixed
rules on top of the learned score (`_NEWS_RULES`): a headline, a fragment of a few words, a
"(via …)" credit, a call to click or subscribe, a sponsored line each lower the score by a
fixed amount, and are reported as the reason.

The claim's kind comes from the same features and score (`_kind`): editorial glue and page
furniture are `framing`; in the article's own voice (no quotation, no attribution cue) future
tense is a `prediction`, first-person views and evaluative, unscored sentences are `opinion`;
the rest is `factual`. A reviewer's change of kind always wins: only imports suggest a kind.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from factcheck.domain.split import SplitResult
from schemas.vocab import ClaimKind

__all__ = [
    "DEFAULT_THRESHOLD",
    "WEIGHTS_PATH",
    "Checkworthiness",
    "Model",
    "assess",
    "features",
    "load_model",
    "score_claims",
    "score_text",
]

WEIGHTS_PATH = Path(__file__).resolve().parent / "weights.npz"
# A claim counts as check-worthy from this score on (the Articles page's count, the default
# of the Annotate page's filter). The model is trained at ClaimBuster's base rate, so 0.5 is
# its own decision boundary.
DEFAULT_THRESHOLD = 0.5
MAX_REASONS = 3

# Punctuation marks become tokens of their own (what is left is split at spaces); numbers
# become "0". Cheaper than a tokenizing regular expression.
_PUNCTUATION = re.compile(r"([^\w\s'\-])")
_NUMBER = re.compile(r"\d(?:[\d,.]*\d)?(?:st|nd|rd|th|s)?")
_DIGIT = re.compile(r"\d")
_YEAR = re.compile(r"\b(?:1[89]|20)\d\d\b|\b\d\d?(?:st|nd|rd|th)\b")
_WORD = re.compile(r"[^\W\d_][\w'’\-]*")
# A capitalised word that does not open the sentence or a clause: a name of a person, place or
# institution (capitalisation patterns, not a tagger; "I" is not a name).
_NAME = re.compile(r"(?<=[\w,] )(?!I\b)[A-Z][\w'’\-]*")
_ACRONYM = re.compile(r"\b[A-Z]{2,6}s?\b")
_SENTENCE_END = frozenset(".!?\"”’'")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_NUMBER_WORDS = _words(
    "hundred hundreds thousand thousands million millions billion billions trillion "
    "trillions dozen dozens half twice thrice percent percentage twenty thirty forty fifty "
    "sixty seventy eighty ninety"
)
_MONEY = frozenset(["$", "£", "€", "dollars", "dollar", "euros", "pounds", "cents", "budget"])
_PERCENT = frozenset(["%", "percent", "percentage", "rate", "rates"])
# "may" is a modal far more often than a month.
_MONTHS = _words(
    "january february march april june july august september october november december"
)
_INSTITUTION = _words(
    "department ministry congress senate house committee commission court agency council "
    "parliament government administration bank fund union organization organisation "
    "office bureau authority board forum institute university party army navy force forces "
    "kremlin pentagon nato un eu who imf fbi cia nasa federal state states republic "
    "corporation company inc ltd group association service reserve treasury"
)
_PERFECT_AUX = frozenset(["has", "have", "hasn't", "haven't", "'ve", "we've", "i've", "they've"])
_PAST = _words(
    "was were had did didn't wasn't weren't hadn't said told went came got made took gave "
    "found left sent brought began became held "
    "rose fell grew won lost spent paid cut led met ran put set voted signed passed "
    "killed raised increased reduced doubled tripled announced reported"
)
_NOT_PAST = _words("indeed hundred united proceed exceed succeed need needed speed breed embed")
_FUTURE = frozenset(["will", "won't", "shall", "i'll", "we'll", "they'll", "he'll", "she'll"])
_MODAL = frozenset(["would", "could", "might", "may", "should", "must", "can", "cannot"])
_FIRST_SINGULAR = frozenset(["i", "me", "my", "mine", "myself", "i'm", "i've", "i'll", "i'd"])
_FIRST_PLURAL = frozenset(["we", "us", "our", "ours", "we're", "we've", "we'll", "we'd"])
_SECOND = frozenset(["you", "your", "yours", "you're", "you've", "you'll"])
_OPINION_VERBS = _words(
    "think believe feel hope want wish doubt suppose guess trust agree disagree "
    "support oppose favor favour"
)
_HEDGES = _words(
    "maybe perhaps possibly probably likely unlikely seems seem seemed appears appear "
    "apparently reportedly allegedly arguably somewhat presumably supposedly"
)
_EVALUATIVE = _words(
    "great good bad terrible wrong right best worst wonderful horrible important "
    "strong weak fair unfair better worse serious dangerous disaster tragic proud "
    "certainly clearly obviously undoubtedly surely underscores remarkable ridiculous "
    "absurd amazing incredible"
)
_ATTRIBUTION = _words(
    "said says say told tells according reportedly stated claimed claims announced added "
    "reported wrote insisted warned argued noted suggested reiterated described complained "
    "clarified explained confirmed denied admitted acknowledged"
)
_QUOTES = frozenset('“”"«»„')
_FUNCTION = _words(
    "a an the of in on at to for from by with and or but as is are was were be if "
    "even there that this it its into over under after before about"
)
# Lines that are not sentences of the article: credits, calls to action, advertising.
_CREDIT = re.compile(
    r"^\(?\s*(?:via|h/t|hat tip|source|photo|image|credit|related|see also|also read|"
    r"recommended|more from|watch|listen)\b",
    re.IGNORECASE,
)
_CALL_TO_ACTION = re.compile(
    r"\b(?:click|tap)\s+(?:through|here|below|to)|\bread\s+(?:more|the\s+(?:rest|whole|full))"
    r"|\b(?:subscribe|sign\s+up|newsletter|follow\s+us|share\s+this|watch\s+(?:the|now))\b"
    r"|\bthe\s+whole\s+thing\b",
    re.IGNORECASE,
)
_SPONSORED = re.compile(
    r"\b(?:sponsored|advertisement|advertising|promoted|partner\s+content|affiliate|"
    r"paid\s+(?:post|content)|presented\s+by|brought\s+to\s+you\s+by|buy\s+now|shop\s+now|"
    r"discount|coupon|promo\s+code|deal\s+of\s+the\s+day|% off)\b",
    re.IGNORECASE,
)


# Words without which the patterns above cannot match (a cheap test before the search).
_CALL_TO_ACTION_WORDS = _words("click tap read subscribe sign newsletter follow share watch whole")
_SPONSORED_WORDS = _words(
    "sponsored advertisement advertising promoted partner affiliate paid presented brought "
    "buy shop discount coupon promo deal off"
)


@dataclass(frozen=True, slots=True)
class Checkworthiness:
    """One sentence's score (0–1), the reasons a reviewer can read, and its suggested kind."""

    score: float
    reasons: tuple[str, ...]
    kind: ClaimKind


@dataclass(slots=True)
class _Analysis:
    """What the features of one sentence found, for the reasons, the rules and the kind."""

    feats: list[str]
    flags: set[str]
    named: list[str]  # the features beyond words, which the reasons name


def _analyse(text: str) -> _Analysis:
    # Set operations and regular expressions over the whole sentence, not a Python loop per
    # token: scoring must cost little next to splitting (see bench/checkworthy_bench.py).
    low_text = text.lower().replace("’", "'")
    low = _PUNCTUATION.sub(r" \1 ", _NUMBER.sub("0", low_text)).split()
    lows = set(low)
    flags: set[str] = set()
    if _DIGIT.search(text):
        flags.add("number")
        if _YEAR.search(text):
            flags.add("date")
    words = sum(1 for w in low if w[0].isalpha())
    names = _NAME.findall(text)
    if names:
        flags.add("name")
        if len(names) >= 2:
            flags.add("names")
        if _INSTITUTION.intersection(n.lower() for n in names):
            flags.add("institution")
    if _ACRONYM.search(text):
        flags.add("acronym")
    if lows & _NUMBER_WORDS:
        flags.add("number")
    if lows & _MONTHS:
        flags.add("date")
    if lows & _PERCENT:
        flags.add("percent")
    if lows & _MONEY:
        flags.add("money")
    if lows & _PAST or any(len(w) > 4 and w.endswith("ed") and w not in _NOT_PAST for w in lows):
        flags.add("past")
    if lows & _PERFECT_AUX:
        flags.add("perfect")
    if lows & _FUTURE or "going to" in low_text:
        flags.add("future")
    if lows & _MODAL:
        flags.add("modal")
    if lows & _FIRST_SINGULAR:
        flags.add("first_singular")
    if lows & _FIRST_PLURAL:
        flags.add("first_plural")
    if lows & _SECOND:
        flags.add("second")
    if lows & _OPINION_VERBS:
        flags.add("opinion_verb")
    if lows & _HEDGES:
        flags.add("hedge")
    if lows & _EVALUATIVE:
        flags.add("evaluative")
    if lows & _ATTRIBUTION:
        flags.add("attribution")
    if not _QUOTES.isdisjoint(text):
        flags.add("quote")
    stripped = text.rstrip()
    last = stripped[-1:]
    if last == "?":
        flags.add("question")
    elif last == ":":
        flags.add("colon")
    # Combinations the reasons name and the model weighs on their own.
    if "number" in flags and not flags.isdisjoint(("name", "institution", "acronym")):
        flags.add("number_and_name")
    if not flags.isdisjoint(("first_singular", "first_plural")) and not flags.isdisjoint(
        ("opinion_verb", "evaluative")
    ):
        flags.add("first_person_opinion")
    if "past" in flags and not flags.isdisjoint(("name", "acronym")):
        flags.add("past_event")
    # News prose: what debates never contain (see `_NEWS_RULES`).
    if words <= 3:
        flags.add("fragment")
    elif last not in _SENTENCE_END and _is_headline(text):
        flags.add("headline")
    if _CREDIT.match(stripped):
        flags.add("credit")
    if not lows.isdisjoint(_CALL_TO_ACTION_WORDS) and _CALL_TO_ACTION.search(stripped):
        flags.add("call_to_action")
    if not lows.isdisjoint(_SPONSORED_WORDS) and _SPONSORED.search(stripped):
        flags.add("sponsored")
    feats = ["w=" + w for w in low]
    feats += ["s=" + w[:4] for w in low if len(w) > 4]
    feats += ["b=" + a + "|" + b for a, b in zip(["<s>", *low], [*low, "</s>"], strict=True)]
    named = [_LENGTH[min(words, 31)]]
    named += ["f=" + flag for flag in sorted(flags) if flag not in _RULE_FLAGS]
    return _Analysis(feats + named, flags, named)


def _is_headline(text: str) -> bool:
    """Most content words capitalised, as in "NATO Troops In Ukraine Even If There For Peace"."""
    content = [w for w in _WORD.findall(text) if w.lower() not in _FUNCTION]
    return len(content) >= 3 and sum(w[0].isupper() for w in content) >= 0.75 * len(content)


_LENGTH = [
    "len=" + ("1-3" if n <= 3 else "4-7" if n <= 7 else "8-15" if n <= 15 else "16-30")
    for n in range(31)
] + ["len=31+"]


def features(text: str) -> list[str]:
    """The model's features of one sentence (what training and scoring share)."""
    return _analyse(text).feats


# Fixed penalties on the logit for what debates never show the model, with their reasons.
_NEWS_RULES: dict[str, tuple[float, str]] = {
    "sponsored": (-6.0, "a sponsored or advertising line"),
    "call_to_action": (-6.0, "a call to click, read or subscribe"),
    "credit": (-6.0, "a credit or link line (via, photo, related)"),
    "fragment": (-4.0, "a fragment of a few words"),
    "headline": (-3.0, "a headline"),
}
_RULE_FLAGS = frozenset(_NEWS_RULES)

# What each feature beyond words means to a reviewer, and which way it is expected to move the
# score. A reason is given for a feature that moved the score the way it went, by at least
# `REASON_WEIGHT`, in the direction it is expected to (a learned weight of the other sign is an
# artefact of correlated features, not something to tell a reviewer).
_REASONS: dict[str, tuple[int, str]] = {
    "f=number_and_name": (1, "a number and a named person or institution"),
    "f=past_event": (1, "a past event with a named actor"),
    "f=percent": (1, "a percentage or rate"),
    "f=money": (1, "an amount of money"),
    "f=date": (1, "a date"),
    "f=number": (1, "a number"),
    "f=institution": (1, "a named institution"),
    "f=names": (1, "named people or organisations"),
    "f=name": (1, "a named person or organisation"),
    "f=acronym": (1, "an acronym (an organisation or programme)"),
    "f=perfect": (1, "present perfect: a record to check"),
    "f=past": (1, "past tense: something that happened"),
    "len=31+": (1, "a long, detailed sentence"),
    "f=first_person_opinion": (-1, "first-person opinion"),
    "f=future": (-1, "future tense"),
    "f=modal": (-1, "would/could/should: a conditional or a wish"),
    "f=opinion_verb": (-1, "a belief or wish (think, believe, hope)"),
    "f=hedge": (-1, "hedged (maybe, seems, likely)"),
    "f=evaluative": (-1, "evaluative words (great, wrong, clearly)"),
    "f=first_singular": (-1, "first person"),
    "f=second": (-1, "addresses the reader (you)"),
    "f=question": (-1, "a question"),
    "f=colon": (-1, "introduces what follows"),
    "len=1-3": (-1, "very short"),
    "len=4-7": (-1, "short"),
}
REASON_WEIGHT = 0.15


class Model:
    """Logistic regression over the features: a vocabulary of feature strings, one weight each,
    and a bias."""

    def __init__(self, vocabulary: Sequence[str], weights: np.ndarray, bias: float) -> None:
        self.vocabulary = list(vocabulary)
        self.index = {feature: i for i, feature in enumerate(self.vocabulary)}
        self.weights = np.asarray(weights, dtype=np.float64)
        self.bias = float(bias)

    @classmethod
    def load(cls, path: Path = WEIGHTS_PATH) -> Model:
        with np.load(path, allow_pickle=False) as data:
            vocabulary = bytes(data["vocabulary"]).decode("utf-8").split("\n")
            return cls(vocabulary, data["weights"].astype(np.float64), float(data["bias"][0]))

    def save(self, path: Path) -> None:
        np.savez_compressed(
            path,
            vocabulary=np.frombuffer("\n".join(self.vocabulary).encode("utf-8"), dtype=np.uint8),
            weights=self.weights.astype(np.float32),
            bias=np.array([self.bias], dtype=np.float64),
        )

    def logits(self, feature_lists: Iterable[list[str]]) -> np.ndarray:
        """The learned logit of each feature list (unknown features weigh nothing)."""
        index = self.index.get
        rows: list[int] = []
        counts: list[int] = []
        for feats in feature_lists:
            found = [i for i in map(index, feats) if i is not None]
            rows.extend(found)
            counts.append(len(found))
        if not counts:
            return np.zeros(0)
        weights = self.weights[np.asarray(rows, dtype=np.intp)] if rows else np.zeros(0)
        ends = np.cumsum(counts)
        totals = np.concatenate(([0.0], np.cumsum(weights)))
        return totals[ends] - totals[ends - np.asarray(counts)] + self.bias

    def assess(self, texts: Sequence[str]) -> list[Checkworthiness]:
        """Score, reasons and kind of each sentence."""
        analyses = [_analyse(text) for text in texts]
        logits = self.logits(a.feats for a in analyses)
        return [
            self._judge(analysis, float(logit))
            for analysis, logit in zip(analyses, logits, strict=True)
        ]

    def _judge(self, analysis: _Analysis, logit: float) -> Checkworthiness:
        rules = [_NEWS_RULES[flag] for flag in _RULE_FLAGS.intersection(analysis.flags)]
        logit += sum(penalty for penalty, _ in rules)
        score = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, logit))))
        # Why the score is high (or low): the fixed rules first, then the learned features
        # that pushed it that way most.
        direction = 1 if score >= DEFAULT_THRESHOLD else -1
        found: list[tuple[float, str]] = []
        index = self.index.get
        for feat in analysis.named:
            meaning = _REASONS.get(feat)
            i = index(feat)
            if meaning is None or i is None or meaning[0] != direction:
                continue
            weight = float(self.weights[i]) * direction
            if weight >= REASON_WEIGHT:
                found.append((weight, meaning[1]))
        found.sort(key=lambda item: -item[0])
        reasons = [reason for _, reason in sorted(rules)] if direction < 0 else []
        reasons += [reason for _, reason in found]
        return Checkworthiness(
            round(score, 4), tuple(reasons[:MAX_REASONS]), _kind(analysis.flags, score)
        )


def _kind(flags: set[str], score: float) -> ClaimKind:
    """The suggested kind, from the same features and score (see the module docstring)."""
    if flags & {"colon", "credit", "call_to_action", "sponsored"}:
        return ClaimKind.framing
    if "question" in flags and "quote" not in flags:
        return ClaimKind.framing  # a question in the article's own voice asserts nothing
    if "fragment" in flags and score < 0.2:
        return ClaimKind.framing
    if flags & {"quote", "attribution"}:
        return ClaimKind.factual  # what a source said is a fact about the source
    if "future" in flags and not flags & {"past", "perfect"} and score < 0.5:
        return ClaimKind.prediction
    if "first_person_opinion" in flags or (
        flags & {"evaluative", "hedge"} and score < 0.35 and "number" not in flags
    ):
        return ClaimKind.opinion
    return ClaimKind.factual


@lru_cache(maxsize=1)
def load_model() -> Model:
    """The packaged model (read once per process)."""
    return Model.load(WEIGHTS_PATH)


def assess(texts: Sequence[str]) -> list[Checkworthiness]:
    """Score, reasons and suggested kind of each sentence, with the packaged model."""
    return load_model().assess(texts)


def score_claims(split: SplitResult) -> SplitResult:
    """The split with each claim's score, reasons and suggested kind (what an import stores).
    A split already scored (by an import worker) is returned as it is."""
    if all(claim.checkworthiness is not None for claim in split.claims):
        return split
    judged = assess([claim.text for claim in split.claims])
    return replace(
        split,
        claims=[
            replace(claim, checkworthiness=j.score, reasons=j.reasons, kind=j.kind)
            for claim, j in zip(split.claims, judged, strict=True)
        ],
    )


def score_text(text: str) -> Checkworthiness:
    """One claim's score, reasons and suggested kind (an edited claim is rescored with it)."""
    return assess([text])[0]
