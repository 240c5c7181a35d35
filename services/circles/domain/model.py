"""Schools that may hold circles. Pure Python."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

__all__ = ["CircleSchool"]


@dataclass(frozen=True)
class CircleSchool:
    """Circles' own copy of an enrolled school, kept from enrolment's events."""

    urn: str
    cohort_id: str
    enrolled_on: date
