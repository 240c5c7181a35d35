"""Impact returns: a school's suspensions, exclusions and attendance for one period, checked for what cannot
be true, and kept with every earlier version when corrected. Pure Python."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import datetime
from uuid import UUID

from contracts.events.reporting import ImpactReturnSubmitted
from services.reporting.domain.errors import ImpossibleReturn
from services.reporting.domain.periods import Period, academic_year_label

__all__ = ["FIGURES", "ImpactFigures", "ImpactReturn", "check_figures", "current_returns"]


@dataclass(frozen=True)
class ImpactFigures:
    """What a school returns for one period, as the Department for Education counts it."""

    pupils_on_roll: int  # the January census headcount
    suspensions: int
    pupils_suspended: int  # pupils with one or more suspensions
    permanent_exclusions: int
    possible_sessions: int
    sessions_missed: int
    pupils_persistently_absent: int  # pupils who missed 10% or more of their possible sessions
    # Pupils with absence records, DfE's denominator of persistent absence; None where the school did not give it.
    pupils_with_absence_records: int | None = None


FIGURES: tuple[str, ...] = tuple(figure.name for figure in fields(ImpactFigures))


def _no_more_than(figures: ImpactFigures, part: str, whole: str, why: str) -> None:
    if getattr(figures, part) > getattr(figures, whole):
        raise ImpossibleReturn(
            part, f"{getattr(figures, part)} is more than the {getattr(figures, whole)} {whole.replace('_', ' ')}{why}"
        )


def check_figures(figures: ImpactFigures) -> None:
    """Refuse figures that cannot be true, naming the first field at fault."""
    for name, value in asdict(figures).items():
        if value is not None and value < 0:
            raise ImpossibleReturn(name, f"cannot be negative (got {value})")
    if figures.pupils_on_roll == 0:
        raise ImpossibleReturn("pupils_on_roll", "must be at least 1: every rate is per pupil on roll")
    if figures.possible_sessions == 0:
        raise ImpossibleReturn("possible_sessions", "must be at least 1: absence is per possible session")
    _no_more_than(figures, "pupils_suspended", "pupils_on_roll", "")
    _no_more_than(figures, "pupils_suspended", "suspensions", ": each of them was suspended at least once")
    if figures.suspensions > 0 and figures.pupils_suspended == 0:
        raise ImpossibleReturn("pupils_suspended", f"cannot be 0 when there were {figures.suspensions} suspensions")
    _no_more_than(figures, "permanent_exclusions", "pupils_on_roll", "")
    _no_more_than(figures, "sessions_missed", "possible_sessions", "")
    _no_more_than(figures, "pupils_persistently_absent", "pupils_on_roll", "")
    if figures.pupils_with_absence_records is not None:
        if figures.pupils_with_absence_records == 0:
            raise ImpossibleReturn("pupils_with_absence_records", "must be at least 1, or left out")
        _no_more_than(figures, "pupils_persistently_absent", "pupils_with_absence_records", "")
    if figures.pupils_persistently_absent > 0 and figures.sessions_missed == 0:
        raise ImpossibleReturn("pupils_persistently_absent", "cannot be more than 0 when no sessions were missed")


@dataclass(frozen=True)
class ImpactReturn:
    """One version of a school's return for one period; the highest version is the current one."""

    return_id: UUID
    urn: str
    cohort_id: str
    period: Period
    version: int
    replaces: UUID | None
    figures: ImpactFigures
    submitted_at: datetime

    def submitted_event(self) -> ImpactReturnSubmitted:
        return ImpactReturnSubmitted(
            return_id=self.return_id,
            urn=self.urn,
            cohort_id=self.cohort_id,
            academic_year=academic_year_label(self.period.academic_year),
            period=self.period.name,
            version=self.version,
            replaces_return_id=self.replaces,
            submitted_at=self.submitted_at,
            **asdict(self.figures),
        )


def current_returns(returns: list[ImpactReturn]) -> dict[Period, ImpactReturn]:
    """The latest version for each period."""
    current: dict[Period, ImpactReturn] = {}
    for found in returns:
        if found.period not in current or found.version > current[found.period].version:
            current[found.period] = found
    return current
