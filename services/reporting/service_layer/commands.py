"""Orders reporting takes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from contracts.events.reporting import ReturnPeriod
from services.reporting.domain.impact_returns import ImpactFigures

__all__ = ["SubmitImpactReturn"]


@dataclass(frozen=True)
class SubmitImpactReturn:
    """A school's return for one period; `academic_year` (`2025/26`) may be left out for the baseline."""

    urn: str
    period: ReturnPeriod
    academic_year: str | None
    figures: ImpactFigures
    submitted_at: datetime
