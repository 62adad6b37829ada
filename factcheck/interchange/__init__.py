"""Moving work between factcheck and other tools: the lossless JSON Lines bundle, BRAT
standoff, quote JSON (the `factcheck suggest` shape), schema.org ClaimReview, ratings CSV
merges and web-page import. `formats.FORMATS` lists every export format once, with its
exporter and importer.

Every exporter takes `(engine, out_path, flt, progress)` and returns how many records (or,
for BRAT, .ann files) it wrote; `progress(count_so_far)` is called as it goes, like
`factcheck.interchange.export.export_csv`. BRAT's `out_path` is a folder.

The names below are loaded on first use: `factcheck.interchange.export`, which every format builds on,
itself uses `factcheck.interchange.cells`, and importing every format here on the way would be
an import cycle.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from factcheck.interchange.brat import export_brat, import_brat
    from factcheck.interchange.bundle import export_bundle, import_bundle
    from factcheck.interchange.claimreview import export_claimreview, validate_claimreview
    from factcheck.interchange.quotes import export_quotes
    from factcheck.interchange.ratings_csv import merge_ratings_csv
    from factcheck.interchange.web import fetch_article, import_url

_HOME = {
    "export_brat": "brat",
    "import_brat": "brat",
    "export_bundle": "bundle",
    "import_bundle": "bundle",
    "export_claimreview": "claimreview",
    "validate_claimreview": "claimreview",
    "export_quotes": "quotes",
    "merge_ratings_csv": "ratings_csv",
    "fetch_article": "web",
    "import_url": "web",
}


def __getattr__(name: str) -> Any:
    """`from factcheck.interchange import import_brat` and the like, loaded when asked for."""
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_HOME[name]}"), name)


__all__ = [
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
