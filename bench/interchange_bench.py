"""Round trips on a whole PolNeAR split, timed: the test suite runs dev (84 articles); this
runs any split (train has 840) for the figures.

    .venv/bin/python -m bench.interchange_bench ../shared/corpora/polnear/train

Prints one JSON object: seconds and rates per step, the scorer's F1 for the quote export
against the gold (first annotator), whether BRAT and the bundle came back byte-identical,
and the peak memory of the process (exports stream, so it should not grow with the split).
"""

from __future__ import annotations

import filecmp
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from factcheck.interchange.brat import export_brat, import_brat
from factcheck.interchange.bundle import export_bundle, import_bundle
from factcheck.interchange.export import export_csv
from factcheck.interchange.quotes import export_quotes
from factcheck.store.engine import make_engine


def _timed(results: dict[str, Any], name: str, step: Callable[[], Any]) -> Any:
    started = time.perf_counter()
    value = step()
    seconds = time.perf_counter() - started
    results[name] = {"seconds": round(seconds, 2)}
    if isinstance(value, int):
        results[name].update(count=value, per_second=round(value / seconds) if seconds else None)
    return value


def _compare_tree(gold: Path, exported: Path) -> dict[str, Any]:
    """How many gold files came back byte-identical; the others by name (an empty .ann has
    no span to carry, so it cannot come back)."""
    names = sorted(str(p.relative_to(gold)) for p in gold.rglob("*") if p.is_file())
    match, mismatch, missing = filecmp.cmpfiles(gold, exported, names, shallow=False)
    return {
        "files": len(names),
        "identical": len(match),
        "different": mismatch,
        "missing": [f"{n} ({(gold / n).stat().st_size} bytes)" for n in missing],
    }


def main(split: Path) -> dict[str, Any]:
    results: dict[str, Any] = {"split": str(split)}
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        engine = make_engine(f"sqlite:///{work / 'a.db'}")
        summary = _timed(results, "import_brat", lambda: import_brat(engine, split))
        results["import_brat"].update(
            articles=summary.articles_imported, attributions=summary.attributions
        )
        _timed(results, "export_quotes", lambda: export_quotes(engine, work / "q.jsonl"))
        _timed(results, "export_brat", lambda: export_brat(engine, work / "brat"))
        _timed(results, "export_csv", lambda: export_csv(engine, work / "r.csv"))
        _timed(results, "export_jsonl", lambda: export_bundle(engine, work / "a.jsonl"))
        target = make_engine(f"sqlite:///{work / 'b.db'}")
        _timed(results, "import_jsonl", lambda: import_bundle(target, work / "a.jsonl"))
        export_bundle(target, work / "b.jsonl")
        results["bundle_identical"] = filecmp.cmp(work / "a.jsonl", work / "b.jsonl", False)
        gold = split / "attributions"
        results["brat_round_trip"] = _compare_tree(gold, work / "brat" / "attributions")
        scorer = Path(__file__).resolve().parents[2] / "shared" / "tools" / "attrib_score.py"
        if not scorer.is_file():
            scorer = Path("/work/shared/tools/attrib_score.py")
        scored = subprocess.run(
            [sys.executable, str(scorer), str(split), str(work / "q.jsonl"), "--json"],
            capture_output=True,
            text=True,
            check=True,
        )
        scores = json.loads(scored.stdout)
        results["f1"] = {k: scores[k]["f1"] for k in ("source", "cue", "content", "attribution")}
        results["peak_memory_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        engine.dispose()
        target.dispose()
    return results


if __name__ == "__main__":
    default = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "polnear" / "dev"
    print(json.dumps(main(Path(sys.argv[1]) if len(sys.argv) > 1 else default), indent=2))
