"""Reads a Get Information about Schools extract: CSV in Windows Latin-1 with GIAS's own column names."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from services.enrolment.domain.errors import UnreadableExtract
from services.enrolment.domain.gias import GiasEstablishment

__all__ = ["COLUMNS", "HEADTEACHER_COLUMNS", "read_extract"]

# GIAS column -> the field it fills.
COLUMNS = {
    "URN": "urn",
    "EstablishmentName": "name",
    "LA (name)": "local_authority",
    "PhaseOfEducation (name)": "phase",
    "EstablishmentStatus (name)": "status",
    "TypeOfEstablishment (name)": "establishment_type",
}
# Optional: the headteacher's name, read when the extract has them. GIAS names the title column either way.
HEADTEACHER_COLUMNS = (("HeadTitle (name)", "HeadTitle"), ("HeadFirstName",), ("HeadLastName",))
# What GIAS writes in HeadTitle when it has none.
_NO_TITLE = frozenset({"", "not applicable", "not recorded"})


def _headteacher_name(row: dict[str, str | None], header: Sequence[str]) -> str:
    """Title, first and last name joined; empty when the extract has no name (a title alone is no name)."""
    title, first, last = (
        next((" ".join((row.get(name) or "").split()) for name in names if name in header), "")
        for names in HEADTEACHER_COLUMNS
    )
    if not (first or last):
        return ""
    return " ".join(part for part in (title if title.lower() not in _NO_TITLE else "", first, last) if part)


def _decode(data: bytes) -> str:
    # GIAS writes Windows-1252, Latin-1 with typographic quotes in 0x80-0x9f; plain Latin-1 decodes any byte.
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def read_extract(data: bytes) -> tuple[GiasEstablishment, ...]:
    """The extract's rows; `UnreadableExtract` naming the problem when it is not a GIAS extract."""
    text = _decode(data).lstrip("\ufeff")
    if not text.strip():
        raise UnreadableExtract("the file is empty")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    missing = [column for column in COLUMNS if column not in header]
    if missing:
        raise UnreadableExtract(f"the file has no column {', '.join(repr(c) for c in missing)}")
    establishments = []
    try:
        for row in reader:
            values = {field: (row.get(column) or "").strip() for column, field in COLUMNS.items()}
            establishments.append(
                GiasEstablishment(line=reader.line_num, headteacher_name=_headteacher_name(row, header), **values)
            )
    except csv.Error as bad:
        raise UnreadableExtract(f"line {reader.line_num}: {bad}") from None
    if not establishments:
        raise UnreadableExtract("the file has a header but no establishments")
    return tuple(establishments)
