"""Combining the rules' attributions with the learned tagger's (`factcheck.suggest.model`,
trained on the train split of PolNeAR; its weights ship in the package).

The tagger finds the many cues beyond "said" ("wants", "is demanding", nominal cues) and
gives spans that follow the corpus's conventions. Where both find a cue, the rules'
attribution keeps its type and chain and takes the tagger's spans; the tagger's other finds
are added; the rules' weak finds the tagger does not confirm are dropped. Last, every
attribution's edges are trimmed to PolNeAR's conventions.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import replace

from factcheck.domain.split import metadata_lines
from factcheck.domain.text import ends_with_abbreviation
from factcheck.suggest import rules
from factcheck.suggest.candidates import Candidate, classify, is_quote, strip_span
from factcheck.suggest.lexicon import ANONYMOUS, HEDGE_CUES, STRONG_CUES
from factcheck.suggest.model import load_model
from factcheck.suggest.rules import Findings
from schemas.vocab import AttributionType

# The rules' findings for the last text: a claim-by-claim prefill asks for the rules-only
# and the merged pass of the same article, and the rules are a quarter of the work.
_RULES_CACHE: dict[str, Findings] = {}


def find(text: str, learned: bool = True) -> Findings:
    """The attributions of `text`: the rules', merged with the learned tagger's unless
    `learned` is False, with PolNeAR's span conventions, each typed by its spans."""
    cached = _RULES_CACHE.get(text)
    if cached is None:
        cached = rules.find(text)
        _RULES_CACHE.clear()
        _RULES_CACHE[text] = cached
    findings = _copied(cached)
    if learned:
        findings.attrs = _with_learned(text, findings)
    for attr in findings.attrs:
        conventions(text, attr)
        if not attr.headline:  # a headline's "Speaker: words" is read as a paraphrase
            attr.kind = classify(text, attr)
    findings.attrs = _not_furniture_or_own_voice(text, findings.attrs)
    return findings


_WORDLESS = re.compile(r"\W*")
_ANONYMITY_CLAUSE = re.compile(
    r"(?i)(?:not\s+to\s+be\s+(?:named|identified|quoted)|anonymity|to\s+remain\s+anonymous)"
    r"(?:\s+because\b.*)?"
)


def _not_furniture_or_own_voice(text: str, attrs: list[Candidate]) -> list[Candidate]:
    """Issue 15: page furniture is never an attribution, a cue of punctuation alone is never
    one, and the publisher's own hedges and framing ("it seems", "if they hope to", "as
    follows:") are the publisher's voice, not an unnamed source's."""
    furniture = metadata_lines(text)
    kept = []
    for attr in attrs:
        first, last = attr.extent
        if any(a < last and first < b for a, b in furniture):
            continue
        if attr.cue is not None and _WORDLESS.fullmatch(text, *attr.cue):
            if attr.learned and not attr.merged:
                continue
            # A headline's "…: Putin" is attributed by its layout, no word is a cue. An
            # interview transcript's "WALLACE: …" and a signed "“…” ― Name" keep the mark, the
            # one cue a reader has, as PolNeAR marks them (train: 196 cues of ":" alone, 4 of
            # "—"; PolNeAR dev cue F1 0.649 without them, under its 0.65 floor).
            if not (attr.transcript or attr.signed):
                attr.cue = None
        if attr.cue is not None and _own_voice(text, attr):
            continue
        if _ANONYMITY_CLAUSE.fullmatch(" ".join(text[a:b] for a, b in attr.content).strip()):
            continue  # "who asked [not to be named]": part of a source's description
        kept.append(attr)
    return kept


def _own_voice(text: str, attr: Candidate) -> bool:
    """A hedge or framing in the author's voice: "it seems", "as follows:", a conditional
    "if they hope to", or a hedge verb with no one named as its source."""
    assert attr.cue is not None
    cue = text[attr.cue[0] : attr.cue[1]].lower()
    words = re.findall(r"[a-z’']+", cue)
    source = text[attr.source[0] : attr.source[1]].strip().lower() if attr.source else ""
    if "follows" in words:
        return True
    hedge = bool(words) and words[-1] in HEDGE_CUES
    # "it seems", "there appears": no one is the subject of the hedge.
    subject = source or (re.findall(r"[\w’']+", text[attr.sentence[0] : attr.cue[0]]) or [""])[-1]
    if hedge and subject.lower() in ("it", "there", "one"):
        return True
    # "If they hope to …": a condition the author sets, not what anyone said.
    before = text[attr.sentence[0] : attr.cue[0]].lower()
    return hedge and re.match(r"\W*(?:if|unless|as\s+long\s+as)\b", before) is not None


def _copied(findings: Findings) -> Findings:
    """A copy the merge and the conventions may change: each attribution and its lists are
    new, and `outer` points at the copy of its outer attribution (a deep copy, 10× faster)."""
    attrs = findings.attrs
    copies = {id(a): replace(a, content=list(a.content), hops=list(a.hops)) for a in attrs}
    for attr in copies.values():
        if attr.outer is not None and id(attr.outer) in copies:
            attr.outer = copies[id(attr.outer)]
    return Findings(
        [copies[id(a)] for a in attrs],
        list(findings.paragraphs),
        [list(s) for s in findings.sentences],
        [list(q) for q in findings.quotes],
    )


def _with_learned(text: str, findings: Findings) -> list[Candidate]:
    """Merge the learned tagger's attributions into the rules'.

    Where both find the same cue, the rules' attribution stays (its type, quote structure and
    chain hops) but takes the tagger's source, cue and content spans, which follow PolNeAR's
    conventions more closely (dev: source F1 +0.09); elsewhere the tagger's attribution is
    added as is.
    """
    attrs = findings.attrs
    model = load_model()
    if model is None:
        return attrs
    sentences: list[tuple[int, int]] = []
    sent_para: list[int] = []
    quotes: list[tuple[int, int]] = []
    for p_index, (sents, para_quotes) in enumerate(
        zip(findings.sentences, findings.quotes, strict=True)
    ):
        quotes.extend(para_quotes)
        sentences.extend(sents)
        sent_para.extend([p_index] * len(sents))
    out = list(attrs)
    for found in model.predict(text, sentences, quotes):
        content = [strip_span(text, a, b, trailing=" ") for a, b in found.content]
        content = [(a, b) for a, b in content if b > a]
        cs, ce = found.cue
        rule = next((x for x in attrs if x.cue and x.cue[0] < ce and cs < x.cue[1]), None)
        if (
            rule is not None
            and rule.cue is not None
            and text[rule.cue[0] : rule.cue[1]].lower() == "according to"
            and ce > rule.cue[1]
        ):
            # "…, according to a statement released by its chief executive": the rules read
            # the phrase whole; the tagger cuts it inside the source.
            rule.merged = True
            continue
        k = max(0, bisect_right(sentences, (cs, len(text) + 1)) - 1)
        if not content and rule is not None:
            # Both found the cue: the rules' content stands, with the tagger's cue and source.
            rule.merged = True
            rule.cue = _union(rule.cue, found.cue)
            src = found.source
            if (
                src is not None
                and found.sure
                and not any(a < src[1] and src[0] < b for a, b in rule.content)
                and not _described_anonymously(text, rule)
            ):
                rule.source = found.source
            continue
        if not content:
            # The role tagger found no content: the clause next to the cue stands in (dev:
            # cue F1 +0.010, source +0.004; most such cues are real).
            content = fallback_content(text, sentences[k], found.source, found.cue)
            if not content:
                continue
        if rule is not None:
            if found.source is not None and found.sure and not _described_anonymously(text, rule):
                rule.source = found.source
            rule.cue = _union(rule.cue, found.cue)
            # The rules' floating continuations ("…,” she said. “It re-energises you.”) stay.
            extra = [
                c
                for c in rule.content[1:]
                if not any(a < c[1] and c[0] < b for a, b in content) and c[0] >= content[-1][1]
            ]
            rule.content = content + extra
            rule.merged = True
            continue
        source = found.source if found.sure else None
        attr = Candidate(
            AttributionType.indirect, source, found.cue, content, sent_para[k], sentences[k]
        )
        attr.quoted = is_quote(text, *content[0])
        attr.learned = True
        out.append(attr)
    # The rules alone are right on quotes and "said"-like cues, but mostly wrong on the
    # verbs the tagger leaves out ("claims", "plans", "believes": dev precision 0.2).
    return [a for a in out if a.learned or a.merged or _confident(text, a)]


def _described_anonymously(text: str, rule: Candidate) -> bool:
    """The rules' source is an anonymous one with its description ("A local official who
    requested anonymity because …"): the tagger's shorter source would lose who it is."""
    return rule.source is not None and ANONYMOUS.search(text, *rule.source) is not None


def _union(a: tuple[int, int] | None, b: tuple[int, int]) -> tuple[int, int]:
    """The smallest span covering both (the rules' and the tagger's cue: dev cue F1 +0.001)."""
    return b if a is None else (min(a[0], b[0]), max(a[1], b[1]))


# Words after a cue from which a fallback content is the clause after it, not the one before.
_FALLBACK_WORDS = 3
_WORD = re.compile(r"\w+")


def fallback_content(
    text: str,
    sentence: tuple[int, int],
    source: tuple[int, int] | None,
    cue: tuple[int, int],
) -> list[tuple[int, int]]:
    """Content for a cue the role tagger gave none: the clause after the cue, or the
    sentence before it when the cue ends the sentence ("…, The Post has learned.")."""
    s0, s1 = sentence
    after = strip_span(text, cue[1], s1, trailing=" ")
    if len(_WORD.findall(text, after[0], after[1])) >= _FALLBACK_WORDS:
        span = after
        if source is not None and after[0] <= source[0] < after[1]:
            span = strip_span(text, after[0], source[0], trailing=" ")
    else:
        end = min(cue[0], source[0]) if source is not None else cue[0]
        span = strip_span(text, s0, end)
    return [span] if span[1] > span[0] else []


def _confident(text: str, attr: Candidate) -> bool:
    """A rules-only attribution the tagger did not confirm stays only on a strong pattern."""
    if attr.source is None or attr.quoted or attr.headline or attr.cue is None:
        return True
    return text[attr.cue[0] : attr.cue[1]].lower() in STRONG_CUES


# Auxiliaries, modals and adverbs right before a cue belong to it in PolNeAR ("would have
# described", "also said": train 2,497 of 2,561 auxiliaries, 281 of 301 "also").
_CUE_LEAD = re.compile(
    r"(?i)\b(?:has|have|had|is|was|are|were|be|been|will|would|could|should|may|might|can|"
    r"did|does|do|also|not|never|later|further|repeatedly|previously|again)[ \t]+$"
)
# A pronoun's contraction at the start of a cue, or at the end of a source.
_CONTRACTION_HEAD = re.compile(
    r"(?i)(?:he|she|that|who|what|they|we|you|i)((?:[’']s|[’'](?:re|m|ve|d|ll))\b)"
)
_CONTRACTION = re.compile(
    r"(?i)\b(?:he|she|it|that|there|who|what)([’']s)$|([’'](?:re|m|ve|d|ll))$"
)


_DATELINE_LEAD = re.compile(r"[A-Z][A-Z.'’ -]+[A-Z.](?:\s*\([^)]{1,40}\))?\s*[:—–-]\s+")


def conventions(text: str, attr: Candidate) -> None:
    """Trim a source's edges to PolNeAR's conventions (read off the train split's gold).

    A source with an appositive keeps the comma that closes it ("Minyon Moore, a senior
    adviser to the campaign,": 921 of 1,028 on train) and a plain name does not ("Trump,"
    5 of 804); a sentence's full stop is not part of it; a pronoun's contraction ("He’s
    claiming") belongs to the cue, not the source.
    """
    if attr.cue is not None:
        cs, ce = attr.cue
        head = _CONTRACTION_HEAD.match(text, cs, ce)
        if head is not None and head.end() < ce:
            attr.cue = (head.start(1), ce)
    if attr.cue is not None and not text[attr.cue[0] : attr.cue[1]].endswith("ly"):
        for _ in range(3):
            prev = _CUE_LEAD.search(text, max(0, attr.cue[0] - 24), attr.cue[0])
            if prev is None or (attr.source is not None and prev.start() < attr.source[1]):
                break
            attr.cue = (prev.start(), attr.cue[1])
    if attr.source is None:
        return
    s, e = attr.source
    # A dateline is not part of the source: "OTTAWA — Several provinces", "NEW DELHI: …".
    lead = _DATELINE_LEAD.match(text, s, e)
    if lead is not None and lead.end() < e:
        s = lead.end()
    m = _CONTRACTION.search(text, s, e)
    if m is not None:
        cut = m.start(1) if m.group(1) else m.start(2)
        if attr.cue is not None and text[e : attr.cue[0]].strip() == "":
            attr.cue = (cut, attr.cue[1])
        e = cut
    if e - s > 1 and text[e - 1] == "." and not ends_with_abbreviation(text, s, e - 1):
        e -= 1
    inner = "," in text[s : e - 1]
    if text[e - 1] == "," and not inner:
        e -= 1
    elif inner and text[e - 1] != "," and text[e : e + 1] == ",":
        e += 1
    if e > s:
        attr.source = (s, e)
