"""Reads the half-term calendar from its JSON file (England's defaults in `contracts/`, or RSP_HALF_TERMS_FILE).

Circles counts circles against it; the bridge hands each journey the half-terms of its 18 months.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from contracts.calendar import HalfTerm, HalfTermCalendar
from runtime.errors import ConfigurationError

__all__ = ["DEFAULT_HALF_TERMS_FILE", "load_half_terms"]

DEFAULT_HALF_TERMS_FILE = Path(__file__).parent.parent / "contracts" / "half_terms_england.json"


class _HalfTermEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
    starts_on: date
    ends_on: date


class _AcademicYear(BaseModel):
    model_config = ConfigDict(extra="forbid")

    academic_year: str = Field(pattern=r"^[0-9]{4}-[0-9]{2}$")
    source: str = ""
    half_terms: list[_HalfTermEntry]


class _CalendarFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    about: str = ""
    academic_years: list[_AcademicYear]


def load_half_terms(path: Path | None = None) -> HalfTermCalendar:
    """The calendar in `path` (default: England, 2025-26 to 2028-29); a bad file stops the service starting."""
    path = path or DEFAULT_HALF_TERMS_FILE
    try:
        parsed = _CalendarFile.model_validate_json(path.read_bytes())
        return HalfTermCalendar(
            HalfTerm(entry.starts_on, entry.ends_on, year.academic_year, entry.name)
            for year in parsed.academic_years
            for entry in year.half_terms
        )
    except OSError as missing:
        raise ConfigurationError(f"half-terms file {path} cannot be read: {missing}") from None
    except (ValidationError, ValueError) as bad:
        raise ConfigurationError(f"half-terms file {path} is not a valid calendar: {bad}") from None
