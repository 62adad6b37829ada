"""Check-worthiness: 5-fold cross-validation on ClaimBuster, speed, and the cost at import.

    .venv/bin/python bench/checkworthy_bench.py [--corpus CSV] [--folds K] [--no-import]

Prints, for the check-worthy class of `claimbuster_2.5xNCS.csv` (9,674 debate sentences;
Arslan, Hassan, Li, Tremayne, ICWSM 2020, CC BY 4.0): precision, recall and F1 at the
product's threshold (0.5) and average precision of the ranking, each fold trained by
`bench/train_checkworthy.fit` with the shipped settings on the other folds; then sentences
per second of the shipped model on one core (features, scores, reasons and kinds); then
what scoring adds to importing the demo article and, when `../shared` has it, the PolNeAR
train texts (split + store in SQLite, with and without scores, runs interleaved).
Targets: F1 ≥ 0.80, ≥ 2,000 sentences/s, import ≤ 10% slower.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from train_checkworthy import CORPUS, fit, folds, load_corpus  # noqa: E402

from factcheck.checkworthy import DEFAULT_THRESHOLD, features, load_model  # noqa: E402

SHARED = ROOT.parent / "shared"


def average_precision(scores: np.ndarray, labels: np.ndarray) -> float:
    """Mean of the precision at each positive, ranked by score (ties in index order)."""
    order = np.argsort(-scores, kind="stable")
    hits = labels[order]
    precision_at = np.cumsum(hits) / np.arange(1, len(hits) + 1)
    return float((precision_at * hits).sum() / max(1, hits.sum()))


def cross_validate(texts: list[str], labels: np.ndarray, k: int) -> dict[str, float]:
    feature_lists = [features(t) for t in texts]
    scores = np.zeros(len(texts))
    for test in folds(len(texts), k):
        train = np.setdiff1d(np.arange(len(texts)), test)
        model = fit([feature_lists[i] for i in train], labels[train])
        logits = model.logits(feature_lists[i] for i in test)
        scores[test] = 1.0 / (1.0 + np.exp(-logits))
    predicted = scores >= DEFAULT_THRESHOLD
    tp = int((predicted & (labels == 1)).sum())
    precision = tp / max(1, int(predicted.sum()))
    recall = tp / max(1, int(labels.sum()))
    f1 = 2 * precision * recall / max(1e-9, precision + recall)
    return {"P": precision, "R": recall, "F1": f1, "AP": average_precision(scores, labels)}


def speed(texts: list[str], repeats: int = 3) -> float:
    """Sentences per second of the shipped model's `assess` (best of `repeats`)."""
    model = load_model()
    model.assess(texts[:100])
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        for i in range(0, len(texts), 40):  # an article's worth at a time, as imports do
            model.assess(texts[i : i + 40])
        best = min(best, time.perf_counter() - started)
    return len(texts) / best


def import_cost(texts: list[str], rounds: int = 5) -> tuple[float, float]:
    """Median seconds to split and store `texts` as articles in SQLite (what `factcheck
    import` does per file), without and with scores; runs interleaved."""
    from factcheck.services import articles
    from factcheck.store.engine import make_engine, write

    scorer = articles.score_claims
    times: dict[bool, list[float]] = {False: [], True: []}
    for n in range(rounds):
        for scored in (False, True):
            articles.score_claims = scorer if scored else (lambda split: split)  # type: ignore[assignment]
            with tempfile.TemporaryDirectory() as folder:
                engine = make_engine(f"sqlite:///{Path(folder) / 'bench.db'}")
                started = time.perf_counter()
                for i, text in enumerate(texts):
                    body = f"{text}\n\n(bench copy {n} {i} {scored})"
                    split = articles.split_article(body)
                    write(
                        engine,
                        lambda s, body=body, split=split: articles.import_text(
                            s, body, split=split
                        ),
                    )
                times[scored].append(time.perf_counter() - started)
                engine.dispose()
    articles.score_claims = scorer
    return statistics.median(times[False]), statistics.median(times[True])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--no-import", action="store_true", help="skip the import timing")
    args = ap.parse_args()
    if not args.corpus.exists():
        sys.exit(f"{args.corpus} not found (../shared absent?): nothing to measure")
    texts, labels = load_corpus(args.corpus)
    started = time.perf_counter()
    cv = cross_validate(texts, labels, args.folds)
    print(
        f"{args.folds}-fold CV on {len(texts):,} ClaimBuster sentences "
        f"({time.perf_counter() - started:.0f} s): check-worthy class "
        f"P {cv['P']:.3f}  R {cv['R']:.3f}  F1 {cv['F1']:.3f} (target ≥ 0.80)  "
        f"AP {cv['AP']:.3f}"
    )
    rate = speed(texts)
    print(f"speed: {rate:,.0f} sentences/s on one core (target ≥ 2,000)")
    if args.no_import:
        return
    demo = (ROOT / "data" / "zerohedge-2025-09-05-nato-troops.txt").read_text(encoding="utf-8")
    polnear = SHARED / "corpora" / "polnear" / "train" / "text"
    if polnear.is_dir():
        sample = [p.read_text(encoding="utf-8") for p in sorted(polnear.glob("*.txt"))[:200]]
        label = f"{len(sample)} PolNeAR train texts"
    else:
        sample = [demo] * 50
        label = "the demo article ×50 (PolNeAR absent)"
    plain, scored = import_cost(sample)
    print(
        f"import of {label} (split + store, SQLite, median of 5): {plain:.2f} s without "
        f"scores, {scored:.2f} s with: +{(scored / plain - 1) * 100:.1f}% (target ≤ 10%)"
    )


if __name__ == "__main__":
    main()
