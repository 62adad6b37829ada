"""The one formula guard of spreadsheet cells, and its inverse.

A CSV cell that starts with `=`, `+`, `-`, `@`, tab or CR is run as a formula by Excel,
LibreOffice and Google Sheets (CSV injection, OWASP): every text cell factcheck writes to a
CSV goes through `guard_cells`, which prefixes such a cell with `'`. Every CSV factcheck reads
back (ratings merges, agreement from CSV files) goes through `unguard`, which drops exactly
that prefix again, so a value survives the round trip unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_TRIGGERS = frozenset(FORMULA_TRIGGERS)  # all one character: a set lookup per cell
_GUARD = "'"


def guard_cells(cells: Iterable[Any]) -> list[Any]:
    """The cells of one row as a spreadsheet may open them: text a spreadsheet would run as a
    formula gets a leading `'`; numbers, booleans and other text are left as they are. (One
    call per row, not per cell: the CSV export writes millions of cells.)"""
    return [
        _GUARD + cell if cell.__class__ is str and cell[:1] in _TRIGGERS else cell for cell in cells
    ]


def unguard(value: str) -> str:
    """Undo the guard: `'=1+1` was written for `=1+1` (only before a trigger: an apostrophe
    the user typed before other text is theirs)."""
    if len(value) > 1 and value[0] == _GUARD and value[1] in _TRIGGERS:
        return value[1:]
    return value
