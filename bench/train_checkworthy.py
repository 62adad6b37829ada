"""Train the packaged check-worthiness model (factcheck/checkworthy/weights.npz) on ClaimBuster.

    .venv/bin/python bench/train_checkworthy.py [--corpus CSV] [--out PATH]
                                                [--l2 L] [--iterations N] [--min-count N]

Logistic regression over `factcheck.checkworthy.features` (words, word pairs, four-letter
stems and the features beyond words) scaled by their naive Bayes log-count ratios, fitted with
full-batch Adam and an L2 penalty, numpy only. Deterministic; a few
seconds on one core. The defaults reproduce the shipped weights.

ClaimBuster: Fatma Arslan, Naeemul Hassan, Chengkai Li, Mark Tremayne, "A Benchmark Dataset of
Check-worthy Factual Claims", ICWSM 2020 (CC BY 4.0): `claimbuster_2.5xNCS.csv`, 9,674 debate
sentences, label 1 = check-worthy factual sentence.
"""

from __future__ import annotations

import argparse
import collections
import csv
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from factcheck.checkworthy import WEIGHTS_PATH, Model, features  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpora" / "claimbuster" / "claimbuster_2.5xNCS.csv"
L2 = 1.0
POSITIVE_WEIGHT = 1.5
NB_SMOOTHING = 1.0
ITERATIONS = 400
LEARNING_RATE = 0.05
MIN_COUNT = 2


def load_corpus(path: Path = CORPUS) -> tuple[list[str], np.ndarray]:
    """The sentences and their labels (1 = check-worthy), in file order."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [row["text"] for row in rows], np.array([int(row["label"]) for row in rows])


def vocabulary(feature_lists: Sequence[list[str]], min_count: int = MIN_COUNT) -> list[str]:
    """Features seen in at least `min_count` sentences, sorted (a stable order)."""
    counts = collections.Counter(f for feats in feature_lists for f in set(feats))
    return sorted(f for f, n in counts.items() if n >= min_count)


def design(
    feature_lists: Sequence[list[str]], index: dict[str, int]
) -> tuple[np.ndarray, np.ndarray]:
    """A sparse 0/1-count matrix as (row of each entry, column of each entry)."""
    rows: list[int] = []
    cols: list[int] = []
    for r, feats in enumerate(feature_lists):
        for f in feats:
            c = index.get(f)
            if c is not None:
                rows.append(r)
                cols.append(c)
    return np.array(rows, dtype=np.intp), np.array(cols, dtype=np.intp)


def fit(
    feature_lists: Sequence[list[str]],
    labels: np.ndarray,
    *,
    l2: float = L2,
    iterations: int = ITERATIONS,
    learning_rate: float = LEARNING_RATE,
    min_count: int = MIN_COUNT,
    positive_weight: float = POSITIVE_WEIGHT,
    smoothing: float = NB_SMOOTHING,
) -> Model:
    """Logistic regression on naive-Bayes-scaled features (NBSVM: Wang and Manning, "Baselines
    and Bigrams", ACL 2012): each feature's value is the log ratio of its rate in check-worthy
    and other sentences, which the weight then corrects. Minimises the weighted mean log loss
    (check-worthy sentences weigh `positive_weight`) plus l2/n·|w|² by full-batch Adam, the
    bias unpenalised. The scale folds into the saved weights: scoring is one sum per sentence.
    """
    vocab = vocabulary(feature_lists, min_count)
    index = {f: i for i, f in enumerate(vocab)}
    rows, cols = design(feature_lists, index)
    n, d = len(labels), len(vocab)
    y = labels.astype(np.float64)
    present = np.zeros((2, d))
    np.add.at(present, (labels[rows], cols), 1.0)
    positive, negative = present[1] + smoothing, present[0] + smoothing
    ratio = np.log(positive / positive.sum()) - np.log(negative / negative.sum())
    values = ratio[cols]
    sample = np.where(labels == 1, positive_weight, 1.0)
    sample /= sample.mean()
    w = np.zeros(d + 1)  # the last is the bias
    m = np.zeros(d + 1)
    v = np.zeros(d + 1)
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    for t in range(1, iterations + 1):
        z = np.bincount(rows, weights=w[cols] * values, minlength=n) + w[d]
        p = 1.0 / (1.0 + np.exp(-z))
        r = (p - y) * sample / n
        grad = np.empty(d + 1)
        grad[:d] = np.bincount(cols, weights=r[rows] * values, minlength=d) + 2 * l2 / n * w[:d]
        grad[d] = r.sum()
        m = beta1 * m + (1 - beta1) * grad
        v = beta2 * v + (1 - beta2) * grad * grad
        w -= learning_rate * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps)
    return Model(vocab, w[:d] * ratio, float(w[d]))


def folds(n: int, k: int = 5, seed: int = 20) -> list[np.ndarray]:
    """k disjoint test index sets covering 0..n-1, shuffled with a fixed seed."""
    order = np.random.default_rng(seed).permutation(n)
    return [np.sort(order[i::k]) for i in range(k)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--out", type=Path, default=WEIGHTS_PATH)
    ap.add_argument("--l2", type=float, default=L2)
    ap.add_argument("--iterations", type=int, default=ITERATIONS)
    ap.add_argument("--min-count", type=int, default=MIN_COUNT)
    args = ap.parse_args()
    if not args.corpus.exists():
        sys.exit(f"{args.corpus} not found (../shared absent?)")
    started = time.perf_counter()
    texts, labels = load_corpus(args.corpus)
    feature_lists = [features(t) for t in texts]
    model = fit(
        feature_lists, labels, l2=args.l2, iterations=args.iterations, min_count=args.min_count
    )
    model.save(args.out)
    print(
        f"trained on {len(texts):,} sentences ({int(labels.sum()):,} check-worthy), "
        f"{len(model.vocabulary):,} features, {time.perf_counter() - started:.1f} s → {args.out} "
        f"({args.out.stat().st_size / 1e6:.2f} MB)"
    )


if __name__ == "__main__":
    main()
