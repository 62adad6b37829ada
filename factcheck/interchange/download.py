"""Every export format as bytes for a download button: the same exporter functions as
`factcheck export`, written to a temporary place and read back (BRAT's folder as a .zip), so
the UI never has a second implementation of a format. The temporary place is a locked folder
in the system's temp folder: one left by a process that was killed is removed by the next
download (the rule is in factcheck.export)."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine

from factcheck.export import ExportFilter, export_csv, scratch_folder
from factcheck.interchange import EXPORTERS, FOLDER_FORMATS


@dataclass(frozen=True)
class DownloadFormat:
    label: str
    suffix: str
    mime: str
    help: str


DOWNLOAD_FORMATS: dict[str, DownloadFormat] = {
    "csv": DownloadFormat(
        "CSV (ratings)", ".csv", "text/csv", "One row per (claim, reviewer), for spreadsheets."
    ),
    "jsonl": DownloadFormat(
        "Project bundle (JSON Lines)",
        ".jsonl",
        "application/x-ndjson",
        "Everything, lossless: `factcheck import-bundle` brings the project back.",
    ),
    "brat": DownloadFormat(
        "BRAT standoff (.zip)",
        ".zip",
        "application/zip",
        "text/*.txt and attributions/<stem>_<reviewer>.ann, PolNeAR layout.",
    ),
    "quotes": DownloadFormat(
        "Quote JSON Lines",
        ".jsonl",
        "application/x-ndjson",
        "One line per article with the reviewers' source, cue and content spans.",
    ),
    "claimreview": DownloadFormat(
        "schema.org ClaimReview (JSON-LD lines)",
        ".jsonl",
        "application/ld+json",
        "One ClaimReview per graded rating, for search engines and fact-check feeds.",
    ),
}


def download_name(fmt: str, moment: datetime | None = None) -> str:
    moment = moment or datetime.now(UTC)
    kind = "ratings" if fmt == "csv" else fmt
    return f"factcheck-{kind}-{moment:%Y%m%d-%H%M}{DOWNLOAD_FORMATS[fmt].suffix}"


def export_bytes(engine: Engine, fmt: str, flt: ExportFilter | None = None) -> bytes:
    """The export `fmt` with filter `flt`, as the bytes of one file."""
    if fmt not in DOWNLOAD_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    exporter = export_csv if fmt == "csv" else EXPORTERS[fmt]
    with scratch_folder("factcheck-export-") as folder:
        target = folder / ("export" if fmt in FOLDER_FORMATS else f"export.{fmt}")
        exporter(engine, target, flt, None)
        if fmt not in FOLDER_FORMATS:
            return target.read_bytes()
        archive = folder / "export.zip"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
            for path in sorted(p for p in target.rglob("*") if p.is_file()):
                bundle.write(path, path.relative_to(target).as_posix())
        return archive.read_bytes()
