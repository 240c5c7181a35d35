"""Events published by the learning service: the online modules and the face-to-face programme."""

from __future__ import annotations

from datetime import date
from typing import ClassVar, Literal, get_args
from uuid import UUID

from pydantic import AwareDatetime, Field

from contracts.events.base import Event
from contracts.identifiers import COHORT_ID_PATTERN, URN_PATTERN

__all__ = [
    "MODULE_COUNT",
    "SESSION_KINDS",
    "ImmersionDayHeld",
    "LeadershipDayHeld",
    "MentoringSessionHeld",
    "ModuleCompleted",
    "ModuleCompletionWithdrawn",
    "ModuleStarted",
    "PractitionerTrained",
    "SessionCancelled",
    "SessionKind",
    "SessionScheduled",
]

# The Trauma Informed Relational Practice course has 15 pre-recorded modules.
MODULE_COUNT = 15

SessionKind = Literal["leadership_day", "immersion_day", "practitioner_training", "mentoring"]
SESSION_KINDS: tuple[SessionKind, ...] = get_args(SessionKind)


class _LearningEvent(Event):
    """What every learning event has in common: its source."""

    source: ClassVar[str] = "/rsp/learning"


class _StaffAtSchool(_LearningEvent):
    """What every event about one member of staff says: who, and at which school and cohort."""

    staff_id: UUID = Field(description="Pseudonymous id of the staff member")
    urn: str = Field(pattern=URN_PATTERN, description="The staff member's school")
    cohort_id: str = Field(pattern=COHORT_ID_PATTERN, description="The school's cohort")

    def entity(self) -> str:
        return self.urn


class _ModuleEvent(_StaffAtSchool):
    """What every event about one member of staff and one online module says."""

    module_number: int = Field(ge=1, le=MODULE_COUNT, description="Which of the 15 modules, 1 to 15")


class _CompletionEvent(_LearningEvent):
    """An event about one recorded completion. A base of its own so that the completion's id comes first."""

    completion_id: UUID


class ModuleCompleted(_ModuleEvent, _CompletionEvent):
    """A member of staff completed one of the online modules."""

    subject: ClassVar[str] = "rsp.learning.module.completed.v1"

    completion_id: UUID = Field(description="The learning service's id for this completion")
    staff_id: UUID = Field(description="Pseudonymous id of the staff member; names stay in enrolment")
    completed_at: AwareDatetime = Field(description="When the module was completed")


class ModuleStarted(_ModuleEvent):
    """A member of staff started one of the online modules (the first start only)."""

    subject: ClassVar[str] = "rsp.learning.module.started.v1"

    started_at: AwareDatetime = Field(description="When the module was started")


class ModuleCompletionWithdrawn(_ModuleEvent, _CompletionEvent):
    """A recorded completion was corrected away: it no longer counts. The reason stays in learning."""

    subject: ClassVar[str] = "rsp.learning.module.completion_withdrawn.v1"

    completion_id: UUID = Field(description="The completion that no longer counts (as in ModuleCompleted)")
    withdrawn_at: AwareDatetime = Field(description="When the completion was withdrawn")


class _SessionEvent(_LearningEvent):
    """What every event about a scheduled face-to-face session says: which, of what kind, for whom."""

    session_id: UUID = Field(description="The learning service's id for the session")
    kind: SessionKind = Field(description="leadership_day, immersion_day, practitioner_training or mentoring")
    cohort_id: str = Field(pattern=COHORT_ID_PATTERN, description="The cohort the session is for")
    urn: str | None = Field(default=None, pattern=URN_PATTERN, description="The school, for mentoring only")
    day_number: int | None = Field(default=None, ge=1, description="Which leadership day, for leadership days only")

    def entity(self) -> str:
        return self.urn or self.cohort_id


class SessionScheduled(_SessionEvent):
    """A face-to-face session was scheduled, or moved to another date (then `rescheduled_from` is set)."""

    subject: ClassVar[str] = "rsp.learning.session.scheduled.v1"

    held_on: date = Field(description="The date the session is held")
    rescheduled_from: date | None = Field(default=None, description="The date it was planned for, when it moved")


class SessionCancelled(_SessionEvent):
    """A scheduled face-to-face session will not take place. The reason stays in learning."""

    subject: ClassVar[str] = "rsp.learning.session.cancelled.v1"

    session_id: UUID = Field(description="The cancelled session")
    cohort_id: str = Field(pattern=COHORT_ID_PATTERN, description="The cohort the session was for")
    was_on: date = Field(description="The date it was planned for")


class _SchoolAttended(_LearningEvent):
    """What every `...held` event says: which session, and who from one school attended it."""

    session_id: UUID = Field(description="The session that was held")
    cohort_id: str = Field(pattern=COHORT_ID_PATTERN, description="The school's cohort")
    urn: str = Field(pattern=URN_PATTERN, description="The school that attended (one event per school)")
    held_on: date = Field(description="The date it was held")
    staff_ids: list[UUID] = Field(description="Pseudonymous ids of the school's staff who attended")

    def entity(self) -> str:
        return self.urn


class LeadershipDayHeld(_SchoolAttended):
    """A school's leaders attended one of the cohort's leadership days (one event per attending school)."""

    subject: ClassVar[str] = "rsp.learning.leadership_day.held.v1"

    day_number: int = Field(ge=1, description="Which of the cohort's leadership days, counting from 1")
    fidelity: dict[str, bool] | None = Field(
        default=None,
        description="The day's fidelity checklist as the facilitator answered it (item key: done or not, items "
        "from `contracts/fidelity_checklists.json`); null when none was recorded",
    )


class ImmersionDayHeld(_SchoolAttended):
    """Staff of a school spent an immersion day at a school where the practice is embedded (one per school)."""

    subject: ClassVar[str] = "rsp.learning.immersion_day.held.v1"


class MentoringSessionHeld(_SchoolAttended):
    """A school's leaders met their programme mentor."""

    subject: ClassVar[str] = "rsp.learning.mentoring_session.held.v1"


class PractitionerTrained(_LearningEvent):
    """A member of staff completed practitioner training and is now an in-school practitioner."""

    subject: ClassVar[str] = "rsp.learning.practitioner.trained.v1"

    session_id: UUID = Field(description="The practitioner training session attended")
    staff_id: UUID = Field(description="Pseudonymous id of the new practitioner")
    urn: str = Field(pattern=URN_PATTERN, description="Their school")
    cohort_id: str = Field(pattern=COHORT_ID_PATTERN, description="The school's cohort")
    trained_on: date = Field(description="The date the training was held")

    def entity(self) -> str:
        return self.urn
