"""Benchmark `agreement_report` on 500,000 synthetic ratings from 20 reviewers.

    python bench/agreement_bench.py [--ratings N] [--reviewers R] [--per-claim K] [--seed S]

Each claim is rated by K reviewers drawn at random (default 5, so 100,000 claims); grades are a
claim's "true" grade plus noise, with some F / 6 and blanks; chains are the claim's true chain,
sometimes with a hop dropped, renamed or re-cased. The data is deterministic (fixed seed), so
runs are comparable. Prints the seconds taken by `agreement_report` alone (data generation is
not timed) and the headline figures.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from factcheck.domain.agreement import Rating, agreement_report  # noqa: E402

ATTRIBUTION_TYPES = ("direct_quote", "indirect", "mixed", "vague", "anonymous", "unattributed")
OUTLETS = ("Reuters", "AFP", "AP", "The Guardian", "BBC", "TASS", "Bloomberg", "ZeroHedge")
SPEAKERS = tuple(f"Official {i}" for i in range(200))


def synthetic_ratings(n_ratings: int, n_reviewers: int, per_claim: int, seed: int) -> list[Rating]:
    """Deterministic ratings with realistic disagreement (see module docstring)."""
    rng = random.Random(seed)
    reviewers = [f"reviewer{i:02d}" for i in range(n_reviewers)]
    ratings: list[Rating] = []
    claim = 0
    while len(ratings) < n_ratings:
        claim += 1
        true_grade = rng.randint(1, 5)
        true_type = rng.choice(ATTRIBUTION_TYPES)
        true_chain = (rng.choice(SPEAKERS), *rng.sample(OUTLETS, rng.randint(1, 3)))
        for reviewer in rng.sample(reviewers, min(per_claim, n_reviewers)):
            if len(ratings) >= n_ratings:
                break
            grade = min(5, max(1, true_grade + rng.choice((-1, 0, 0, 0, 1))))
            roll = rng.random()
            reliability = "F" if roll < 0.05 else (None if roll < 0.08 else "ABCDE"[grade - 1])
            credibility = 6 if roll > 0.95 else grade
            attribution = true_type if rng.random() < 0.8 else rng.choice(ATTRIBUTION_TYPES)
            chain = true_chain
            change = rng.random()
            if change < 0.1 and len(chain) > 2:
                chain = chain[:1] + chain[2:]
            elif change < 0.15:
                chain = (*chain[:-1], rng.choice(OUTLETS))
            elif change < 0.2:
                chain = tuple(name.upper() for name in chain)
            ratings.append(Rating(claim, reviewer, attribution, reliability, credibility, chain))
    return ratings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ratings", type=int, default=500_000)
    parser.add_argument("--reviewers", type=int, default=20)
    parser.add_argument("--per-claim", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2011)
    args = parser.parse_args()

    ratings = synthetic_ratings(args.ratings, args.reviewers, args.per_claim, args.seed)
    started = time.perf_counter()
    report = agreement_report(ratings)
    seconds = time.perf_counter() - started

    print(
        f"{len(ratings):,} ratings, {args.reviewers} reviewers, {args.per_claim} per claim "
        f"({report['attribution_type']['units']:,} claims)"
    )
    for field in ("information_credibility", "source_reliability", "attribution_type"):
        row = report[field]
        print(f"  alpha {field:<24} {row['level']:<8} {row['alpha']:.3f}")
    print(f"  kappa pairs: {len(report['pairwise'])} (reviewer pair × field)")
    chains = report["chains"]
    print(
        f"  chains: exact match {chains['exact_match_share']:.3f}, "
        f"mean hop overlap {chains['mean_hop_overlap']:.3f}"
    )
    print(f"agreement_report: {seconds:.2f} s")


if __name__ == "__main__":
    main()
