"""A small learned attribution tagger (cue, then source and content per cue), numpy only.

Two linear-chain taggers trained with the averaged structured perceptron over hashed
sparse features (Collins 2002), decoded with Viterbi:

1. the *cue tagger* labels every token of a sentence O / B / I (attribution cue words:
   "said", "according to", "wants", "in the poll", ":"…);
2. the *role tagger* runs once per cue over the cue's sentence and the next one and labels
   each token O / B-S / I-S / B-C / I-C (source, content), with features relative to the
   cue (signed distance, commas and quotation marks in between, the cue's words).

The weights (`weights.npz`, shipped in the package, no download at run time) were trained
by `bench/train_attribution.py` on the train split of PolNeAR: Edward Newell, Drew
Margolin, Derek Ruths, "An Attribution Relations Corpus for Political News", LREC 2018.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
from pathlib import Path

import numpy as np

WEIGHTS_PATH = Path(__file__).resolve().parent / "weights.npz"

CUE_TAGS = ("O", "B", "I")
ROLE_TAGS = ("O", "B-S", "I-S", "B-C", "I-C")
CUE_BITS = 18
ROLE_BITS = 19
# Added to the cue tags' scores at decoding: the perceptron is conservative on the long tail
# of cues, and trading some precision for recall raises cue F1 (tuned on train and dev).
CUE_BIAS = float(__import__("os").environ.get("FC_CUE_BIAS", "0"))

# The tokenizer the model was trained with (kept here, so changes elsewhere cannot shift it).
TOKEN = re.compile(
    r"(?:[A-Z]\.){2,}|(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|St|Jr|Sr|Lt|Col|Sgt|Prof)\.|"
    r"\w+(?:[’'\-.]\w+)*(?:[’']s)?|[^\w\s]"
)
_QUOTE_MARKS = frozenset('“”"‘’')
_SUBJ_PRON = frozenset(["he", "she", "they", "i", "we", "it", "who", "which"])


@dataclass
class Tok:
    start: int
    end: int
    text: str
    low: str
    shape: str
    inq: bool


def _shape(word: str) -> str:
    if word[0].isupper():
        return "X" if word.isupper() and len(word) > 1 else "Xx"
    if word[0].isdigit():
        return "d"
    if word[0].isalpha() or word[0] == "_":
        return "x"
    return word if len(word) == 1 else "p"


def _lemma(low: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if low.endswith(suffix) and len(low) - len(suffix) >= 3:
            return low[: -len(suffix)]
    return low


def tokens(text: str, start: int, end: int, quotes: list[tuple[int, int]]) -> list[Tok]:
    """Tokens of text[start:end]; `inq` marks those inside one of the (sorted) quotations."""
    near = [(a, b) for a, b in quotes if a < end and start < b]
    out = []
    for m in TOKEN.finditer(text, start, end):
        s = m.start()
        word = m.group(0)
        inq = any(a <= s < b for a, b in near) if near else False
        out.append(Tok(s, m.end(), word, word.lower(), _shape(word), inq))
    return out


# ---------------------------------------------------------------------------- hashing


class _Hashes(dict[str, int]):
    """Feature string -> bucket for one table size, computed once (CRC32 of bits + feature)."""

    def __init__(self, bits: int) -> None:
        super().__init__()
        self.bits = bits
        self.mask = (1 << bits) - 1

    def __missing__(self, feature: str) -> int:
        if len(self) > 1_000_000:
            self.clear()
        idx = zlib.crc32(f"{self.bits}{feature}".encode()) & self.mask
        self[feature] = idx
        return idx


_TABLES: dict[int, _Hashes] = {}


def _hash(feats: list[str], bits: int) -> list[int]:
    table = _TABLES.get(bits)
    if table is None:
        table = _TABLES[bits] = _Hashes(bits)
    return list(map(table.__getitem__, feats))


# ---------------------------------------------------------------------------- features


def cue_features(toks: list[Tok]) -> list[list[str]]:
    n = len(toks)
    lows = ["<s>", "<s>", "<s>", *[t.low for t in toks], "</s>", "</s>", "</s>"]
    has_quote = any(t.text in _QUOTE_MARKS for t in toks)
    # Is there a subject-like token (capitalised or pronoun) since the last comma, and what
    # comes within three tokens to the right ("that", a quotation mark, a colon)?
    subj = []
    seen = False
    for t in toks:
        if t.text in (",", ";", "—", "–") or t.text in _QUOTE_MARKS:
            seen = False
        subj.append(seen)
        seen = seen or t.shape in ("Xx", "X") or t.low in _SUBJ_PRON
    out = []
    for i, t in enumerate(toks):
        ahead = {x.low for x in toks[i + 1 : i + 4]}
        right = (
            ("t" if "that" in ahead else "")
            + ("q" if ahead & _QUOTE_MARKS else "")
            + (":" if ":" in ahead else "")
            + ("," if "," in ahead else "")
        )
        w = t.low
        p1, p2, n1, n2 = lows[i + 2], lows[i + 1], lows[i + 4], lows[i + 5]
        p3, n3 = lows[i], lows[i + 6]
        lem = _lemma(w)
        sj = "S" if subj[i] else "-"
        q = "q" if t.inq else "n"
        prev_shape = toks[i - 1].shape if i else "<s>"
        next_shape = toks[i + 1].shape if i + 1 < n else "</s>"
        out.append(
            [
                "b",
                "w=" + w,
                "l=" + lem,
                "s3=" + w[-3:],
                "sh=" + t.shape,
                "p1=" + p1,
                "n1=" + n1,
                "p2=" + p2,
                "n2=" + n2,
                "p1w=" + p1 + "|" + w,
                "wn1=" + w + "|" + n1,
                "p2p1=" + p2 + "|" + p1,
                "n1n2=" + n1 + "|" + n2,
                "q=" + q,
                "qw=" + q + w,
                "ql=" + q + lem,
                "psh=" + prev_shape + "|" + t.shape,
                "nsh=" + next_shape,
                "pos=" + (str(i) if i < 3 else "m" if i < n - 2 else "e"),
                "hq=" + ("1" if has_quote else "0") + lem,
                "p3=" + p3,
                "n3=" + n3,
                "tri=" + p1 + "|" + w + "|" + n1,
                "sj=" + sj,
                "sjl=" + sj + lem,
                "rt=" + right,
                "rtl=" + right + "|" + lem,
                "sjrt=" + sj + right + t.shape,
                "s4=" + w[-4:] + sj,
            ]
        )
    return out


def _bucket(d: int) -> str:
    a = abs(d)
    if a <= 4:
        return str(d)
    sign = "-" if d < 0 else "+"
    if a <= 8:
        return sign + "8"
    if a <= 15:
        return sign + "15"
    if a <= 30:
        return sign + "30"
    return sign + "far"


def role_features(toks: list[Tok], sent_of: list[int], ca: int, cb: int) -> list[list[str]]:
    """Features of each window token relative to the cue at tokens [ca, cb]."""
    n = len(toks)
    cue_words = " ".join(t.low for t in toks[ca : cb + 1])
    cue_lem = _lemma(toks[cb].low)
    cue_q = "q" if toks[ca].inq else "n"
    after = toks[cb + 1].low if cb + 1 < n else "</s>"
    before = toks[ca - 1].low if ca > 0 else "<s>"
    # Running counts of commas / quote marks / "that" between each token and the cue.
    commas = [0] * n
    quotes = [0] * n
    thats = [0] * n
    c = q = th = 0
    for i in range(ca - 1, -1, -1):
        commas[i], quotes[i], thats[i] = c, q, th
        w = toks[i].low
        c += w == ","
        q += toks[i].text in _QUOTE_MARKS
        th += w in ("that", "who", "which")
    c = q = th = 0
    for i in range(cb + 1, n):
        commas[i], quotes[i], thats[i] = c, q, th
        w = toks[i].low
        c += w in (",", ";")
        q += toks[i].text in _QUOTE_MARKS
        th += w in ("that", "who", "which")
    cue_sent = sent_of[ca]
    out = []
    for i, t in enumerate(toks):
        if i < ca:
            d, di = i - ca, "L"
        elif i > cb:
            d, di = i - cb, "R"
        else:
            d, di = 0, "C"
        db = _bucket(d)
        so = str(sent_of[i] - cue_sent)
        cm = str(min(commas[i], 3))
        qb = str(min(quotes[i], 2))
        th = str(min(thats[i], 2))
        w = t.low
        p1 = toks[i - 1].low if i else "<s>"
        n1 = toks[i + 1].low if i + 1 < n else "</s>"
        ctx = di + so
        iq = "q" if t.inq else "n"
        out.append(
            [
                "b",
                "db=" + db + so,
                "ctx=" + ctx,
                "w=" + w + ctx,
                "wdb=" + w + db,
                "sh=" + t.shape + ctx,
                "shdb=" + t.shape + db,
                "p1=" + p1 + ctx,
                "n1=" + n1 + ctx,
                "cm=" + cm + ctx,
                "cmq=" + cm + qb + th + ctx,
                "qb=" + qb + iq + cue_q + ctx,
                "th=" + th + ctx,
                "cw=" + cue_words + ctx,
                "cwdb=" + cue_words + db,
                "cl=" + cue_lem + ctx + cm,
                "aft=" + after + ctx,
                "aftdb=" + after + db,
                "bef=" + before + ctx,
                "shcm=" + t.shape + cm + qb + ctx,
                "psh=" + (toks[i - 1].shape if i else "<s>") + t.shape + ctx,
                "edge="
                + ("F" if i == 0 or sent_of[i - 1] != sent_of[i] else "")
                + ("E" if i + 1 == n or sent_of[i + 1] != sent_of[i] else "")
                + ctx,
            ]
        )
    return out


# ---------------------------------------------------------------------------- tagger


def allowed(tags: tuple[str, ...]) -> np.ndarray:
    """Transition mask: I-X only after B-X or I-X."""
    k = len(tags)
    ok = np.ones((k + 1, k), dtype=bool)  # row k: sequence start
    for j, cur in enumerate(tags):
        if cur.startswith("I"):
            typ = cur[1:]
            for i, prev in enumerate(tags):
                ok[i, j] = prev[1:] == typ and prev != "O"
            ok[k, j] = False
    return ok


class Tagger:
    """A linear-chain tagger: hashed emission weights W (buckets x tags), transitions T."""

    def __init__(self, tags: tuple[str, ...], bits: int, W: np.ndarray, T: np.ndarray):
        self.tags = tags
        self.bits = bits
        self.W = W
        self.T = T  # (tags + 1) x tags; last row is the start
        self.mask = np.where(allowed(tags), 0.0, -1e9)

    def emissions(self, idx: list[list[int]]) -> np.ndarray:
        flat = np.fromiter(chain.from_iterable(idx), dtype=np.int64)
        lens = np.fromiter(map(len, idx), dtype=np.int64, count=len(idx))
        starts = np.concatenate(([0], np.cumsum(lens)[:-1]))
        return np.add.reduceat(self.W[flat], starts, axis=0)

    def score(self, feats: list[list[str]]) -> np.ndarray:
        """Emission scores of each token, hashing the whole sequence's features in one pass."""
        table = _TABLES.get(self.bits)
        if table is None:
            table = _TABLES[self.bits] = _Hashes(self.bits)
        flat = np.fromiter(map(table.__getitem__, chain.from_iterable(feats)), dtype=np.int64)
        lens = np.fromiter(map(len, feats), dtype=np.int64, count=len(feats))
        starts = np.concatenate(([0], np.cumsum(lens)[:-1]))
        return np.add.reduceat(self.W[flat], starts, axis=0)

    def decode(self, E: np.ndarray) -> list[int]:
        T = self.T + self.mask
        n, k = E.shape
        score = T[k] + E[0]
        back = np.empty((n, k), dtype=np.int64)
        trans = T[:k]
        for t in range(1, n):
            cand = score[:, None] + trans
            back[t] = cand.argmax(axis=0)
            score = cand.max(axis=0) + E[t]
        best = [int(score.argmax())]
        for t in range(n - 1, 0, -1):
            best.append(int(back[t, best[-1]]))
        best.reverse()
        return best


@dataclass
class Found:
    source: tuple[int, int] | None
    cue: tuple[int, int]
    content: list[tuple[int, int]]


class Model:
    def __init__(self, cue: Tagger, role: Tagger, cue_bias: float = CUE_BIAS):
        self.cue = cue
        self.role = role
        self.cue_bias = cue_bias

    @classmethod
    def load(cls, path: Path = WEIGHTS_PATH) -> Model:
        with np.load(path) as data:
            taggers = []
            for name, tags, bits in (("cue", CUE_TAGS, CUE_BITS), ("role", ROLE_TAGS, ROLE_BITS)):
                W = np.zeros((1 << bits, len(tags)), dtype=np.float32)
                W[data[name + "_rows"]] = data[name + "_vals"].astype(np.float32)
                taggers.append(Tagger(tags, bits, W, data[name + "_T"].astype(np.float32)))
        return cls(*taggers)

    def save(self, path: Path) -> None:
        arrays = {}
        for name, tagger in (("cue", self.cue), ("role", self.role)):
            rows = np.flatnonzero(np.abs(tagger.W).max(axis=1) > 0)
            arrays[name + "_rows"] = rows.astype(np.int32)
            arrays[name + "_vals"] = tagger.W[rows].astype(np.float16)
            arrays[name + "_T"] = tagger.T.astype(np.float32)
        np.savez_compressed(path, **arrays)

    def cues(self, toks: list[Tok]) -> list[tuple[int, int]]:
        """Token index ranges [a, b] of the cues in one sentence."""
        if not toks:
            return []
        E = self.cue.score(cue_features(toks))
        E[:, 1:] += self.cue_bias
        tags = self.cue.decode(E)
        out = []
        start = None
        for i, tag in enumerate(tags):
            if tag == 1:
                if start is not None:
                    out.append((start, i - 1))
                start = i
            elif tag == 0 and start is not None:
                out.append((start, i - 1))
                start = None
        if start is not None:
            out.append((start, len(tags) - 1))
        return out

    def roles(self, toks: list[Tok], sent_of: list[int], ca: int, cb: int) -> list[int]:
        feats = role_features(toks, sent_of, ca, cb)
        E = self.role.score(feats)
        E[ca : cb + 1, 1:] -= 1e6  # the cue itself is neither source nor content
        return self.role.decode(E)

    def predict(
        self,
        text: str,
        sentences: list[tuple[int, int]],
        quotes: list[tuple[int, int]],
    ) -> list[Found]:
        """Attributions in `text`, whose sentences (in order) and quotations are given."""
        sent_toks = [tokens(text, s, e, quotes) for s, e in sentences]
        out: list[Found] = []
        for k, toks in enumerate(sent_toks):
            cues = self.cues(toks)
            if not cues:
                continue
            nxt = sent_toks[k + 1] if k + 1 < len(sent_toks) else []
            window = toks + nxt
            sent_of = [0] * len(toks) + [1] * len(nxt)
            for ca, cb in cues:
                tags = self.roles(window, sent_of, ca, cb)
                out.append(_spans(window, tags, (toks[ca].start, toks[cb].end)))
        return out


def _spans(window: list[Tok], tags: list[int], cue: tuple[int, int]) -> Found:
    runs: dict[str, list[list[int]]] = {"S": [], "C": []}
    prev = "O"
    for i, tag in enumerate(tags):
        name = ROLE_TAGS[tag]
        if name == "O":
            prev = "O"
            continue
        typ = name[-1]
        if name.startswith("B") or prev != typ:
            runs[typ].append([i, i])
        else:
            runs[typ][-1][1] = i
        prev = typ
    source = None
    if runs["S"]:
        # One source: the longest run (ties: the nearest before the cue).
        a, b = max(runs["S"], key=lambda r: (r[1] - r[0], -abs(window[r[0]].start - cue[0])))
        source = (window[a].start, window[b].end)
    content = [(window[a].start, window[b].end) for a, b in runs["C"]]
    return Found(source, cue, content)


@lru_cache(maxsize=1)
def load_model() -> Model | None:
    """The packaged model, or None when its weights file is missing."""
    if not WEIGHTS_PATH.exists():
        return None
    return Model.load(WEIGHTS_PATH)
