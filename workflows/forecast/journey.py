"""A journey played out of Temporal: the workflow's run loop reduced to its decisions, on the same rules.

`SimulatedJourney` applies dated signals and judges phase ends through `workflows.journey.lifecycle`, exactly
as `SchoolJourney` does when its timers fire and its signals arrive; what differs is only that nothing is
published (the decisions are kept in a list) and the clock is whatever day the caller says. A test proves it
reaches the decisions the real workflow reaches on Temporal's time-skipping server.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from contracts.programme import programme_end
from workflows.journey import criteria, lifecycle
from workflows.journey.messages import HalfTermSpan, JourneyPlan, JourneyProgress, LeadershipDayNotice, StaffRecord

__all__ = ["Decision", "SimulatedJourney", "copy_progress", "new_progress"]


@dataclass(frozen=True)
class Decision:
    """What the journey decided: `phase` (entered), `milestone`, `at_risk`, `back_on_track` or `completed`."""

    kind: str
    on: date
    phase: str = ""
    reasons: tuple[str, ...] = ()


def new_progress(
    urn: str, cohort_id: str, enrolled_on: date, plan: JourneyPlan, half_terms: list[HalfTermSpan]
) -> JourneyProgress:
    """A journey's state on the day it starts, as `SchoolJourney.__init__` makes it."""
    return JourneyProgress(
        urn=urn,
        cohort_id=cohort_id,
        local_authority="",
        enrolled_on=enrolled_on,
        ends_on=programme_end(enrolled_on),
        plan=plan,
        half_terms=half_terms,
        phase_ends_on=criteria.phase_boundaries(enrolled_on)[0][1],
    )


def copy_progress(s: JourneyProgress) -> JourneyProgress:
    """A copy whose containers can change without touching `s` (deepcopy is ten times slower)."""
    c = JourneyProgress.__new__(JourneyProgress)
    c.__dict__.update(s.__dict__)
    c.staff = {i: StaffRecord(r.role, r.starts_on, r.left_on, dict(r.modules)) for i, r in s.staff.items()}
    c.circles, c.mentoring, c.immersion_days = dict(s.circles), dict(s.mentoring), dict(s.immersion_days)
    c.practitioners, c.impact_returns = list(s.practitioners), list(s.impact_returns)
    c.leadership_days_attended, c.leadership_days_passed = (
        list(s.leadership_days_attended),
        list(s.leadership_days_passed),
    )
    c.at_risk_reasons = list(s.at_risk_reasons)
    return c


@dataclass
class SimulatedJourney:
    """One journey's decisions over simulated time. `track_recovery=False` skips the back-on-track check on each
    signal (the Monte Carlo forecast asks only what each phase end decides, and that check is its dearest part)."""

    s: JourneyProgress
    flagged_phase: str = ""
    track_recovery: bool = True
    decisions: list[Decision] = field(default_factory=list)

    def __post_init__(self) -> None:
        # As the workflow: the phase that last flagged the school, the current one when it (re)starts.
        self.flagged_phase = self.flagged_phase or self.s.phase

    @property
    def finished(self) -> bool:
        return self.s.phase == "completed" or self.s.withdrawn_on is not None

    def advance(self, today: date) -> None:
        """Let the days up to `today` pass: every phase ending by then is judged on its end day, in order."""
        s = self.s
        while not self.finished and s.phase_ends_on is not None and today >= s.phase_ends_on:
            self._end_phase(s.phase_ends_on)
        if self.track_recovery:
            self._check_back_on_track(today)

    def apply(self, today: date, signal: object, session_kind: str = "") -> None:
        """A signal arriving on `today` (the days before it pass first)."""
        self.advance(today)
        if self.finished:
            return
        if isinstance(signal, LeadershipDayNotice):
            lifecycle.leadership_day_passed(self.s, signal)
        else:
            lifecycle.apply_signal(self.s, signal, session_kind)
        if self.track_recovery:
            self._check_back_on_track(today)

    def _end_phase(self, today: date) -> None:
        s = self.s
        judgement = lifecycle.judge_phase(s, today)
        if not judgement.unmet:
            self.decisions.append(Decision("milestone", today, s.phase))
        elif judgement.flagged:
            self.flagged_phase = s.phase
            self.decisions.append(Decision("at_risk", today, s.phase, tuple(judgement.unmet)))
        following = lifecycle.next_phase(s.phase)
        if following is None:
            s.phase = "completed"
            self.decisions.append(Decision("completed", today))
        else:
            lifecycle.enter_phase(s, following)
            self.decisions.append(Decision("phase", today, following))

    def _check_back_on_track(self, today: date) -> None:
        if lifecycle.back_on_track(self.s, self.flagged_phase, today):
            self.decisions.append(Decision("back_on_track", today))
