"""The rule-based attribution finder: the patterns a chain is built from.

Quotations and their continuations, "X said" / "said X" / "according to X" / "X told Y",
"“…,” said X", "(AFP) –" datelines left to `chains`, "… as follows:" and "X continued:"
followed by a quote paragraph, interview transcripts ("WALLACE: …"), signed quotes
("“…” ― Name"), headlines ("…: Putin"), pronoun and short-name speakers, vague and anonymous
sources. Paragraphs, sentences, quotations and tokens come from `factcheck.domain.text`.

Span conventions follow PolNeAR (Edward Newell, Drew Margolin, Derek Ruths, "An Attribution
Relations Corpus for Political News", LREC 2018): the content excludes the cue and the
source, keeps a leading "that", and a direct quote keeps its quotation marks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from factcheck.domain.split import metadata_lines
from factcheck.domain.text import Token, lines, quotations, sentences, tokens
from factcheck.suggest.candidates import OPEN_QUOTES, Candidate, is_quote, strip_span
from factcheck.suggest.chains import hops_from_phrase
from factcheck.suggest.lexicon import (
    AUXILIARIES,
    CLAUSE_STOP,
    CUE_VERBS,
    LEADING_NOISE,
    PREPOSITIONS_AFTER_NAME,
    PRONOUNS,
    RECIPIENT_VERBS,
    RELATIVES,
    TIME_LEAD,
    VAGUE_SUBJECT,
    WEEKDAYS,
)
from schemas.vocab import AttributionType, Relation


@dataclass
class Findings:
    """The attributions found in a text, with the text's units they were found in."""

    attrs: list[Candidate]
    paragraphs: list[tuple[int, int]]
    sentences: list[list[tuple[int, int]]]  # each paragraph's
    quotes: list[list[tuple[int, int]]]  # each paragraph's quotations


def find(text: str) -> Findings:
    """Every attribution the rules find in `text`, in text order."""
    paragraphs = list(lines(text))
    attrs: list[Candidate] = []
    para_sents: list[list[tuple[int, int]]] = []
    para_quotes: list[list[tuple[int, int]]] = []
    pending_colon: Candidate | None = None
    # Bylines, datelines and page furniture ("READ MORE: …", "Photo: …") attribute nothing.
    furniture = set(metadata_lines(text))
    # "WALLACE: …" speaks in a transcript, where several lines open with a speaker's name;
    # one such line alone is a dateline ("NEW DELHI: …").
    transcript = sum(1 for a, b in paragraphs if _TRANSCRIPT.match(text, a, b)) >= 2
    for p_index, (p_start, p_end) in enumerate(paragraphs):
        quotes = quotations(text, p_start, p_end)
        sents = list(sentences(text, p_start, p_end, quotes))
        para_sents.append(sents)
        para_quotes.append(quotes)
        if (p_start, p_end) in furniture:
            pending_colon = None
            continue
        if pending_colon is not None and text[p_start] in OPEN_QUOTES:
            pending_colon.content = [strip_span(text, p_start, p_end, trailing=" ")]
            pending_colon.quoted = True
            pending_colon = None
            continue
        pending_colon = None
        speaker_line = _TRANSCRIPT.match(text, p_start, p_end) if transcript else None
        if speaker_line and p_end - speaker_line.end() > 10:
            src = (speaker_line.start(1), speaker_line.end(1))
            cue = (speaker_line.end(1), speaker_line.end(1) + 1)
            content = strip_span(text, speaker_line.end(), p_end, trailing=" ")
            attr = Candidate(
                AttributionType.indirect, src, cue, [content], p_index, (p_start, p_end)
            )
            attr.quoted = True
            attr.transcript = True
            attrs.append(attr)
            continue
        signed = _SIGNED_QUOTE.fullmatch(text, p_start, p_end)
        if signed:
            content = (signed.start("q"), signed.end("q"))
            attr = Candidate(
                AttributionType.direct_quote,
                (signed.start("name"), signed.end("name")),
                (signed.start("dash"), signed.end("dash")),
                [content],
                p_index,
                (p_start, p_end),
            )
            attr.quoted = True
            attr.signed = True
            attrs.append(attr)
            continue
        if p_index == 0 and len(sents) == 1:
            head = _headline(text, p_start, p_end, p_index)
            if head is not None:
                attrs.append(head)
                continue
        if _quote_only(text, p_start, p_end, quotes) and not any(
            _sentence_attrs(text, s, e, quotes, p_index) for s, e in sents
        ):
            attrs.append(_floating(text, p_start, p_end, p_index, attrs))
            continue
        last_quote_attr: Candidate | None = None
        for s_start, s_end in sents:
            found = _sentence_attrs(text, s_start, s_end, quotes, p_index)
            if not found and text[s_start] in OPEN_QUOTES and last_quote_attr is not None:
                q_end = next((qe for qs, qe in quotes if qs == s_start), None)
                if q_end is not None and not text[q_end:s_end].strip(" .,"):
                    last_quote_attr.content.append(strip_span(text, s_start, s_end, " "))
                    continue
            for attr in found:
                attrs.append(attr)
                if attr.quoted:
                    last_quote_attr = attr
                if attr.cue and text[attr.cue[1] - 1] == ":" and not attr.content:
                    pending_colon = attr
    attrs = [a for a in attrs if a.content]
    return Findings(attrs, paragraphs, para_sents, para_quotes)


def _quote_only(text: str, start: int, end: int, quotes: list[tuple[int, int]]) -> bool:
    """A paragraph that is quotations and nothing else (a floating quote)."""
    if text[start] not in OPEN_QUOTES or not quotes:
        return False
    rest = text[start:end]
    for a, b in sorted(quotes, reverse=True):
        rest = rest[: a - start] + rest[b - start :]
    return not rest.strip(" .,;:!?…") and quotes[0][1] - quotes[0][0] > 10


def _floating(text: str, start: int, end: int, p_index: int, earlier: list[Candidate]) -> Candidate:
    """A quoted paragraph that names no speaker: the words of whoever the paragraph before
    attributes a quotation or a paraphrase to (its source, no cue of its own), or, with no
    attribution right before it, a direct quote whose source is unknown. Issue 15: a
    fact-checker still sees every quotation."""
    prev = earlier[-1] if earlier else None
    source = None
    if prev is not None and prev.paragraph == p_index - 1 and not prev.headline:
        source = prev.source
    content = strip_span(text, start, end, trailing=" ")
    attr = Candidate(AttributionType.direct_quote, source, None, [content], p_index, (start, end))
    attr.quoted = True
    attr.floating = True
    return attr


# "WALLACE: Let's start …" / "MR. TRUMP: …" in interview transcripts.
_TRANSCRIPT = re.compile(r"[\"“]?((?:[A-Z][A-Z.'’-]+\s){0,2}[A-Z][A-Z.'’-]+):\s+")


# "“I'm so ashamed …” ― Jacklyn Ashley": a quotation signed with a dash.
_SIGNED_QUOTE = re.compile(
    r"(?P<q>[“”\"].{10,}[”\"])\s*(?P<dash>[―—])\s*(?P<name>[A-Z][\w.’'-]*(?:\s+[A-Z][\w.’'-]*){0,4})"
)


def _headline(text: str, start: int, end: int, p_index: int) -> Candidate | None:
    """ "NATO Troops … Peace Deal: Putin" or "Pat Caddell: Democrat Voters …"."""
    line = text[start:end]
    colon = line.rfind(": ")
    if colon == -1:
        return None
    left, right = line[:colon], line[colon + 2 :].rstrip(" .")
    name = r"(?:[A-Z][\w’'.-]+)(?:\s+[A-Z][\w’'.-]+){0,3}"
    if re.fullmatch(name, right) and len(left.split()) >= 4:
        src = (start + colon + 2, start + colon + 2 + len(right))
        content = strip_span(text, start, start + colon)
    elif re.fullmatch(name, left) and len(right.split()) >= 3:
        src = (start, start + colon)
        content = strip_span(text, start + colon + 1, end, trailing=" ")
    else:
        return None
    cue = (start + colon, start + colon + 1)
    return Candidate(
        AttributionType.indirect, src, cue, [content], p_index, (start, end), headline=True
    )


def _sentence_attrs(
    text: str, s_start: int, s_end: int, quotes: list[tuple[int, int]], p_index: int
) -> list[Candidate]:
    toks = tokens(text, s_start, s_end)
    if not toks:
        return []
    in_quote = [_in_any(t.start, quotes) for t in toks]
    out: list[Candidate] = []
    sentence = (s_start, s_end)

    def make(
        src: tuple[int, int] | None, cue: tuple[int, int], content: tuple[int, int]
    ) -> Candidate:
        attr = Candidate(AttributionType.indirect, src, cue, [content], p_index, sentence)
        attr.quoted = is_quote(text, *content)
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
                content = strip_span(text, s_start, s_end)
                out.append(
                    Candidate(
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
        if low not in CUE_VERBS or (i > 0 and toks[i - 1].low in ("to", "the", "a", "so")):
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
            content = strip_span(text, s_start, toks[i - 1].start)
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
            src = _anonymous_subject(text, s_start, toks[a].start) or _source_before(toks, a)
        if src is not None and low in ("wants", "plans", "believes"):
            head = text[src[0] : src[1]]
            if not (head[:1].isupper() or head.lower() in PRONOUNS):
                src = None
        cue = (toks[a].start, toks[b].end)
        tail = text[toks[b].end : s_end].strip(' .!?”"')
        if src is not None and (not tail or TIME_LEAD.fullmatch(tail + " ")) and a >= 2:
            # "…, Stubb said." : the content is what precedes the comma.
            comma = max(
                (t.start for t in toks[:a] if t.text == "," and t.end <= src[0]), default=-1
            )
            if comma > s_start:
                content = strip_span(text, s_start, comma)
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
            content = strip_span(text, nxt, s_end, trailing=" ")
            out.append(make(src, cue, content))
            used_until = s_end
            i = b + 1
            continue
        if b + 1 >= len(toks) or toks[b].text == ":":
            attr = Candidate(AttributionType.indirect, src, cue, [], p_index, sentence)
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
    rest: list[Token],
    quote: tuple[int, int],
    s_end: int,
    p_index: int,
    sentence: tuple[int, int],
) -> Candidate | None:
    if not rest:
        return None
    k = 0
    if rest[0].text == ",":
        k = 1
    cue_idx = next(
        (j for j in range(k, min(len(rest), k + 22)) if rest[j].low in CUE_VERBS),
        None,
    )
    according = next(
        (j for j in range(k, min(len(rest), k + 3)) if rest[j].low == "according"), None
    )
    content = (quote[0], quote[1])
    if according is not None and according + 2 < len(rest):
        src = _source_after(rest, according + 2)
        cue = (rest[according].start, rest[according + 1].end)
        attr = Candidate(AttributionType.direct_quote, src, cue, [content], p_index, sentence)
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
        src = strip_span(text, *src, trailing=" ,")
    cue = (rest[a].start, rest[b].end)
    attr = Candidate(AttributionType.direct_quote, src, cue, [content], p_index, sentence)
    attr.quoted = True
    return attr


def _according_to(
    text: str,
    toks: list[Token],
    i: int,
    s_start: int,
    s_end: int,
    quotes: list[tuple[int, int]],
    p_index: int,
    sentence: tuple[int, int],
    earlier: list[Candidate],
) -> Candidate | None:
    cue = (toks[i].start, toks[i + 1].end)
    src = _source_after(toks, i + 2)
    if src is None:
        return None
    src_text = text[src[0] : src[1]]
    if earlier:
        # "Putin described that “…,” according to state media translation": a chain hop.
        prev = earlier[-1]
        prev.hops.extend(hops_from_phrase(src_text, Relation.reported_by))
        last = prev.content[-1]
        if last[0] < cue[0] < last[1]:
            prev.content[-1] = strip_span(text, last[0], cue[0])
            prev.quoted = is_quote(text, *prev.content[-1])
        return None
    before = text[s_start : cue[0]].strip(" ,")
    if before:
        content = strip_span(text, s_start, cue[0])
    else:
        after = src[1]
        content = strip_span(text, after, s_end)
    if content[1] <= content[0]:
        return None
    attr = Candidate(AttributionType.indirect, src, cue, [content], p_index, sentence)
    attr.quoted = is_quote(text, *content)
    return attr


def _vague_subject(
    text: str, toks: list[Token], p_index: int, sentence: tuple[int, int], s_end: int
) -> Candidate | None:
    """ "Some analysts read it as …": a vague group as subject, whatever the verb."""
    j = 0
    while j < len(toks) and toks[j].low in LEADING_NOISE | {","}:
        j += 1
    if j >= len(toks):
        return None
    m = VAGUE_SUBJECT.match(text, toks[j].start, s_end)
    if not m:
        return None
    src = (m.start(), m.end())
    after = [t for t in toks if t.start >= m.end()]
    if len(after) < 4 or after[0].low in CLAUSE_STOP - {"also"}:
        return None
    c_end = 1
    for k in range(1, 4):
        if after[k].low in ("as", "that"):
            c_end = k + 1
            break
    if after[c_end - 1].low not in ("as", "that"):
        c_end = 1
    cue = (after[0].start, after[c_end - 1].end)
    if after[c_end - 1].low == "that":
        cue = (after[0].start, after[c_end - 2].end)
        content = strip_span(text, after[c_end - 1].start, s_end)
    else:
        content = strip_span(text, after[c_end].start, s_end)
    return Candidate(AttributionType.vague, src, cue, [content], p_index, sentence)


def _in_any(pos: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in spans)


def _source_before(toks: list[Token], idx: int) -> tuple[int, int] | None:
    """The subject noun phrase that ends just before token `idx` (the cue), or None."""
    j = idx - 1
    # "Trump on Monday said": skip a time adverbial between subject and cue.
    while j >= 0 and toks[j].text in WEEKDAYS:
        j -= 1
        if j >= 0 and toks[j].low in ("on", "late", "early", "last"):
            j -= 1
    # "Putin additionally complained": the adverb is neither source nor cue.
    while j > 0 and toks[j].low.endswith("ly") and toks[j].text[0].islower():
        j -= 1
    if j < 0:
        return None
    first = toks[j]
    if first.low in PRONOUNS or first.low in RELATIVES:
        if first.low in ("his", "her", "their"):
            return None
        return first.start, first.end
    picked: list[Token] = []
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
        elif tok.low in CLAUSE_STOP or tok.low in CUE_VERBS:
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
    while picked and (picked[0].low in LEADING_NOISE or picked[0].text == ","):
        picked.pop(0)
    while picked and picked[0].low.endswith("ly") and not picked[0].text[0].isupper():
        picked.pop(0)
    # "president Donald Trump in a call with European leaders": keep the name only.
    for k in range(1, len(picked)):
        if commas:
            break
        if picked[k].low in PREPOSITIONS_AFTER_NAME and picked[k - 1].text[0].isupper():
            picked = picked[:k]
            break
    if not picked:
        return None
    if not any(t.text[0].isupper() or t.text[0].isdigit() for t in picked) and len(picked) > 5:
        return None
    return picked[0].start, picked[-1].end


# "A local official who requested anonymity because he was not authorized to speak to the
# media said …": the source runs over its relative clause to the cue.
_ANONYMOUS_SUBJECT = re.compile(
    r"(?:(?:a|an|the|two|three|four|several|one|another)\s+)[^,.;:“”\"]{2,80}?,?\s+who\s+"
    r"(?:spoke|requested|asked|declined|was|were|is|are|had|has|have)\b[^.;“”\"]{0,140}?"
    r"(?:anonymity|named|identified|authori[sz]ed|publicly)[^.;“”\"]{0,80}?,?\s*$",
    re.IGNORECASE,
)


def _anonymous_subject(text: str, s_start: int, cue_start: int) -> tuple[int, int] | None:
    """The span of an anonymous source with its relative clause, ending at the cue."""
    m = _ANONYMOUS_SUBJECT.search(text[s_start:cue_start])
    if m is None:
        return None
    return strip_span(text, s_start + m.start(), cue_start, trailing=" ")


def _sentence_subject(toks: list[Token], limit: int) -> tuple[int, int] | None:
    """The leading proper name of a sentence ("Donald Trump’s campaign …"), if any."""
    k = 0
    # A dateline is not the subject: "OTTAWA — Several provinces …, saying …".
    caps = 0
    while caps < limit and toks[caps].text.isupper() and toks[caps].text.isalpha():
        caps += 1
    if 0 < caps < limit and toks[caps].text in ("—", "–", "-", ":"):
        k = caps + 1
    while k < limit and toks[k].low in LEADING_NOISE:
        k += 1
    start = k
    while k < limit and (toks[k].text[0].isupper() or toks[k].text in ("’s", "'s")):
        k += 1
    if k == start or toks[start].low in CLAUSE_STOP:
        if start < limit and toks[start].low in ("he", "she", "they"):
            return toks[start].start, toks[start].end
        return None
    # "Several provinces …": a quantifier and its noun.
    if k == start + 1 and toks[start].low in _QUANTIFIERS and k < limit and toks[k].text.isalpha():
        k += 1
    return toks[start].start, toks[k - 1].end


_QUANTIFIERS = frozenset(["several", "some", "many", "most", "few", "two", "three", "four", "both"])


def _source_after(toks: list[Token], idx: int) -> tuple[int, int] | None:
    """The noun phrase right after an inverted cue ("…, said Caddell."), up to punctuation."""
    picked: list[Token] = []
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


def _appositive(toks: list[Token], j: int) -> bool:
    """A comma inside the source NP: "a Russian analyst, Sergey Poletaev, editor of …"."""
    nxt = toks[j + 1] if j + 1 < len(toks) else None
    return bool(nxt and nxt.text[0].isupper() and nxt.low not in CLAUSE_STOP)


def _cue_group(toks: list[Token], idx: int) -> tuple[int, int]:
    """Extend a cue verb back over auxiliaries ("has stated") and on over particles."""
    a = idx
    while a - 1 >= 0 and toks[a - 1].low in AUXILIARIES and a - 1 >= idx - 3:
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
    text: str, toks: list[Token], b: int, sent_end: int, verb: str
) -> tuple[int, int] | None:
    """What follows a cue: skip the addressee of "told", time adverbials and commas."""
    k = b + 1
    if k >= len(toks):
        return None
    window = toks[k : k + 14]
    lows = [t.low for t in window]
    if verb in RECIPIENT_VERBS:
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
    m = TIME_LEAD.match(rest)
    while m and m.end() > 0:
        start += m.end()
        rest = text[start:sent_end]
        m = TIME_LEAD.match(rest)
    # "has reiterated in Friday comments that …": start the content at "that".
    head = rest[:60]
    that = re.search(r"\bthat\b", head)
    if that and re.match(r"^(?:in|at|on|during|to|with|before)\b", head):
        start += that.start()
    s, e = strip_span(text, start, sent_end)
    if e - s < 3:
        return None
    # "said, looking out on the crowd, “Who would have …”": the quotation is the content.
    if text[s] not in OPEN_QUOTES:
        q = re.search(r"[,:]\s*[“\"]", text[s:e])
        if q and q.start() < 80:
            s = s + q.end() - 1
    return s, e
