"""What the bridge sends a journey, what admins may change, and what its queries answer.

Standard library only (the workflow sandbox). Every signal carries the id of the event it came from, so a
redelivered event changes nothing. Dates are `date` values; the pydantic data converter carries them as ISO text.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

__all__ = [
    "EVENT_MEMORY",
    "CircleHeld",
    "CompletionWithdrawn",
    "DeadlineExtension",
    "HalfTermSpan",
    "ImpactReturn",
    "JourneyPlan",
    "JourneyProgress",
    "JourneyStart",
    "JourneyTerminated",
    "LeadershipDayAttended",
    "LeadershipDayDate",
    "LeadershipDayMoved",
    "LeadershipDayNotice",
    "ModuleCompletion",
    "ModuleCompletions",
    "Pause",
    "SessionHeld",
    "StaffJoined",
    "StaffLeft",
    "UrnChange",
    "Withdrawal",
]

# How long a journey remembers the id of an event it heard. Every realistic redelivery arrives well inside it:
# a relay that publishes an event twice within two hours is deduplicated by JetStream's duplicate window
# (runtime/broker.py) and never reaches the bridge twice; the bridge's consumer redelivers an event it did not ack
# within seconds to minutes (30 s ack wait, back-off capped at 30 s, `max_deliver` attempts, then the dead-letter
# stream); a relay that was down for days, or a dead letter sent again by hand, comes back within days. Past a
# month, the signals are idempotent by what they carry (completions keyed by completion id, circles and sessions
# by theirs, a withdrawal keeps its first date); only a stream replayed from its start by resetting the bridge's
# consumers could bring back something older, and that is a deliberate operator's act, not a redelivery.
# Remembering a month, not 18, keeps what continue-as-new carries to a month of events.
EVENT_MEMORY = timedelta(days=31)


@dataclass(frozen=True)
class LeadershipDayDate:
    number: int
    held_on: date


@dataclass(frozen=True)
class JourneyPlan:
    """The cohort's programme plan, fixed when the journey starts; only the `change_plan` update changes it."""

    leadership_days: list[LeadershipDayDate]
    modules: int = 15
    circles_per_half_term: int = 1
    mentoring_sessions_per_term: int = 1
    immersion_days: int = 2
    practitioners_to_train: int = 2
    practitioners_trained_by_month: int = 12

    def with_day_moved(self, day_number: int, held_on: date) -> JourneyPlan:
        """This plan with leadership day `day_number` on `held_on`."""
        days = [LeadershipDayDate(d.number, held_on) if d.number == day_number else d for d in self.leadership_days]
        return replace(self, leadership_days=days)


@dataclass(frozen=True)
class HalfTermSpan:
    """A half-term of the school calendar (`2026-27-autumn-1`); its term is the id without the last part."""

    half_term_id: str
    starts_on: date
    ends_on: date

    @property
    def term_id(self) -> str:
        return self.half_term_id.rsplit("-", 1)[0]


@dataclass(frozen=True)
class JourneyStart:
    """From `rsp.enrolment.school.enrolled.v1` and the cohort's plan and calendar."""

    event_id: str
    urn: str
    cohort_id: str
    local_authority: str
    enrolled_on: date
    plan: JourneyPlan
    half_terms: list[HalfTermSpan]
    # Set only when the journey continues as new: everything it had, so no count is lost.
    carried: JourneyProgress | None = None
    # History length after which it continues as new (tests lower it).
    history_limit: int = 10_000
    # Enrolled before the day the journey starts (a cohort that began months ago, a back-dated enrolment): the
    # journey first gathers the dated history that arrives, then lives it in date order (see SchoolJourney).
    catch_up: bool = False
    # How long a catching-up journey waits for its history to stop arriving before living it (workflow time; the
    # bridge passes `RSP_JOURNEY_CATCH_UP_QUIET_SECONDS`). Histories started before it was passed lack it: 120.
    catch_up_quiet_seconds: int = 120
    # Started by code that knows every patch in `STARTED_PATCHED` (workflows/journey/workflows.py): the journey takes
    # each one's new branch without asking `workflow.patched`, so its first task records no patch markers, nor the
    # `TemporalChangeVersion` search attribute Temporal upserts with each (a visibility write a journey, thousands in
    # a bulk enrolment). Its start input, in its history, says so on every replay; absent (False) in histories
    # started before, which ask `workflow.patched` as they always did.
    started_patched: bool = False


@dataclass(frozen=True)
class StaffJoined:
    event_id: str
    staff_id: str
    role: str
    starts_on: date


@dataclass(frozen=True)
class StaffLeft:
    event_id: str
    staff_id: str
    left_on: date


@dataclass(frozen=True)
class ModuleCompletion:
    event_id: str
    staff_id: str
    module_number: int
    completed_at: str
    completion_id: str = ""


@dataclass(frozen=True)
class ModuleCompletions:
    """Many completions at one school in one signal: the bridge gathers the completions that arrive while its last
    signal to the journey is on its way, so a busy school costs Temporal a signal a batch, not one a completion."""

    completions: list[ModuleCompletion]


@dataclass(frozen=True)
class CompletionWithdrawn:
    event_id: str
    completion_id: str
    staff_id: str
    module_number: int


@dataclass(frozen=True)
class CircleHeld:
    event_id: str
    circle_id: str
    held_on: date
    half_term: str | None


@dataclass(frozen=True)
class SessionHeld:
    """A mentoring session, an immersion day or practitioner training the school attended."""

    event_id: str
    session_id: str
    held_on: date
    staff_ids: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class LeadershipDayAttended:
    event_id: str
    day_number: int
    held_on: date
    staff_ids: list[str]


@dataclass(frozen=True)
class LeadershipDayMoved:
    event_id: str
    day_number: int
    held_on: date


@dataclass(frozen=True)
class LeadershipDayNotice:
    """From the cohort's workflow: a leadership day is coming up, or has just passed."""

    day_number: int
    held_on: date


@dataclass(frozen=True)
class ImpactReturn:
    event_id: str
    period: str  # baseline, autumn, spring or summer
    academic_year: str  # 2026/27


@dataclass(frozen=True)
class Withdrawal:
    withdrawn_on: date
    event_id: str = ""


@dataclass(frozen=True)
class JourneyTerminated:
    """A journey terminated in the Temporal UI: which, when, and the phase it was in (from the bridge)."""

    urn: str
    cohort_id: str
    journey_id: str
    terminated_on: date
    phase: str


@dataclass(frozen=True)
class UrnChange:
    """An academy conversion: the journey keeps its id, and follows the school to its new URN."""

    event_id: str
    successor_urn: str


@dataclass(frozen=True)
class Pause:
    reason: str


@dataclass(frozen=True)
class DeadlineExtension:
    """Move the end of the current phase (when its criteria are judged) later by `days`."""

    days: int
    reason: str


@dataclass(frozen=True)
class LeadNotReached:
    """Notifications could not deliver a message to someone at the school, for good (ids only)."""

    event_id: str
    message_id: str
    kind: str
    staff_id: str | None
    failure: str
    failed_at: str


@dataclass
class StaffRecord:
    role: str
    starts_on: date
    left_on: date | None = None
    modules: dict[str, int] = field(default_factory=dict)  # completion id -> module number


@dataclass
class JourneyProgress:
    """A journey's whole state: what its query answers and what continue-as-new carries."""

    urn: str
    cohort_id: str
    local_authority: str
    enrolled_on: date
    ends_on: date
    plan: JourneyPlan
    half_terms: list[HalfTermSpan]
    phase: str = "launch"
    phase_ends_on: date | None = None
    at_risk: bool = False
    at_risk_reasons: list[str] = field(default_factory=list)
    times_flagged_at_risk: int = 0
    paused: bool = False
    pause_reason: str = ""
    withdrawn_on: date | None = None
    staff: dict[str, StaffRecord] = field(default_factory=dict)
    circles: dict[str, str] = field(default_factory=dict)  # circle id -> half-term id ("" in a holiday)
    mentoring: dict[str, date] = field(default_factory=dict)  # session id -> date
    immersion_days: dict[str, date] = field(default_factory=dict)
    practitioners: list[str] = field(default_factory=list)  # staff ids trained
    leadership_days_attended: list[int] = field(default_factory=list)  # by the headteacher
    leadership_days_passed: list[int] = field(default_factory=list)
    impact_returns: list[str] = field(default_factory=list)  # "baseline", "2026/27 autumn", ...
    reminders_issued: list[str] = field(default_factory=list)  # keys of reminders already sent
    milestones: list[str] = field(default_factory=list)
    # The ids of the events heard in the last EVENT_MEMORY, oldest first, and the day each was heard.
    events_seen: list[str] = field(default_factory=list)
    events_seen_on: list[date] = field(default_factory=list)
    published: int = 0
    # Messages to the school that could not be delivered for good: "<kind> to <staff id>: <failure>", newest last.
    lead_not_reached: bool = False
    undelivered: list[str] = field(default_factory=list)
    # True while the journey gathers the history of a back-dated enrolment before living it in date order.
    catching_up: bool = False

    def modules_of(self, staff_id: str) -> list[int]:
        """The modules `staff_id` completed, in order."""
        record = self.staff.get(staff_id)
        return sorted(set(record.modules.values())) if record else []

    def module_completions(self) -> int:
        return sum(len(record.modules) for record in self.staff.values())

    def first_time(self, event_id: str, today: date) -> bool:
        """Remember `event_id`; False if it was heard before (a redelivery, which must change nothing)."""
        if event_id in self.events_seen:
            return False
        self.events_seen.append(event_id)
        self.events_seen_on.append(today)
        return True

    def forget_old_events(self, today: date) -> None:
        """Forget the ids heard more than EVENT_MEMORY before `today` (EVENT_MEMORY says why that is safe)."""
        if len(self.events_seen_on) != len(self.events_seen):
            # Carried by code that kept no days: count every id as heard today, so none is forgotten early.
            self.events_seen_on = [today] * len(self.events_seen)
        # Heard in workflow time, which never runs backwards: the days are in order.
        forgotten = bisect_left(self.events_seen_on, today - EVENT_MEMORY)
        del self.events_seen[:forgotten], self.events_seen_on[:forgotten]
