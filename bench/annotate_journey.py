"""The Annotate page at the speed of the keyboard: keys, clicks and waits per claim, measured.

A reviewer rates the demo article in headless Chromium at 1280×800 and the costs are counted.

    .venv/bin/python bench/annotate_journey.py                  # its own app and database
    .venv/bin/python bench/annotate_journey.py --url http://127.0.0.1:8501 [--article 1]
    .venv/bin/python bench/annotate_journey.py --json

The reviewer knows the demo's reference annotation (data/*.expected.json: speaker and chain
per claim) and walks the article from claim 1 with the keyboard:
(a) a claim whose suggested speaker and chain are the reference's: a grade letter, a digit
    and Enter (accept and next);
(b) a wrong one is fixed first: when the reference's origin is named in the claim before the
    suggested chain, by selecting the name and `O` (new origin); when only the origin is
    wrong, by replacing it in the chain field (`H`, Home, Ctrl+Shift+→ per word, the name,
    Enter); otherwise by typing the chain (`H`, then each hop with completion: the fewest
    letters until the first choice is the hop, then Tab; `>` between hops; Enter). Each key
    counts one, a chord too; the speaker follows the chain's origin by itself;
(c) on the way, one claim is split by selecting where the second part starts and `L`.
A claim with no reference entry counts as the publisher's own assertion (the publisher as the
one-hop chain), and the parts of the split claim keep the split claim's reference.

It prints the keys, clicks and text selections per claim (median; right vs wrong
suggestions), the browser-perceived wait per action that asks the server (a page key, a menu
key, the chain's Enter: from the key press to the page idle again, measured in the page's
clock; the median and p95) and the totals; `--json` prints one object instead. Without `--url`
it starts the app on a free loopback port with a fresh SQLite database holding the demo, and
checks at the end that every claim was saved with the reference's speaker and chain. Needs
/usr/bin/chromium and the `playwright` package (never a downloaded browser).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.server import CHROMIUM, CHROMIUM_ARGS, streamlit_command  # noqa: E402

REFERENCE = ROOT / "data" / "zerohedge-2025-09-05-nato-troops.expected.json"
GRADE = ("b", "2")  # the grades are the reviewer's own; any letter and digit cost the same
SPLIT_BEFORE = "The President of the Commission"  # (c): claim 14 becomes two claims
TARGET_WAIT_S = 0.3

# In the page: the time of the last key press, before any of the page's own listeners.
PAGE_CLOCK = """() => {
  if (window.__benchClock) return;
  window.__benchClock = true;
  window.addEventListener('keydown', () => { window.__benchKeyAt = performance.now(); }, true);
}"""
# Resolves once the page is idle: no script run showing, the article view's outbox empty and
# acknowledged, two frames painted; returns the seconds since the last key press.
IDLE = """() => new Promise((resolve) => {
  const quiet = () => {
    if (document.querySelector('[data-testid="stStatusWidget"], [data-stale="true"]')) return false;
    const q = window.__fcOutbox;
    return !q || (q.inflight === null && q.queue.length === 0);
  };
  const check = () => {
    if (!quiet()) { setTimeout(check, 5); return; }
    requestAnimationFrame(() => requestAnimationFrame(() => {
      if (!quiet()) { setTimeout(check, 5); return; }
      resolve((performance.now() - window.__benchKeyAt) / 1000);
    }));
  };
  check();
})"""
# Where `needle` is in the open claim's text: the client rectangles of its first and last
# characters (the article box scrolled to show it), for a mouse drag across them.
LOCATE = """(needle) => {
  const mark = document.querySelector('.fc-article mark.fc-selected');
  if (!mark) return null;
  const walker = document.createTreeWalker(mark, NodeFilter.SHOW_TEXT);
  const nodes = [];
  let full = '';
  while (walker.nextNode()) { nodes.push([walker.currentNode, full.length]); full += walker.currentNode.data; }
  const at = full.indexOf(needle);
  if (at < 0) return null;
  const rectOf = (pos) => {
    for (const [node, start] of nodes) {
      if (pos < start + node.data.length) {
        const range = document.createRange();
        range.setStart(node, pos - start);
        range.setEnd(node, pos - start + 1);
        return range.getBoundingClientRect();
      }
    }
    return null;
  };
  rectOf(at) && nodes[0][0].parentElement.closest('mark').scrollIntoView({block: 'nearest'});
  const first = rectOf(at);
  const last = rectOf(at + needle.length - 1);
  const box = document.querySelector('.fc-article').getBoundingClientRect();
  if (first.top < box.top || first.bottom > box.bottom) {
    document.querySelector('.fc-article').scrollTop += first.top - box.top - box.height / 3;
  }
  const a = rectOf(at), b = rectOf(at + needle.length - 1);
  return [a.left + a.width * 0.3, a.top + a.height / 2, b.left + b.width * 0.7, b.top + b.height / 2];
}"""


def fold(text: str | None) -> str:
    return " ".join(unicodedata.normalize("NFKC", text or "").casefold().split())


@dataclass
class Reference:
    speaker: str
    chain: list[str]


@dataclass
class ClaimCost:
    position: int
    text: str
    right: bool
    fix: str = ""
    suggested: str = ""  # speaker | chain, as the page prefilled them (when wrong)
    keys: int = 0
    clicks: int = 0
    selections: int = 0


@dataclass
class Journey:
    claims: list[ClaimCost] = field(default_factory=list)
    waits: list[tuple[str, float]] = field(default_factory=list)
    split: ClaimCost | None = None
    seconds: float = 0.0
    saved_as_reference: tuple[int, int] | None = None


class Reviewer:
    """The keyboard, mouse and eyes of the reviewer, counting what they cost."""

    def __init__(self, page: Any, journey: Journey) -> None:
        self.page = page
        self.journey = journey
        self.runs = 0
        self.cost: ClaimCost | None = None
        page.on("websocket", self._watch)

    def _watch(self, socket_: Any) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        def frame(payload: Any) -> None:
            if isinstance(payload, bytes | bytearray):
                message = ForwardMsg.FromString(bytes(payload))
                if message.WhichOneof("type") == "script_finished":
                    self.runs += 1

        socket_.on("framereceived", frame)

    def wait_idle(self) -> float:
        return float(self.page.evaluate(IDLE))

    def key(self, key: str, *, asks_server: bool = False) -> None:
        """One key press; one that asks the server is timed from the press to the page idle."""
        assert self.cost is not None
        self.cost.keys += 1
        before = self.runs
        self.page.keyboard.press(key)
        if asks_server:
            deadline = time.monotonic() + 60
            while self.runs == before:  # the run this key asked for, then the page drawn
                if time.monotonic() > deadline:
                    raise RuntimeError(f"no script run after {key!r}")
                self.page.wait_for_timeout(2)
            self.journey.waits.append((key, self.wait_idle()))

    def select(self, needle: str) -> None:
        """Select `needle` in the open claim with a mouse drag, as a person does."""
        assert self.cost is not None
        where = self.page.evaluate(LOCATE, needle)
        if where is None:
            raise RuntimeError(f"{needle!r} is not in the open claim")
        x0, y0, x1, y1 = where
        self.page.mouse.move(x0, y0)
        self.page.mouse.down()
        self.page.mouse.move((x0 + x1) / 2, (y0 + y1) / 2, steps=4)
        self.page.mouse.move(x1, y1, steps=4)
        self.page.mouse.up()
        self.cost.selections += 1
        self.page.locator(".fc-menu:not([hidden])").wait_for(timeout=10_000)

    def field(self, label: str) -> str:
        return str(self.page.get_by_label(label, exact=True).input_value())

    def type_hop(self, name: str) -> None:
        """A hop's name: letters until completion offers it first (then Tab) or it is typed."""
        typed = ""
        for char in name:
            self.key(char)
            typed += char
            if fold(typed) == fold(name):
                return
            first = self.page.evaluate(
                "() => { const l = document.querySelector('.fc-chain-choices');"
                " const a = l && !l.hidden && l.querySelector('li.fc-active');"
                " return a ? a.textContent : null; }"
            )
            if first is not None and fold(first) == fold(name):
                self.key("Tab")
                return

    def type_chain(self, names: list[str]) -> None:
        """`H` (the chain field, its text selected), each hop, `>` between hops, Enter."""
        self.key("h")
        for index, name in enumerate(names):
            if index:
                self.key(">")
            self.type_hop(name)
        self.key("Enter", asks_server=True)

    def replace_origin(self, old: str, name: str) -> None:
        """`H`, Home, Ctrl+Shift+→ over the old origin's words, the new name, Enter."""
        self.key("h")
        self.key("Home")
        for _ in old.split():
            self.key("Control+Shift+ArrowRight")
        self.type_hop(name)
        self.key("Enter", asks_server=True)


def references(publisher: str) -> list[tuple[str, Reference]]:
    data = json.loads(REFERENCE.read_text(encoding="utf-8"))
    return [
        (
            claim["anchor"],
            Reference(claim.get("speaker") or "", [hop["name"] for hop in claim["chain"]]),
        )
        for claim in data["claims"]
    ] + [("", Reference("", [publisher]))]


def reference_for(
    text: str, refs: list[tuple[str, Reference]], parent: Reference | None
) -> Reference:
    found = next((ref for anchor, ref in refs if anchor and anchor in text), None)
    return found or parent or refs[-1][1]


def progress(page: Any) -> tuple[int, int]:
    text = page.locator('[data-testid="stProgress"]').first.inner_text()
    words = text.split()
    return int(words[0]), int(words[2])


def walk(page: Any, base: str, article_id: int, name: str) -> Journey:
    """The journey; the page is left on the Annotate page with every claim rated."""
    journey = Journey()
    reviewer = Reviewer(page, journey)
    page.goto(f"{base}/annotate?reviewer={name}&article={article_id}")
    page.locator(".fc-article mark").first.wait_for(timeout=120_000)
    page.evaluate(PAGE_CLOCK)
    page.evaluate("() => { window.__benchKeyAt = performance.now(); }")
    reviewer.wait_idle()
    title = page.locator("h1").first.inner_text()
    if "NATO Troops" not in title:
        raise RuntimeError(f"article {article_id} is {title!r}, not the demo: pass --article")
    publisher = "ZeroHedge"
    refs = references(publisher)
    split_from: Reference | None = None
    started = time.perf_counter()
    while True:
        rated, total = progress(page)
        if rated >= total:
            break
        heading = page.locator("h3").first.inner_text()  # "Claim 3 of 16"
        text = page.locator(".fc-article mark.fc-selected").inner_text()
        if journey.split is None and SPLIT_BEFORE in text:
            journey.split = reviewer.cost = ClaimCost(int(heading.split()[1]), text, True, "split")
            split_from = reference_for(text, refs, None)
            reviewer.select(SPLIT_BEFORE)
            reviewer.key("l", asks_server=True)
            continue
        parent = split_from if journey.split and text in journey.split.text else None
        ref = reference_for(text, refs, parent)
        speaker, chain = reviewer.field("Speaker"), reviewer.field("Chain")
        names = [part.strip() for part in chain.split(">") if part.strip()]
        right = fold(speaker) == fold(ref.speaker) and [fold(n) for n in names] == [
            fold(n) for n in ref.chain
        ]
        cost = reviewer.cost = ClaimCost(int(heading.split()[1]), text, right)
        if not right:
            cost.suggested = f"{speaker or '—'} | {chain}"
            if names == ref.chain[1:] and ref.chain[0] in text:
                cost.fix = "select the origin, O"
                reviewer.select(ref.chain[0])
                reviewer.key("o", asks_server=True)
            elif len(names) == len(ref.chain) > 1 and names[1:] == ref.chain[1:]:
                cost.fix = "replace the origin"
                reviewer.replace_origin(names[0], ref.chain[0])
            else:
                cost.fix = "type the chain"
                reviewer.type_chain(ref.chain)
            got = (reviewer.field("Speaker"), reviewer.field("Chain"))
            if fold(got[0]) != fold(ref.speaker) or fold(got[1]) != fold(" > ".join(ref.chain)):
                raise RuntimeError(f"claim {cost.position}: fixed to {got}, not {ref}")
        for key in GRADE:
            reviewer.key(key, asks_server=True)
        reviewer.key("Enter", asks_server=True)
        journey.claims.append(cost)
    journey.seconds = time.perf_counter() - started
    return journey


def check_saved(url: str, article_id: int, name: str) -> tuple[int, int]:
    """How many of the reviewer's saved assessments have the reference's speaker and chain."""
    from sqlmodel import Session, select

    from factcheck.store.engine import make_engine
    from factcheck.store.models import Assessment, ChainHopRow, Claim, Reviewer

    refs = references("ZeroHedge")
    engine = make_engine(url)
    right = 0
    with Session(engine) as session:
        reviewer = session.exec(select(Reviewer).where(Reviewer.name == name)).one()
        rows = session.exec(
            select(Assessment, Claim)
            .where(Assessment.claim_id == Claim.id)
            .where(Assessment.reviewer_id == reviewer.id)
            .where(Claim.article_id == article_id)
        ).all()
        by_end = {claim.end: claim for _, claim in rows}
        for assessment, claim in rows:
            hops = session.exec(
                select(ChainHopRow.name)
                .where(ChainHopRow.assessment_id == assessment.id)
                .order_by(ChainHopRow.position)  # type: ignore[arg-type]
            ).all()
            parent = None
            if claim.text.startswith(SPLIT_BEFORE):  # the split's second part: the first's
                before = next(
                    (by_end[e] for e in range(claim.start, claim.start - 3, -1) if e in by_end),
                    None,
                )
                parent = reference_for(before.text, refs, None) if before else None
            ref = reference_for(claim.text, refs, parent)
            right += fold(assessment.speaker) == fold(ref.speaker) and [fold(h) for h in hops] == [
                fold(h) for h in ref.chain
            ]
        total = len(rows)
    engine.dispose()
    return right, total


# ---------------------------------------------------------------- the app


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def own_app() -> Iterator[tuple[str, str, int]]:
    """The app on a free loopback port with a fresh database holding the demo:
    (address, database URL, demo article id)."""
    with tempfile.TemporaryDirectory(prefix="annotate-journey-") as folder:
        url = f"sqlite:///{Path(folder) / 'journey.db'}"
        loaded = subprocess.run(
            [sys.executable, "-m", "factcheck", "--db", url, "demo", "--json"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        article_id = int(json.loads(loaded.stdout)["article_id"])
        port = _free_port()
        server = subprocess.Popen(
            streamlit_command(port, "--server.fileWatcherType", "none"),
            cwd=ROOT,
            env={**os.environ, "DATABASE_URL": url},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 120
            while True:
                if server.poll() is not None:
                    raise RuntimeError(f"streamlit exited: {server.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
                try:
                    with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                        if response.status == 200:
                            break
                except OSError:
                    if time.monotonic() > deadline:
                        raise RuntimeError("streamlit did not start within 120 s") from None
                    time.sleep(0.3)
            yield base, url, article_id
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()


# ---------------------------------------------------------------- figures


def _median(values: list[float]) -> float:
    return float(statistics.median(values)) if values else 0.0


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] if ordered else 0.0


def figures(journey: Journey) -> dict[str, Any]:
    right = [c for c in journey.claims if c.right]
    wrong = [c for c in journey.claims if not c.right]
    waits = [seconds for _, seconds in journey.waits]
    every = [*journey.claims, *([journey.split] if journey.split else [])]
    return {
        "claims": len(journey.claims),
        "right_claims": len(right),
        "wrong_claims": len(wrong),
        "keys_per_claim": _median([c.keys for c in journey.claims]),
        "clicks_per_claim": _median([c.clicks for c in journey.claims]),
        "keys_per_right_claim": _median([c.keys for c in right]),
        "clicks_per_right_claim": _median([c.clicks for c in right]),
        "selections_per_right_claim": _median([c.selections for c in right]),
        "keys_per_wrong_claim": _median([c.keys for c in wrong]),
        "clicks_per_wrong_claim": _median([c.clicks for c in wrong]),
        "selections_per_wrong_claim": _median([c.selections for c in wrong]),
        # the fix alone: a wrong claim's keys less the grade and accept every claim costs
        "fix_keys_per_wrong_claim": _median([c.keys - len(GRADE) - 1 for c in wrong]),
        "fix_keys_max": max((c.keys - len(GRADE) - 1 for c in wrong), default=0),
        "split": asdict(journey.split) if journey.split else None,
        "actions": len(waits),
        "median_wait_s": round(_median(waits), 3),
        "p95_wait_s": round(_p95(waits), 3),
        "max_wait_s": round(max(waits, default=0.0), 3),
        "total_keys": sum(c.keys for c in every),
        "total_clicks": sum(c.clicks for c in every),
        "total_selections": sum(c.selections for c in every),
        "total_wait_s": round(sum(waits), 2),
        "total_s": round(journey.seconds, 1),
        "saved_as_reference": list(journey.saved_as_reference)
        if journey.saved_as_reference
        else None,
        "per_claim": [asdict(c) | {"text": c.text[:60]} for c in journey.claims],
    }


def print_table(result: dict[str, Any]) -> None:
    print("claim  suggestion  keys  clicks  selections  fix")
    for claim in result["per_claim"]:
        print(
            f"{claim['position']:>5}  {'right' if claim['right'] else 'wrong':<10}  "
            f"{claim['keys']:>4}  {claim['clicks']:>6}  {claim['selections']:>10}  {claim['fix']}"
            + (f" (was {claim['suggested']})" if claim["suggested"] else "")
        )
    split = result["split"]
    print()
    print("| | keys | clicks | selections | target |")
    print("|---|---|---|---|---|")
    print(
        f"| right suggestion, per claim (median of {result['right_claims']}) | "
        f"{result['keys_per_right_claim']:g} | {result['clicks_per_right_claim']:g} | "
        f"{result['selections_per_right_claim']:g} | ≤ 3 keys, 0 clicks |"
    )
    print(
        f"| wrong speaker or chain, per claim (median of {result['wrong_claims']}; fix, grade, "
        f"accept) | {result['keys_per_wrong_claim']:g} | {result['clicks_per_wrong_claim']:g} | "
        f"{result['selections_per_wrong_claim']:g} | |"
    )
    if wrong := [c for c in result["per_claim"] if not c["right"]]:
        print(
            f"| … of which the fix alone (median; the most: {result['fix_keys_max']}) | "
            f"{result['fix_keys_per_wrong_claim']:g} | {result['clicks_per_wrong_claim']:g} | "
            f"{_median([c['selections'] for c in wrong]):g} | ≤ 6 keys + 1 selection |"
        )
    if split:
        print(
            f"| split a claim (claim {split['position']}) | {split['keys']} | {split['clicks']} | "
            f"{split['selections']} | |"
        )
    print(
        f"| the whole article ({result['claims']} claims after the split), "
        f"{result['total_s']:.0f} s | {result['total_keys']} | {result['total_clicks']} | "
        f"{result['total_selections']} | |"
    )
    print()
    print("| wait per action (key press → page idle) | median | p95 | max | target |")
    print("|---|---|---|---|---|")
    print(
        f"| {result['actions']} actions that ask the server | {result['median_wait_s']:.2f} s | "
        f"{result['p95_wait_s']:.2f} s | {result['max_wait_s']:.2f} s | "
        f"≤ {TARGET_WAIT_S} s median |"
    )
    if result["saved_as_reference"]:
        right, total = result["saved_as_reference"]
        print(f"\nsaved with the reference's speaker and chain: {right}/{total} claims")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", help="an app already serving the demo (default: start one)")
    parser.add_argument("--article", type=int, default=1, help="the demo's article id with --url")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        print(f"error: {CHROMIUM} not found (scripts/test.sh installs it)", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    name = f"journey {time.strftime('%Y%m%d-%H%M%S')}"  # a reviewer with nothing rated yet

    def run(base: str, article_id: int) -> Journey:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
                page.set_default_timeout(60_000)
                return walk(page, base, article_id, name)
            finally:
                browser.close()

    if args.url:
        journey = run(args.url.rstrip("/"), args.article)
    else:
        with own_app() as (base, url, article_id):
            journey = run(base, article_id)
            journey.saved_as_reference = check_saved(url, article_id, name)
    result = figures(journey)
    if args.json:
        print(json.dumps(result))
    else:
        print_table(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
