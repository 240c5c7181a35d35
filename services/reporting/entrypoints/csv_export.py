"""Tables as CSV files: RFC 4180 (CRLF line ends, quotes doubled), UTF-8, safe to open in a spreadsheet.

Spreadsheets run a cell that begins with `=`, `+`, `-` or `@` (or a tab or carriage return) as a formula, so
such a text cell gets a leading `'`. Numbers stay numbers: they come from typed values, never from text a user
typed, so a negative change such as `-1.25` is written as it is and sums and charts still work on it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from fastapi.responses import Response

__all__ = ["Cell", "csv_response", "csv_text", "spreadsheet_safe"]

Cell = str | int | float | bool | None
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "yes" if cell else "no"
    if isinstance(cell, int | float):
        return str(cell)
    return "'" + cell if cell.startswith(_FORMULA_STARTS) else cell


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL, doublequote=True)
    writer.writerow([spreadsheet_safe(name) for name in header])
    writer.writerows([spreadsheet_safe(cell) for cell in row] for row in rows)
    return out.getvalue()


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> Response:
    return Response(
        content=csv_text(header, rows).encode("utf-8"),
        media_type="text/csv; charset=utf-8; header=present",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
