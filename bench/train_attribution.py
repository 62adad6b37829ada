"""Train the packaged attribution tagger (factcheck/suggest/model/weights.npz) on PolNeAR.

    python bench/train_attribution.py [--corpus DIR] [--epochs-cue N] [--epochs-role N]
                                      [--out PATH] [--keep-cue | --keep-role] [--cross-fit]
                                      [--negatives] [--negative-bias B]

Trains on the PolNeAR **train** split only (first annotator file per article, as the
scorer uses it): the cue tagger on every sentence, the role tagger on every gold cue (with
--negatives also on the false cues a recall-biased copy of the cue tagger proposes, with
--cross-fit proposed by taggers trained on the other half). Prints token-level figures on
train and dev and the model-alone figures on dev, and writes the weights (about 4 MB).
Deterministic: fixed shuffling seeds, features hashed with CRC32. About 4 minutes on one
core. The defaults reproduce the shipped weights.

PolNeAR: Edward Newell, Drew Margolin, Derek Ruths, "An Attribution Relations Corpus for
Political News", LREC 2018.
"""

from __future__ import annotations

import argparse
import collections
import random
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from attribution_bench import gold_files, parse_ann, prf, score_article  # noqa: E402

from factcheck.suggest import _paragraphs, _quote_spans, _sentences  # noqa: E402
from factcheck.suggest import model as am  # noqa: E402

SHARED = ROOT.parent / "shared"


def units(text: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Sentences and quotations of a text, as the suggester computes them."""
    sents: list[tuple[int, int]] = []
    quotes: list[tuple[int, int]] = []
    for a, b in _paragraphs(text):
        q = _quote_spans(text, a, b)
        quotes.extend(q)
        sents.extend(_sentences(text, a, b, q))
    return sents, quotes


def overlaps(tok: am.Tok, ranges: list[tuple[int, int]]) -> bool:
    return any(tok.start < e and s < tok.end for s, e in ranges)


def load_split(corpus: Path, split: str, all_annotators: bool = False) -> list[dict]:
    """Articles of a split with their gold: the first annotator's file, or (for training)
    one copy of the article per annotator file, as extra examples."""
    out = []
    by = gold_files(corpus / split)
    for stem in sorted(by):
        with open(corpus / split / "text" / f"{stem}.txt", encoding="utf-8") as handle:
            text = handle.read()
        sents, quotes = units(text)
        toks = [am.tokens(text, s, e, quotes) for s, e in sents]
        for ann in by[stem] if all_annotators else by[stem][:1]:
            out.append(
                {
                    "stem": stem,
                    "text": text,
                    "sents": sents,
                    "quotes": quotes,
                    "toks": toks,
                    "gold": parse_ann(ann),
                }
            )
    return out


def cue_examples(doc: dict) -> list[tuple[list[list[str]], list[int]]]:
    cue_ranges = [r for a in doc["gold"] for r in a["cue"]]
    out = []
    for toks in doc["toks"]:
        if not toks:
            continue
        tags = []
        prev_in = None
        for t in toks:
            hit = next((r for r in cue_ranges if t.start < r[1] and r[0] < t.end), None)
            if hit is None:
                tags.append(0)
            else:
                tags.append(2 if prev_in == hit else 1)
            prev_in = hit
        out.append((am.cue_features(toks), tags))
    return out


def role_examples(doc: dict) -> list[tuple[list[list[str]], list[int], tuple[int, int]]]:
    out = []
    all_toks = doc["toks"]
    for attr in doc["gold"]:
        if not attr["cue"]:
            continue
        cs, ce = attr["cue"][0]
        k = next((k for k, (a, b) in enumerate(doc["sents"]) if a <= cs < b), None)
        if k is None:
            continue
        toks = all_toks[k]
        cue_idx = [i for i, t in enumerate(toks) if t.start < ce and cs < t.end]
        if not cue_idx:
            continue
        ca, cb = cue_idx[0], cue_idx[-1]
        window, sent_of = am.role_window(all_toks, k, cb)
        tags = []
        prev = "O"
        for i, t in enumerate(window):
            if ca <= i <= cb:
                typ = "O"
            elif overlaps(t, attr["source"]):
                typ = "S"
            elif overlaps(t, attr["content"]):
                typ = "C"
            else:
                typ = "O"
            if typ == "O":
                tags.append(0)
            else:
                tags.append(am.ROLE_TAGS.index(("I-" if prev == typ else "B-") + typ))
            prev = typ
        out.append((am.role_features(window, sent_of, ca, cb), tags, (ca, cb)))
    return out


def negative_role_examples(
    doc: dict, cue_model: am.Model
) -> list[tuple[list[list[str]], list[int], tuple[int, int]]]:
    """Cues the cue tagger finds where the gold has none, labelled all O for the role tagger.

    The role tagger then learns to leave a false cue without source and content, and such a
    cue is dropped; this buys precision for a cue tagger biased towards recall.
    """
    gold_cues = [r for a in doc["gold"] for r in a["cue"]]
    out = []
    for k, toks in enumerate(doc["toks"]):
        for ca, cb in cue_model.cues(toks):
            span = (toks[ca].start, toks[cb].end)
            if any(s < span[1] and span[0] < e for s, e in gold_cues):
                continue
            window, sent_of = am.role_window(doc["toks"], k, cb)
            out.append((am.role_features(window, sent_of, ca, cb), [0] * len(window), (ca, cb)))
    return out


def train(
    tags: tuple[str, ...], bits: int, examples: list, epochs: int, seed: int, cue_mask: bool
) -> am.Tagger:
    k = len(tags)
    W = np.zeros((1 << bits, k), dtype=np.float64)
    U = np.zeros_like(W)
    T = np.zeros((k + 1, k), dtype=np.float64)
    TU = np.zeros_like(T)
    tagger = am.Tagger(tags, bits, W, T)
    prepared = []
    for ex in examples:
        feats, gold = ex[0], ex[1]
        idx = [am._hash(f, bits) for f in feats]
        flat = np.fromiter((i for row in idx for i in row), dtype=np.int64)
        lens = np.fromiter((len(r) for r in idx), dtype=np.int64, count=len(idx))
        starts = np.concatenate(([0], np.cumsum(lens)[:-1]))
        prepared.append((idx, flat, starts, gold, ex[2] if cue_mask else None))
    rng = random.Random(seed)
    c = 1
    for epoch in range(epochs):
        order = list(range(len(prepared)))
        rng.shuffle(order)
        wrong = 0
        for n in order:
            idx, flat, starts, gold, cue = prepared[n]
            E = np.add.reduceat(W[flat], starts, axis=0)
            if cue is not None:
                E[cue[0] : cue[1] + 1, 1:] -= 1e6
            pred = tagger.decode(E)
            if pred != gold:
                wrong += 1
                prev_g = prev_p = k
                for t, (g, p) in enumerate(zip(gold, pred, strict=True)):
                    if g != p:
                        rows = np.asarray(idx[t])
                        np.add.at(W, (rows, g), 1.0)
                        np.add.at(W, (rows, p), -1.0)
                        np.add.at(U, (rows, g), c)
                        np.add.at(U, (rows, p), -c)
                    if (prev_g, g) != (prev_p, p):
                        T[prev_g, g] += 1
                        T[prev_p, p] -= 1
                        TU[prev_g, g] += c
                        TU[prev_p, p] -= c
                    prev_g, prev_p = g, p
            c += 1
        print(f"  epoch {epoch + 1}: {wrong}/{len(prepared)} sequences wrong", flush=True)
    W_avg = (W - U / c).astype(np.float32)
    T_avg = (T - TU / c).astype(np.float32)
    return am.Tagger(tags, bits, W_avg, T_avg)


def token_prf(tagger: am.Tagger, examples: list, cue_mask: bool) -> str:
    tp = fp = fn = 0
    for ex in examples:
        feats, gold = ex[0], ex[1]
        E = tagger.emissions([am._hash(f, tagger.bits) for f in feats])
        if cue_mask:
            E[ex[2][0] : ex[2][1] + 1, 1:] -= 1e6
        pred = tagger.decode(E)
        for g, p in zip(gold, pred, strict=True):
            gt, pt = tagger.tags[g][-1], tagger.tags[p][-1]
            if p and g and gt == pt:
                tp += 1
            else:
                fp += p != 0
                fn += g != 0
    p, r, f = prf({"tp": tp, "fp": fp, "fn": fn})
    return f"P={p:.3f} R={r:.3f} F1={f:.3f}"


def model_alone(model: am.Model, docs: list[dict]) -> dict:
    tot: dict = collections.defaultdict(lambda: {"tp": 0, "fp": 0, "fn": 0})
    for doc in docs:
        found = model.predict(doc["text"], doc["sents"], doc["quotes"])
        preds = [
            {"source": [f.source] if f.source else [], "cue": [f.cue], "content": f.content}
            for f in found
            if f.content
        ]
        score_article(doc["text"], doc["gold"], preds, tot)
    return {k: prf(tot[k]) for k in ("source", "cue", "content", "attribution")}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--corpus", type=Path, default=SHARED / "corpora" / "polnear")
    ap.add_argument("--epochs-cue", type=int, default=10)
    ap.add_argument("--epochs-role", type=int, default=8)
    ap.add_argument("--out", type=Path, default=am.WEIGHTS_PATH)
    ap.add_argument(
        "--negative-bias",
        type=float,
        default=16.0,
        help="cue-score bias of the tagger that proposes false cues for the role tagger",
    )
    ap.add_argument(
        "--negatives",
        action="store_true",
        help="train the role tagger on false cues too (labelled all O; no better on dev now "
        "that the suggester keeps a cue without content)",
    )
    ap.add_argument(
        "--cross-fit",
        action="store_true",
        help="propose false cues with taggers trained on the other half of the split "
        "(more of them; no better on dev)",
    )
    ap.add_argument(
        "--keep-cue",
        action="store_true",
        help="retrain the role tagger only; keep the cue tagger of the current weights",
    )
    ap.add_argument(
        "--keep-role",
        action="store_true",
        help="retrain the cue tagger only; keep the role tagger of the current weights",
    )
    args = ap.parse_args()
    t0 = time.time()
    train_docs = load_split(args.corpus, "train")
    dev_docs = load_split(args.corpus, "dev")
    print(f"loaded {len(train_docs)} train, {len(dev_docs)} dev articles ({time.time() - t0:.0f}s)")

    if args.keep_cue:
        cue = am.Model.load(am.WEIGHTS_PATH).cue
    else:
        cue_train = [ex for d in train_docs for ex in cue_examples(d)]
        cue_dev = [ex for d in dev_docs for ex in cue_examples(d)]
        print(f"cue tagger: {len(cue_train)} sentences")
        cue = train(am.CUE_TAGS, am.CUE_BITS, cue_train, args.epochs_cue, seed=0, cue_mask=False)
        print(f"  cue tokens train {token_prf(cue, cue_train, False)}")
        print(f"  cue tokens dev   {token_prf(cue, cue_dev, False)}")

    if args.keep_role:
        role = am.Model.load(am.WEIGHTS_PATH).role
        _finish(am.Model(cue, role), args.out, train_docs, dev_docs, t0)
        return 0
    role_train = [ex for d in train_docs for ex in role_examples(d)]
    role_dev = [ex for d in dev_docs for ex in role_examples(d)]
    # With --negatives, false cues to learn from, proposed by the cue tagger biased towards
    # recall; with --cross-fit by taggers each trained on the other half of the split instead.
    negatives = []
    if args.negatives and args.cross_fit:
        halves = (train_docs[0::2], train_docs[1::2])
        for held, other in ((halves[0], halves[1]), (halves[1], halves[0])):
            part = [ex for d in other for ex in cue_examples(d)]
            half = train(am.CUE_TAGS, am.CUE_BITS, part, args.epochs_cue, seed=2, cue_mask=False)
            proposer = am.Model(half, half, cue_bias=args.negative_bias)
            negatives += [ex for d in held for ex in negative_role_examples(d, proposer)]
    elif args.negatives:
        proposer = am.Model(cue, cue, cue_bias=args.negative_bias)
        negatives = [ex for d in train_docs for ex in negative_role_examples(d, proposer)]
    print(f"role tagger: {len(role_train)} gold cues, {len(negatives)} false cues")
    role_train += negatives
    role = train(am.ROLE_TAGS, am.ROLE_BITS, role_train, args.epochs_role, seed=1, cue_mask=True)
    print(f"  role tokens (gold cues) train {token_prf(role, role_train, True)}")
    print(f"  role tokens (gold cues) dev   {token_prf(role, role_dev, True)}")

    _finish(am.Model(cue, role), args.out, train_docs, dev_docs, t0)
    return 0


def _finish(
    model: am.Model, out: Path, train_docs: list[dict], dev_docs: list[dict], t0: float
) -> None:
    """Save the weights and print the model-alone figures of what ships."""
    args_out = out
    model.save(args_out)
    print(f"wrote {args_out} ({args_out.stat().st_size / 1e6:.2f} MB)")
    model = am.Model.load(args_out)  # score what ships (float16 weights)
    for name, docs in (("dev", dev_docs),):
        res = model_alone(model, docs)
        figures = "  ".join(
            f"{k} F1={v[2]:.3f} (P={v[0]:.3f} R={v[1]:.3f})" for k, v in res.items()
        )
        print(f"model alone, {name}: {figures}")
    print(f"done in {time.time() - t0:.0f}s")


if __name__ == "__main__":
    sys.exit(main())
