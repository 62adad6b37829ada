"""Benchmark the attribution suggester on PolNeAR and on the demo article.

    python bench/attribution_bench.py [--split dev|train|annotator-training] [--corpus DIR]

Runs `suggest_attributions` over the split's texts, writes JSON Lines in the shape of
`factcheck suggest --json` (bench/results/<split>.jsonl), scores them with the shared
scorer (../shared/tools/attrib_score.py) and with the same figures computed here
(character F1 over non-space characters per role; lenient attribution-level F1), prints
articles per second on one core, and checks the demo article's 15 reference chains.

PolNeAR: Newell, Margolin & Ruths, "An Attribution Relations Corpus for Political News",
LREC 2018. The gold of an article is its first annotator file, as the scorer uses it.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from factcheck.suggest import suggest_attributions, suggest_for_claim  # noqa: E402
from schemas.vocab import AttributionType  # noqa: E402

SHARED = ROOT.parent / "shared"
ROLES = ("source", "cue", "content")
# Issue 4's targets on the dev split (F1), the speed floor and the demo floor.
TARGETS = {"source": 0.75, "cue": 0.65, "content": 0.75, "attribution": 0.65}
MIN_ARTICLES_PER_S = 20.0
MIN_DEMO = 12
# PolNeAR's publisher codes (metadata.tsv) -> names in data/starter_sources.csv.
PUBLISHERS = {
    "breitbart": "Breitbart News",
    "huff-post": "Huffington Post",
    "nyt": "The New York Times",
    "politico": "Politico",
    "usa-today": "USA Today",
    "wash-post": "The Washington Post",
    "west-journal": "Western Journal",
    "parc": "The Wall Street Journal",
}


def gold_files(split_dir: Path) -> dict[str, list[Path]]:
    by: dict[str, list[Path]] = collections.defaultdict(list)
    for path in sorted((split_dir / "attributions").iterdir()):
        m = re.match(r"(.*)_([0-9a-f]{4})\.ann$", path.name)
        if m:
            by[m.group(1)].append(path)
    return by


def parse_ann(path: Path) -> list[dict[str, list[tuple[int, int]]]]:
    spans: dict[str, list[tuple[int, int]]] = {}
    events = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if parts[0].startswith("T") and len(parts) >= 2:
            label_ranges = parts[1].split(" ", 1)
            ranges = [tuple(int(x) for x in r.split()) for r in label_ranges[1].split(";")]
            spans[parts[0]] = ranges  # type: ignore[assignment]
        elif parts[0].startswith("E") and len(parts) >= 2:
            events.append(dict(x.split(":", 1) for x in parts[1].split()))
    return [{r: spans.get(ev.get(r.capitalize(), ""), []) for r in ROLES} for ev in events]


def pred_ranges(attribution: dict) -> dict[str, list[tuple[int, int]]]:
    out = {}
    for role in ROLES:
        value = attribution.get(role)
        if value is None:
            out[role] = []
        elif isinstance(value, list):
            out[role] = [(v["start"], v["end"]) for v in value]
        else:
            out[role] = [(value["start"], value["end"])]
    return out


def chars(text: str, ranges: list[tuple[int, int]]) -> set[int]:
    return {
        i for s, e in ranges for i in range(max(0, s), min(len(text), e)) if not text[i].isspace()
    }


def score_article(text: str, gold: list, pred: list, tot: dict) -> None:
    for role in ROLES:
        g = set().union(*(chars(text, a[role]) for a in gold)) if gold else set()
        p = set().union(*(chars(text, a[role]) for a in pred)) if pred else set()
        tot[role]["tp"] += len(g & p)
        tot[role]["fp"] += len(p - g)
        tot[role]["fn"] += len(g - p)
    used: set[int] = set()
    for pa in pred:
        pc, ps = chars(text, pa["content"]), chars(text, pa["source"])
        hit = None
        for j, ga in enumerate(gold):
            if j in used:
                continue
            gc, gs = chars(text, ga["content"]), chars(text, ga["source"])
            if pc & gc and ((ps & gs) or (not ps and not gs)):
                hit = j
                break
        if hit is None:
            tot["attribution"]["fp"] += 1
        else:
            used.add(hit)
            tot["attribution"]["tp"] += 1
    tot["attribution"]["fn"] += len(gold) - len(used)


def prf(d: dict) -> tuple[float, float, float]:
    p = d["tp"] / (d["tp"] + d["fp"]) if d["tp"] + d["fp"] else 0.0
    r = d["tp"] / (d["tp"] + d["fn"]) if d["tp"] + d["fn"] else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def publishers(corpus: Path) -> dict[str, str]:
    meta = corpus / "metadata.tsv"
    out: dict[str, str] = {}
    if meta.exists():
        for line in meta.read_text(encoding="utf-8").splitlines()[1:]:
            cols = line.split("\t")
            if len(cols) > 4 and cols[4] in PUBLISHERS:
                out[cols[1]] = PUBLISHERS[cols[4]]
    return out


def run_split(corpus: Path, split: str, out_path: Path, limit: int | None) -> dict | None:
    split_dir = corpus / split
    if not (split_dir / "text").is_dir():
        print(f"no split {split!r} under {corpus}: skipped")
        return None
    by = gold_files(split_dir)
    stems = sorted(by)[:limit] if limit else sorted(by)
    pubs = publishers(corpus)
    tot: dict = collections.defaultdict(lambda: {"tp": 0, "fp": 0, "fn": 0})
    out_path.parent.mkdir(parents=True, exist_ok=True)
    elapsed = 0.0
    with out_path.open("w", encoding="utf-8") as out:
        for stem in stems:
            txt_path = split_dir / "text" / f"{stem}.txt"
            # Read as the scorer does (text mode), so offsets agree.
            with open(txt_path, encoding="utf-8") as handle:
                text = handle.read()
            t0 = time.process_time()
            found = suggest_attributions(text, pubs.get(stem))
            elapsed += time.process_time() - t0
            rows = [s.model_dump(mode="json") for s in found]
            out.write(json.dumps({"file": str(txt_path), "attributions": rows}) + "\n")
            preds = [
                pred_ranges(r)
                for r in rows
                if r["attribution_type"] != AttributionType.unattributed
            ]
            score_article(text, parse_ann(by[stem][0]), preds, tot)
    res = {k: prf(tot[k]) for k in (*ROLES, "attribution")}
    res["articles"] = len(stems)  # type: ignore[assignment]
    res["articles_per_s"] = len(stems) / elapsed if elapsed else float("inf")  # type: ignore[assignment]
    return res


def shared_scorer(corpus: Path, split: str, pred: Path, scorer: Path) -> dict | None:
    if not scorer.exists():
        return None
    proc = subprocess.run(
        [sys.executable, str(scorer), str(corpus / split), str(pred), "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        print(f"shared scorer failed: {proc.stderr.strip()[-300:]}")
        return None
    return json.loads(proc.stdout)


def demo_check() -> tuple[int, int, int, list[str]]:
    """How many of the demo's reference chains (names, in order) and speakers come out right."""
    text = (ROOT / "data" / "zerohedge-2025-09-05-nato-troops.txt").read_text(encoding="utf-8")
    ref = json.loads(
        (ROOT / "data" / "zerohedge-2025-09-05-nato-troops.expected.json").read_text(
            encoding="utf-8"
        )
    )
    chains = speakers = 0
    misses = []
    for claim in ref["claims"]:
        start = text.index(claim["anchor"])
        got = suggest_for_claim(text, start, start + len(claim["anchor"]), "ZeroHedge")
        want_names = [h["name"] for h in claim["chain"]]
        got_names = [h.name for h in got.chain]
        chains += want_names == got_names
        speakers += claim["speaker"] == got.speaker
        if want_names != got_names or claim["speaker"] != got.speaker:
            misses.append(f"{claim['anchor'][:40]!r}: want {want_names} got {got_names}")
    return chains, speakers, len(ref["claims"]), misses


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--split", default="dev", choices=("dev", "train", "annotator-training"))
    ap.add_argument("--corpus", type=Path, default=SHARED / "corpora" / "polnear")
    ap.add_argument("--scorer", type=Path, default=SHARED / "tools" / "attrib_score.py")
    ap.add_argument("--out", type=Path, default=None, help="JSON Lines output path")
    ap.add_argument("--limit", type=int, default=None, help="only the first N articles")
    args = ap.parse_args()

    chains, speakers, total, misses = demo_check()
    print(f"demo article: chains right {chains}/{total}, speakers right {speakers}/{total}")
    for miss in misses:
        print(f"  miss {miss}")

    if not args.corpus.is_dir():
        print(f"corpus {args.corpus} not found (../shared absent?): PolNeAR benchmark skipped")
        return 0
    out_path = args.out or ROOT / "bench" / "results" / f"{args.split}.jsonl"
    res = run_split(args.corpus, args.split, out_path, args.limit)
    if res is None:
        return 0
    print(
        f"PolNeAR {args.split}: {res['articles']} articles, {res['articles_per_s']:.1f} articles/s (one core)"
    )
    print("own scoring:")
    for k in (*ROLES, "attribution"):
        p, r, f = res[k]
        mark = ("ok" if f >= TARGETS[k] else "BELOW") if args.split == "dev" else ""
        print(f"  {k:12s} P={p:.3f} R={r:.3f} F1={f:.3f}  (target {TARGETS[k]:.2f}) {mark}")
    ok = res["articles_per_s"] >= MIN_ARTICLES_PER_S
    print(f"  speed {'ok' if ok else 'BELOW'} (target {MIN_ARTICLES_PER_S:.0f} articles/s)")
    if args.limit is None:
        shared = shared_scorer(args.corpus, args.split, out_path, args.scorer)
        if shared is not None:
            print("shared scorer (attrib_score.py):")
            for k in (*ROLES, "attribution"):
                print(
                    f"  {k:12s} P={shared[k]['p']:.3f} R={shared[k]['r']:.3f} F1={shared[k]['f1']:.3f}"
                )
            agree = all(
                abs(shared[k][name] - round(res[k][i], 3)) < 0.0011
                for k in (*ROLES, "attribution")
                for i, name in enumerate(("p", "r", "f1"))
            )
            print("  agrees with own scoring" if agree else "  DISAGREES with own scoring")
        else:
            print("shared scorer not available: own figures only")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
