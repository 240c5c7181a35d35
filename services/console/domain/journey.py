"""A school's journey against its cohort's plan, in plain words, and what is due next."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from contracts.programme import add_months

__all__ = ["DueNext", "JourneyLine", "due_next", "journey_lines"]

# The journey's foundations criterion (workflows/journey/criteria.py): by month 6, half the staff through
# modules 1 to 5; by the end, three quarters through every planned module.
_MODULES_FIRST_BLOCK = 5
_FOUNDATIONS_MONTH = 6


@dataclass(frozen=True)
class JourneyLine:
    part: str
    words: str


@dataclass(frozen=True)
class DueNext:
    what: str
    by: date


def journey_lines(cohort: Mapping[str, Any], progress: Mapping[str, Any] | None, today: date) -> list[JourneyLine]:
    plan = cohort["plan"]
    days = plan["leadership_days"]
    if progress is None:
        return [JourneyLine("Programme", "Nothing has been recorded for this school yet.")]
    staff = int(progress["staff_counted"])
    modules = progress["modules"]
    # Staff through modules 1 to 5: no more than completed the least completed of them.
    first_block = min(int(modules["completions_by_module"].get(str(n), 0)) for n in range(1, _MODULES_FIRST_BLOCK + 1))
    trained_by = add_months(date.fromisoformat(progress["enrolled_on"]), plan["practitioners_trained_by_month"])
    joined = date.fromisoformat(progress["enrolled_on"])
    foundations = add_months(joined, _FOUNDATIONS_MONTH)
    ends_on = date.fromisoformat(cohort["ends_on"])
    lines = [
        JourneyLine(
            "Leadership days", f"{progress['leadership_days_attended']} of {len(days)} leadership days attended"
        ),
        JourneyLine(
            "Online modules",
            f"{first_block} of {staff} staff through modules 1 to {_MODULES_FIRST_BLOCK}, {math.ceil(staff / 2)} "
            f"needed by {foundations:%-d %B %Y}; {modules['staff_completed_all']} of {staff} through all "
            f"{plan['modules']}, {math.ceil(staff * 3 / 4)} needed by {ends_on:%-d %B %Y}",
        ),
        JourneyLine(
            "Circles",
            f"{progress['circles_held']} circles held; a circle in {len(progress['half_terms_with_circle'])} "
            f"half-terms (at least {plan['circles_per_half_term']} each half-term)",
        ),
        JourneyLine("Mentoring", f"{progress['mentoring_sessions']} mentoring sessions (one each term)"),
        JourneyLine("Immersion days", f"{progress['immersion_days']} of {plan['immersion_days']} immersion days"),
        JourneyLine(
            "Practitioners",
            f"{progress['practitioners_trained']} of {plan['practitioners_to_train']} practitioners trained, needed by "
            f"{trained_by:%-d %B %Y}",
        ),
    ]
    journey = progress["journey"]
    if journey["at_risk"]:
        lines.insert(0, JourneyLine("At risk", "; ".join(journey["at_risk_reasons"]) or "behind the plan"))
    return lines


def due_next(
    cohort: Mapping[str, Any], returns_due: Iterable[Mapping[str, Any]], returned: Iterable[str], today: date
) -> list[DueNext]:
    """The next leadership day and the next impact return not yet sent, soonest first."""
    due: list[DueNext] = []
    upcoming = [d for d in cohort["plan"]["leadership_days"] if date.fromisoformat(d["held_on"]) >= today]
    if upcoming:
        day = upcoming[0]
        due.append(DueNext(f"Leadership day {day['number']}", date.fromisoformat(day["held_on"])))
    sent = set(returned)
    ends = {"autumn": (12, 31), "spring": (3, 31), "summer": (8, 31)}
    for period in returns_due:
        if period["label"] in sent:
            continue
        start = int(str(period["academic_year"])[:4])
        if period["period"] == "baseline":
            by = today
        else:
            month, day_of = ends[str(period["period"])]
            by = date(start if period["period"] == "autumn" else start + 1, month, day_of)
        due.append(DueNext(f"Impact return: {period['label']}", by))
        break
    return sorted(due, key=lambda item: item.by)
