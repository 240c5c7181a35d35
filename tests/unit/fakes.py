"""In-memory stand-ins for the Postgres units of work, for handler unit tests only."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Generic, Self, TypeVar
from uuid import UUID, uuid4

from contracts import Envelope, Event
from services.enrolment.domain.model import Cohort, SchoolEnrolment, StaffMember


class NotFaked:
    """Base of a stand-in that fakes only some of its port: whatever else a test reaches raises NotImplementedError.

    What is left out is exercised against Postgres in the integration and e2e tests, never in unit tests.
    """

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        raise NotImplementedError(f"{type(self).__name__}.{name} is not faked: test it against Postgres")


K = TypeVar("K")
T = TypeVar("T")


class FakeTable(Generic[K, T]):
    """A table's rows by their key: `get` one, `add` one (a row with a key already there replaces it)."""

    def __init__(self, key: Callable[[T], K]) -> None:
        self.rows: dict[K, T] = {}
        self._key = key

    async def get(self, key: K) -> T | None:
        return self.rows.get(key)

    async def add(self, row: T) -> None:
        self.rows[self._key(row)] = row


class FakeUnitOfWork:
    """Stages changes and applies them only on commit, like a transaction."""

    def __init__(self) -> None:
        self.published: list[Event] = []
        self.inbox: set[tuple[str, UUID]] = set()
        self.commits = 0
        self._staged_events: list[Event] = []
        self._staged_inbox: set[tuple[str, UUID]] = set()

    async def __aenter__(self) -> Self:
        self._staged_events, self._staged_inbox = [], set()
        self._begin()
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._staged_events, self._staged_inbox = [], set()
        self._rollback()

    def _begin(self) -> None: ...
    def _rollback(self) -> None: ...
    def _apply(self) -> None: ...

    async def record(self, event: Event) -> Envelope:
        self._staged_events.append(event)
        return Envelope(id=uuid4(), source=event.source, type=event.subject, time=datetime.now(UTC))

    async def record_all(
        self, events: Sequence[Event], trace_contexts: Sequence[dict[str, str]] | None = None
    ) -> list[Envelope]:
        return [await self.record(event) for event in events]

    async def claim(self, consumer: str, envelope: Envelope) -> bool:
        key = (consumer, envelope.id)
        if key in self.inbox or key in self._staged_inbox:
            return False
        self._staged_inbox.add(key)
        return True

    async def claim_all(self, consumer: str, envelopes: list[Envelope]) -> set[UUID]:
        return {envelope.id for envelope in envelopes if await self.claim(consumer, envelope)}

    async def commit(self) -> None:
        self.published.extend(self._staged_events)
        self.inbox |= self._staged_inbox
        self._apply()
        self._staged_events, self._staged_inbox = [], set()
        self.commits += 1


class FakeCohorts:
    def __init__(self) -> None:
        self.rows: dict[str, Cohort] = {}
        self.staged: dict[str, Cohort] = {}

    async def get(self, cohort_id: str) -> Cohort | None:
        return self.staged.get(cohort_id) or self.rows.get(cohort_id)

    async def add(self, cohort: Cohort) -> None:
        self.staged[cohort.cohort_id] = cohort

    async def all(self) -> list[Cohort]:
        return sorted(self.rows.values(), key=lambda cohort: (cohort.starts_on, cohort.cohort_id))

    async def save_plan(self, cohort: Cohort) -> None:
        self.staged[cohort.cohort_id] = cohort


class FakeSchools:
    def __init__(self) -> None:
        self.rows: list[SchoolEnrolment] = []
        self.staged: list[SchoolEnrolment] = []

    async def current(self, urn: str) -> SchoolEnrolment | None:
        mine = [s for s in [*self.rows, *self.staged] if s.urn == urn]
        active = [s for s in mine if s.status == "active"]
        chosen = active or mine
        return chosen[-1] if chosen else None

    async def history(self, urn: str) -> list[SchoolEnrolment]:
        return [s for s in [*self.rows, *self.staged] if s.urn == urn]

    async def add(self, enrolment: SchoolEnrolment) -> None:
        self.staged.append(enrolment)

    async def in_cohort(self, cohort_id: str) -> list[SchoolEnrolment]:
        return [s for s in self.rows if s.cohort_id == cohort_id]

    async def end(self, enrolment: SchoolEnrolment, reason: str | None) -> None:
        self.staged.append(enrolment)  # replaces the active row on commit

    async def ended(self) -> list[SchoolEnrolment]:
        return [s for s in self.rows if s.status != "active"]

    async def erase_headteacher_names(self, urns: list[str]) -> None:
        self.staged.extend(replace(s, headteacher_name=None) for s in self.rows if s.urn in urns and s.headteacher_name)

    def apply(self) -> None:
        for change in self.staged:
            same = [i for i, s in enumerate(self.rows) if (s.urn, s.cohort_id) == (change.urn, change.cohort_id)]
            if same:
                self.rows[same[0]] = change
            else:
                self.rows.append(change)
        self.staged = []


class FakeStaff:
    def __init__(self) -> None:
        self.rows: dict[UUID, StaffMember] = {}
        self.staged: dict[UUID, StaffMember] = {}

    async def add(self, member: StaffMember) -> None:
        self.staged[member.staff_id] = member

    async def get(self, urn: str, staff_id: UUID) -> StaffMember | None:
        member = self.staged.get(staff_id) or self.rows.get(staff_id)
        return member if member is not None and member.urn == urn else None

    async def of_school(self, urn: str) -> list[StaffMember]:
        return [m for m in self.rows.values() if m.urn == urn]

    async def record_leaving(self, member: StaffMember) -> None:
        self.staged[member.staff_id] = member

    async def erase_personal_data(self, urns: list[str]) -> int:
        erased = [m for m in self.rows.values() if m.urn in urns and m.name is not None]
        for member in erased:
            self.staged[member.staff_id] = replace(member, name=None, email=None)
        return len(erased)

    async def move_school(self, predecessor_urn: str, successor_urn: str) -> None:
        for member in [*self.rows.values(), *self.staged.values()]:
            if member.urn == predecessor_urn:
                self.staged[member.staff_id] = replace(member, urn=successor_urn)


class FakeEnrolmentUnitOfWork(FakeUnitOfWork):
    def __init__(self) -> None:
        super().__init__()
        self.cohorts = FakeCohorts()
        self.schools = FakeSchools()
        self.staff = FakeStaff()

    def _rollback(self) -> None:
        self.cohorts.staged, self.schools.staged, self.staff.staged = {}, [], {}

    def _apply(self) -> None:
        self.cohorts.rows.update(self.cohorts.staged)
        self.schools.apply()
        self.staff.rows.update(self.staff.staged)
        self._rollback()
