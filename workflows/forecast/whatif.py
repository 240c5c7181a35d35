"""Changes of plan to try before making them: the forecast runs with them, nothing else changes.

A what-if only ever alters the forecast's own copy of each journey's state (its plan, its deadline) and the
rates it simulates with. Applying a change is done through the normal API afterwards (enrolment's leadership
days, learning's sessions, the journey's `extend_deadline` update).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from workflows.forecast.rates import SchoolRates
from workflows.journey.messages import JourneyPlan, JourneyProgress, LeadershipDayDate

__all__ = ["WhatIf", "WhatIfError", "parse_what_if"]


class WhatIfError(ValueError):
    """A what-if that cannot be tried, with the reason."""


@dataclass(frozen=True)
class WhatIf:
    """Changes tried together. `urn` None means every school of the cohort."""

    moved_days: tuple[tuple[int, date], ...] = ()
    added_days: tuple[date, ...] = ()
    added_mentoring: tuple[tuple[str, date], ...] = ()
    extensions: tuple[tuple[str | None, int], ...] = ()
    completion_rises: tuple[tuple[str | None, float], ...] = ()
    labels: tuple[str, ...] = field(default=())

    @property
    def empty(self) -> bool:
        return not self.labels

    def plan(self, plan: JourneyPlan) -> JourneyPlan:
        for number, held_on in self.moved_days:
            if number not in {d.number for d in plan.leadership_days}:
                raise WhatIfError(f"leadership day {number} is not in the plan")
            plan = plan.with_day_moved(number, held_on)
        if self.added_days:
            days = sorted([d.held_on for d in plan.leadership_days] + list(self.added_days))
            plan = replace(plan, leadership_days=[LeadershipDayDate(i + 1, d) for i, d in enumerate(days)])
        return plan

    def state(self, s: JourneyProgress) -> JourneyProgress:
        """The school's state as the forecast should start from (a new object; `s` is untouched)."""
        days = sum(d for urn, d in self.extensions if urn in (None, s.urn))
        ends = s.phase_ends_on + timedelta(days=days) if s.phase_ends_on and days else s.phase_ends_on
        return replace(s, plan=self.plan(s.plan), phase_ends_on=ends)

    def rates(self, urn: str, rates: SchoolRates) -> SchoolRates:
        for target, percent in self.completion_rises:
            if target in (None, urn):
                rates = rates.with_completions_raised(percent)
        return rates

    def mentoring(self, urn: str) -> list[date]:
        return [held_on for target, held_on in self.added_mentoring if target == urn]


def _urn(text: str) -> str | None:
    return None if text in ("all", "*") else text


def parse_what_if(changes: list[str]) -> WhatIf:
    """From `rsp forecast --what-if` texts:
    `move-day:3=2027-03-10`, `add-day:2027-05-12`, `add-mentoring:990001=2027-01-20`, `extend:990001=14`
    (or `extend:all=14`), `completions:990001=+20` (per cent)."""
    what = WhatIf()
    for change in changes:
        kind, _, rest = change.partition(":")
        target, _, value = rest.partition("=")
        try:
            if kind == "move-day":
                what = replace(what, moved_days=(*what.moved_days, (int(target), date.fromisoformat(value))))
            elif kind == "add-day":
                what = replace(what, added_days=(*what.added_days, date.fromisoformat(target)))
            elif kind == "add-mentoring":
                what = replace(what, added_mentoring=(*what.added_mentoring, (target, date.fromisoformat(value))))
            elif kind == "extend":
                days = int(value)
                if not 1 <= days <= 90:
                    raise WhatIfError(f"{change}: an extension is 1 to 90 days, as the journey allows")
                what = replace(what, extensions=(*what.extensions, (_urn(target), days)))
            elif kind == "completions":
                what = replace(what, completion_rises=(*what.completion_rises, (_urn(target), float(value))))
            else:
                raise WhatIfError(
                    f"{change}: say move-day:N=DATE, add-day:DATE, add-mentoring:URN=DATE, extend:URN=DAYS "
                    "or completions:URN=+PERCENT"
                )
        except ValueError as error:
            if isinstance(error, WhatIfError):
                raise
            raise WhatIfError(f"{change}: {error}") from error
        what = replace(what, labels=(*what.labels, change))
    return what
