"""What each thing that happens does to a journey's state, and how a phase end is judged: the one copy of it.

`SchoolJourney` (workflows.py) calls these from its signal handlers and its run loop, and the forecast
(`workflows/forecast/`) calls the very same functions when it simulates a school's coming months, so the
forecast's decisions are the workflow's decisions by construction. Pure functions of `JourneyProgress`:
standard library and `contracts` only, no I/O, no clock (the caller says what day it is).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from contracts.programme import PROGRAMME_MONTHS, add_months
from workflows.journey import criteria
from workflows.journey.messages import (
    CircleHeld,
    CompletionWithdrawn,
    ImpactReturn,
    JourneyProgress,
    LeadershipDayAttended,
    LeadershipDayMoved,
    LeadershipDayNotice,
    ModuleCompletion,
    SessionHeld,
    StaffJoined,
    StaffLeft,
    StaffRecord,
)

__all__ = [
    "NOT_YET_REGISTERED",
    "PhaseJudgement",
    "apply_signal",
    "attend_leadership_day",
    "back_on_track",
    "complete_module",
    "enter_phase",
    "hold_circle",
    "hold_immersion_day",
    "hold_mentoring",
    "judge_phase",
    "leadership_day_passed",
    "move_leadership_day",
    "next_phase",
    "receive_impact_return",
    "register_staff",
    "staff_left",
    "train_practitioners",
    "withdraw_completion",
]

# The role of someone the journey heard of (a completion, a departure) before their registration reached it.
NOT_YET_REGISTERED = "unknown"


def _not_yet_registered(s: JourneyProgress) -> StaffRecord:
    return StaffRecord(role=NOT_YET_REGISTERED, starts_on=s.enrolled_on)


def register_staff(s: JourneyProgress, joined: StaffJoined, late_registration: bool = True) -> None:
    """`late_registration`: a registration arriving after that person's completion or departure says who they
    are (the workflow passes whether its patch is in force; see VERSIONING.md)."""
    known = s.staff.get(joined.staff_id)
    if known is None:
        s.staff[joined.staff_id] = StaffRecord(role=joined.role, starts_on=joined.starts_on)
    elif known.role == NOT_YET_REGISTERED and late_registration:
        known.role, known.starts_on = joined.role, joined.starts_on


def staff_left(s: JourneyProgress, left: StaffLeft, late_registration: bool = True) -> None:
    record = s.staff.get(left.staff_id)
    if record is None and late_registration:
        record = s.staff[left.staff_id] = _not_yet_registered(s)
    if record is not None:
        record.left_on = left.left_on


def complete_module(s: JourneyProgress, completion: ModuleCompletion) -> None:
    # A completion can arrive before the registration it belongs to (separate streams); keep it.
    record = s.staff.get(completion.staff_id)
    if record is None:
        record = s.staff[completion.staff_id] = _not_yet_registered(s)
    record.modules[completion.completion_id or completion.event_id] = completion.module_number


def withdraw_completion(s: JourneyProgress, withdrawn: CompletionWithdrawn) -> None:
    record = s.staff.get(withdrawn.staff_id)
    if record is not None:
        record.modules.pop(withdrawn.completion_id, None)


def hold_circle(s: JourneyProgress, circle: CircleHeld) -> None:
    s.circles[circle.circle_id] = circle.half_term or ""


def hold_mentoring(s: JourneyProgress, session: SessionHeld) -> None:
    s.mentoring[session.session_id] = session.held_on


def hold_immersion_day(s: JourneyProgress, session: SessionHeld) -> None:
    s.immersion_days[session.session_id] = session.held_on


def train_practitioners(s: JourneyProgress, session: SessionHeld) -> None:
    for staff_id in session.staff_ids:
        if staff_id not in s.practitioners:
            s.practitioners.append(staff_id)


def attend_leadership_day(s: JourneyProgress, attended: LeadershipDayAttended) -> None:
    headteachers = {i for i, r in s.staff.items() if r.role == "headteacher" and r.left_on is None}
    if headteachers & set(attended.staff_ids) and attended.day_number not in s.leadership_days_attended:
        s.leadership_days_attended.append(attended.day_number)


def move_leadership_day(s: JourneyProgress, moved: LeadershipDayMoved) -> None:
    s.plan = s.plan.with_day_moved(moved.day_number, moved.held_on)


def leadership_day_passed(s: JourneyProgress, notice: LeadershipDayNotice) -> tuple[bool, bool]:
    """Record that the day passed: (whether that was news, whether the headteacher missed it)."""
    news = notice.day_number not in s.leadership_days_passed
    if news:
        s.leadership_days_passed.append(notice.day_number)
    return news, notice.day_number not in s.leadership_days_attended


def receive_impact_return(s: JourneyProgress, submitted: ImpactReturn) -> None:
    key = "baseline" if submitted.period == "baseline" else f"{submitted.academic_year} {submitted.period}"
    if key not in s.impact_returns:
        s.impact_returns.append(key)


_APPLY: dict[type[Any], Callable[[JourneyProgress, Any], None]] = {
    StaffJoined: register_staff,
    StaffLeft: staff_left,
    ModuleCompletion: complete_module,
    CompletionWithdrawn: withdraw_completion,
    CircleHeld: hold_circle,
    LeadershipDayAttended: attend_leadership_day,
    LeadershipDayMoved: move_leadership_day,
    ImpactReturn: receive_impact_return,
}


def apply_signal(s: JourneyProgress, signal: object, session_kind: str = "") -> None:
    """Apply any signal the bridge sends (a `SessionHeld` needs its `session_kind`: mentoring, immersion_day
    or practitioner_training); a leadership day passing is `leadership_day_passed`."""
    if isinstance(signal, SessionHeld):
        {"mentoring": hold_mentoring, "immersion_day": hold_immersion_day}.get(session_kind, train_practitioners)(
            s, signal
        )
    elif isinstance(signal, LeadershipDayNotice):
        leadership_day_passed(s, signal)
    else:
        _APPLY[type(signal)](s, signal)


# --- phases ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PhaseJudgement:
    """What the end of a phase decided: criteria met (`unmet` empty), or the school flagged at risk with them."""

    phase: str
    judged_on: date
    unmet: list[str]
    flagged: bool


def judge_phase(s: JourneyProgress, today: date) -> PhaseJudgement:
    """Judge the current phase's exit criteria on `today`; an unmet criterion flags the school unless paused."""
    unmet = criteria.unmet_criteria(s, s.phase, today)
    flagged = bool(unmet) and not s.paused
    if flagged:
        s.at_risk, s.at_risk_reasons = True, unmet
        s.times_flagged_at_risk += 1
    return PhaseJudgement(s.phase, today, unmet, flagged)


def next_phase(phase: str) -> str | None:
    """The phase after `phase`, or None after the last."""
    names = [name for name, _ in criteria.PHASES]
    following = names.index(phase) + 1
    return names[following] if following < len(names) else None


def enter_phase(s: JourneyProgress, phase: str) -> int:
    """Move into `phase`; answers the month (since enrolment) it started at."""
    s.phase = phase
    month = next((m for p, m in criteria.PHASES if p == phase), PROGRAMME_MONTHS)
    s.phase_ends_on = add_months(s.enrolled_on, month)
    return max((m for p, m in criteria.PHASES if m < month), default=0)


def back_on_track(s: JourneyProgress, flagged_phase: str, today: date) -> bool:
    """Clear the at-risk flag when everything the phase that flagged it expects is now done; True if cleared."""
    if s.at_risk and not criteria.unmet_criteria(s, flagged_phase, today):
        s.at_risk, s.at_risk_reasons = False, []
        return True
    return False
