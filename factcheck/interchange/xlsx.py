"""The ratings as an Excel workbook: the CSV's columns in the same order, typed cells (ids and
counts as numbers, dates as dates, yes/no as booleans, grades as text), a frozen header row,
and no cell a spreadsheet would run as a formula.

Desks open the CSV in Excel, which reads it in the machine's code page (so “ and é turn to
mojibake) and runs `=…` cells; a real workbook avoids both. Written with openpyxl's streaming
writer, so memory stays flat however many rows there are."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from sqlalchemy import Engine
from sqlmodel import Session

from factcheck.interchange.export import (
    BATCH_ROWS,
    CSV_COLUMNS,
    ExportFilter,
    locked_temp,
    rating_cells,
)

SHEET = "ratings"
INTEGER_COLUMNS = frozenset(
    {
        "article_id",
        "claim_id",
        "claim_index",
        "claim_start",
        "claim_end",
        "chain_length",
        "information_credibility",
        "sourcing_score",
    }
)
BOOLEAN_COLUMNS = frozenset({"translated", "corroborated", "final", "needs_review"})
DATE_COLUMNS = frozenset({"published_at", "rated_at"})
NUMBER_COLUMNS = frozenset({"checkworthiness"})
WIDTHS = {"article_title": 40, "claim_text": 60, "chain": 40, "notes": 40}


def _date(text: str) -> date | datetime | str:
    """An ISO date or date-time as Excel's date (naive: Excel has no time zones; factcheck
    writes UTC); anything else stays the text it was."""
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text
    return moment.replace(tzinfo=None)


def typed(column: str, value: Any) -> Any:
    """A CSV cell's value as the workbook stores it ("" stays an empty cell)."""
    if value == "" or value is None:
        return None
    if column in INTEGER_COLUMNS:
        return int(value)
    if column in NUMBER_COLUMNS:
        return float(value)
    if column in BOOLEAN_COLUMNS:
        return value == "true"
    if column in DATE_COLUMNS:
        return _date(str(value))
    return str(value)


def _cell(sheet: WriteOnlyWorksheet, value: Any) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        # openpyxl stores a string starting with "=" as a formula; a text cell never runs.
        cell.data_type = "s"
    elif isinstance(value, datetime):
        cell.number_format = "yyyy-mm-dd hh:mm:ss"
    elif isinstance(value, date):
        cell.number_format = "yyyy-mm-dd"
    return cell


def export_xlsx(
    engine: Engine,
    path: Path,
    flt: ExportFilter | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write the ratings workbook to `path` (renamed into place when complete); returns the
    number of rows."""
    path = Path(path)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET)
    sheet.freeze_panes = "A2"
    for index, column in enumerate(CSV_COLUMNS, start=1):
        if column in WIDTHS:
            sheet.column_dimensions[get_column_letter(index)].width = WIDTHS[column]
    bold = Font(bold=True)
    header = []
    for column in CSV_COLUMNS:
        cell = _cell(sheet, column)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    count = 0
    with Session(engine) as session:
        for cells in rating_cells(session, flt):
            sheet.append(
                [
                    _cell(sheet, typed(column, value))
                    for column, value in zip(CSV_COLUMNS, cells, strict=True)
                ]
            )
            count += 1
            if progress is not None and count % BATCH_ROWS == 0:
                progress(count)
    with locked_temp(path.parent, f".{path.name}.") as (_, temp):
        workbook.save(temp)
        os.replace(temp, path)
    if progress is not None:
        progress(count)
    return count
