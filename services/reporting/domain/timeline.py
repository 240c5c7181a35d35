"""Progress over time: month by month, how many module completions, full completers and circles a school (or a
cohort) had reached. Pure Python."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from contracts.events.learning import MODULE_COUNT
from services.reporting.domain.facts import CircleFact, CompletionFact

__all__ = ["MonthPoint", "add_timelines", "progress_over_time"]


@dataclass(frozen=True)
class MonthPoint:
    """Totals reached by the end of `month` (its first day)."""

    month: date
    module_completions: int
    staff_completed_all: int
    circles_held: int


def _month(day: date) -> date:
    return day.replace(day=1)


def _next(month: date) -> date:
    return month.replace(year=month.year + 1, month=1) if month.month == 12 else month.replace(month=month.month + 1)


def progress_over_time(
    starts_on: date, completions: Iterable[CompletionFact], circles: Iterable[CircleFact]
) -> tuple[MonthPoint, ...]:
    """From the month the school joined to the month of its latest fact. `completions` are the counted ones."""
    first_done: dict[tuple[UUID, int], date] = {}
    for completion in completions:
        if completion.completed_at is None:
            continue
        key, done = (completion.staff_id, completion.module_number), completion.completed_at.date()
        first_done[key] = min(done, first_done.get(key, done))
    finished: dict[UUID, date] = {}
    per_staff: dict[UUID, list[date]] = {}
    for (staff, _), done in first_done.items():
        per_staff.setdefault(staff, []).append(done)
    for staff, days in per_staff.items():
        if len(days) >= MODULE_COUNT:
            finished[staff] = sorted(days)[MODULE_COUNT - 1]
    completions_by_month = Counter(_month(done) for done in first_done.values())
    finishers_by_month = Counter(_month(done) for done in finished.values())
    circles_by_month = Counter(_month(circle.held_on) for circle in circles)
    months = [*completions_by_month, *finishers_by_month, *circles_by_month]
    if not months:
        return ()
    month, last = min(_month(starts_on), *months), max(months)
    points, totals = [], (0, 0, 0)
    while month <= last:
        totals = (
            totals[0] + completions_by_month[month],
            totals[1] + finishers_by_month[month],
            totals[2] + circles_by_month[month],
        )
        points.append(MonthPoint(month, *totals))
        month = _next(month)
    return tuple(points)


def add_timelines(timelines: Iterable[tuple[MonthPoint, ...]]) -> tuple[MonthPoint, ...]:
    """A cohort's timeline: its schools' totals month by month (a school's totals carry on after its last fact)."""
    timelines = [timeline for timeline in timelines if timeline]
    if not timelines:
        return ()
    month, last = min(t[0].month for t in timelines), max(t[-1].month for t in timelines)
    points = []
    while month <= last:
        reached = [
            max((p for p in timeline if p.month <= month), key=lambda p: p.month, default=None)
            for timeline in timelines
        ]
        found = [point for point in reached if point is not None]
        points.append(
            MonthPoint(
                month,
                sum(point.module_completions for point in found),
                sum(point.staff_completed_all for point in found),
                sum(point.circles_held for point in found),
            )
        )
        month = _next(month)
    return tuple(points)
