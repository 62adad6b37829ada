"""THE catalog of export formats: each one once, with everything the command line, the
Export page and the download code need to know about it (name, label, file suffix, mime type,
folder or file, what its count counts, its exporter and what reads it back). `factcheck export
--format`, the Export page's format list and `download.export_bytes` all read `FORMATS`, so a
format added here appears in all three.

Every exporter takes `(engine, out_path, flt, progress)` and returns how many records it wrote
(see `factcheck.interchange`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from factcheck.interchange.brat import export_brat, import_brat
from factcheck.interchange.bundle import export_bundle, import_bundle
from factcheck.interchange.claimreview import export_claimreview
from factcheck.interchange.export import ExportFilter, export_csv
from factcheck.interchange.quotes import export_quotes
from factcheck.interchange.ratings_csv import merge_ratings_csv
from factcheck.interchange.xlsx import export_xlsx

Exporter = Callable[[Engine, Path, ExportFilter | None, Callable[[int], None] | None], int]


@dataclass(frozen=True)
class Format:
    """One export format."""

    name: str  # `--format NAME`
    summary: str  # one phrase in `factcheck export --help`
    label: str  # the Export page's choice
    help: str  # the Export page's caption for it
    suffix: str  # of a downloaded file (a folder format downloads as .zip)
    mime: str  # of a downloaded file
    unit: str  # what the count of "wrote N …" and the progress bar counts
    exporter: Exporter
    folder: bool = False  # writes a folder, not one file
    to_stdout: bool = False  # `factcheck export` without --out writes it to stdout
    download_stem: str = ""  # names a download factcheck-<stem>-<time><suffix>; default: name
    importer: Callable[..., Any] | None = None  # what reads it back into a database
    import_command: str | None = None  # the command that calls the importer

    @property
    def stem(self) -> str:
        return self.download_stem or self.name


FORMATS: dict[str, Format] = {
    spec.name: spec
    for spec in (
        Format(
            name="csv",
            summary="ratings, one row per (claim, reviewer)",
            label="CSV (ratings)",
            help="One row per (claim, reviewer), for spreadsheets.",
            suffix=".csv",
            mime="text/csv",
            unit="rows",
            exporter=export_csv,
            to_stdout=True,
            download_stem="ratings",
            importer=merge_ratings_csv,
            import_command="merge-ratings",
        ),
        Format(
            name="xlsx",
            summary="ratings as an Excel workbook",
            label="Excel workbook (ratings, .xlsx)",
            help="The CSV's columns as typed cells (dates as dates), header row frozen; "
            "opens right in Excel and LibreOffice.",
            suffix=".xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            unit="rows",
            exporter=export_xlsx,
            download_stem="ratings",
        ),
        Format(
            name="jsonl",
            summary="lossless project bundle",
            label="Project bundle (JSON Lines)",
            help="Everything, lossless: `factcheck import-bundle` brings the project back.",
            suffix=".jsonl",
            mime="application/x-ndjson",
            unit="records",
            exporter=export_bundle,
            importer=import_bundle,
            import_command="import-bundle",
        ),
        Format(
            name="brat",
            summary="BRAT standoff folder",
            label="BRAT standoff (.zip)",
            help="text/*.txt and attributions/<stem>_<reviewer>.ann, PolNeAR layout.",
            suffix=".zip",
            mime="application/zip",
            unit=".ann files",
            exporter=export_brat,
            folder=True,
            importer=import_brat,
            import_command="import-brat",
        ),
        Format(
            name="quotes",
            summary="quote JSON lines",
            label="Quote JSON Lines",
            help="One line per article with the reviewers' source, cue and content spans.",
            suffix=".jsonl",
            mime="application/x-ndjson",
            unit="articles",
            exporter=export_quotes,
        ),
        Format(
            name="claimreview",
            summary="schema.org JSON-LD",
            label="schema.org ClaimReview (JSON-LD lines)",
            help="One ClaimReview per graded rating, for search engines and fact-check feeds.",
            suffix=".jsonl",
            mime="application/ld+json",
            unit="reviews",
            exporter=export_claimreview,
        ),
    )
}


def format_help() -> str:
    """The `--format` option's help: every format with its summary."""
    return "; ".join(f"{spec.name}: {spec.summary}" for spec in FORMATS.values()) + "."
