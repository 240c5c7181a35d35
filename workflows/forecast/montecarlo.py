"""The Monte Carlo forecast: each school's remaining months, simulated many times with the journey's own rules.

For each run the school's state (its journey's, as the `progress` query answers it) is copied, the coming months
are drawn from its learned rates (completions per member of staff, a circle each half-term, mentoring each
term, the headteacher at each leadership day, returns, staff leaving and joining, immersion days, practitioners)
and applied through `workflows.journey.lifecycle`, and every phase end is judged by the same function the
workflow calls. Same seed, same answer: each school draws from its own generator seeded by the seed and its URN,
so the order schools are run in (or the processes they run in) changes nothing.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta

from workflows.forecast.journey import SimulatedJourney, copy_progress
from workflows.forecast.rates import HistoryUsed, SchoolRates, learn_rates
from workflows.forecast.whatif import WhatIf
from workflows.journey import criteria, lifecycle
from workflows.journey.messages import (
    CircleHeld,
    ImpactReturn,
    JourneyProgress,
    LeadershipDayAttended,
    LeadershipDayNotice,
    ModuleCompletion,
    SessionHeld,
    StaffJoined,
    StaffLeft,
)

__all__ = [
    "CohortForecast",
    "PhaseOutlook",
    "SchoolForecast",
    "SeriesPoint",
    "SimulatedSchool",
    "forecast_cohort",
    "forecast_school",
    "simulate_runs",
]

_DAYS_PER_MONTH = 30.44


@dataclass(frozen=True)
class SeriesPoint:
    on: date
    mean: float
    low: float  # 5th percentile of the runs
    high: float  # 95th percentile


@dataclass(frozen=True)
class PhaseOutlook:
    """A coming phase end: the chance the school is flagged at risk there, and what most likely fails."""

    phase: str
    judged_on: date
    probability_at_risk: float
    likely_failing: tuple[tuple[str, float], ...]  # each criterion -> share of runs it failed in, most first


@dataclass(frozen=True)
class SchoolForecast:
    urn: str
    phase: str
    at_risk_now: bool
    phases: tuple[PhaseOutlook, ...]
    completions: tuple[SeriesPoint, ...]
    history: HistoryUsed
    rates: SchoolRates


@dataclass(frozen=True)
class CohortForecast:
    cohort_id: str
    made_on: date
    runs: int
    seed: int
    schools: tuple[SchoolForecast, ...]
    # Per phase: the share of the cohort's schools flagged at risk at its end (mean, 5th and 95th percentile).
    flagged_share: tuple[tuple[str, SeriesPoint], ...]
    completions: tuple[SeriesPoint, ...]
    what_if: tuple[str, ...] = ()


@dataclass
class _Runs:
    """What the runs of one school produced, before it is summarised."""

    flagged: dict[str, list[bool]]
    failing: dict[str, Counter[str]]
    judged_on: dict[str, date]
    points: list[date]
    completions: list[list[int]]  # per run, at each point


def _poisson(rng: random.Random, mean: float) -> int:
    if mean <= 0:
        return 0
    limit, k, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


def _first_of_months(start: date, end: date) -> list[date]:
    day = date(start.year, start.month, 1)
    points = []
    while day < end:
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
        points.append(min(day, end))
    return points


def _criterion(reason: str) -> str:
    return reason.split(":", 1)[0]


class SimulatedSchool:
    """The parts of one school's simulation that do not change between runs."""

    def __init__(
        self,
        s: JourneyProgress,
        rates: SchoolRates,
        today: date,
        extra_mentoring: list[date],
        until: date | None = None,
    ) -> None:
        self.base, self.rates, self.today = s, rates, today
        ends = until or s.ends_on + timedelta(days=90)  # room for extended deadlines
        self.points = _first_of_months(today, ends)
        phase_ends = {d for _, d in criteria.phase_boundaries(s.enrolled_on)} | (
            {s.phase_ends_on} if s.phase_ends_on else set()
        )
        self.steps = sorted({*self.points, *(d for d in phase_ends if today < d <= ends)})
        self.half_terms = sorted(
            (t for t in s.half_terms if t.ends_on >= max(today, s.enrolled_on)), key=lambda t: t.ends_on
        )
        last_days: dict[str, date] = {}
        for t in s.half_terms:
            last_days[t.term_id] = max(last_days.get(t.term_id, t.ends_on), t.ends_on)
        self.terms = sorted((d, term) for term, d in last_days.items() if d >= max(today, s.enrolled_on))
        self.extra_mentoring = sorted(d for d in extra_mentoring if d > today)
        self.late_returns = [
            term
            for term in criteria.ended_terms(s.half_terms, s.enrolled_on, today)
            if criteria.return_key(term) not in s.impact_returns
        ]
        self._ended_before = {t.ends_on: self.ended_before(t.ends_on) for t in self.half_terms}
        self._terms_before = {d: criteria.ended_terms(s.half_terms, s.enrolled_on, d) for d, _ in self.terms}
        self._completions: dict[tuple[str, int], ModuleCompletion] = {}

    def ended_before(self, day: date) -> list[str]:
        """Half-terms of the journey that ended before `day`."""
        return [t.half_term_id for t in self.base.half_terms if self.base.enrolled_on <= t.ends_on < day]

    def completion(self, staff_id: str, module: int) -> ModuleCompletion:
        key = (staff_id, module)
        found = self._completions.get(key)
        if found is None:
            found = self._completions[key] = ModuleCompletion("", staff_id, module, "", f"sim:{staff_id}:{module}")
        return found

    def run(self, rng: random.Random) -> tuple[SimulatedJourney, list[int]]:
        s = copy_progress(self.base)
        journey = SimulatedJourney(s, track_recovery=False)
        r, plan = self.rates.draw(rng), s.plan
        days = sorted((d.held_on, d.number) for d in plan.leadership_days if d.number not in s.leadership_days_passed)
        half_terms, terms, mentoring = list(self.half_terms), list(self.terms), list(self.extra_mentoring)
        late = list(self.late_returns)
        counts: list[int] = []
        points = iter(self.points)
        next_point = next(points, None)
        previous, newcomers, completed = self.today, 0, s.module_completions()
        # Each current member of staff -> the modules they have still to do, in order.
        todo: dict[str, list[int]] = {}
        for staff_id, record in s.staff.items():
            if record.left_on is None:
                done = set(record.modules.values())
                todo[staff_id] = [m for m in range(plan.modules, 0, -1) if m not in done]
        for end in self.steps:
            if journey.finished:
                break
            span = (end - previous).days / _DAYS_PER_MONTH
            leaving = r.staff_leaving_per_month * span
            none_done = math.exp(-r.modules_per_staff_month * span)  # Poisson draws, inlined: the hot loop
            # Staff leave (a newcomer takes their place) and complete modules in order.
            for staff_id, modules in list(todo.items()):
                if rng.random() < leaving and s.staff[staff_id].role != "headteacher":
                    lifecycle.staff_left(s, StaffLeft("", staff_id, end))
                    del todo[staff_id]
                    newcomers += 1
                    newcomer = f"sim:new:{newcomers}"
                    lifecycle.register_staff(s, StaffJoined("", newcomer, "teacher", end))
                    todo[newcomer] = list(range(plan.modules, 0, -1))
                    continue
                product = rng.random()
                while modules and product > none_done:
                    lifecycle.complete_module(s, self.completion(staff_id, modules.pop()))
                    completed += 1
                    product *= rng.random()
            while half_terms and half_terms[0].ends_on < end:
                term = half_terms.pop(0)
                held = sum(1 for h in s.circles.values() if h)
                due = 1 + len(self._ended_before[term.ends_on])
                # One circle with the school's chance, and a school that is behind catches up with the same chance.
                for n in range(2 if held + 1 < due else 1):
                    if (n or term.half_term_id not in s.circles.values()) and rng.random() < r.circle_per_half_term:
                        circle = CircleHeld("", f"sim:{term.half_term_id}:{n}", term.ends_on, term.half_term_id)
                        lifecycle.hold_circle(s, circle)
            while terms and terms[0][0] < end:
                ends, term_id = terms.pop(0)
                behind = len(s.mentoring) < len(self._terms_before[ends]) * plan.mentoring_sessions_per_term
                for n in range(plan.mentoring_sessions_per_term + behind):
                    if rng.random() < r.mentoring_per_term:
                        lifecycle.hold_mentoring(s, SessionHeld("", f"sim:{term_id}:{n}", ends))
                if rng.random() < r.impact_return_per_term:
                    year, season = criteria.return_key(term_id).split(" ")
                    lifecycle.receive_impact_return(s, ImpactReturn("", season, year))
            while late:  # a return still missing for a term already ended can come in late
                term_id = late.pop()
                if rng.random() < r.impact_return_per_term:
                    year, season = criteria.return_key(term_id).split(" ")
                    lifecycle.receive_impact_return(s, ImpactReturn("", season, year))
            while mentoring and mentoring[0] < end:
                held_on = mentoring.pop(0)
                lifecycle.hold_mentoring(s, SessionHeld("", f"what-if:{held_on}", held_on))
            if "baseline" not in s.impact_returns and rng.random() < r.impact_return_per_term:
                lifecycle.receive_impact_return(s, ImpactReturn("", "baseline", ""))
            while days and days[0][0] < end:
                held_on, number = days.pop(0)
                heads = [i for i, x in s.staff.items() if x.role == "headteacher" and x.left_on is None]
                if heads and rng.random() < r.headteacher_attends:
                    lifecycle.attend_leadership_day(s, LeadershipDayAttended("", number, held_on, heads))
                lifecycle.leadership_day_passed(s, LeadershipDayNotice(number, held_on))
            for _ in range(_poisson(rng, r.immersion_days_per_month * span)):
                if len(s.immersion_days) < plan.immersion_days:
                    lifecycle.hold_immersion_day(s, SessionHeld("", f"sim:immersion:{len(s.immersion_days)}", end))
            trained = _poisson(rng, r.practitioners_per_month * span)
            if trained:
                candidates = [i for i, x in s.staff.items() if x.left_on is None and i not in s.practitioners]
                lifecycle.train_practitioners(s, SessionHeld("", f"sim:trained:{end}", end, candidates[:trained]))
            journey.advance(end)
            if end == next_point:
                counts.append(completed)
                next_point = next(points, None)
            previous = end
        while next_point is not None:  # after the journey ends its figures stay as they are
            counts.append(completed)
            next_point = next(points, None)
        return journey, counts


def simulate_runs(
    s: JourneyProgress, rates: SchoolRates, today: date, runs: int, rng: random.Random, mentoring: list[date]
) -> _Runs:
    school = SimulatedSchool(s, rates, today, mentoring)
    flagged: dict[str, list[bool]] = {}
    failing: dict[str, Counter[str]] = {}
    judged_on: dict[str, date] = {}
    completions = []
    for _ in range(runs):
        journey, counts = school.run(rng)
        completions.append(counts)
        judged = {d.phase: d for d in journey.decisions if d.kind in ("milestone", "at_risk")}
        for phase, decision in judged.items():
            judged_on.setdefault(phase, decision.on)
            flagged.setdefault(phase, []).append(decision.kind == "at_risk")
            failing.setdefault(phase, Counter()).update({_criterion(reason) for reason in decision.reasons})
    return _Runs(flagged, failing, judged_on, school.points, completions)


def _percentile(ordered: list[float], share: float) -> float:
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


def _point(on: date, values: list[float]) -> SeriesPoint:
    ordered = sorted(values)
    return SeriesPoint(
        on, round(sum(ordered) / len(ordered), 3), _percentile(ordered, 0.05), _percentile(ordered, 0.95)
    )


def _summarise(s: JourneyProgress, rates: SchoolRates, history: HistoryUsed, runs: _Runs) -> SchoolForecast:
    phases = []
    for phase, flags in runs.flagged.items():
        total = len(flags)
        likely = tuple((name, round(n / total, 3)) for name, n in runs.failing[phase].most_common())
        phases.append(PhaseOutlook(phase, runs.judged_on[phase], round(sum(flags) / total, 3), likely))
    series = tuple(_point(on, [float(counts[i]) for counts in runs.completions]) for i, on in enumerate(runs.points))
    return SchoolForecast(s.urn, s.phase, s.at_risk, tuple(phases), series, history, rates)


def _school_seed(seed: int, urn: str) -> random.Random:
    return random.Random(f"{seed}:{urn}")


def forecast_school(
    s: JourneyProgress, today: date, runs: int, seed: int, what_if: WhatIf | None = None
) -> tuple[SchoolForecast, _Runs]:
    what = what_if or WhatIf()
    rates, history = learn_rates(s, today)
    start = what.state(s)
    outcome = simulate_runs(
        start, what.rates(s.urn, rates), today, runs, _school_seed(seed, s.urn), what.mentoring(s.urn)
    )
    return _summarise(s, rates, history, outcome), outcome


def _forecast_one(job: tuple[JourneyProgress, date, int, int, WhatIf | None]) -> tuple[SchoolForecast, _Runs]:
    return forecast_school(*job)


def forecast_cohort(
    cohort_id: str,
    states: list[JourneyProgress],
    today: date,
    runs: int = 1000,
    seed: int = 0,
    what_if: WhatIf | None = None,
    processes: int = 1,
) -> CohortForecast:
    """Forecast every school of the cohort; `processes` > 1 shares the schools among that many processes."""
    jobs = [(s, today, runs, seed, what_if) for s in sorted(states, key=lambda x: x.urn)]
    if processes > 1 and len(jobs) > 1:
        with ProcessPoolExecutor(max_workers=processes) as pool:
            results = list(pool.map(_forecast_one, jobs, chunksize=max(1, len(jobs) // (processes * 4))))
    else:
        results = [_forecast_one(job) for job in jobs]
    shares = []
    for phase, _ in criteria.PHASES:
        columns = [outcome.flagged[phase] for _, outcome in results if phase in outcome.flagged]
        if columns:
            per_run = [sum(column[i] for column in columns) / len(columns) for i in range(runs)]
            shares.append((phase, _point(min(o.judged_on[phase] for _, o in results if phase in o.judged_on), per_run)))
    points = sorted({on for _, outcome in results for on in outcome.points})
    totals = []
    for on in points:
        per_run = [0.0] * runs
        for _, outcome in results:
            index = _last_at_or_before(outcome.points, on)
            if index is None:
                continue
            for i, counts in enumerate(outcome.completions):
                per_run[i] += counts[index]
        totals.append(_point(on, per_run))
    return CohortForecast(
        cohort_id,
        today,
        runs,
        seed,
        tuple(school for school, _ in results),
        tuple(shares),
        tuple(totals),
        what_if.labels if what_if else (),
    )


def _last_at_or_before(points: list[date], on: date) -> int | None:
    found = None
    for index, point in enumerate(points):
        if point <= on:
            found = index
    return found
