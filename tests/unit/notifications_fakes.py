"""In-memory notifications storage for handler unit tests; the sender's queries are tested against Postgres."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from uuid import UUID

from services.notifications.domain.model import LEAD_ROLES, NewMessage, Preferences, School, StaffRecord
from tests.unit.fakes import FakeUnitOfWork, NotFaked


class FakeNotificationSchools:
    def __init__(self, staff: FakeNotificationStaff) -> None:
        self.rows: dict[str, School] = {}
        self._staff = staff

    async def change_urn(self, predecessor_urn: str, successor_urn: str) -> None:
        school = self.rows.pop(predecessor_urn)
        self.rows[successor_urn] = School(successor_urn, school.cohort_id, school.school_name, school.active)
        for member in list(self._staff.rows.values()):
            if member.urn == predecessor_urn:
                self._staff.rows[member.staff_id] = StaffRecord(member.staff_id, successor_urn, member.role,
                                                                member.left_on)  # fmt: skip

    async def get(self, urn: str) -> School | None:
        return self.rows.get(urn)

    async def save(self, school: School) -> None:
        self.rows[school.urn] = school

    async def active_in_cohort(self, cohort_id: str) -> list[School]:
        return sorted((s for s in self.rows.values() if s.cohort_id == cohort_id and s.active), key=lambda s: s.urn)


class FakeNotificationStaff:
    def __init__(self) -> None:
        self.rows: dict[UUID, StaffRecord] = {}

    async def save(self, member: StaffRecord) -> None:
        self.rows[member.staff_id] = member

    async def record_leaving(self, staff_id: UUID, urn: str, left_on: date) -> None:
        known = self.rows.get(staff_id, StaffRecord(staff_id, urn, "other"))
        self.rows[staff_id] = StaffRecord(known.staff_id, known.urn, known.role, left_on)

    async def leads_of(self, urn: str, on: date) -> list[StaffRecord]:
        return [m for m in self.rows.values() if m.urn == urn and m.role in LEAD_ROLES and m.is_lead_on(on)]


class FakePreferences:
    def __init__(self) -> None:
        self.rows: dict[UUID, Preferences] = {}

    async def of(self, staff_ids: Iterable[UUID]) -> dict[UUID, Preferences]:
        return {staff_id: self.rows[staff_id] for staff_id in staff_ids if staff_id in self.rows}

    async def save(self, preferences: Preferences) -> None:
        self.rows[preferences.staff_id] = preferences


class FakeCalendars:
    def __init__(self) -> None:
        self.sequences: dict[UUID, int] = {}

    async def next_sequence(self, session_id: UUID) -> int:
        self.sequences[session_id] = self.sequences.get(session_id, -1) + 1
        return self.sequences[session_id]


class FakeMessages(NotFaked):
    def __init__(self) -> None:
        self.rows: dict[UUID, NewMessage] = {}

    async def add(self, message: NewMessage) -> bool:
        if message.message_id in self.rows:
            return False
        self.rows[message.message_id] = message
        return True


class FakeNotificationsUnitOfWork(FakeUnitOfWork):
    """Copies and messages applied at once (handlers here either write or raise before writing)."""

    def __init__(self) -> None:
        super().__init__()
        self.staff = FakeNotificationStaff()
        self.schools = FakeNotificationSchools(self.staff)
        self.preferences = FakePreferences()
        self.calendars = FakeCalendars()
        self.messages = FakeMessages()
