"""Adaptations: a log a facilitator writes when a school departs from the programme's plan. Pure Python.

The reason is kept here only: no event carries it (a reason may say things about a school's circumstances that
should not travel), and only the programme team, the school's facilitators and the school itself read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal, get_args
from uuid import UUID

from services.reporting.domain.errors import InvalidEvidence

__all__ = ["ADAPTED_PARTS", "Adaptation", "AdaptedPart", "check_adaptation"]

AdaptedPart = Literal[
    "leadership_days", "modules", "circles", "mentoring", "immersion_days", "practitioner_training", "other"
]
ADAPTED_PARTS: tuple[AdaptedPart, ...] = get_args(AdaptedPart)
_LONGEST = 2000


@dataclass(frozen=True)
class Adaptation:
    adaptation_id: UUID
    urn: str
    cohort_id: str
    part: AdaptedPart
    what_changed: str
    reason: str
    decided_on: date
    recorded_at: datetime


def check_adaptation(what_changed: str, reason: str, decided_on: date, enrolled_on: date, today: date) -> None:
    for name, text in (("what_changed", what_changed), ("reason", reason)):
        if not text.strip():
            raise InvalidEvidence(name, "must say something")
        if len(text) > _LONGEST:
            raise InvalidEvidence(name, f"must be at most {_LONGEST} characters")
    if decided_on > today:
        raise InvalidEvidence("decided_on", f"{decided_on.isoformat()} is in the future: log an adaptation once made")
    if decided_on < enrolled_on:
        raise InvalidEvidence(
            "decided_on", f"{decided_on.isoformat()} is before the school joined ({enrolled_on.isoformat()})"
        )
