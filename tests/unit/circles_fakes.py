"""In-memory stand-in for circles' Postgres unit of work, for circles' unit tests only."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from uuid import UUID

from services.circles.domain.circle import Circle
from services.circles.domain.model import CircleSchool, CohortDates, RosterMember
from tests.unit.fakes import FakeTable, FakeUnitOfWork


class FakeCircleSchools:
    def __init__(self, circles: FakeCircles, roster: FakeRoster) -> None:
        self.rows: dict[str, CircleSchool] = {}
        self.circles, self.roster = circles, roster

    async def get(self, urn: str) -> CircleSchool | None:
        return self.rows.get(urn)

    async def save(self, school: CircleSchool) -> None:
        self.rows[school.urn] = school

    async def in_cohort(self, cohort_id: str) -> list[CircleSchool]:
        return sorted((s for s in self.rows.values() if s.cohort_id == cohort_id), key=lambda s: s.urn)

    async def change_urn(self, predecessor_urn: str, successor_urn: str) -> None:
        self.rows[successor_urn] = replace(self.rows.pop(predecessor_urn), urn=successor_urn)
        for circle_id, circle in list(self.circles.rows.items()):
            if circle.urn == predecessor_urn:
                self.circles.rows[circle_id] = replace(circle, urn=successor_urn)
        for staff_id, member in list(self.roster.rows.items()):
            if member.urn == predecessor_urn:
                self.roster.rows[staff_id] = replace(member, urn=successor_urn)


class FakeCohortDates(FakeTable[str, CohortDates]):
    def __init__(self) -> None:
        super().__init__(lambda cohort: cohort.cohort_id)

    save = FakeTable.add


class FakeRoster:
    def __init__(self) -> None:
        self.rows: dict[UUID, RosterMember] = {}

    async def find(self, staff_ids: Iterable[UUID]) -> dict[UUID, RosterMember]:
        return {staff_id: self.rows[staff_id] for staff_id in staff_ids if staff_id in self.rows}

    async def register(self, staff_id: UUID, urn: str, starts_on: date) -> None:
        known = self.rows.get(staff_id, RosterMember(staff_id, urn))
        self.rows[staff_id] = replace(known, urn=urn, starts_on=starts_on)

    async def record_leaving(self, staff_id: UUID, urn: str, left_on: date) -> None:
        known = self.rows.get(staff_id, RosterMember(staff_id, urn))
        self.rows[staff_id] = replace(known, left_on=left_on)


class FakeCircles:
    def __init__(self) -> None:
        self.rows: dict[UUID, Circle] = {}
        self.staged: dict[UUID, Circle] = {}

    async def get(self, urn: str, circle_id: UUID, *, for_update: bool = False) -> Circle | None:
        circle = self.staged.get(circle_id) or self.rows.get(circle_id)
        return circle if circle is not None and circle.urn == urn else None

    async def add(self, circle: Circle) -> None:
        self.staged[circle.circle_id] = circle

    async def save(self, circle: Circle) -> None:
        self.staged[circle.circle_id] = circle

    async def of_school(self, urn: str) -> list[Circle]:
        return sorted((c for c in self.rows.values() if c.urn == urn), key=lambda c: c.scheduled_for)

    async def held_on(self, cohort_id: str, urns: Iterable[str]) -> dict[str, list[date]]:
        wanted = set(urns)
        held: dict[str, list[date]] = {}
        for circle in self.rows.values():
            if circle.held and circle.cohort_id == cohort_id and circle.urn in wanted:
                held.setdefault(circle.urn, []).append(circle.held.held_on)
        return held


class FakeCirclesUnitOfWork(FakeUnitOfWork):
    """Circles and the copies kept from enrolment; only circles are staged (the copies are set up directly)."""

    def __init__(self) -> None:
        super().__init__()
        self.roster = FakeRoster()
        self.circles = FakeCircles()
        self.schools = FakeCircleSchools(self.circles, self.roster)
        self.cohorts = FakeCohortDates()

    def _rollback(self) -> None:
        self.circles.staged = {}

    def _apply(self) -> None:
        self.circles.rows.update(self.circles.staged)
        self._rollback()
