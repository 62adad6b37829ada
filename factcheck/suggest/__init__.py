"""Suggest attributions (source, cue, content) and chains of intermediaries for an article.

Pure and I/O-free: the reviewer's form is prefilled from it and the reviewer corrects it.
Two engines work together:

- rules (this module) know the patterns a chain is built from: quotations and their
  continuations, "X said" / "said X" / "according to X" / "X told Y", "Reuters reported",
  "according to state media translation", "(AFP) –" datelines, "… as follows:" framing,
  pronoun and short-name speakers, vague and anonymous sources;
- a learned tagger (`factcheck.suggest.model`, weights shipped in the package) trained
  on the train split of PolNeAR finds the many cues beyond "said" ("wants", "is demanding",
  nominal cues) and gives spans that follow the corpus's conventions.

Where both find a cue, the rules' attribution keeps its type and chain and takes the
tagger's spans; the tagger's other finds are added; the rules' weak finds the tagger does
not confirm are dropped. `suggest_for_claim` asks the rules first, so a claim's chain comes
from the patterns above whenever they apply.

Span conventions follow PolNeAR (Edward Newell, Drew Margolin, Derek Ruths, "An Attribution
Relations Corpus for Political News", LREC 2018): the content excludes the cue and the
source, keeps a leading "that", and a direct quote keeps its quotation marks. The rules'
cue lexicon was read off the PolNeAR train split (verb forms annotated as a cue in at least
about half of their occurrences), plus a few cues from the demo domain.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise

from factcheck.domain.scoring import sourcing_score
from factcheck.domain.source_names import SourceDirectory, starter_directory
from factcheck.suggest.model import load_model
from schemas.spans import ChainHop, Span, SuggestedAttribution
from schemas.vocab import AttributionType, Relation, SourceKind

# ---------------------------------------------------------------------------- lexicons

_CUE_VERBS = frozenset(
    """
    said says say saying told tells tell telling wrote writes write writing added adds
    adding asked asks asking reported reports noted notes noting announced announces
    suggested wants plans vowing believes suggests suggesting argued argues arguing
    argue tweeted tweeting described describes describing continued explained explains
    explaining acknowledged acknowledges expressed urged urges urging claimed claims
    claiming warned warns warning cited citing stated stating defended praised concluded
    vowed vows recalled recalling insisted insists insist questioned rejected replied
    responded denied predicted dismissed denounced denouncing blasted blamed complained
    confirmed indicated echoed mocked reiterated reiterates reiterating declared
    declares declaring admitted assured criticized criticizing accused accuses pledged
    promised promising promises proposed mentioned mentions revealed called calls
    calling clarified conceded emphasized emphasizes stressed stresses contended
    contends maintained maintains observed lamented boasted quipped joked countered
    testified alleged alleges charged pointed highlighted underscored remarked wondered
    declined refused endorsed found finds showed shows agreed agrees offered posted
    talked thinks hopes hoped hoping attacked opposed discussed asserted seeks accusing
    slammed slams encouraged acknowledging voiced refusing decried touted touting
    threatened projected estimated estimates pleaded praises thanked insisting reminded
    emailed quoted answered shouted chanted refuses cites cautioned condemned reveals
    vowing pledging bemoaned signaled retweeted admits commented indicates endorses
    concludes mentioning emphasizing praising yelled responds blasts blasting
    interjected implied speculated informed railed
    """.split()  # noqa: SIM905
)

_AUX = frozenset(
    """
    has have had is was were are will would also later previously repeatedly then again
    publicly already recently once further subsequently earlier reportedly has also
    """.split()  # noqa: SIM905
)
_RECIPIENT_VERBS = frozenset(
    """
    told tells tell telling asked asks asking warned urged assured reminded informed
    """.split()  # noqa: SIM905
)
_PRONOUNS = frozenset(["he", "she", "they", "i", "we", "it", "you", "his", "her", "their"])
_RELATIVES = frozenset(["who", "which", "that"])
_CLAUSE_STOP = frozenset(
    """
    and but or so while as because after before when if that which who whom whose then
    where what although though since until than however meanwhile now yet said says told
    also not to be been being did do does is was were are has have had will would could
    should can may might must
    """.split()  # noqa: SIM905
)
_LEADING_NOISE = frozenset(
    """
    however but and so meanwhile still also yet now instead indeed moreover thus later
    then earlier today yesterday separately previously last next on in at
    """.split()  # noqa: SIM905
)
_PREPOSITIONS_AFTER_NAME = frozenset(
    ["in", "at", "during", "on", "with", "after", "before", "from", "in", "a", "while"]
)
_DAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_TIME_LEAD = re.compile(
    rf"^(?:(?:on|late|early|last|this)\s+)?(?:(?:{_DAYS})(?:\s+(?:morning|afternoon|evening|night))?"
    r"|yesterday|today|tonight|earlier|later|recently|last\s+(?:week|month|year|night)"
    r"|this\s+(?:week|month|year)|in\s+(?:a|an|his|her|their)\s+"
    r"(?:statement|interview|tweet|speech|email|post|op-ed)|on\s+Twitter|in\s+\w+\s+comments"
    r"|further|again|also)\b[\s,]*"
)
_VAGUE_HEADS = (
    r"analysts|experts|critics|observers|commentators|pundits|economists|officials|"
    r"diplomats|insiders|reports|people|many|some|others|supporters|opponents|skeptics|"
    r"lawmakers|scholars|historians|sources"
)
_VAGUE_SUBJECT = re.compile(
    rf"(?:(?:some|many|several|other|most|a\s+number\s+of|a\s+few|certain)\s+(?:\w+\s+)?"
    rf"(?:{_VAGUE_HEADS})|(?:critics|observers|analysts|experts|commentators|pundits))\b",
    re.IGNORECASE,
)
_ANONYMOUS = re.compile(
    r"\b(?:familiar\s+with|anonymity|not\s+authorized|declined\s+to\s+be\s+(?:named|identified)|"
    r"unnamed|anonymous|who\s+asked\s+not\s+to\s+be)\b|^(?:a|an|another|the|two|three|several)?\s*"
    r"(?:\w+\s+)?(?:source|sources|insider|insiders)\b",
    re.IGNORECASE,
)
_VAGUE_SOURCE = re.compile(
    rf"^(?:some|many|several|other|most|certain)\b|^(?:{_VAGUE_HEADS})$", re.I
)

_TITLE_KINDS: tuple[tuple[re.Pattern[str], SourceKind], ...] = (
    (re.compile(r"\bvice[- ]president\b", re.I), SourceKind.official),
    (
        re.compile(
            r"\b(?:president|prime\s+minister|premier|chancellor|king|queen|emir|"
            r"supreme\s+leader|head\s+of\s+state)\b",
            re.I,
        ),
        SourceKind.head_of_state,
    ),
    (re.compile(r"\banalyst\b", re.I), SourceKind.analyst),
    (
        re.compile(
            r"\b(?:expert|professor|economist|scientist|researcher|historian|scholar|"
            r"pollster|strategist)\b",
            re.I,
        ),
        SourceKind.expert,
    ),
    (
        re.compile(
            r"\b(?:minister|spokes(?:man|woman|person)|secretary|senator|sen\.|rep\.|"
            r"governor|gov\.|mayor|ambassador|official|general|lawmaker|congress(?:man|woman)|"
            r"commissioner|director|chief|attorney\s+general|speaker|adviser|advisor|aide)\b",
            re.I,
        ),
        SourceKind.official,
    ),
    (
        re.compile(
            r"\b(?:ministry|department|agency|kremlin|white\s+house|pentagon|government|"
            r"council|commission|court|parliament|congress|senate|administration|police)\b",
            re.I,
        ),
        SourceKind.government_body,
    ),
)
_NAME_TITLES = frozenset(
    """
    president prime minister chancellor senator sen. rep. gov. governor secretary
    general gen. mr. mrs. ms. dr. king queen pope mayor judge justice chairman director
    speaker leader vice former democratic republican gop state foreign defense finance
    white house u.s. us presidential candidate nominee ambassador commissioner analyst
    editor spokesman spokeswoman minister first lady sir lord
    """.split()  # noqa: SIM905
)
_MEDIA_WORDS = re.compile(
    r"^(?:the\s+)?((?:[A-Z][\w’'-]+\s+)?(?:state\s+)?(?:media|press|television|TV|news\s+agency|"
    r"newspaper|daily|radio|broadcaster))\b"
)

# ---------------------------------------------------------------------------- text units

_TOKEN = re.compile(
    r"(?:[A-Z]\.){2,}|(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|St|Jr|Sr|Lt|Col|Sgt|Prof)\.|"
    r"\w+(?:[’'\-.]\w+)*(?:[’']s)?|[^\w\s]"
)
_OPEN_QUOTES = '“"'
_QUOTE_PAIRS = {"“": "”", '"': '"', "''": "''"}
_QUOTE_OPEN = re.compile("“|\"|''")
_ABBREV = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|St|Jr|Sr|Lt|Col|Sgt|Prof|No|Vol|Inc|Corp|Co|Ltd|vs|"
    r"Jan|Feb|Mar|Apr|Aug|Sept|Sep|Oct|Nov|Dec|a\.m|p\.m|U\.S|U\.N|U\.K|[A-Z])\.)$"
)
_BOUNDARY = re.compile(r"[.!?]+[”\"’')\]]*(?=\s+[“\"‘'(\[A-Z0-9])|[.!?]+[”\"’')\]]*$")


@dataclass
class _Token:
    start: int
    end: int
    text: str

    @property
    def low(self) -> str:
        return self.text.lower()


def _paragraphs(text: str) -> list[tuple[int, int]]:
    out = []
    for match in re.finditer(r"[^\n]+", text):
        start, end = match.start(), match.end()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            out.append((start, end))
    return out


def _quote_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Quotations in a paragraph, marks included; an unclosed quote runs to the paragraph end."""
    spans: list[tuple[int, int]] = []
    i = start
    while i < end:
        # Jump to the next quotation mark (a search in C, not a Python step per character).
        found = _QUOTE_OPEN.search(text, i, end)
        if found is None or found.start() >= end:
            break
        i = found.start()
        ch = text[i]
        if ch == "“" or ch == '"' or text.startswith("''", i):
            opener = "''" if text.startswith("''", i) else ch
            closer = _QUOTE_PAIRS[opener]
            j = text.find(closer, i + len(opener), end)
            if ch == "“":
                # A new opening quote before the close means the close is missing.
                nxt = text.find("“", i + 1, end)
                if j == -1 or (nxt != -1 and nxt < j):
                    j = -1
            if j == -1:
                if ch == "“":
                    spans.append((i, end))
                    i = end
                    continue
                i += len(opener)
                continue
            spans.append((i, j + len(closer)))
            i = j + len(closer)
            continue
        i += 1
    return spans


def _sentences(
    text: str, start: int, end: int, quotes: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """Sentences of a paragraph; never split inside a quotation (a multi-sentence quote stays)."""
    cuts = [start]
    for match in _BOUNDARY.finditer(text, start, end):
        cut = match.end()
        if cut >= end:
            continue
        if any(qs < cut < qe for qs, qe in quotes):
            continue
        before = text[max(start, match.start() - 12) : match.start() + 1]
        if text[match.start()] == "." and _ABBREV.search(before):
            # "Mr. Trump", "U.S. officials": an abbreviation, unless a capital follows "U.S."
            nxt = text[cut:].lstrip()[:1]
            if not (before.endswith(("U.S.", "a.m.", "p.m.")) and nxt[:1] in '“"'):
                continue
        cuts.append(cut)
    cuts.append(end)
    out = []
    for a, b in pairwise(cuts):
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            out.append((a, b))
    return out


def _tokens(text: str, start: int, end: int) -> list[_Token]:
    return [_Token(m.start(), m.end(), m.group(0)) for m in _TOKEN.finditer(text, start, end)]


# ---------------------------------------------------------------------------- candidates


@dataclass
class _Attr:
    kind: AttributionType
    source: tuple[int, int] | None
    cue: tuple[int, int] | None
    content: list[tuple[int, int]]
    paragraph: int
    sentence: tuple[int, int]
    headline: bool = False
    speaker: str | None = None
    speaker_kind: SourceKind = SourceKind.unknown
    hops: list[ChainHop] = field(default_factory=list)
    outer: _Attr | None = None
    block: int = -1
    quoted: bool = False
    learned: bool = False  # found by the learned tagger, not by the rules
    merged: bool = False  # found by both; the tagger's spans

    @property
    def extent(self) -> tuple[int, int]:
        points = [p for span in self.content for p in span]
        for span in (self.source, self.cue):
            if span:
                points.extend(span)
        return min(points), max(points)


def _strip_span(text: str, start: int, end: int, trailing: str = " ,;:—–-") -> tuple[int, int]:
    while start < end and (text[start].isspace() or text[start] in ",;:—–-"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in trailing):
        end -= 1
    # A sentence-final full stop is not content, unless it sits inside a closing quote.
    if (
        end - start > 1
        and text[end - 1] == "."
        and not _ABBREV.search(text[max(start, end - 8) : end])
    ):
        end -= 1
    return start, end


def _in_any(pos: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in spans)


def _source_before(toks: list[_Token], idx: int, text: str) -> tuple[int, int] | None:
    """The subject noun phrase that ends just before token `idx` (the cue), or None."""
    j = idx - 1
    # "Trump on Monday said": skip a time adverbial between subject and cue.
    while j >= 0 and toks[j].text in _DAYS.split("|"):
        j -= 1
        if j >= 0 and toks[j].low in ("on", "late", "early", "last"):
            j -= 1
    # "Putin additionally complained": the adverb is neither source nor cue.
    while j > 0 and toks[j].low.endswith("ly") and toks[j].text[0].islower():
        j -= 1
    if j < 0:
        return None
    first = toks[j]
    if first.low in _PRONOUNS or first.low in _RELATIVES:
        if first.low in ("his", "her", "their", "it") and first.low != "it":
            return None
        return first.start, first.end
    picked: list[_Token] = []
    commas = 0
    if toks[j].text == ",":
        # "Phil Lovas, the state's campaign chairman, said": an appositive before the cue.
        picked.append(toks[j])
        j -= 1
        commas = 1
    depth = 0
    while j >= 0 and len(picked) < 24:
        tok = toks[j]
        if tok.text == ")":
            depth += 1
        elif tok.text == "(" and depth:
            depth -= 1
        elif depth:
            pass
        elif tok.text == "," and commas and 0 < commas < 4:
            commas += 1
            picked.append(tok)
            j -= 1
            continue
        elif not (tok.text[0].isalnum() or tok.text in ("’s", "'s", "-", "&")):
            break
        elif tok.low == "who" and commas and j > 0 and toks[j - 1].text == ",":
            pass  # "Rucker Culpepper, who runs … veterans, said"
        elif tok.low in _CLAUSE_STOP or tok.low in _CUE_VERBS:
            break
        picked.append(tok)
        j -= 1
        if commas == 0 and len(picked) >= 12:
            break
    if commas:
        # Keep the appositive only if a name-like word precedes its first comma.
        while picked and picked[-1].text == ",":
            picked.pop()
        seq = list(reversed(picked))
        first_comma = next((k for k, t in enumerate(seq) if t.text == ","), None)
        if first_comma is None or first_comma == 0 or not seq[first_comma - 1].text[0].isupper():
            return None
    if not picked:
        return None
    picked.reverse()
    while picked and (picked[0].low in _LEADING_NOISE or picked[0].text == ","):
        picked.pop(0)
    while picked and picked[0].low.endswith("ly") and not picked[0].text[0].isupper():
        picked.pop(0)
    # "president Donald Trump in a call with European leaders": keep the name only.
    for k in range(1, len(picked)):
        if commas:
            break
        if picked[k].low in _PREPOSITIONS_AFTER_NAME and picked[k - 1].text[0].isupper():
            picked = picked[:k]
            break
    if not picked:
        return None
    if not any(t.text[0].isupper() or t.text[0].isdigit() for t in picked) and len(picked) > 5:
        return None
    return picked[0].start, picked[-1].end


def _sentence_subject(toks: list[_Token], limit: int) -> tuple[int, int] | None:
    """The leading proper name of a sentence ("Donald Trump’s campaign …"), if any."""
    k = 0
    while k < limit and toks[k].low in _LEADING_NOISE:
        k += 1
    start = k
    while k < limit and (toks[k].text[0].isupper() or toks[k].text in ("’s", "'s")):
        k += 1
    if k == start or toks[start].low in _CLAUSE_STOP:
        if start < limit and toks[start].low in ("he", "she", "they"):
            return toks[start].start, toks[start].end
        return None
    return toks[start].start, toks[k - 1].end


def _source_after(toks: list[_Token], idx: int) -> tuple[int, int] | None:
    """The noun phrase right after an inverted cue ("…, said Caddell."), up to punctuation."""
    picked: list[_Token] = []
    j = idx
    while j < len(toks) and len(picked) < 12:
        tok = toks[j]
        if tok.text in ",;:.!?()—–" and not (tok.text == "," and picked and _appositive(toks, j)):
            break
        if tok.low in ("who", "which", "when", "while", "as", "after", "in", "at", "during"):
            break
        picked.append(tok)
        j += 1
    if not picked:
        return None
    return picked[0].start, picked[-1].end


def _appositive(toks: list[_Token], j: int) -> bool:
    """A comma inside the source NP: "a Russian analyst, Sergey Poletaev, editor of …"."""
    nxt = toks[j + 1] if j + 1 < len(toks) else None
    return bool(nxt and nxt.text[0].isupper() and nxt.low not in _CLAUSE_STOP)


def _cue_group(toks: list[_Token], idx: int) -> tuple[int, int]:
    """Extend a cue verb back over auxiliaries ("has stated") and on over particles."""
    a = idx
    while a - 1 >= 0 and toks[a - 1].low in _AUX and a - 1 >= idx - 3:
        a -= 1
    b = idx
    low = toks[idx].low
    if b + 1 < len(toks):
        nxt = toks[b + 1].low
        if (
            (low in ("called", "calls", "calling") and nxt in ("for", "on"))
            or (low in ("pointed", "points", "pointing") and nxt in ("out", "to"))
            or nxt == ":"
        ):
            b += 1
    return a, b


def _content_after(
    text: str, toks: list[_Token], b: int, sent_end: int, verb: str
) -> tuple[int, int] | None:
    """What follows a cue: skip the addressee of "told", time adverbials and commas."""
    k = b + 1
    if k >= len(toks):
        return None
    window = toks[k : k + 14]
    lows = [t.low for t in window]
    if verb in _RECIPIENT_VERBS:
        for offset, low in enumerate(lows):
            if low in ("that", "how", "what", "why", "whether", "if", ":") or low in '“"':
                k = k + offset + (1 if low == ":" else 0)
                break
        else:
            if lows and lows[0] in ("reporters", "me", "us", "him", "her", "them", "journalists"):
                k += 1
            else:
                while k < len(toks) and toks[k].text[0].isupper():
                    k += 1
    start = toks[k].start if k < len(toks) else sent_end
    rest = text[start:sent_end]
    m = _TIME_LEAD.match(rest)
    while m and m.end() > 0:
        start += m.end()
        rest = text[start:sent_end]
        m = _TIME_LEAD.match(rest)
    # "has reiterated in Friday comments that …": start the content at "that".
    head = rest[:60]
    that = re.search(r"\bthat\b", head)
    if that and re.match(r"^(?:in|at|on|during|to|with|before)\b", head):
        start += that.start()
    s, e = _strip_span(text, start, sent_end)
    if e - s < 3:
        return None
    # "said, looking out on the crowd, “Who would have …”": the quotation is the content.
    if text[s] not in _OPEN_QUOTES:
        q = re.search(r"[,:]\s*[“\"]", text[s:e])
        if q and q.start() < 80:
            s = s + q.end() - 1
    return s, e


def _is_quote(text: str, s: int, e: int) -> bool:
    inner = text[s:e]
    return inner[:1] in '“"' or inner.startswith("''")


def _classify(text: str, attr: _Attr) -> AttributionType:
    if attr.source is not None:
        src = text[attr.source[0] : attr.source[1]]
        if _ANONYMOUS.search(src):
            return AttributionType.anonymous
        if _VAGUE_SOURCE.search(src.strip()):
            return AttributionType.vague
    elif attr.cue is not None and text[attr.cue[0] : attr.cue[1]].lower() == "reportedly":
        return AttributionType.vague
    spans = attr.content
    body = " ".join(text[s:e] for s, e in spans)
    stripped = re.sub(r"^that\s+", "", body.strip())
    if stripped[:1] in '“"' or stripped.startswith("''"):
        closes = stripped.rstrip(" ,.")
        if closes[-1:] in '”"' or closes.endswith("''"):
            return AttributionType.direct_quote
    if re.search(r"[“\"][^”\"]{12,}[”\"]", body) and len(re.findall(r"[“\"]", body)) >= 1:
        return AttributionType.mixed
    return AttributionType.indirect


# ---------------------------------------------------------------------------- detection


_Findings = tuple[list["_Attr"], list[tuple[int, int]], list[list[tuple[int, int]]]]
# The rules' findings for the last text: a claim-by-claim prefill asks for the rules-only
# and the merged pass of the same article, and the rules are a quarter of the work.
_RULES_CACHE: dict[str, _Findings] = {}


def _detect(text: str, learned: bool = True) -> _Findings:
    cached = _RULES_CACHE.get(text)
    if cached is None:
        cached = _detect_rules(text)
        _RULES_CACHE.clear()
        _RULES_CACHE[text] = cached
    attrs, paragraphs, para_sents = _copy_findings(cached)
    if learned:
        attrs = _with_learned(text, attrs, paragraphs, para_sents)
    for attr in attrs:
        _conventions(text, attr)
    return attrs, paragraphs, para_sents


def _copy_findings(findings: _Findings) -> _Findings:
    """A copy the merge and the conventions may change: each attribution and its lists are
    new, and `outer` points at the copy of its outer attribution (a deep copy, 10× faster)."""
    attrs, paragraphs, para_sents = findings
    copies = {id(a): replace(a, content=list(a.content), hops=list(a.hops)) for a in attrs}
    for attr in copies.values():
        if attr.outer is not None and id(attr.outer) in copies:
            attr.outer = copies[id(attr.outer)]
    return [copies[id(a)] for a in attrs], list(paragraphs), [list(s) for s in para_sents]


def _detect_rules(text: str) -> _Findings:
    paragraphs = _paragraphs(text)
    attrs: list[_Attr] = []
    para_sents: list[list[tuple[int, int]]] = []
    pending_colon: _Attr | None = None
    for p_index, (p_start, p_end) in enumerate(paragraphs):
        quotes = _quote_spans(text, p_start, p_end)
        sents = _sentences(text, p_start, p_end, quotes)
        para_sents.append(sents)
        if pending_colon is not None and text[p_start] in _OPEN_QUOTES:
            pending_colon.content = [_strip_span(text, p_start, p_end, trailing=" ")]
            pending_colon.quoted = True
            pending_colon = None
            continue
        pending_colon = None
        speaker_line = _TRANSCRIPT.match(text, p_start, p_end)
        if speaker_line and p_end - speaker_line.end() > 10:
            src = (speaker_line.start(1), speaker_line.end(1))
            cue = (speaker_line.end(1), speaker_line.end(1) + 1)
            content = _strip_span(text, speaker_line.end(), p_end, trailing=" ")
            attr = _Attr(AttributionType.indirect, src, cue, [content], p_index, (p_start, p_end))
            attr.quoted = True
            attrs.append(attr)
            continue
        signed = _SIGNED_QUOTE.fullmatch(text, p_start, p_end)
        if signed:
            content = (signed.start("q"), signed.end("q"))
            attr = _Attr(
                AttributionType.direct_quote,
                (signed.start("name"), signed.end("name")),
                (signed.start("dash"), signed.end("dash")),
                [content],
                p_index,
                (p_start, p_end),
            )
            attr.quoted = True
            attrs.append(attr)
            continue
        if p_index == 0 and len(sents) == 1:
            head = _headline(text, p_start, p_end, p_index)
            if head is not None:
                attrs.append(head)
                continue
        last_quote_attr: _Attr | None = None
        for s_start, s_end in sents:
            found = _sentence_attrs(text, s_start, s_end, quotes, p_index)
            if not found and text[s_start] in _OPEN_QUOTES and last_quote_attr is not None:
                q_end = next((qe for qs, qe in quotes if qs == s_start), None)
                if q_end is not None and not text[q_end:s_end].strip(" .,"):
                    last_quote_attr.content.append(_strip_span(text, s_start, s_end, " "))
                    continue
            for attr in found:
                attrs.append(attr)
                if attr.quoted:
                    last_quote_attr = attr
                if attr.cue and text[attr.cue[1] - 1] == ":" and not attr.content:
                    pending_colon = attr
    attrs = [a for a in attrs if a.content]
    return attrs, paragraphs, para_sents


# Auxiliaries, modals and adverbs right before a cue belong to it in PolNeAR ("would have
# described", "also said": train 2,497 of 2,561 auxiliaries, 281 of 301 "also").
_CUE_LEAD = re.compile(
    r"(?i)\b(?:has|have|had|is|was|are|were|be|been|will|would|could|should|may|might|can|"
    r"did|does|do|also|not|never|later|further|repeatedly|previously|again)[ \t]+$"
)
_CONTRACTION_HEAD = re.compile(
    r"(?i)(?:he|she|that|who|what|they|we|you|i)((?:[’']s|[’'](?:re|m|ve|d|ll))\b)"
)
_CONTRACTION = re.compile(
    r"(?i)\b(?:he|she|it|that|there|who|what)([’']s)$|([’'](?:re|m|ve|d|ll))$"
)


def _conventions(text: str, attr: _Attr) -> None:
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
    m = _CONTRACTION.search(text, s, e)
    if m is not None:
        cut = m.start(1) if m.group(1) else m.start(2)
        if attr.cue is not None and text[e : attr.cue[0]].strip() == "":
            attr.cue = (cut, attr.cue[1])
        e = cut
    if e - s > 1 and text[e - 1] == "." and not _ABBREV.search(text[max(s, e - 8) : e]):
        e -= 1
    inner = "," in text[s : e - 1]
    if text[e - 1] == "," and not inner:
        e -= 1
    elif inner and text[e - 1] != "," and text[e : e + 1] == ",":
        e += 1
    if e > s:
        attr.source = (s, e)


# Words after a cue from which a fallback content is the clause after it, not the one before.
_FALLBACK_WORDS = 3
_WORD = re.compile(r"\w+")


def _with_learned(
    text: str,
    attrs: list[_Attr],
    paragraphs: list[tuple[int, int]],
    para_sents: list[list[tuple[int, int]]],
) -> list[_Attr]:
    """Merge the learned tagger's attributions into the rules'.

    Where both find the same cue, the rules' attribution stays (its type, quote structure and
    chain hops) but takes the tagger's source, cue and content spans, which follow PolNeAR's
    conventions more closely (dev: source F1 +0.09); elsewhere the tagger's attribution is
    added as is.
    """
    model = load_model()
    if model is None:
        return attrs
    sentences: list[tuple[int, int]] = []
    sent_para: list[int] = []
    quotes: list[tuple[int, int]] = []
    for p_index, ((p_start, p_end), sents) in enumerate(zip(paragraphs, para_sents, strict=True)):
        quotes.extend(_quote_spans(text, p_start, p_end))
        sentences.extend(sents)
        sent_para.extend([p_index] * len(sents))
    out = list(attrs)
    for found in model.predict(text, sentences, quotes):
        content = [_strip_span(text, a, b, trailing=" ") for a, b in found.content]
        content = [(a, b) for a, b in content if b > a]
        cs, ce = found.cue
        rule = next((x for x in attrs if x.cue and x.cue[0] < ce and cs < x.cue[1]), None)
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
            ):
                rule.source = found.source
            continue
        if not content:
            # The role tagger found no content: the clause next to the cue stands in (dev:
            # cue F1 +0.010, source +0.004; most such cues are real).
            content = _fallback_content(text, sentences[k], found.source, found.cue)
            if not content:
                continue
        if rule is not None:
            if found.source is not None and found.sure:
                rule.source = found.source
            rule.cue = _union(rule.cue, found.cue)
            rule.content = content
            rule.merged = True
            continue
        source = found.source if found.sure else None
        attr = _Attr(
            AttributionType.indirect, source, found.cue, content, sent_para[k], sentences[k]
        )
        attr.quoted = _is_quote(text, *content[0])
        attr.learned = True
        out.append(attr)
    # The rules alone are right on quotes and "said"-like cues, but mostly wrong on the
    # verbs the tagger leaves out ("claims", "plans", "believes": dev precision 0.2).
    return [a for a in out if a.learned or a.merged or _confident(text, a)]


def _union(a: tuple[int, int] | None, b: tuple[int, int]) -> tuple[int, int]:
    """The smallest span covering both (the rules' and the tagger's cue: dev cue F1 +0.001)."""
    return b if a is None else (min(a[0], b[0]), max(a[1], b[1]))


def _fallback_content(
    text: str,
    sentence: tuple[int, int],
    source: tuple[int, int] | None,
    cue: tuple[int, int],
) -> list[tuple[int, int]]:
    """Content for a cue the role tagger gave none: the clause after the cue, or the
    sentence before it when the cue ends the sentence ("…, The Post has learned.")."""
    s0, s1 = sentence
    after = _strip_span(text, cue[1], s1, trailing=" ")
    if len(_WORD.findall(text, after[0], after[1])) >= _FALLBACK_WORDS:
        span = after
        if source is not None and after[0] <= source[0] < after[1]:
            span = _strip_span(text, after[0], source[0], trailing=" ")
    else:
        end = min(cue[0], source[0]) if source is not None else cue[0]
        span = _strip_span(text, s0, end)
    return [span] if span[1] > span[0] else []


_STRONG_CUES = frozenset(
    ["said", "says", "say", "told", "tells", "according to", "―", "—", "wrote", "added", "asked"]
)


def _confident(text: str, attr: _Attr) -> bool:
    """A rules-only attribution the tagger did not confirm stays only on a strong pattern."""
    if attr.source is None or attr.quoted or attr.headline or attr.cue is None:
        return True
    return text[attr.cue[0] : attr.cue[1]].lower() in _STRONG_CUES


# "WALLACE: Let's start …" / "MR. TRUMP: …" in interview transcripts.
_TRANSCRIPT = re.compile(r"[\"“]?((?:[A-Z][A-Z.'’-]+\s){0,2}[A-Z][A-Z.'’-]+):\s+")


# "“I'm so ashamed …” ― Jacklyn Ashley": a quotation signed with a dash.
_SIGNED_QUOTE = re.compile(
    r"(?P<q>[“”\"].{10,}[”\"])\s*(?P<dash>[―—])\s*(?P<name>[A-Z][\w.’'-]*(?:\s+[A-Z][\w.’'-]*){0,4})"
)


def _headline(text: str, start: int, end: int, p_index: int) -> _Attr | None:
    """ "NATO Troops … Peace Deal: Putin" or "Pat Caddell: Democrat Voters …"."""
    line = text[start:end]
    colon = line.rfind(": ")
    if colon == -1:
        return None
    left, right = line[:colon], line[colon + 2 :].rstrip(" .")
    name = r"(?:[A-Z][\w’'.-]+)(?:\s+[A-Z][\w’'.-]+){0,3}"
    if re.fullmatch(name, right) and len(left.split()) >= 4:
        src = (start + colon + 2, start + colon + 2 + len(right))
        content = _strip_span(text, start, start + colon)
    elif re.fullmatch(name, left) and len(right.split()) >= 3:
        src = (start, start + colon)
        content = _strip_span(text, start + colon + 1, end, trailing=" ")
    else:
        return None
    cue = (start + colon, start + colon + 1)
    return _Attr(
        AttributionType.indirect, src, cue, [content], p_index, (start, end), headline=True
    )


def _sentence_attrs(
    text: str, s_start: int, s_end: int, quotes: list[tuple[int, int]], p_index: int
) -> list[_Attr]:
    toks = _tokens(text, s_start, s_end)
    if not toks:
        return []
    in_quote = [_in_any(t.start, quotes) for t in toks]
    out: list[_Attr] = []
    sentence = (s_start, s_end)

    def make(src: tuple[int, int] | None, cue: tuple[int, int], content: tuple[int, int]) -> _Attr:
        attr = _Attr(AttributionType.indirect, src, cue, [content], p_index, sentence)
        attr.quoted = _is_quote(text, *content)
        return attr

    # 1. "“…,” said X." / "“…,” X said." / "“…,” a Russian analyst, …, has stated."
    lead_quote = next((q for q in quotes if q[0] == s_start), None)
    if lead_quote is not None and lead_quote[1] < s_end:
        q_end = lead_quote[1]
        rest_toks = [t for t in toks if t.start >= q_end]
        attr = _after_quote(text, rest_toks, lead_quote, s_end, p_index, sentence)
        if attr is not None:
            out.append(attr)
            return out

    # 2. Cue words outside quotations, left to right.
    used_until = s_start
    content: tuple[int, int] | None
    i = 0
    while i < len(toks):
        tok = toks[i]
        if in_quote[i] or tok.start < used_until:
            i += 1
            continue
        low = tok.low
        if low == "according" and i + 1 < len(toks) and toks[i + 1].low == "to":
            attr = _according_to(text, toks, i, s_start, s_end, quotes, p_index, sentence, out)
            if attr is not None:
                out.append(attr)
            i += 2
            continue
        if low == "reportedly":
            if not out:
                content = _strip_span(text, s_start, s_end)
                out.append(
                    _Attr(
                        AttributionType.vague,
                        None,
                        (tok.start, tok.end),
                        [content],
                        p_index,
                        sentence,
                    )
                )
            i += 1
            continue
        if low not in _CUE_VERBS or (i > 0 and toks[i - 1].low in ("to", "the", "a", "so")):
            i += 1
            continue
        if (
            low == "said"
            and 0 < i < len(toks) - 1
            and toks[i + 1].text[0].isupper()
            and toks[i - 1].text == ","
        ):
            # "…, said Caddell": inverted after a paraphrase.
            src = _source_after(toks, i + 1)
            content = _strip_span(text, s_start, toks[i - 1].start)
            if src and content[1] > content[0]:
                out.append(make(src, (tok.start, tok.end), content))
                used_until = s_end
                i += 1
                continue
        a, b = _cue_group(toks, i)
        if low.endswith("ing") and a > 0 and toks[a - 1].text == ",":
            # "Trump tweeted Friday, saying …": the subject of the main clause speaks.
            src = out[-1].source if out and out[-1].source else _sentence_subject(toks, a)
        else:
            src = _source_before(toks, a, text)
        if src is not None and low in ("wants", "plans", "believes"):
            head = text[src[0] : src[1]]
            if not (head[:1].isupper() or head.lower() in _PRONOUNS):
                src = None
        cue = (toks[a].start, toks[b].end)
        tail = text[toks[b].end : s_end].strip(' .!?”"')
        if src is not None and (not tail or _TIME_LEAD.fullmatch(tail + " ")) and a >= 2:
            # "…, Stubb said." : the content is what precedes the comma.
            comma = max(
                (t.start for t in toks[:a] if t.text == "," and t.end <= src[0]), default=-1
            )
            if comma > s_start:
                content = _strip_span(text, s_start, comma)
                attr = make(src, cue, content)
                out.append(attr)
                used_until = s_end
                i = b + 1
                continue
        if src is None:
            i += 1
            continue
        if b + 1 < len(toks) and toks[b].text == ":":
            nxt = toks[b + 1].start
            content = _strip_span(text, nxt, s_end, trailing=" ")
            out.append(make(src, cue, content))
            used_until = s_end
            i = b + 1
            continue
        if b + 1 >= len(toks) or toks[b].text == ":":
            attr = _Attr(AttributionType.indirect, src, cue, [], p_index, sentence)
            out.append(attr)  # content is the next paragraph ("Caddell continued:")
            i = b + 1
            continue
        content = _content_after(text, toks, b, s_end, low)
        if content is None:
            i += 1
            continue
        # Content that opens with a quotation is the quotation only, when text follows it.
        q = next((qq for qq in quotes if qq[0] == content[0]), None)
        if q is not None and text[q[1] : s_end].strip(" .") and q[1] - q[0] > 10:
            content = (q[0], q[1])
        out.append(make(src, cue, content))
        i = b + 1
        # Nested attributions inside a paraphrase ("Stubb said Trump … suggested …") are kept.
    if not out:
        vague = _vague_subject(text, toks, p_index, sentence, s_end)
        if vague is not None:
            out.append(vague)
    return out


def _after_quote(
    text: str,
    rest: list[_Token],
    quote: tuple[int, int],
    s_end: int,
    p_index: int,
    sentence: tuple[int, int],
) -> _Attr | None:
    if not rest:
        return None
    k = 0
    if rest[0].text == ",":
        k = 1
    cue_idx = next(
        (j for j in range(k, min(len(rest), k + 22)) if rest[j].low in _CUE_VERBS),
        None,
    )
    according = next(
        (j for j in range(k, min(len(rest), k + 3)) if rest[j].low == "according"), None
    )
    content = (quote[0], quote[1])
    if according is not None and according + 2 < len(rest):
        src = _source_after(rest, according + 2)
        cue = (rest[according].start, rest[according + 1].end)
        attr = _Attr(AttributionType.direct_quote, src, cue, [content], p_index, sentence)
        attr.quoted = True
        return attr
    if cue_idx is None:
        return None
    a, b = _cue_group(rest, cue_idx)
    if a == k:
        # "…,” said Caddell." — the speaker follows the cue.
        src = _source_after(rest, b + 1)
    else:
        src = (rest[k].start, rest[a - 1].end)
        if rest[a - 1].text == ",":
            src = (rest[k].start, rest[a - 2].end)
        src = _strip_span(text, *src, trailing=" ,")
    cue = (rest[a].start, rest[b].end)
    attr = _Attr(AttributionType.direct_quote, src, cue, [content], p_index, sentence)
    attr.quoted = True
    return attr


def _according_to(
    text: str,
    toks: list[_Token],
    i: int,
    s_start: int,
    s_end: int,
    quotes: list[tuple[int, int]],
    p_index: int,
    sentence: tuple[int, int],
    earlier: list[_Attr],
) -> _Attr | None:
    cue = (toks[i].start, toks[i + 1].end)
    src = _source_after(toks, i + 2)
    if src is None:
        return None
    src_text = text[src[0] : src[1]]
    if earlier:
        # "Putin described that “…,” according to state media translation": a chain hop.
        prev = earlier[-1]
        prev.hops.extend(_hops_from_phrase(src_text, Relation.reported_by))
        last = prev.content[-1]
        if last[0] < cue[0] < last[1]:
            prev.content[-1] = _strip_span(text, last[0], cue[0])
            prev.quoted = _is_quote(text, *prev.content[-1])
        return None
    before = text[s_start : cue[0]].strip(" ,")
    if before:
        content = _strip_span(text, s_start, cue[0])
    else:
        after = src[1]
        content = _strip_span(text, after, s_end)
    if content[1] <= content[0]:
        return None
    attr = _Attr(AttributionType.indirect, src, cue, [content], p_index, sentence)
    attr.quoted = _is_quote(text, *content)
    return attr


def _vague_subject(
    text: str, toks: list[_Token], p_index: int, sentence: tuple[int, int], s_end: int
) -> _Attr | None:
    """ "Some analysts read it as …": a vague group as subject, whatever the verb."""
    j = 0
    while j < len(toks) and toks[j].low in _LEADING_NOISE | {","}:
        j += 1
    if j >= len(toks):
        return None
    m = _VAGUE_SUBJECT.match(text, toks[j].start, s_end)
    if not m:
        return None
    src = (m.start(), m.end())
    after = [t for t in toks if t.start >= m.end()]
    if len(after) < 4 or after[0].low in _CLAUSE_STOP - {"also"}:
        return None
    c_end = 1
    for k in range(1, 4):
        if after[k].low in ("as", "that") and k < 4:
            c_end = k + 1
            break
    if after[c_end - 1].low not in ("as", "that"):
        c_end = 1
    cue = (after[0].start, after[c_end - 1].end)
    if after[c_end - 1].low == "that":
        cue = (after[0].start, after[c_end - 2].end)
        content = _strip_span(text, after[c_end - 1].start, s_end)
    else:
        content = _strip_span(text, after[c_end].start, s_end)
    return _Attr(AttributionType.vague, src, cue, [content], p_index, sentence)


# ---------------------------------------------------------------------------- speakers


_NAME_SEQ = re.compile(
    r"(?:[A-Z][\w’'.-]*[\w.]|[A-Z])(?:\s+(?:[A-Z][\w’'.-]*\w|[A-Z]\.|von|van|de|der|al|bin))*"
)


_DETERMINERS = frozenset(["the", "a", "an", "this", "these", "those", "its", "his", "her", "their"])


def _clean_name(words: list[str]) -> list[str]:
    """Drop titles, nationalities and possessive place names: "Russian President Vladimir Putin"."""
    while words and (
        words[0].lower() in _NAME_TITLES
        or words[0].lower() in _LEADING_NOISE
        or words[0].lower() in _CLAUSE_STOP
        or words[0].lower() in _DETERMINERS
        or words[0].endswith(("’s", "'s"))
        or (
            re.fullmatch(r"[A-Z]\w*(?:ian|ese|ish|ic|an|i)", words[0]) is not None
            and len(words) > 2
        )
    ):
        words = words[1:]
    while words and words[-1].lower() in _NAME_TITLES:
        words = words[:-1]
    return words


@dataclass
class _People:
    """Full names in an article and the title words seen before them."""

    full: dict[str, str] = field(default_factory=dict)  # surname/first name -> full name
    kinds: dict[str, SourceKind] = field(default_factory=dict)  # full name -> kind

    @classmethod
    def collect(cls, text: str, directory: SourceDirectory) -> _People:
        people = cls()
        for m in _NAME_SEQ.finditer(text):
            words = m.group(0).split()
            cleaned = _clean_name(words)
            if len(cleaned) < 2 or len(cleaned) > 4:
                continue
            name = " ".join(cleaned)
            if directory.resolve(name) is not None or not all(
                w[0].isupper() or w in ("von", "van", "de", "der", "al", "bin") for w in cleaned
            ):
                continue
            if any(w.lower() in _CLAUSE_STOP or w.lower() == "the" for w in cleaned):
                continue
            people.full.setdefault(cleaned[-1], name)
            people.full.setdefault(name, name)
            context = text[max(0, m.start() - 40) : m.start() + len(m.group(0)) - len(name)]
            kind = _title_kind(context[-40:].split(".")[-1] if "." in context else context)
            if kind is not None and name not in people.kinds:
                people.kinds[name] = kind
        return people

    def resolve(self, words: list[str]) -> str:
        name = " ".join(words)
        if name in self.full:
            return self.full[name]
        if words and words[-1] in self.full:
            return self.full[words[-1]]
        return name


def _title_kind(context: str) -> SourceKind | None:
    for pattern, kind in _TITLE_KINDS:
        if pattern.search(context):
            return kind
    return None


def _media_hop(phrase: str, directory: SourceDirectory) -> tuple[str, SourceKind] | None:
    """An outlet from the directory, or "Finnish media" / "state media" by its words."""
    phrase = phrase.strip(" ,.")
    found = directory.find_in_text(phrase)
    if found:
        return found[0].name, found[0].kind
    known = directory.resolve(phrase)
    if known is not None:
        return known
    m = _MEDIA_WORDS.match(phrase)
    if m:
        words = m.group(1)
        if words.lower().startswith("state"):
            return "state media", SourceKind.state_media
        return words, SourceKind.national_media
    return None


def _hops_from_phrase(phrase: str, relation: Relation) -> list[ChainHop]:
    translated = bool(re.search(r"\btranslat", phrase, re.I))
    hop = _media_hop(re.sub(r"\s*\btranslat\w*.*$", "", phrase), starter_directory())
    if hop is None:
        return []
    return [
        ChainHop(
            name=hop[0],
            kind=hop[1],
            relation=Relation.translated_by if translated else relation,
        )
    ]


# ---------------------------------------------------------------------------- chains


_FRAMING = re.compile(
    r"(?:featured|published|reported|appeared|reads|put\s+it|explained|wrote|writes|reports)\s+"
    r"(?:in|by|on)?\s*(?P<outlet>[^:]+?)\s*(?:as\s+follows|like\s+this|this\s+way)?\s*:\s*$",
    re.I,
)
_DATELINE = re.compile(
    r"[A-Z][A-Za-z .,'-]{0,60}\((?P<wire>[A-Za-z .-]{2,40})\)\s*[-–—]|\((?P<wire2>[A-Za-z .-]{2,40})\)\s*[-–—]"
)


def _publisher_hop(
    text: str, publisher: str | None, directory: SourceDirectory
) -> tuple[str, SourceKind] | None:
    if publisher:
        known = directory.resolve(publisher)
        return known if known is not None else (publisher, SourceKind.unknown)
    # The page furniture at the end ("ZeroHedge News", "Read More") names the outlet.
    tail = text[max(0, len(text) - 160) :]
    # Furniture is often glued together: "09:20ZeroHedge NewsRead More".
    tail = re.sub(r"(?<=[0-9a-z])(?=[A-Z])", " ", tail)
    found = [m for m in directory.find_in_text(tail) if m.kind in _MEDIA_KINDS]
    if found:
        return found[-1].name, found[-1].kind
    return None


_MEDIA_KINDS = frozenset(
    {
        SourceKind.aggregator,
        SourceKind.newspaper,
        SourceKind.broadcaster,
        SourceKind.wire_agency,
        SourceKind.state_media,
        SourceKind.national_media,
    }
)


def _assign_speakers(text: str, attrs: list[_Attr], directory: SourceDirectory) -> None:
    people = _People.collect(text, directory)
    last_person: str | None = None
    for attr in sorted(attrs, key=lambda a: (a.headline is False, a.extent[0])):
        attr.kind = _classify(text, attr) if not attr.headline else attr.kind
        if attr.source is None:
            attr.speaker = None
            attr.speaker_kind = SourceKind.unknown
            continue
        src = text[attr.source[0] : attr.source[1]].strip()
        low = src.lower()
        if attr.kind in (AttributionType.vague, AttributionType.anonymous):
            attr.speaker = low
            attr.speaker_kind = SourceKind.anonymous
            continue
        if low in _PRONOUNS or low in _RELATIVES:
            if low in ("who", "which", "that"):
                before = text[attr.sentence[0] : attr.source[0]]
                names = [m.group(0) for m in _NAME_SEQ.finditer(before)]
                cleaned = _clean_name(names[-1].split()) if names else []
                attr.speaker = people.resolve(cleaned) if cleaned else last_person
            elif low in ("he", "she", "i"):
                attr.speaker = last_person
            else:
                attr.speaker = None
            attr.speaker_kind = people.kinds.get(attr.speaker or "", SourceKind.unknown)
            continue
        outlet = directory.find_in_text(src)
        if outlet and outlet[0].end - outlet[0].start >= len(src) - 6:
            attr.speaker, attr.speaker_kind = outlet[0].name, outlet[0].kind
            continue
        names = [m.group(0) for m in _NAME_SEQ.finditer(src)]
        person = None
        for candidate in sorted(names, key=lambda n: -len(n.split())):
            cleaned = _clean_name(candidate.split())
            if cleaned and directory.resolve(" ".join(cleaned)) is None:
                person = people.resolve(cleaned)
                break
        if person is not None:
            attr.speaker = person
            kind = people.kinds.get(person) or _title_kind(src) or SourceKind.unknown
            attr.speaker_kind = kind
            if len(person.split()) >= 2:
                last_person = person
            continue
        attr.speaker = src
        attr.speaker_kind = (
            media[1]
            if (media := _media_hop(src, directory))
            else (_title_kind(src) or SourceKind.unknown)
        )


def _build_chains(
    text: str,
    attrs: list[_Attr],
    paragraphs: list[tuple[int, int]],
    para_sents: list[list[tuple[int, int]]],
    publisher: tuple[str, SourceKind] | None,
    directory: SourceDirectory,
) -> dict[int, tuple[list[ChainHop], Relation | None]]:
    # Framing ("… featured in The Guardian as follows:") carries over to the paragraphs after
    # it, as long as they go on attributing to named people.
    by_para: dict[int, list[_Attr]] = {}
    for attr in attrs:
        by_para.setdefault(attr.paragraph, []).append(attr)
    framing: dict[int, ChainHop] = {}
    block_of: dict[int, int] = {}
    for p_index, (p_start, p_end) in enumerate(paragraphs):
        m = _FRAMING.search(text, p_start, p_end)
        if not m or text[p_end - 1] != ":":
            continue
        media = _media_hop(m.group("outlet"), directory)
        if media is None:
            continue
        for q in range(p_index + 1, len(paragraphs)):
            named = [
                a
                for a in by_para.get(q, [])
                if a.kind not in (AttributionType.vague, AttributionType.anonymous)
                and a.source is not None
            ]
            if not named:
                break
            framing[q] = ChainHop(name=media[0], kind=media[1], relation=Relation.reported_by)
            block_of[q] = p_index
    dateline: ChainHop | None = None
    for p_start, p_end in paragraphs[:4]:
        m = _DATELINE.match(text, p_start, p_end)
        if m:
            wire = _media_hop(m.group("wire") or m.group("wire2"), directory)
            if wire is not None:
                dateline = ChainHop(name=wire[0], kind=wire[1], relation=Relation.reported_by)
                break

    # Local hops: "told Finnish media", "Reuters reported", "in an interview with CNN".
    for attr in attrs:
        attr.block = block_of.get(attr.paragraph, -1)
        s_start, s_end = attr.sentence
        sent = text[s_start:s_end]
        for m in re.finditer(r"\b(?:told|telling|tells)\s+(?P<who>[^,.;“”\"]{2,40})", sent):
            media = _media_hop(m.group("who"), directory)
            if media is not None and attr.cue and s_start + m.start() == attr.cue[0]:
                attr.hops.insert(
                    0, ChainHop(name=media[0], kind=media[1], relation=Relation.told_to)
                )
        for m in re.finditer(r"\binterview\s+with\s+(?P<who>[^,.;“”\"]{2,40})", sent):
            media = _media_hop(m.group("who"), directory)
            if media is not None:
                attr.hops.insert(
                    0, ChainHop(name=media[0], kind=media[1], relation=Relation.told_to)
                )
        for m in re.finditer(
            r",\s*(?P<who>[A-Z][^,.;“”\"]{1,40}?)\s+(?:reported|reports|said)\s*[.]?\s*$"
            r"|\b(?:reported|reports)\s+(?P<who2>[A-Z][^,.;“”\"]{1,40}?)\s*[.]?\s*$",
            sent,
        ):
            who = m.group("who") or m.group("who2")
            media = _media_hop(who, directory)
            if media is not None and attr.speaker != media[0]:
                attr.hops.append(
                    ChainHop(name=media[0], kind=media[1], relation=Relation.reported_by)
                )

    # Hops a speaker's words went through apply to that speaker's other words in the block;
    # a translation only to the other direct quotes.
    shared: dict[tuple[str, int], list[ChainHop]] = {}
    translated: dict[tuple[str, int], list[ChainHop]] = {}
    for attr in attrs:
        if not attr.speaker:
            continue
        key = (attr.speaker, attr.block)
        for hop in attr.hops:
            bucket = translated if hop.relation == Relation.translated_by else shared
            bucket_names = [h.name for h in bucket.get(key, [])]
            if hop.name not in bucket_names:
                bucket.setdefault(key, []).append(hop)
    for attr in attrs:
        if not attr.speaker:
            continue
        key = (attr.speaker, attr.block)
        names = {h.name for h in attr.hops}
        for hop in shared.get(key, []):
            if hop.name not in names:
                attr.hops.append(hop)
                names.add(hop.name)
        if attr.kind == AttributionType.direct_quote:
            for hop in translated.get(key, []):
                if hop.name not in names:
                    attr.hops.append(hop)
                    names.add(hop.name)
        order = {Relation.told_to: 0, Relation.translated_by: 1, Relation.reported_by: 2}
        attr.hops.sort(key=lambda h: order.get(h.relation or Relation.reported_by, 3))

    # Nested: "Stubb said president Donald Trump … suggested …": Trump's words via Stubb.
    for attr in attrs:
        for other in attrs:
            if other is attr or other.source is None or attr.source is None:
                continue
            if other.learned and not attr.learned:
                continue  # the rules' own hops ("Reuters reported") already cover it
            inside = any(a <= attr.source[0] and attr.extent[1] <= b + 1 for a, b in other.content)
            if inside and (
                attr.outer is None
                or other.content[0][1] - other.content[0][0]
                < attr.outer.content[0][1] - attr.outer.content[0][0]
            ):
                attr.outer = other

    chains: dict[int, tuple[list[ChainHop], Relation | None]] = {}
    for n, attr in enumerate(attrs):
        chain: list[ChainHop] = []
        if attr.speaker:
            origin_name = attr.speaker
        elif attr.cue is not None and text[attr.cue[0] : attr.cue[1]].lower() == "reportedly":
            origin_name = "unnamed reports"
        else:
            origin_name = "unnamed source"
        origin_kind = attr.speaker_kind if attr.speaker else SourceKind.unknown
        chain.append(ChainHop(name=origin_name, kind=origin_kind))
        relation_in = _relation_for(attr)
        outer = attr.outer
        if outer is not None and outer.speaker and outer.speaker != origin_name:
            chain.append(
                ChainHop(name=outer.speaker, kind=outer.speaker_kind, relation=relation_in)
            )
            relation_in = _relation_for(outer)
            hops = outer.hops
        else:
            hops = attr.hops
        for hop in hops:
            if hop.name not in {h.name for h in chain}:
                chain.append(hop)
        republished = False
        frame = framing.get(attr.paragraph)
        if frame is not None and frame.name not in {h.name for h in chain}:
            chain.append(frame)
            republished = True
        if dateline is not None and dateline.name not in {h.name for h in chain}:
            chain.append(dateline)
            republished = True
        if attr.headline:
            relation_in = Relation.headline_paraphrase
        elif republished:
            relation_in = Relation.republished_by
        elif attr.kind == AttributionType.vague and attr.source is None:
            relation_in = Relation.reported_by
        if publisher is not None:
            if chain[-1].name == publisher[0] or (len(chain) == 1 and origin_name == publisher[0]):
                pass
            else:
                chain.append(ChainHop(name=publisher[0], kind=publisher[1], relation=relation_in))
        chains[n] = (_fix_relations(chain), None)
    return chains


def _relation_for(attr: _Attr) -> Relation:
    if attr.kind in (AttributionType.direct_quote, AttributionType.mixed):
        return Relation.quoted_by
    return Relation.paraphrased_by


def _fix_relations(chain: list[ChainHop]) -> list[ChainHop]:
    """The origin has no relation; every later hop has one."""
    fixed = [chain[0].model_copy(update={"relation": None})]
    for hop in chain[1:]:
        fixed.append(
            hop if hop.relation else hop.model_copy(update={"relation": Relation.reported_by})
        )
    return fixed


# ---------------------------------------------------------------------------- public API


def _span(text: str, s: int, e: int) -> Span:
    return Span(start=s, end=e, text=text[s:e])


_CACHE: dict[tuple[object, ...], list[SuggestedAttribution]] = {}


def suggest_attributions(
    text: str,
    publisher: str | None = None,
    directory: SourceDirectory | None = None,
    *,
    include_unattributed: bool = False,
    learned: bool = True,
) -> list[SuggestedAttribution]:
    """Every attribution found in `text`, in text order, with its chain and sourcing score.

    `publisher` is the outlet of the article (last hop of every chain); when None it is
    guessed from the page furniture at the end of the text. With `include_unattributed`,
    each sentence that carries no attribution is added as an `unattributed` suggestion.
    With `learned` False only the rules run (no learned tagger).
    """
    directory = directory if directory is not None else starter_directory()
    key = (
        hash(text),
        text[:64],
        publisher,
        id(directory),
        directory.version,
        include_unattributed,
        learned,
    )
    cached = _CACHE.get(key)
    if cached is not None:
        return [_copied(s) for s in cached]
    attrs, paragraphs, para_sents = _detect(text, learned)
    _assign_speakers(text, attrs, directory)
    pub = _publisher_hop(text, publisher, directory)
    chains = _build_chains(text, attrs, paragraphs, para_sents, pub, directory)
    out: list[SuggestedAttribution] = []
    for n, attr in enumerate(attrs):
        chain = chains[n][0]
        scored = sourcing_score(chain, attr.kind)
        content_spans = [_span(text, s, e) for s, e in attr.content]
        out.append(
            SuggestedAttribution(
                attribution_type=attr.kind,
                source=_span(text, *attr.source) if attr.source else None,
                cue=_span(text, *attr.cue) if attr.cue else None,
                content=content_spans[0] if len(content_spans) == 1 else content_spans,
                chain=chain,
                score=scored.score,
                speaker=attr.speaker,
                reasons=scored.reasons,
            )
        )
    if include_unattributed:
        covered = [a.extent for a in attrs]
        for sents in para_sents:
            for s, e in sents:
                if not any(a < e and s < b for a, b in covered):
                    out.append(_unattributed(text, s, e, pub))
    out.sort(key=lambda s: _first(s).start)
    if len(_CACHE) > 32:
        _CACHE.clear()
    _CACHE[key] = [_copied(s) for s in out]
    return out


def _copied(suggestion: SuggestedAttribution) -> SuggestedAttribution:
    """A copy the caller may change without changing the cache: what is mutable (the
    lists, the chain's hops) is copied, the spans (frozen) are shared. Same value as a deep
    copy, in a fraction of its time."""
    copy = suggestion.model_copy()
    fields = copy.__dict__  # set directly: the copy keeps the original's set fields
    if isinstance(suggestion.content, list):
        fields["content"] = list(suggestion.content)
    fields["chain"] = [hop.model_copy() for hop in suggestion.chain]
    fields["reasons"] = list(suggestion.reasons)
    return copy


def _first(suggestion: SuggestedAttribution) -> Span:
    content = suggestion.content
    spans = content if isinstance(content, list) else [content]
    starts = [s for s in (suggestion.source, suggestion.cue, *spans) if s is not None]
    return min(starts, key=lambda s: s.start)


def _unattributed(
    text: str, start: int, end: int, publisher: tuple[str, SourceKind] | None
) -> SuggestedAttribution:
    chain = [ChainHop(name=publisher[0], kind=publisher[1])] if publisher else []
    scored = sourcing_score(chain, AttributionType.unattributed)
    return SuggestedAttribution(
        attribution_type=AttributionType.unattributed,
        content=_span(text, start, end),
        chain=chain,
        score=scored.score,
        reasons=scored.reasons,
    )


def _spans_of(suggestion: SuggestedAttribution) -> list[Span]:
    content = suggestion.content
    return content if isinstance(content, list) else [content]


def suggest_for_claim(
    text: str,
    claim_start: int,
    claim_end: int,
    publisher: str | None = None,
    directory: SourceDirectory | None = None,
) -> SuggestedAttribution:
    """The single best suggestion for one claim span, to prefill the reviewer's form.

    The attribution whose content overlaps the claim the most wins (a nested attribution
    inside it wins when it covers the claim as well); with none, an `unattributed`
    suggestion whose chain is just the publisher.
    """
    return suggest_for_claims(text, [(claim_start, claim_end)], publisher, directory)[0]


def suggest_for_claims(
    text: str,
    claims: Sequence[tuple[int, int]],
    publisher: str | None = None,
    directory: SourceDirectory | None = None,
) -> list[SuggestedAttribution]:
    """`suggest_for_claim` for every (start, end) of an article, with one pass of each
    suggester over the whole text (speakers named early resolve pronouns later)."""
    directory = directory if directory is not None else starter_directory()
    # The rules know the chain patterns (quotes, "according to", framing); the learned tagger
    # only fills in claims the rules find nothing for (computed once, when first needed).
    passes: dict[bool, list[_Reach]] = {}
    hops: dict[str, tuple[str, SourceKind] | None] = {}
    chosen: list[SuggestedAttribution] = []
    for claim_start, claim_end in claims:
        start, end = max(0, claim_start), min(len(text), claim_end)
        best = None
        for learned in (False, True):
            if learned not in passes:
                passes[learned] = _reaches(
                    suggest_attributions(text, publisher, directory, learned=learned)
                )
            best = _best_for_claim(passes[learned], start, end)
            if best is not None:
                break
        if best is None:
            if "publisher" not in hops:
                hops["publisher"] = _publisher_hop(text, publisher, directory)
            best = _unattributed(text, start, end, hops["publisher"])
        chosen.append(best)
    return chosen


@dataclass(frozen=True)
class _Reach:
    """Where a suggestion lies, worked out once per article rather than once per claim."""

    suggestion: SuggestedAttribution
    parts: tuple[tuple[int, int], ...]  # source, cue and content spans
    first: int
    last: int
    relative_source: bool  # "which", "who", …: a relative clause, not an attribution


def _reaches(suggestions: list[SuggestedAttribution]) -> list[_Reach]:
    reaches = []
    for suggestion in suggestions:
        spans = [*_spans_of(suggestion), suggestion.source, suggestion.cue]
        parts = tuple((s.start, s.end) for s in spans if s is not None)
        src = (suggestion.source.text.lower() if suggestion.source else "").strip()
        reaches.append(
            _Reach(
                suggestion,
                parts,
                first=min(start for start, _ in parts),
                last=max(end for _, end in parts),
                relative_source=src in _RELATIVES,
            )
        )
    return reaches


def _best_for_claim(
    reaches: list[_Reach], claim_start: int, claim_end: int
) -> SuggestedAttribution | None:
    """The suggestion that covers the claim most (innermost on ties), if any covers enough."""
    claim_len = max(1, claim_end - claim_start)
    best: SuggestedAttribution | None = None
    best_key: tuple[float, int] = (0.0, 0)
    for reach in reaches:
        if reach.last <= claim_start or reach.first >= claim_end:
            continue  # every part lies between first and last: no overlap possible
        overlap = sum(
            max(0, min(claim_end, end) - max(claim_start, start)) for start, end in reach.parts
        )
        if overlap <= 0:
            continue
        extent_overlap = max(0, min(claim_end, reach.last) - max(claim_start, reach.first))
        # A relative clause ("26 nations which have declared …") inside a claim does not
        # make the claim attributed.
        if reach.relative_source and overlap < 0.5 * claim_len:
            continue
        if overlap < 0.3 * claim_len and extent_overlap < 0.6 * claim_len:
            continue
        # Prefer more overlap, then the smaller (innermost) attribution.
        key = (round(extent_overlap / claim_len, 2), -(reach.last - reach.first))
        if best is None or key > best_key:
            best, best_key = reach.suggestion, key
    return best
