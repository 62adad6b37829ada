"""BRAT standoff in and out, in the PolNeAR layout (`DIR/text/<stem>.txt` and
`DIR/attributions/<stem>_<annotator>.ann`) or with `.txt` and `.ann` side by side.

Each attribution (an E line tying Source, Cue and Content T spans, content possibly
discontinuous) becomes an entry of its annotator's assessment of the claim its content
overlaps most. An entry of `Assessment.spans` looks like

    {"label": "Attribution", "attribution_type": "indirect",
     "source": [span], "cue": [span], "content": [span, span],
     "brat": {"event": "E1", "args": "Attribution:T4 Content:T3 Cue:T2 Source:T1", "line": 5,
              "entities": [{"id": "T1", "label": "Source", "ranges": [[89, 106]], "line": 1},
                           ...],
              "notes": [{"line": 9, "raw": "#1\\tAnnotatorNotes T3\\t..."}]}}

with span = {"start", "end", "text"}. The "brat" part keeps the original ids, argument
order, line order and annotator notes, so `export_brat` writes the same `.ann` back; T spans
no event refers to (PolNeAR's Discard/Discuss) are kept as entries labelled with their type.
Entries made elsewhere (no "brat" part) get fresh ids on export.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, and_, false, select
from sqlmodel import Session, col

from factcheck.config import get_settings
from factcheck.domain.display import quote_name
from factcheck.domain.split import SplitResult
from factcheck.domain.textio import content_hash
from factcheck.errors import InputError
from factcheck.ids import id_col, row_id
from factcheck.interchange.export import ExportFilter, assessment_conditions, atomic_text_file
from factcheck.services import access
from factcheck.services.articles import find_by_hash, import_text, split_article
from factcheck.services.assessments import AssessmentItem, store_many
from factcheck.services.batch import files_in_folder
from factcheck.services.reviewers import clean_reviewer_name, get_or_create_reviewer
from factcheck.store.engine import write
from factcheck.store.models import Article, Assessment, Claim, Reviewer
from schemas.records import ArticleMeta, AssessmentInput
from schemas.vocab import AttributionType

ImportProgress = Callable[[int, int], None]
ExportProgress = Callable[[int], None]

DEFAULT_REVIEWER = "brat"
ROLE_KEYS = {"Source": "source", "Cue": "cue", "Content": "content"}
ATTRIBUTION_LABEL = "Attribution"
QUOTE_MARKS = ('"', "“", "”", "«", "»", "„")
SPEAKER_MAX = 300

_T_LINE = re.compile(r"^(T\d+)\t([^\t ]+) (\d+ \d+(?:;\d+ \d+)*)(?:\t(.*))?$")
_E_LINE = re.compile(r"^(E\d+)\t(.*)$")
_ARG = re.compile(r"^([^:\s]+):([TE]\d+)$")
_NOTE = re.compile(r"^#\d+\tAnnotatorNotes ([TE]\d+)\t.*$")
_ANNOTATOR_STEM = re.compile(r"^(.+)_([^_]+)$")


def is_attribution(entry: dict[str, Any]) -> bool:
    """Whether a `spans` entry is an attribution (not a Discard/Discuss marker)."""
    return str(entry.get("label") or ATTRIBUTION_LABEL).startswith(ATTRIBUTION_LABEL)


def entry_file(entry: dict[str, Any], default: str | None) -> str | None:
    """The text file an entry was annotated on: PolNeAR has the same text under two names
    (an article published twice), stored once; entries from the second name say so."""
    return (entry.get("brat") or {}).get("file") or default


def _span(text: str, start: int, end: int) -> dict[str, Any]:
    return {"start": start, "end": end, "text": text[start:end]}


# ------------------------------------------------------------------------------ parsing


@dataclass
class _Entity:
    id: str
    label: str
    ranges: list[tuple[int, int]]
    line: int
    text: str | None = None  # only when the .ann's text differs from the article's

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "label": self.label,
            "ranges": [list(r) for r in self.ranges],
            "line": self.line,
        }
        if self.text is not None:
            data["text"] = self.text
        return data


@dataclass
class ParsedAnn:
    """One .ann file as entries ready for `Assessment.spans`, plus what could not be read."""

    entries: list[dict[str, Any]]
    unknown_lines: list[str]


def _offsets(part: str) -> tuple[int, int]:
    """A range's "start end" (the line pattern has checked it is two numbers)."""
    start, end = part.split()
    return int(start), int(end)


def parse_ann(content: str, text: str, name: str) -> ParsedAnn:
    """Read a .ann file against its article text.

    Raises InputError naming the file and line for offsets outside the text; lines of a
    kind we do not read (relations, attributes, malformed lines) are returned, not dropped.
    `name` only labels those messages, quoted when it holds control characters."""
    name = quote_name(name)
    entities: dict[str, _Entity] = {}
    events: list[tuple[str, str, list[tuple[str, str]], int]] = []
    notes: list[tuple[str, int, str]] = []
    unknown: list[str] = []
    lines = content.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    index = 0
    while index < len(lines):
        raw = lines[index]
        line_no = index + 1
        index += 1
        if not raw.strip():
            continue
        t_match = _T_LINE.match(raw)
        if t_match:
            tid, label, ranges_text, given = t_match.groups()
            ranges = [_offsets(part) for part in ranges_text.split(";")]
            for start, end in ranges:
                if not 0 <= start <= end <= len(text):
                    raise InputError(
                        f"{name} line {line_no}: offsets {start}–{end} of {tid} are outside the "
                        f"text ({len(text)} characters)"
                    )
            derived = " ".join(text[a:b] for a, b in ranges)
            # A span with a newline in it runs over several lines of the .ann.
            extra = derived.count("\n")
            if extra and "\n".join([given or "", *lines[index : index + extra]]) == derived:
                given = derived
                index += extra
            entity = _Entity(tid, label, ranges, line_no)
            if given is not None and given != derived:
                entity.text = given
            entities[tid] = entity
            continue
        e_match = _E_LINE.match(raw)
        if e_match:
            args = [token for token in e_match[2].split(" ") if token]
            parsed = [_ARG.match(token) for token in args]
            if all(parsed):
                events.append(
                    (e_match[1], e_match[2], [(m[1], m[2]) for m in parsed if m], line_no)
                )
                continue
        note = _NOTE.match(raw)
        if note:
            notes.append((note[1], line_no, raw))
            continue
        unknown.append(f"{name} line {line_no}: {raw[:120]}")
    entries = _entries(entities, events, notes, text, name, unknown)
    return ParsedAnn(entries, unknown)


def _entries(
    entities: dict[str, _Entity],
    events: list[tuple[str, str, list[tuple[str, str]], int]],
    notes: list[tuple[str, int, str]],
    text: str,
    name: str,
    unknown: list[str],
) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    by_id: dict[str, dict[str, Any]] = {}
    used: set[str] = set()
    for event_id, args_raw, args, line_no in events:
        entry: dict[str, Any] = {"label": ATTRIBUTION_LABEL, "source": [], "cue": [], "content": []}
        refs: list[dict[str, Any]] = []
        for role, ref in args:
            entity = entities.get(ref)
            if entity is None:
                unknown.append(f"{name} line {line_no}: {event_id} refers to {ref}, not defined")
                continue
            used.add(ref)
            refs.append(entity.as_dict())
            if role.startswith(ATTRIBUTION_LABEL):
                entry["label"] = role
            key = ROLE_KEYS.get(role)
            if key:
                entry[key] = [_span(text, a, b) for a, b in entity.ranges]
        entry["attribution_type"] = guess_attribution_type(entry).value
        entry["brat"] = {"event": event_id, "args": args_raw, "line": line_no, "entities": refs}
        entries.append(entry)
        by_id[event_id] = entry
        for ref in (ref for _, ref in args):
            by_id.setdefault(ref, entry)
    for entity in entities.values():
        if entity.id in used:
            continue
        # Spans no event uses (PolNeAR's Discard and Discuss): kept, labelled by type.
        entry = {
            "label": entity.label,
            "source": [],
            "cue": [],
            "content": [_span(text, a, b) for a, b in entity.ranges],
            "brat": {"line": entity.line, "entities": [entity.as_dict()]},
        }
        entries.append(entry)
        by_id[entity.id] = entry
    for target, line_no, raw in notes:
        owner = by_id.get(target)
        if owner is None:
            unknown.append(f"{name} line {line_no}: note on {target}, which is not defined")
            continue
        owner["brat"].setdefault("notes", []).append({"line": line_no, "raw": raw})
    entries.sort(key=lambda e: e["brat"]["line"])
    return entries


def guess_attribution_type(entry: dict[str, Any]) -> AttributionType:
    """No source → vague; quote marks in the content → direct quote; else a paraphrase."""
    if not entry.get("source"):
        return AttributionType.vague
    content = " ".join(span["text"] for span in entry.get("content", []))
    if any(mark in content for mark in QUOTE_MARKS):
        return AttributionType.direct_quote
    return AttributionType.indirect


# ------------------------------------------------------------------------------ import


@dataclass
class BratSummary:
    """What a BRAT import did; `unknown_lines` and `failed` are there to be read."""

    articles_imported: int = 0
    articles_reused: int = 0
    annotation_files: int = 0
    assessments: int = 0
    attributions: int = 0
    unknown_lines: list[str] = field(default_factory=list)
    unmatched_files: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def add(self, other: BratSummary) -> None:
        """Count in what another part of the same import did."""
        self.articles_imported += other.articles_imported
        self.articles_reused += other.articles_reused
        self.annotation_files += other.annotation_files
        self.assessments += other.assessments
        self.attributions += other.attributions
        self.unknown_lines.extend(other.unknown_lines)
        self.unmatched_files.extend(other.unmatched_files)
        self.failed.extend(other.failed)

    def as_dict(self) -> dict[str, Any]:
        return {
            "articles_imported": self.articles_imported,
            "articles_reused": self.articles_reused,
            "annotation_files": self.annotation_files,
            "assessments": self.assessments,
            "attributions": self.attributions,
            "unknown_lines": list(self.unknown_lines),
            "unmatched_files": list(self.unmatched_files),
            "failed": list(self.failed),
        }


@dataclass
class _Document:
    text_path: Path
    annotations: list[tuple[Path, str]]  # (.ann path, annotator)


def _discover(directory: Path, reviewer: str) -> tuple[list[_Document], list[str], list[str]]:
    """Pair each .txt with its .ann files, in either layout; .ann files without a text
    are returned by name, and so are files refused for resolving outside `directory`
    (`services.batch.files_in_folder`, the rule of every folder import)."""
    if (directory / "text").is_dir() and (directory / "attributions").is_dir():
        texts, anns = directory / "text", directory / "attributions"
    else:
        texts = anns = directory
    found_texts = files_in_folder(texts, "*.txt", root=directory)
    found_anns = files_in_folder(anns, "*.ann", root=directory)
    documents = {p.stem: _Document(p, []) for p in found_texts.files}
    unmatched: list[str] = []
    for ann in found_anns.files:
        if ann.stem in documents:
            documents[ann.stem].annotations.append((ann, reviewer))
            continue
        match = _ANNOTATOR_STEM.match(ann.stem)
        if match and match[1] in documents:
            documents[match[1]].annotations.append((ann, match[2]))
        else:
            unmatched.append(
                f"{quote_name(ann.name)}: no {quote_name(ann.stem + '.txt')} beside it"
            )
    return list(documents.values()), unmatched, found_texts.refused + found_anns.refused


def _metadata(directory: Path) -> dict[str, ArticleMeta]:
    """PolNeAR's metadata.tsv (in DIR or its parent), by file stem, when there is one."""
    for candidate in (directory / "metadata.tsv", directory.parent / "metadata.tsv"):
        if candidate.is_file():
            break
    else:
        return {}
    found: dict[str, ArticleMeta] = {}
    with candidate.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            stem = row.get("filename")
            if not stem:
                continue
            try:
                found[stem] = ArticleMeta(
                    title=_none(row.get("title")),
                    outlet=_none(row.get("publisher")),
                    author=_none(row.get("author")),
                    published=_none(row.get("publication_date")),
                )
            except ValueError:
                continue
    return found


def _none(value: str | None) -> str | None:
    return None if value in (None, "", "None") else value


def _read_text(path: Path, max_bytes: int) -> str:
    """A BRAT file's text, exactly (offsets count every character, CR included); refused,
    naming the file, when it is over the size limit (checked before reading), not UTF-8, or
    holds a NUL (no text file does, and PostgreSQL cannot store one)."""
    shown = quote_name(path.name)
    try:
        size = path.stat().st_size
    except OSError as error:
        raise InputError(f"{shown} cannot be read ({error.strerror})") from None
    if size > max_bytes:
        raise InputError(f"{shown} is {size:,} bytes, over the {max_bytes:,}-byte limit")
    try:
        # newline="": BRAT offsets count every character of the file, \r included.
        with path.open(encoding="utf-8", newline="") as handle:
            text = handle.read(max_bytes + 1)
    except UnicodeDecodeError:
        raise InputError(f"{shown} is not UTF-8 text") from None
    except OSError as error:
        raise InputError(f"{shown} cannot be read ({error.strerror})") from None
    if len(text.encode("utf-8", "surrogatepass")) > max_bytes:  # it grew since the stat
        raise InputError(f"{shown} is over the {max_bytes:,}-byte limit")
    if "\x00" in text:
        raise InputError(f"{shown} contains NUL bytes: not a text file")
    return text


def _article_text(path: Path, max_bytes: int) -> str:
    """An article's text, with what `import_text` would refuse refused here first."""
    text = _read_text(path, max_bytes)
    if not text.strip():
        raise InputError(f"{quote_name(path.name)} is empty: nothing to import")
    return text


def _annotator(ann: Path, annotator: str) -> str:
    """The annotator a .ann file names, if it is an allowed reviewer name."""
    try:
        return clean_reviewer_name(annotator)
    except InputError as error:
        raise InputError(f"{quote_name(ann.name)}: {error}") from None


def _check_document(
    session: Session, document: _Document, max_bytes: int, seen: dict[str, tuple[str, str]]
) -> tuple[str, SplitResult] | None:
    """Everything about one document that could stop its import, checked without writing:
    sizes, encodings, NULs, annotator names, offsets, and a text already stored (or met
    earlier in this folder) with other spacing. `seen` maps content hashes met so far to
    (text, file name). Returns the text with its claims when it is to be imported (more
    claims than FACTCHECK_MAX_CLAIMS allows is an error too), None when it is stored already."""
    path = document.text_path
    text = _article_text(path, max_bytes)
    for ann, annotator in document.annotations:
        _annotator(ann, annotator)
        parse_ann(_read_text(ann, max_bytes), text, ann.name)
    key = content_hash(text)
    earlier = seen.setdefault(key, (text, path.name))
    if earlier[0] != text:
        raise InputError(
            f"{quote_name(path.name)} has the text of {quote_name(earlier[1])} with different "
            "spacing, so one of them would not match its offsets; import them separately"
        )
    article = find_by_hash(session, text)
    if article is not None and article.text != text:
        raise _spacing_error(path, article)
    if article is not None:
        return None
    # A text to import is split now, before the write transaction and under the cap on claims
    # per article (refused like any bad file: with --keep-going the others are stored).
    return text, split_article(text, path.name)


def _spacing_error(path: Path, article: Article) -> InputError:
    return InputError(
        f"{quote_name(path.name)} is already imported as article {article.id} with "
        "different spacing, so its offsets would not match; import it into a fresh database"
    )


def import_brat(
    engine: Engine,
    directory: Path,
    progress: ImportProgress | None = None,
    *,
    reviewer: str = DEFAULT_REVIEWER,
    keep_going: bool = False,
    max_bytes: int | None = None,
) -> BratSummary:
    """Import a BRAT corpus: each article once (by content hash), each `.ann` as its
    annotator's assessments. `reviewer` names the annotator of `.ann` files whose name has
    no `_<annotator>` part. `max_bytes` is the largest file accepted (default: the
    FACTCHECK_MAX_BYTES setting, as for article files).

    Every file of the folder is checked before anything is stored, then everything is stored
    in one transaction: a bad file, or an error while storing, stores nothing. With
    `keep_going` a document with a bad file is skipped (listed in `failed`) and the others
    are stored. `progress(articles_done, articles)` is called after each stored article."""
    access.require_admin_to_load(engine, doing="import annotators' BRAT files")
    directory = Path(directory)
    if max_bytes is None:
        max_bytes = get_settings().factcheck_max_bytes
    if not directory.is_dir():
        raise InputError(f"{quote_name(directory)}: no such folder")
    documents, unmatched, refused = _discover(directory, reviewer)
    if not documents:
        raise InputError(
            refused[0]
            if refused
            else f"{quote_name(directory)}: no .txt files (expected text/*.txt or *.txt)"
        )
    summary = BratSummary(unmatched_files=unmatched, failed=refused)
    good: list[_Document] = []
    seen: dict[str, tuple[str, str]] = {}
    splits: dict[Path, tuple[str, SplitResult]] = {}  # text as checked, and its claims
    with Session(engine) as session:  # reads only: the stored articles' spacing
        for document in documents:
            try:
                split = _check_document(session, document, max_bytes, seen)
            except InputError as error:
                if not keep_going:
                    raise
                summary.failed.append(str(error))
            else:
                good.append(document)
                if split is not None:
                    splits[document.text_path] = split
    metadata = _metadata(directory)

    def store(session: Session) -> BratSummary:
        stored = BratSummary()  # afresh on each attempt: a retried transaction counts once
        for done, document in enumerate(good, start=1):
            checked = splits.get(document.text_path)
            _import_document(session, document, metadata, stored, max_bytes, checked)
            if progress is not None:
                progress(done, len(good))
        return stored

    if good:
        summary.add(write(engine, store))
    return summary


def _import_document(
    session: Session,
    document: _Document,
    metadata: dict[str, ArticleMeta],
    summary: BratSummary,
    max_bytes: int,
    checked: tuple[str, SplitResult] | None = None,
) -> None:
    # Read and checked again: a file changed since the check fails the whole transaction.
    text = _article_text(document.text_path, max_bytes)
    article = find_by_hash(session, text)
    if article is None:
        meta = metadata.get(document.text_path.stem, ArticleMeta())
        split = checked[1] if checked is not None and checked[0] == text else None
        article = import_text(session, text, meta, source_file=document.text_path.name, split=split)
        summary.articles_imported += 1
    elif article.text != text:
        raise _spacing_error(document.text_path, article)
    else:
        summary.articles_reused += 1
    claims = list(
        session.execute(
            select(Claim).where(col(Claim.article_id) == article.id).order_by(col(Claim.start))
        ).scalars()
    )
    for ann, annotator in document.annotations:
        parsed = parse_ann(_read_text(ann, max_bytes), text, ann.name)
        summary.unknown_lines.extend(parsed.unknown_lines)
        summary.annotation_files += 1
        if not parsed.entries:
            continue
        if not claims:
            summary.failed.append(
                f"{quote_name(ann.name)}: article {article.id} has no claims to attach to"
            )
            continue
        name = document.text_path.name
        per_claim: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for entry in parsed.entries:
            if name != article.source_file:
                entry["brat"]["file"] = name
            per_claim[_best_claim(claims, entry)].append(entry)
            summary.attributions += is_attribution(entry)
        person = row_id(get_or_create_reviewer(session, annotator))
        stored = {
            claim_id: spans
            for claim_id, spans in session.execute(
                select(col(Assessment.claim_id), col(Assessment.spans)).where(
                    col(Assessment.claim_id).in_(list(per_claim)),
                    col(Assessment.reviewer_id) == person,
                    col(Assessment.is_final) == false(),
                )
            )
        }
        summary.assessments += store_many(
            session,
            (
                _item(claim_id, person, entries, name, article.source_file, stored.get(claim_id))
                for claim_id, entries in per_claim.items()
            ),
        )


def _entry_ranges(entry: dict[str, Any]) -> list[tuple[int, int]]:
    spans = entry.get("content") or [s for key in ("source", "cue") for s in entry.get(key) or []]
    return [(s["start"], s["end"]) for s in spans]


def _best_claim(claims: list[Claim], entry: dict[str, Any]) -> int:
    """The active claim the content overlaps most; failing that, the nearest one."""
    ranges = _entry_ranges(entry)
    active = [c for c in claims if not c.dropped] or claims

    def overlap(claim: Claim) -> int:
        return sum(max(0, min(claim.end, b) - max(claim.start, a)) for a, b in ranges)

    def distance(claim: Claim) -> int:
        return min((max(a - claim.end, claim.start - b, 0) for a, b in ranges), default=claim.start)

    best = max(active, key=lambda c: (overlap(c), -distance(c), -c.start))
    return row_id(best)


def _joined(spans: list[dict[str, Any]]) -> str | None:
    text = " ".join(s["text"] for s in spans).strip()
    return text[:SPEAKER_MAX] or None


# What a .ann file says of a claim; the assessment keeps its other fields (grades given since).
BRAT_FIELDS = frozenset({"attribution_type", "speaker", "cue", "spans"})


def _item(
    claim_id: int,
    reviewer_id: int,
    entries: list[dict[str, Any]],
    file_name: str,
    article_file: str | None,
    stored_spans: list[dict[str, Any]] | None,
) -> AssessmentItem:
    """This annotator's assessment of the claim carries these entries (replacing what an
    earlier import of the same file stored, keeping entries from other files with the same
    text, `stored_spans`); its attribution is the first attribution entry's."""
    if stored_spans:
        kept = [e for e in stored_spans if entry_file(e, article_file) != file_name]
        entries = [*kept, *entries]
    first = next((e for e in entries if is_attribution(e)), None)
    data = AssessmentInput(
        attribution_type=AttributionType(first["attribution_type"]) if first else None,
        speaker=_joined(first["source"]) if first else None,
        cue=_joined(first["cue"]) if first else None,
        spans=entries,
    )
    return AssessmentItem(claim_id, reviewer_id, data, fields=BRAT_FIELDS)


# ------------------------------------------------------------------------------ export


def _safe(name: str) -> str:
    return re.sub(r"[^\w.-]+", "-", name) or "reviewer"


def export_brat(
    engine: Engine,
    directory: Path,
    flt: ExportFilter | None = None,
    progress: ExportProgress | None = None,
) -> int:
    """Write `text/<stem>.txt` and `attributions/<stem>_<reviewer>.ann` per article and
    reviewer (final assessments as `<reviewer>-final`); returns the number of .ann files.
    Imported spans come back with their original ids, argument order and line order.
    `directory` is meant to be fresh (the CLI's staging folder, which `atomic_folder` cleans
    around): files are written without sweeping for stale temp files, which for a large
    corpus would rescan the folder once per file."""
    flt = flt or ExportFilter()
    directory = Path(directory)
    written = 0
    stems: set[str] = set()
    with Session(engine) as session:
        query = select(id_col(Article.id)).order_by(col(Article.id))
        if flt.article_ids:
            query = query.where(col(Article.id).in_(flt.article_ids))
        article_ids = [row[0] for row in session.execute(query)]
        for article_id in article_ids:
            article = session.get(Article, article_id)
            assert article is not None
            stem = Path(article.source_file).stem if article.source_file else ""
            stem = _safe(stem) if stem else f"article-{article_id}"
            if stem in stems:
                stem = f"{stem}-{article_id}"
            stems.add(stem)
            with atomic_text_file(directory / "text" / f"{stem}.txt", clean_stale=False) as out:
                out.write(article.text)
            # Entries annotated on another file with the same text go back under its name.
            other_stems: dict[str, str] = {}
            for file_name, annotator, entries in _entries_by_file(session, article_id, flt):
                file_stem = stem
                if file_name is not None:
                    if file_name not in other_stems:
                        other = _safe(Path(file_name).stem)
                        other_stems[file_name] = other if other not in stems else f"{other}-x"
                        stems.add(other_stems[file_name])
                        with atomic_text_file(
                            directory / "text" / f"{other_stems[file_name]}.txt",
                            clean_stale=False,
                        ) as out:
                            out.write(article.text)
                    file_stem = other_stems[file_name]
                ann = directory / "attributions" / f"{file_stem}_{_safe(annotator)}.ann"
                with atomic_text_file(ann, clean_stale=False) as out:
                    out.write(ann_text(entries, article.text))
                written += 1
            session.expunge_all()
            if progress is not None:
                progress(written)
    return written


def _entries_by_file(
    session: Session, article_id: int, flt: ExportFilter
) -> Iterator[tuple[str | None, str, list[dict[str, Any]]]]:
    """(file, reviewer label, entries): file None for the article's own file."""
    for label, entries in _entries_by_reviewer(session, article_id, flt):
        by_file: dict[str | None, list[dict[str, Any]]] = {}
        for entry in entries:
            by_file.setdefault(entry_file(entry, None), []).append(entry)
        if not by_file:
            by_file[None] = []
        for file_name, own in by_file.items():
            yield file_name, label, own


def _entries_by_reviewer(
    session: Session, article_id: int, flt: ExportFilter
) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    query = (
        select(col(Reviewer.name), col(Assessment.is_final), col(Assessment.spans))
        .join(Claim, col(Claim.id) == Assessment.claim_id)
        .join(Reviewer, col(Reviewer.id) == Assessment.reviewer_id)
        .where(and_(col(Claim.article_id) == article_id, *assessment_conditions(session, flt)))
        .order_by(col(Reviewer.name), col(Assessment.is_final), col(Claim.start), col(Claim.id))
    )
    grouped: dict[str, list[dict[str, Any]]] = {}
    for name, final, spans in session.execute(query):
        label = f"{name}-final" if final else name
        grouped.setdefault(label, []).extend(spans or [])
    yield from grouped.items()


def ann_text(entries: list[dict[str, Any]], text: str) -> str:
    """The .ann content for these entries: kept lines in their original order, then lines
    for entries made outside BRAT under fresh ids."""
    placed: list[tuple[int, str]] = []
    seen: set[str] = set()
    fresh: list[dict[str, Any]] = []
    for entry in entries:
        brat = entry.get("brat")
        if not brat:
            fresh.append(entry)
            continue
        for entity in brat.get("entities", []):
            if entity["id"] in seen:
                continue
            seen.add(entity["id"])
            ranges = _current_ranges(entry, entity)
            placed.append(
                (
                    entity["line"],
                    _t_line(entity["id"], entity["label"], ranges, text, entity.get("text")),
                )
            )
        if brat.get("event") and brat["event"] not in seen:
            seen.add(brat["event"])
            placed.append((brat["line"], f"{brat['event']}\t{brat['args']}"))
        for note in brat.get("notes", []):
            placed.append((note["line"], note["raw"]))
    lines = [line for _, line in sorted(placed, key=lambda item: item[0])]
    lines.extend(_fresh_lines(fresh, seen, text))
    return "".join(f"{line}\n" for line in lines)


def _current_ranges(entry: dict[str, Any], entity: dict[str, Any]) -> list[list[int]]:
    """A role's spans as the entry holds them now (an editor may have changed them)."""
    ranges = [list(r) for r in entity["ranges"]]
    key = ROLE_KEYS.get(entity["label"])
    if key is not None and entry.get(key):
        current = [[s["start"], s["end"]] for s in entry[key]]
        if current != ranges and _role_of(entry, entity["id"]) == entity["label"]:
            return current
    return ranges


def _role_of(entry: dict[str, Any], ref: str) -> str | None:
    for token in str(entry.get("brat", {}).get("args", "")).split():
        role, _, target = token.partition(":")
        if target == ref:
            return role
    return None


def _t_line(
    tid: str, label: str, ranges: list[list[int]], text: str, given: str | None = None
) -> str:
    covered = given if given is not None else " ".join(text[a:b] for a, b in ranges)
    offsets = ";".join(f"{a} {b}" for a, b in ranges)
    return f"{tid}\t{label} {offsets}\t{covered}"


def _fresh_lines(entries: list[dict[str, Any]], taken: set[str], text: str) -> list[str]:
    def highest(prefix: str) -> int:
        numbers = [int(i[1:]) for i in taken if i.startswith(prefix) and i[1:].isdigit()]
        return max(numbers, default=0)

    next_t, next_e = highest("T") + 1, highest("E") + 1
    lines: list[str] = []
    for entry in entries:
        args: list[str] = []
        roles = [("Source", entry.get("source")), ("Cue", entry.get("cue"))]
        roles.append(("Content", entry.get("content")))
        trigger = entry.get("cue") or entry.get("content") or entry.get("source")
        if not trigger:
            continue
        label = ATTRIBUTION_LABEL if entry.get("source") else "Attribution-no-source"
        roles.insert(0, (label, trigger))
        for role, spans in roles:
            if not spans:
                continue
            tid = f"T{next_t}"
            next_t += 1
            ranges = [[s["start"], s["end"]] for s in spans]
            lines.append(_t_line(tid, role, ranges, text))
            args.append(f"{role}:{tid}")
        lines.append(f"E{next_e}\t{' '.join(args)}")
        next_e += 1
    return lines
