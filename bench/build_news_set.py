"""Build the out-of-domain news set (`bench/data/news/`) from its annotated sources.

    python bench/build_news_set.py

Each `bench/data/news/source/<stem>.txt` is an article written for this set (constructed,
not copied: see `bench/data/news/README.md`) with its attributions marked inline:

- `[S1 …]` the source, `[K1 …]` the cue, `[C1 …]` the content of attribution 1 (several `[C1
  …]` make a discontinuous content; marks nest, so a nested attribution sits inside its outer
  one's content);
- a line starting with `~ ` is page furniture (the mark is dropped; the line is recorded);
- `@1 Dmitry Peskov` at the end names attribution 1's speaker as a reader would resolve it
  (`@1 -` when the text never says who speaks);
- a first line `#meta key=value; …` holds the article's outlet, country and style.

Written: `text/<stem>.txt` and `attributions/<stem>_ood1.ann` in the PolNeAR layout (BRAT
standoff: T lines `Source`, `Cue`, `Content`, E lines `Attribution`, an AnnotatorNotes line
with each attribution's speaker), and `meta.jsonl` (outlet, country, style, speakers,
furniture line offsets), which `bench/attribution_bench.py --news` reads.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data" / "news"
_OPEN = re.compile(r"\[([SKC])(\d+) ")


def parse(source: str) -> dict:
    """The plain text, spans by attribution, speakers, furniture lines and metadata."""
    meta: dict[str, str] = {}
    speakers: dict[int, str | None] = {}
    body_lines = []
    for line in source.splitlines():
        if line.startswith("#meta "):
            for item in line[6:].split(";"):
                key, _, value = item.partition("=")
                meta[key.strip()] = value.strip()
        elif m := re.fullmatch(r"@(\d+)\s+(.+)", line.strip()):
            speakers[int(m[1])] = None if m[2].strip() == "-" else m[2].strip()
        else:
            body_lines.append(line)
    marked = "\n".join(body_lines).strip("\n") + "\n"
    out: list[str] = []
    furniture: list[tuple[int, int]] = []
    spans: dict[int, dict[str, list[tuple[int, int]]]] = {}
    stack: list[tuple[str, int, int]] = []
    pos = 0  # position in the output text
    i = 0
    at_line_start = True
    line_start_out = 0
    furniture_line = False
    while i < len(marked):
        if at_line_start:
            line_start_out = pos
            furniture_line = marked.startswith("~ ", i)
            if furniture_line:
                i += 2
            at_line_start = False
        m = _OPEN.match(marked, i)
        if m:
            stack.append((m[1], int(m[2]), pos))
            i = m.end()
            continue
        ch = marked[i]
        if ch == "]" and stack:
            role, number, start = stack.pop()
            name = {"S": "source", "K": "cue", "C": "content"}[role]
            spans.setdefault(number, {"source": [], "cue": [], "content": []})[name].append(
                (start, pos)
            )
            i += 1
            continue
        out.append(ch)
        pos += 1
        i += 1
        if ch == "\n":
            if furniture_line:
                furniture.append((line_start_out, pos - 1))
            at_line_start = True
    if stack:
        raise ValueError(f"unclosed marks: {stack}")
    return {
        "text": "".join(out),
        "spans": spans,
        "speakers": speakers,
        "furniture": furniture,
        "meta": meta,
    }


def ann_lines(text: str, spans: dict, speakers: dict) -> list[str]:
    lines: list[str] = []
    t = 0
    for number in sorted(spans):
        roles = spans[number]
        ids: dict[str, str] = {}
        for role, label in (("source", "Source"), ("cue", "Cue"), ("content", "Content")):
            ranges = sorted(roles[role])
            if not ranges:
                continue
            t += 1
            ids[label] = f"T{t}"
            where = ";".join(f"{a} {b}" for a, b in ranges)
            covered = " ".join(text[a:b] for a, b in ranges).replace("\n", " ")
            lines.append(f"T{t}\t{label} {where}\t{covered}")
        anchor = sorted(roles["cue"] or roles["content"])[0]
        t += 1
        lines.append(f"T{t}\tAttribution {anchor[0]} {anchor[1]}\t{text[anchor[0] : anchor[1]]}")
        args = " ".join(
            f"{label}:{ids[label]}" for label in ("Content", "Cue", "Source") if label in ids
        )
        lines.append(f"E{number}\tAttribution:T{t} {args}")
        lines.append(f"#{number}\tAnnotatorNotes E{number}\tspeaker={speakers.get(number) or '-'}")
    return lines


def main() -> int:
    sources = sorted((DATA / "source").glob("*.txt"))
    (DATA / "text").mkdir(parents=True, exist_ok=True)
    (DATA / "attributions").mkdir(parents=True, exist_ok=True)
    records = []
    total = 0
    for path in sources:
        parsed = parse(path.read_text(encoding="utf-8"))
        missing = sorted(set(parsed["spans"]) - set(parsed["speakers"]))
        if missing:
            raise SystemExit(f"{path.name}: no @speaker line for {missing}")
        stem = path.stem
        (DATA / "text" / f"{stem}.txt").write_text(parsed["text"], encoding="utf-8")
        ann = ann_lines(parsed["text"], parsed["spans"], parsed["speakers"])
        (DATA / "attributions" / f"{stem}_ood1.ann").write_text(
            "\n".join(ann) + "\n", encoding="utf-8"
        )
        total += len(parsed["spans"])
        records.append(
            {
                "stem": stem,
                **parsed["meta"],
                "speakers": {str(k): v for k, v in sorted(parsed["speakers"].items())},
                "furniture": parsed["furniture"],
            }
        )
    with (DATA / "meta.jsonl").open("w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(f"{len(records)} articles, {total} attributions -> {DATA}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
