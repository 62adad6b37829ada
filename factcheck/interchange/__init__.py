"""Moving work between factcheck and other tools: the lossless JSON Lines bundle, BRAT
standoff, quote JSON (the `factcheck suggest` shape), schema.org ClaimReview, ratings CSV
merges and web-page import.

Every exporter takes `(engine, out_path, flt, progress)` and returns how many records (or,
for BRAT, .ann files) it wrote; `progress(count_so_far)` is called as it goes, like
`factcheck.export.export_csv`. BRAT's `out_path` is a folder.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine

from factcheck.export import ExportFilter
from factcheck.interchange.brat import export_brat, import_brat
from factcheck.interchange.bundle import export_bundle, import_bundle
from factcheck.interchange.claimreview import export_claimreview, validate_claimreview
from factcheck.interchange.quotes import export_quotes
from factcheck.interchange.ratings_csv import merge_ratings_csv
from factcheck.interchange.web import fetch_article, import_url

Exporter = Callable[[Engine, Path, ExportFilter | None, Callable[[int], None] | None], int]

EXPORTERS: dict[str, Exporter] = {
    "jsonl": export_bundle,
    "brat": export_brat,
    "quotes": export_quotes,
    "claimreview": export_claimreview,
}
# Formats whose output is a folder rather than one file.
FOLDER_FORMATS = frozenset({"brat"})

__all__ = [
    "EXPORTERS",
    "FOLDER_FORMATS",
    "Exporter",
    "export_brat",
    "export_bundle",
    "export_claimreview",
    "export_quotes",
    "fetch_article",
    "import_brat",
    "import_bundle",
    "import_url",
    "merge_ratings_csv",
    "validate_claimreview",
]
