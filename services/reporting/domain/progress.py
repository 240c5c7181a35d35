"""A school's progress through every part of the programme, worked out from its facts. Pure Python."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Literal
from uuid import UUID

from contracts.events.learning import MODULE_COUNT
from services.reporting.domain.facts import CompletionFact, JourneyEnding, SchoolFacts, StaffFact
from services.reporting.domain.timeline import MonthPoint, progress_over_time

__all__ = [
    "JourneyState",
    "ModuleProgress",
    "ReportedSchool",
    "SchoolProgress",
    "SchoolStatus",
    "counted_completions",
    "journey_state",
    "school_progress",
    "summarise_modules",
]

SchoolStatus = Literal["active", "withdrawn", "completed"]


@dataclass(frozen=True)
class ModuleProgress:
    """How far a school's staff are through the 15 modules."""

    module_completions: int
    staff_with_completions: int
    staff_completed_all: int
    completions_by_module: dict[int, int] = field(default_factory=dict)


def summarise_modules(completions: list[tuple[UUID, int]]) -> ModuleProgress:
    """`completions` are distinct (staff_id, module_number) pairs."""
    per_staff = Counter(staff for staff, _ in completions)
    per_module = Counter(module for _, module in completions)
    return ModuleProgress(
        module_completions=len(completions),
        staff_with_completions=len(per_staff),
        staff_completed_all=sum(1 for count in per_staff.values() if count >= MODULE_COUNT),
        completions_by_module={module: per_module.get(module, 0) for module in range(1, MODULE_COUNT + 1)},
    )


def _leavers(staff: tuple[StaffFact, ...]) -> set[UUID]:
    return {member.staff_id for member in staff if member.left_on is not None}


def counted_completions(facts: SchoolFacts) -> list[CompletionFact]:
    """Completions that count: recorded, not withdrawn, by staff who have not left (staff whose registration
    is not seen yet count: learning may be projected before enrolment)."""
    leavers = _leavers(facts.staff)
    return [
        completion
        for completion in facts.completions
        if completion.completed_at is not None and not completion.withdrawn and completion.staff_id not in leavers
    ]


@dataclass(frozen=True)
class ReportedSchool:
    """A school as reporting knows it from enrolment's events."""

    urn: str
    cohort_id: str
    school_name: str
    enrolled_on: date
    phase: str | None = None
    local_authority: str | None = None


@dataclass(frozen=True)
class JourneyState:
    """Where the school's journey workflow says it is. `phase` is None until the journey's first phase is seen."""

    phase: str | None
    month: int | None
    at_risk: bool
    reasons: tuple[str, ...]
    flagged_phase: str | None
    flagged_on: date | None
    times_flagged: int
    ended: JourneyEnding | None


def journey_state(facts: SchoolFacts) -> JourneyState:
    latest_phase = max(facts.phases, key=lambda fact: (fact.month, fact.entered_on), default=None)
    latest_flag = max(facts.flags, key=lambda fact: fact.flagged_at, default=None)
    latest_clearing = max((fact.cleared_at for fact in facts.clearings), default=None)
    at_risk = latest_flag is not None and (latest_clearing is None or latest_flag.flagged_at > latest_clearing)
    completed = next((ending for ending in facts.journey_endings if ending.kind == "completed"), None)
    ended = completed or next(iter(facts.journey_endings), None)
    phase = latest_phase.phase if latest_phase else None
    if completed is not None:
        phase = "completed"
        at_risk = bool(completed.at_risk)  # the journey's own final word
    elif ended is not None and ended.phase and phase is None:
        phase = ended.phase
    return JourneyState(
        phase=phase,
        month=latest_phase.month if latest_phase else None,
        at_risk=at_risk,
        reasons=latest_flag.reasons if at_risk and latest_flag else (),
        flagged_phase=latest_flag.phase if at_risk and latest_flag else None,
        flagged_on=latest_flag.flagged_on if at_risk and latest_flag else None,
        times_flagged=len(facts.flags),
        ended=ended,
    )


@dataclass(frozen=True)
class SchoolProgress:
    """Every figure the programme follows for one school in its cohort."""

    school: ReportedSchool
    modules: ModuleProgress
    status: SchoolStatus = "active"
    ended_on: date | None = None
    staff_counted: int = 0
    circles_held: int = 0
    half_terms_with_circle: tuple[str, ...] = ()
    leadership_days_attended: int = 0
    leadership_days_headteacher_attended: int = 0
    mentoring_sessions: int = 0
    immersion_days: int = 0
    practitioners_trained: int = 0
    journey: JourneyState = field(default_factory=lambda: journey_state(SchoolFacts()))
    timeline: tuple[MonthPoint, ...] = ()


def _status(facts: SchoolFacts) -> tuple[SchoolStatus, date | None]:
    if "completed" in facts.school_endings:
        return "completed", facts.school_endings["completed"]
    if "withdrawn" in facts.school_endings:
        return "withdrawn", facts.school_endings["withdrawn"]
    return "active", None


def school_progress(school: ReportedSchool, facts: SchoolFacts) -> SchoolProgress:
    counted = counted_completions(facts)
    distinct = sorted({(completion.staff_id, completion.module_number) for completion in counted})
    headteachers = {member.staff_id for member in facts.staff if member.registered and member.role == "headteacher"}
    leadership = [session for session in facts.sessions if session.kind == "leadership_day"]
    status, ended_on = _status(facts)
    return SchoolProgress(
        school=school,
        modules=summarise_modules(distinct),
        status=status,
        ended_on=ended_on,
        staff_counted=sum(1 for member in facts.staff if member.registered and member.left_on is None),
        circles_held=len(facts.circles),
        half_terms_with_circle=tuple(sorted({c.half_term for c in facts.circles if c.half_term is not None})),
        leadership_days_attended=len({session.day_number or session.session_id for session in leadership}),
        leadership_days_headteacher_attended=len(
            {
                session.day_number or session.session_id
                for session in leadership
                if headteachers & set(session.staff_ids)
            }
        ),
        mentoring_sessions=len({s.session_id for s in facts.sessions if s.kind == "mentoring"}),
        immersion_days=len({s.session_id for s in facts.sessions if s.kind == "immersion_day"}),
        practitioners_trained=len({fact.staff_id for fact in facts.practitioners} - _leavers(facts.staff)),
        journey=journey_state(facts),
        timeline=progress_over_time(school.enrolled_on, counted, facts.circles),
    )
