"""Every export format as bytes for a download button: the same exporter functions as
`factcheck export` (both read `formats.FORMATS`), written to a temporary place and read back
(a folder format as a .zip), so the UI never has a second implementation of a format. The
temporary place is a locked folder in the system's temp folder: one left by a process that was
killed is removed by the next download (the rule is in factcheck.interchange.export)."""

from __future__ import annotations

import zipfile
from datetime import UTC, datetime

from sqlalchemy import Engine

from factcheck.interchange.export import ExportFilter, scratch_folder
from factcheck.interchange.formats import FORMATS


def download_name(fmt: str, moment: datetime | None = None) -> str:
    moment = moment or datetime.now(UTC)
    spec = FORMATS[fmt]
    return f"factcheck-{spec.stem}-{moment:%Y%m%d-%H%M}{spec.suffix}"


def export_bytes(engine: Engine, fmt: str, flt: ExportFilter | None = None) -> bytes:
    """The export `fmt` with filter `flt`, as the bytes of one file."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    spec = FORMATS[fmt]
    with scratch_folder("factcheck-export-") as folder:
        target = folder / ("export" if spec.folder else f"export.{fmt}")
        spec.exporter(engine, target, flt, None)
        if not spec.folder:
            return target.read_bytes()
        archive = folder / "export.zip"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
            for path in sorted(p for p in target.rglob("*") if p.is_file()):
                bundle.write(path, path.relative_to(target).as_posix())
        return archive.read_bytes()
