"""A small learned attribution tagger (cue, then source and content per cue), numpy only.

Two linear-chain taggers trained with the averaged structured perceptron over hashed
sparse features (Collins 2002), decoded with Viterbi (all sentences of an article at once):

1. the *cue tagger* labels every token of a sentence O / B / I (attribution cue words:
   "said", "according to", "wants", "is demanding", ":"…); a bias on the cue tags, tuned
   on train and dev, trades some precision for recall;
2. the *role tagger* runs once per cue over the cue's sentence (and the next one when the
   cue ends its sentence) and labels each token O / B-S / I-S / B-C / I-C (source,
   content), with features relative to the cue (signed distance, commas and quotation
   marks in between, the cue's words and lemma by distance, the content words in between,
   clause openings). It is trained on the gold cues only; the suggester gives a cue it
   finds no content for a fallback content.

A cue the tagger also finds with the smaller `SURE_BIAS` is *sure*; the suggester gives
sources to sure cues only.

The weights (`weights.npz`, a few MB, shipped in the package: nothing is downloaded at run
time) were trained by `bench/train_attribution.py` on the train split of PolNeAR: Edward
Newell, Drew Margolin, Derek Ruths, "An Attribution Relations Corpus for Political News",
LREC 2018.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain, product, repeat
from pathlib import Path

import numpy as np

WEIGHTS_PATH = Path(__file__).resolve().parent / "weights.npz"

CUE_TAGS = ("O", "B", "I")
ROLE_TAGS = ("O", "B-S", "I-S", "B-C", "I-C")
CUE_BITS = 18
ROLE_BITS = 19
CUE_WIDTH = 29  # features per token of each tagger
ROLE_WIDTH = 32
# Added to the cue tags' scores at decoding: the perceptron is conservative on the long tail
# of cues, and trading some precision for recall raises cue F1 (tuned on train and dev:
# flat from 16 to 24, dev cue F1 0.649-0.651, best at 17-18).
CUE_BIAS = 17.0
# The smaller bias at which a cue counts as sure: the suggester gives a source only to sure
# cues (the others' sources are mostly wrong), trading source recall for precision.
SURE_BIAS = 12.0

# The tokenizer the model was trained with (kept here, so changes elsewhere cannot shift it).
TOKEN = re.compile(
    r"(?:[A-Z]\.){2,}|(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|St|Jr|Sr|Lt|Col|Sgt|Prof)\.|"
    r"\w+(?:[’'\-.]\w+)*(?:[’']s)?|[^\w\s]"
)
_QUOTE_MARKS = frozenset('“”"‘’')
_PUNCT_SHAPES = frozenset(["p", *'.,;:!?“”"‘’()[]—–-'])
_NEXT_WORDS = 1  # words after a cue up to which the next sentence joins the role window
_SUBJ_PRON = frozenset(["he", "she", "they", "i", "we", "it", "who", "which"])
_CLAUSE_OPEN = frozenset(["<s>", ",", ";", ":", "that", "“", '"', "—", "–", "(", "and", "but"])
_FUNCTION = frozenset(
    [
        "the",
        "a",
        "an",
        "of",
        "to",
        "in",
        "on",
        "at",
        "for",
        "from",
        "by",
        "with",
        "and",
        "or",
        "but",
        "as",
        "that",
        "this",
        "these",
        "those",
        "its",
        "his",
        "her",
        "their",
        "our",
        "who",
        "which",
        "whom",
        "whose",
        "also",
        "not",
    ]
)


@dataclass(slots=True)
class Tok:
    start: int
    end: int
    text: str
    low: str
    shape: str
    inq: bool


@lru_cache(maxsize=65536)
def _shape(word: str) -> str:
    if word[0].isupper():
        return "X" if word.isupper() and len(word) > 1 else "Xx"
    if word[0].isdigit():
        return "d"
    if word[0].isalpha() or word[0] == "_":
        return "x"
    return word if len(word) == 1 else "p"


@lru_cache(maxsize=65536)
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


class _Hashes:
    """Feature string -> row for one table size: CRC32 of bits + feature.

    The CRC of the prefix is computed once and continued over each feature (the same value
    as the CRC of the concatenation), in C-level `map`s: faster than a dict cache, whose
    lookups miss the CPU caches once it holds a few hundred thousand features.
    """

    def __init__(self, bits: int) -> None:
        self.bits = bits
        self.mask = (1 << bits) - 1
        self.seed = zlib.crc32(str(bits).encode())

    def __call__(self, feats: list[str]) -> np.ndarray:
        crcs = map(zlib.crc32, map(str.encode, feats), repeat(self.seed))
        return np.fromiter(crcs, dtype=np.int64, count=len(feats)) & self.mask


_TABLES: dict[int, _Hashes] = {}


def _table(bits: int) -> _Hashes:
    table = _TABLES.get(bits)
    if table is None:
        table = _TABLES[bits] = _Hashes(bits)
    return table


def _hash(feats: list[str], bits: int) -> list[int]:
    return _table(bits)(feats).tolist()


# ---------------------------------------------------------------------------- features


# What a token contributes to the "right" feature ("that", a quotation mark, a colon or a
# comma within three tokens to the right), and the feature for each three tokens' marks:
# looked up per token instead of a set built per token.
_RIGHT_MARK = {"that": "t", ":": ":", ",": ",", **dict.fromkeys(_QUOTE_MARKS, "q")}
_RIGHT = {
    marks: "".join(mark for mark in "tq:," if mark in marks)
    for marks in product(("", "t", "q", ":", ","), repeat=3)
}
_SUBJ_RESET = frozenset([",", ";", "—", "–", *_QUOTE_MARKS])


def cue_features(toks: list[Tok]) -> list[list[str]]:
    """The cue tagger's features of each token (for training; tagging uses `_cue_flat`)."""
    flat = _cue_flat(toks)
    return [flat[i : i + CUE_WIDTH] for i in range(0, len(flat), CUE_WIDTH)]


def _cue_flat(toks: list[Tok]) -> list[str]:
    """Every token's `CUE_WIDTH` features in one list: no list per token to build and then
    flatten again before hashing."""
    n = len(toks)
    lows = ["<s>", "<s>", "<s>", *[t.low for t in toks], "</s>", "</s>", "</s>"]
    shapes = ["<s>", *[t.shape for t in toks], "</s>"]
    hq = "1" if any(t.text in _QUOTE_MARKS for t in toks) else "0"
    marks = [_RIGHT_MARK.get(low, "") for low in lows]
    out: list[str] = []
    # Is there a subject-like token (capitalised or pronoun) since the last comma, and what
    # comes within three tokens to the right ("that", a quotation mark, a colon)?
    seen = False
    for i, t in enumerate(toks):
        if t.text in _SUBJ_RESET:
            seen = False
        sj = "S" if seen else "-"
        shape = t.shape
        w = t.low
        seen = seen or shape == "Xx" or shape == "X" or w in _SUBJ_PRON
        right = _RIGHT[marks[i + 4], marks[i + 5], marks[i + 6]]
        p3, p2, p1 = lows[i], lows[i + 1], lows[i + 2]
        n1, n2, n3 = lows[i + 4], lows[i + 5], lows[i + 6]
        lem = _lemma(w)
        q = "q" if t.inq else "n"
        # f-strings: one string built per feature, not one per "+".
        out += (
            "b",
            "w=" + w,
            "l=" + lem,
            "s3=" + w[-3:],
            "sh=" + shape,
            "p1=" + p1,
            "n1=" + n1,
            "p2=" + p2,
            "n2=" + n2,
            f"p1w={p1}|{w}",
            f"wn1={w}|{n1}",
            f"p2p1={p2}|{p1}",
            f"n1n2={n1}|{n2}",
            "q=" + q,
            f"qw={q}{w}",
            f"ql={q}{lem}",
            f"psh={shapes[i]}|{shape}",
            "nsh=" + shapes[i + 2],
            "pos=" + (str(i) if i < 3 else "m" if i < n - 2 else "e"),
            f"hq={hq}{lem}",
            "p3=" + p3,
            "n3=" + n3,
            f"tri={p1}|{w}|{n1}",
            "sj=" + sj,
            f"sjl={sj}{lem}",
            "rt=" + right,
            f"rtl={right}|{lem}",
            f"sjrt={sj}{right}{shape}",
            f"s4={w[-4:]}{sj}",
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


_CAPPED = ("0", "1", "2", "3", "4")


def role_features(toks: list[Tok], sent_of: list[int], ca: int, cb: int) -> list[list[str]]:
    """Features of each window token relative to the cue at tokens [ca, cb] (for training;
    tagging uses `_role_flat`)."""
    flat = _role_flat(toks, sent_of, ca, cb)
    return [flat[i : i + ROLE_WIDTH] for i in range(0, len(flat), ROLE_WIDTH)]


def _role_flat(toks: list[Tok], sent_of: list[int], ca: int, cb: int) -> list[str]:
    """Every window token's `ROLE_WIDTH` features in one list."""
    n = len(toks)
    lows = [t.low for t in toks]
    shapes = [t.shape for t in toks]
    cue_words = " ".join(lows[ca : cb + 1])
    cue_lem = _lemma(lows[cb])
    cue_q = "q" if toks[ca].inq else "n"
    after = lows[cb + 1] if cb + 1 < n else "</s>"
    before = lows[ca - 1] if ca > 0 else "<s>"
    # Running counts of commas / quote marks / "that" between each token and the cue, and of
    # lowercase content words: a source is mostly a noun phrase next to its cue, with no
    # other clause in between.
    commas = [0] * n
    quotes = [0] * n
    thats = [0] * n
    lowers = [0] * n
    c = q = th = lw = 0
    for i in range(ca - 1, -1, -1):
        commas[i], quotes[i], thats[i], lowers[i] = c, q, th, lw
        w = lows[i]
        c += w == ","
        q += toks[i].text in _QUOTE_MARKS
        th += w in ("that", "who", "which")
        lw += shapes[i] == "x" and w not in _FUNCTION
    c = q = th = lw = 0
    for i in range(cb + 1, n):
        commas[i], quotes[i], thats[i], lowers[i] = c, q, th, lw
        w = lows[i]
        c += w in (",", ";")
        q += toks[i].text in _QUOTE_MARKS
        th += w in ("that", "who", "which")
        lw += shapes[i] == "x" and w not in _FUNCTION
    cue_sent = sent_of[ca]
    padded_lows = ["<s>", "<s>", *lows, "</s>", "</s>"]
    padded_shapes = ["<s>", *shapes, "</s>"]
    out: list[str] = []
    for i, t in enumerate(toks):
        if i < ca:
            d, di = i - ca, "L"
        elif i > cb:
            d, di = i - cb, "R"
        else:
            d, di = 0, "C"
        db = _bucket(d)
        sent = sent_of[i]
        so = str(sent - cue_sent)
        cm = _CAPPED[commas[i]] if commas[i] < 3 else "3"
        qb = _CAPPED[quotes[i]] if quotes[i] < 2 else "2"
        thb = _CAPPED[thats[i]] if thats[i] < 2 else "2"
        lwb = _CAPPED[lowers[i]] if lowers[i] < 4 else "4"
        w = lows[i]
        shape = shapes[i]
        p1, n1 = padded_lows[i + 1], padded_lows[i + 3]
        psh, nsh = padded_shapes[i], padded_shapes[i + 2]
        ctx = di + so
        iq = "q" if t.inq else "n"
        edge = ("F" if i == 0 or sent_of[i - 1] != sent else "") + (
            "E" if i + 1 == n or sent_of[i + 1] != sent else ""
        )
        # f-strings: one string built per feature, not one per "+".
        out += (
            "b",
            f"db={db}{so}",
            "ctx=" + ctx,
            f"w={w}{ctx}",
            f"wdb={w}{db}",
            f"sh={shape}{ctx}",
            f"shdb={shape}{db}",
            f"p1={p1}{ctx}",
            f"n1={n1}{ctx}",
            f"cm={cm}{ctx}",
            f"cmq={cm}{qb}{thb}{ctx}",
            f"qb={qb}{iq}{cue_q}{ctx}",
            f"th={thb}{ctx}",
            f"cw={cue_words}{ctx}",
            f"cwdb={cue_words}{db}",
            f"cl={cue_lem}{ctx}{cm}",
            f"aft={after}{ctx}",
            f"aftdb={after}{db}",
            f"bef={before}{ctx}",
            f"shcm={shape}{cm}{qb}{ctx}",
            f"psh={psh}{shape}{ctx}",
            f"edge={edge}{ctx}",
            f"lw={lwb}{cm}{ctx}",
            f"lwsh={lwb}{shape}{iq}{ctx}",
            f"tsh={psh}{shape}{nsh}{ctx}",
            f"s3={w[-3:]}{ctx}",
            f"wcl={w}|{cue_lem}{db}",
            f"p2={padded_lows[i]}{ctx}",
            f"n2={padded_lows[i + 4]}{ctx}",
            f"cs={'S' if p1 in _CLAUSE_OPEN else '-'}{shape}{ctx}",
            f"cldb={cue_lem}{db}{so}",
            f"pn={psh}{nsh}{db}",
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
        if not feats:
            return np.zeros((0, len(self.tags)), dtype=self.W.dtype)
        flat = _table(self.bits)(list(chain.from_iterable(feats)))
        lens = np.fromiter(map(len, feats), dtype=np.int64, count=len(feats))
        starts = np.concatenate(([0], np.cumsum(lens)[:-1]))
        return np.add.reduceat(self.W[flat], starts, axis=0)

    def score_many(self, feats: list[list[list[str]]]) -> list[np.ndarray]:
        """Emission scores of several sequences with one hashing pass and one gather."""
        if not feats:
            return []
        flat_rows = list(chain.from_iterable(feats))
        E = self.score(flat_rows)
        bounds = np.cumsum([len(f) for f in feats])[:-1]
        return np.split(E, bounds)

    def score_flat(self, flats: list[list[str]], width: int) -> list[np.ndarray]:
        """`score_many` for sequences given as flat feature lists of `width` features per
        token: the same sums, without a list per token."""
        flat: list[str] = []
        for features in flats:
            flat += features
        if not flat:
            return [np.zeros((0, len(self.tags)), dtype=self.W.dtype) for _ in flats]
        rows = _table(self.bits)(flat)
        E = np.add.reduceat(self.W[rows], np.arange(0, len(flat), width), axis=0)
        bounds = np.cumsum([len(features) // width for features in flats])[:-1]
        return np.split(E, bounds)

    def decode_many(self, Es: list[np.ndarray]) -> list[list[int]]:
        """Viterbi over several sequences at once (padded): one numpy step per position."""
        if not Es:
            return []
        k = len(self.tags)
        lengths = np.array([len(e) for e in Es])
        n_max = int(lengths.max())
        E = np.zeros((len(Es), n_max, k), dtype=np.float32)
        for s, e in enumerate(Es):
            E[s, : len(e)] = e
        T = (self.T + self.mask).astype(np.float32)
        trans = T[:k][None, :, :]
        score = T[k][None, :] + E[:, 0, :]
        back = np.zeros((len(Es), n_max, k), dtype=np.int64)
        for t in range(1, n_max):
            cand = score[:, :, None] + trans
            back[:, t] = cand.argmax(axis=1)
            new = cand.max(axis=1) + E[:, t]
            score = np.where((t < lengths)[:, None], new, score)
        # Backtrack all sequences together; each one starts at its own last position.
        ends = score.argmax(axis=1)
        last = lengths - 1
        rows = np.arange(len(Es))
        path = np.zeros((len(Es), n_max), dtype=np.int64)
        state = np.zeros(len(Es), dtype=np.int64)
        for t in range(n_max - 1, -1, -1):
            state = np.where(last == t, ends, state)
            path[:, t] = state
            if t:
                state = np.where(t <= last, back[rows, t, state], state)
        return [path[s, :n].tolist() for s, n in enumerate(lengths.tolist())]

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


def role_window(sent_toks: list[list[Tok]], k: int, cb: int) -> tuple[list[Tok], list[int]]:
    """The tokens the role tagger labels for a cue ending at token `cb` of sentence `k`.

    The next sentence holds source or content mostly when the cue ends its own sentence
    ("… Stubb said. “…”", "… as follows:"); elsewhere it is left out, which halves the work.
    """
    toks = sent_toks[k]
    nxt = sent_toks[k + 1] if k + 1 < len(sent_toks) else []
    words_after = sum(t.shape not in _PUNCT_SHAPES for t in toks[cb + 1 :])
    if nxt and (words_after <= _NEXT_WORDS or toks[-1].text == ":"):
        return toks + nxt, [0] * len(toks) + [1] * len(nxt)
    return toks, [0] * len(toks)


@dataclass
class Found:
    source: tuple[int, int] | None
    cue: tuple[int, int]
    content: list[tuple[int, int]]
    margin: float = 0.0  # the cue tagger's own confidence (see Model.scored_cues)
    sure: bool = True  # also found with the smaller bias (see Model.scored_cues)


class Model:
    def __init__(
        self, cue: Tagger, role: Tagger, cue_bias: float = CUE_BIAS, sure_bias: float = SURE_BIAS
    ):
        self.cue = cue
        self.role = role
        self.cue_bias = cue_bias
        self.sure_bias = sure_bias

    @classmethod
    def load(cls, path: Path = WEIGHTS_PATH) -> Model:
        with np.load(path) as data:
            taggers = []
            for name, tags, bits in (("cue", CUE_TAGS, CUE_BITS), ("role", ROLE_TAGS, ROLE_BITS)):
                W = np.zeros((1 << bits, len(tags)), dtype=np.float32)
                W[data[name + "_rows"]] = data[name + "_vals"].astype(np.float32)
                taggers.append(Tagger(tags, bits, W, data[name + "_T"].astype(np.float32)))
        cue, role = taggers
        return cls(cue, role)

    def save(self, path: Path) -> None:
        arrays = {}
        for name, tagger in (("cue", self.cue), ("role", self.role)):
            rows = np.flatnonzero(np.abs(tagger.W).max(axis=1) > 0)
            arrays[name + "_rows"] = rows.astype(np.int32)
            arrays[name + "_vals"] = tagger.W[rows].astype(np.float16)
            arrays[name + "_T"] = tagger.T.astype(np.float32)
        np.savez_compressed(path, **arrays)  # type: ignore[arg-type]  # mypy checks **arrays against the allow_pickle: bool keyword too

    def cues(self, toks: list[Tok]) -> list[tuple[int, int]]:
        """Token index ranges [a, b] of the cues in one sentence."""
        return self.cues_many([toks])[0]

    def cues_many(self, sent_toks: list[list[Tok]]) -> list[list[tuple[int, int]]]:
        """Cue token ranges [a, b] of each sentence, all sentences decoded together."""
        return [[c[:2] for c in cues] for cues in self.scored_cues(sent_toks)]

    def scored_cues(self, sent_toks: list[list[Tok]]) -> list[list[tuple[int, int, float, bool]]]:
        """Cue token ranges [a, b] of each sentence with their margin and whether they are sure.

        The margin is the weakest cue token's score for being a cue over being O, before
        the bias: how sure the tagger is on its own, for callers that want more evidence
        where nothing else supports the cue. A cue is *sure* when decoding with the smaller
        `sure_bias` finds it too.
        """
        live = [k for k, toks in enumerate(sent_toks) if toks]
        Es = self.cue.score_flat([_cue_flat(sent_toks[k]) for k in live], CUE_WIDTH)
        margins = []
        lows = []
        for E in Es:
            margins.append((E[:, 1:].max(axis=1) - E[:, 0]).tolist())
            low = E.copy()
            low[:, 1:] += self.sure_bias
            lows.append(low)
            E[:, 1:] += self.cue_bias
        out: list[list[tuple[int, int, float, bool]]] = [[] for _ in sent_toks]
        decoded = self.cue.decode_many(Es + lows)
        for n, (k, margin) in enumerate(zip(live, margins, strict=True)):
            sure = [t != 0 for t in decoded[len(live) + n]]
            out[k] = [
                (a, b, min(margin[a : b + 1]), any(sure[a : b + 1])) for a, b in _runs(decoded[n])
            ]
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
        jobs = []
        margins = []
        for k, cues in enumerate(self.scored_cues(sent_toks)):
            toks = sent_toks[k]
            for ca, cb, margin, sure in cues:
                window, sent_of = role_window(sent_toks, k, cb)
                jobs.append((window, sent_of, ca, cb, (toks[ca].start, toks[cb].end)))
                margins.append((margin, sure))
        if not jobs:
            return []
        Es = self.role.score_flat(
            [_role_flat(w, so, ca, cb) for w, so, ca, cb, _ in jobs], ROLE_WIDTH
        )
        for E, (_, _, ca, cb, _) in zip(Es, jobs, strict=True):
            E[ca : cb + 1, 1:] -= 1e6  # the cue itself is neither source nor content
        tags = self.role.decode_many(Es)
        out = [_spans(job[0], t, job[4]) for job, t in zip(jobs, tags, strict=True)]
        for found, (margin, sure) in zip(out, margins, strict=True):
            found.margin = margin
            found.sure = sure
        return out


def _runs(tags: list[int]) -> list[tuple[int, int]]:
    """Token ranges [a, b] of the B/I runs of a cue tagging."""
    runs = []
    start = None
    for i, tag in enumerate(tags):
        if tag == 1:
            if start is not None:
                runs.append((start, i - 1))
            start = i
        elif tag == 0 and start is not None:
            runs.append((start, i - 1))
            start = None
    if start is not None:
        runs.append((start, len(tags) - 1))
    return runs


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
