"""Circles' rules through its handlers, on in-memory fakes: what may be scheduled, held, cancelled and moved."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID, uuid4

import pytest

from contracts import Envelope, Event, SchoolEnrolled, SchoolWithdrawn, StaffLeft, StaffRegistered
from contracts.events import (
    CircleCancelled,
    CircleHeld,
    CircleRescheduled,
    CircleScheduled,
    SchoolCompleted,
    SchoolUrnChanged,
)
from contracts.fidelity import FIDELITY_CHECKLISTS
from runtime.calendar_file import load_half_terms
from runtime.errors import Conflict, Invalid, NotFound, RetryLater
from services.circles.bootstrap import bootstrap
from services.circles.domain.circle import Circle
from services.circles.domain.model import CircleSchool, CohortDates, RosterMember
from services.circles.service_layer import handlers
from services.circles.service_layer.commands import CancelCircle, RecordCircleHeld, RescheduleCircle, ScheduleCircle
from tests.unit.circles_fakes import FakeCirclesUnitOfWork

URN, COHORT = "123456", "oxon-2026"
TODAY = date(2026, 11, 20)
CALENDAR = load_half_terms()
FACILITATOR, TEACHER, LEAVER, ELSEWHERE = uuid4(), uuid4(), uuid4(), uuid4()


async def _deliver(uow: FakeCirclesUnitOfWork, event: Event, envelope: Envelope) -> None:
    """Hand the event to circles's handler table, as its consumer does (inbox claim, handler, commit)."""
    await bootstrap(lambda: uow).handle(event, envelope)


@pytest.fixture
def uow() -> FakeCirclesUnitOfWork:
    uow = FakeCirclesUnitOfWork()
    uow.schools.rows[URN] = CircleSchool(URN, COHORT, enrolled_on=date(2026, 9, 1))
    uow.schools.rows["654321"] = CircleSchool("654321", COHORT, date(2026, 9, 1))
    uow.cohorts.rows[COHORT] = CohortDates(COHORT, date(2026, 9, 1), date(2028, 2, 29))
    for staff_id in (FACILITATOR, TEACHER):
        uow.roster.rows[staff_id] = RosterMember(staff_id, URN, starts_on=date(2026, 9, 1))
    uow.roster.rows[LEAVER] = RosterMember(LEAVER, URN, date(2026, 9, 1), left_on=date(2026, 10, 16))
    uow.roster.rows[ELSEWHERE] = RosterMember(ELSEWHERE, "654321", date(2026, 9, 1))
    return uow


def _schedule(**changes: object) -> ScheduleCircle:
    fields: dict[str, object] = {
        "urn": URN,
        "kind": "reflective",
        "module_number": 3,
        "scheduled_for": date(2026, 11, 12),
        "facilitator_staff_id": FACILITATOR,
    }
    return ScheduleCircle(**{**fields, **changes})  # type: ignore[arg-type]


def _held(circle_id: UUID | None = None, **changes: object) -> RecordCircleHeld:
    fields: dict[str, object] = {
        "urn": URN,
        "circle_id": circle_id,
        "held_on": None,
        "participant_count": 6,
        "participant_staff_ids": (FACILITATOR, TEACHER),
        "themes": ("shame", "regulation"),
        "reflection": "Staff noticed how often shame sits under defiance.",
        "facilitator_staff_id": None,
        "today": TODAY,
    }
    return RecordCircleHeld(**{**fields, **changes})  # type: ignore[arg-type]


def _about(circle: Circle) -> dict[str, Any]:
    """What every event of a circle planned by `_schedule()` says of the circle it is about."""
    return {"circle_id": circle.circle_id, "urn": URN, "cohort_id": COHORT, "kind": "reflective"}


async def _scheduled(uow: FakeCirclesUnitOfWork, **changes: object) -> Circle:
    circle = await handlers.schedule_circle(uow, _schedule(**changes))
    uow.published.clear()
    return circle


async def test_scheduling_a_circle_publishes_its_ids_kind_date_and_module(uow: FakeCirclesUnitOfWork) -> None:
    circle = await handlers.schedule_circle(uow, _schedule())

    assert uow.published == [
        CircleScheduled(
            **_about(circle),
            module_number=3,
            scheduled_for=date(2026, 11, 12),
            facilitator_staff_id=FACILITATOR,
        )
    ]
    assert (await uow.circles.get(URN, circle.circle_id)) == circle


@pytest.mark.parametrize(
    ("changes", "error", "named"),
    [
        ({"urn": "999999"}, NotFound, "999999"),
        ({"kind": "practice_discussion"}, Invalid, "module_number"),
        ({"facilitator_staff_id": UUID(int=7)}, Invalid, str(UUID(int=7))),
        ({"facilitator_staff_id": ELSEWHERE}, Invalid, f"{ELSEWHERE} is not registered at school {URN}"),
        ({"facilitator_staff_id": LEAVER}, Invalid, f"{LEAVER} left school {URN} on 2026-10-16"),
        ({"scheduled_for": date(2026, 8, 31)}, Invalid, "scheduled_for: 2026-08-31 is outside"),
        ({"scheduled_for": date(2028, 3, 1)}, Invalid, "2026-09-01 to 2028-02-29"),
    ],
    ids=["unknown school", "module on a discussion", "unknown staff", "another school's staff", "staff who left",
         "before the programme", "after the cohort ends"],
)  # fmt: skip
async def test_impossible_circle_is_refused_naming_why_and_nothing_is_written(
    uow: FakeCirclesUnitOfWork, changes: dict[str, object], error: type[Exception], named: str
) -> None:
    with pytest.raises(error, match=named):
        await handlers.schedule_circle(uow, _schedule(**changes))

    assert uow.published == []
    assert uow.circles.rows == {}


async def test_staff_member_may_facilitate_up_to_their_last_day(uow: FakeCirclesUnitOfWork) -> None:
    on_last_day = _schedule(facilitator_staff_id=LEAVER, scheduled_for=date(2026, 10, 16))

    circle = await handlers.schedule_circle(uow, on_last_day)

    assert circle.facilitator_staff_id == LEAVER


async def test_staff_member_cannot_appear_before_they_start(uow: FakeCirclesUnitOfWork) -> None:
    uow.roster.rows[TEACHER] = RosterMember(TEACHER, URN, starts_on=date(2027, 1, 4))

    with pytest.raises(Invalid, match="only starts"):
        await handlers.schedule_circle(uow, _schedule(facilitator_staff_id=TEACHER))


@pytest.mark.parametrize("status", ["withdrawn", "completed"])
async def test_school_no_longer_in_an_active_cohort_is_refused_by_urn(uow: FakeCirclesUnitOfWork, status: str) -> None:
    circle = await _scheduled(uow)
    uow.schools.rows[URN] = CircleSchool(URN, COHORT, date(2026, 9, 1), status, date(2026, 11, 1))  # type: ignore[arg-type]

    with pytest.raises(Conflict, match=f"school {URN} was {status} on 2026-11-01"):
        await handlers.schedule_circle(uow, _schedule())
    with pytest.raises(Conflict, match=URN):
        await handlers.record_circle_held(uow, CALENDAR, _held(circle.circle_id))
    with pytest.raises(Conflict, match=URN):
        await handlers.cancel_circle(uow, CancelCircle(URN, circle.circle_id, TODAY))
    assert uow.published == []


async def test_held_circle_is_published_without_its_reflection(uow: FakeCirclesUnitOfWork) -> None:
    circle = await _scheduled(uow)

    held = await handlers.record_circle_held(uow, CALENDAR, _held(circle.circle_id))

    assert held.held is not None
    assert held.held.reflection == "Staff noticed how often shame sits under defiance."
    assert uow.published == [
        CircleHeld(
            **_about(circle),
            module_number=3,
            held_on=date(2026, 11, 12),
            half_term="2026-27-autumn-2",
            participant_count=6,
            participant_staff_ids=[FACILITATOR, TEACHER],
            facilitator_staff_id=FACILITATOR,
            themes=["shame", "regulation"],
        )
    ]
    assert "defiance" not in uow.published[0].model_dump_json()


FIDELITY = {item.key: item.key != "linked_to_module" for item in FIDELITY_CHECKLISTS["circle"]}


async def test_a_circles_fidelity_checklist_is_kept_and_published_with_it(uow: FakeCirclesUnitOfWork) -> None:
    circle = await _scheduled(uow)

    held = await handlers.record_circle_held(uow, CALENDAR, _held(circle.circle_id, fidelity=FIDELITY))

    assert held.held is not None
    assert held.held.fidelity == FIDELITY
    assert isinstance(uow.published[0], CircleHeld)
    assert uow.published[0].fidelity == FIDELITY


async def test_circle_held_in_a_holiday_belongs_to_no_half_term(uow: FakeCirclesUnitOfWork) -> None:
    circle = await _scheduled(uow, scheduled_for=date(2026, 10, 28))

    await handlers.record_circle_held(uow, CALENDAR, _held(circle.circle_id))

    assert isinstance(uow.published[0], CircleHeld)
    assert uow.published[0].half_term is None


@pytest.mark.parametrize(
    ("changes", "error", "named"),
    [
        ({"participant_count": 1}, Invalid, "participant_count: 1 is fewer than the 2 participant_staff_ids"),
        ({"participant_staff_ids": (TEACHER, TEACHER)}, Invalid, f"staff {TEACHER} is named more than once"),
        ({"participant_staff_ids": (TEACHER, LEAVER)}, Invalid, f"participant_staff_ids: staff {LEAVER} left"),
        ({"participant_staff_ids": (ELSEWHERE,)}, Invalid, f"participant_staff_ids: staff {ELSEWHERE} is not"),
        ({"facilitator_staff_id": LEAVER}, Invalid, f"facilitator_staff_id: staff {LEAVER} left"),
        ({"held_on": date(2026, 11, 21)}, Invalid, "held_on: 2026-11-21 is after today"),
        ({"held_on": date(2026, 8, 30)}, Invalid, "held_on: 2026-08-30 is outside"),
        ({"circle_id": UUID(int=1)}, NotFound, str(UUID(int=1))),
        ({"urn": "654321"}, NotFound, "654321"),
        ({"fidelity": {"restorative_questions_used": True}}, Invalid, "fidelity: every checklist item must be"),
        ({"fidelity": {**FIDELITY, "tea_served": True}}, Invalid, "fidelity: tea_served is not on the circle"),
    ],
    ids=["count below ids", "named twice", "participant left", "another school's staff", "facilitator left",
         "in the future", "before the programme", "unknown circle", "another school's circle",
         "checklist incomplete", "checklist item unknown"],
)  # fmt: skip
async def test_impossible_record_of_a_circle_is_refused_and_nothing_is_written(
    uow: FakeCirclesUnitOfWork, changes: dict[str, object], error: type[Exception], named: str
) -> None:
    circle = await _scheduled(uow)

    with pytest.raises(error, match=named):
        await handlers.record_circle_held(uow, CALENDAR, _held(**{"circle_id": circle.circle_id, **changes}))  # type: ignore[arg-type]

    assert uow.published == []
    assert uow.circles.rows[circle.circle_id].status == "scheduled"


async def test_cancelled_circle_cannot_be_held_or_moved_and_a_held_one_cannot_be_cancelled(
    uow: FakeCirclesUnitOfWork,
) -> None:
    cancelled = await _scheduled(uow)
    held = await _scheduled(uow)
    await handlers.cancel_circle(uow, CancelCircle(URN, cancelled.circle_id, TODAY))
    await handlers.record_circle_held(uow, CALENDAR, _held(held.circle_id))
    uow.published.clear()

    with pytest.raises(Conflict, match=f"circle {cancelled.circle_id} was already cancelled on {TODAY}"):
        await handlers.record_circle_held(uow, CALENDAR, _held(cancelled.circle_id))
    with pytest.raises(Conflict, match="cannot be moved"):
        await handlers.reschedule_circle(uow, RescheduleCircle(URN, cancelled.circle_id, date(2026, 12, 1), None))
    with pytest.raises(Conflict, match="already cancelled"):
        await handlers.cancel_circle(uow, CancelCircle(URN, cancelled.circle_id, TODAY))
    with pytest.raises(Conflict, match="was already held on 2026-11-12, so it cannot be cancelled"):
        await handlers.cancel_circle(uow, CancelCircle(URN, held.circle_id, TODAY))
    with pytest.raises(Conflict, match="already held"):
        await handlers.record_circle_held(uow, CALENDAR, _held(held.circle_id))
    assert uow.published == []


async def test_cancelling_publishes_the_date_it_had_been_planned_for(uow: FakeCirclesUnitOfWork) -> None:
    circle = await _scheduled(uow)

    cancelled = await handlers.cancel_circle(uow, CancelCircle(URN, circle.circle_id, TODAY))

    assert cancelled.status == "cancelled"
    assert uow.published == [
        CircleCancelled(
            **_about(circle),
            scheduled_for=date(2026, 11, 12),
            cancelled_on=TODAY,
        )
    ]


async def test_moving_a_circle_publishes_both_dates(uow: FakeCirclesUnitOfWork) -> None:
    circle = await _scheduled(uow)

    moved = await handlers.reschedule_circle(uow, RescheduleCircle(URN, circle.circle_id, date(2026, 12, 3), None))

    assert moved.scheduled_for == date(2026, 12, 3)
    assert uow.published == [
        CircleRescheduled(
            **_about(circle),
            previous_date=date(2026, 11, 12),
            scheduled_for=date(2026, 12, 3),
            facilitator_staff_id=FACILITATOR,
        )
    ]


@pytest.mark.parametrize(
    ("new_date", "facilitator", "error", "named"),
    [
        (date(2026, 11, 12), None, Conflict, "already scheduled for 2026-11-12"),
        (date(2028, 3, 1), None, Invalid, "scheduled_for: 2028-03-01 is outside"),
        (date(2026, 11, 30), LEAVER, Invalid, f"facilitator_staff_id: staff {LEAVER} left"),
    ],
    ids=["same date", "after the cohort ends", "facilitator who left"],
)
async def test_impossible_move_is_refused_and_nothing_is_written(
    uow: FakeCirclesUnitOfWork, new_date: date, facilitator: UUID | None, error: type[Exception], named: str
) -> None:
    circle = await _scheduled(uow)

    with pytest.raises(error, match=named):
        await handlers.reschedule_circle(uow, RescheduleCircle(URN, circle.circle_id, new_date, facilitator))

    assert uow.published == []
    assert uow.circles.rows[circle.circle_id] == circle


def _envelope() -> Envelope:
    return Envelope(id=uuid4(), source="/rsp/enrolment", type="t", time=datetime.now(UTC))


async def test_withdrawal_ends_the_school_and_a_redelivery_changes_nothing(uow: FakeCirclesUnitOfWork) -> None:
    envelope = _envelope()
    withdrawn = SchoolWithdrawn(urn=URN, cohort_id=COHORT, withdrawn_on=date(2026, 11, 1))

    await _deliver(uow, withdrawn, envelope)
    uow.schools.rows[URN] = CircleSchool(URN, COHORT, date(2026, 9, 1))  # as if re-enrolled meanwhile
    await _deliver(uow, withdrawn, envelope)

    assert uow.schools.rows[URN].status == "active"
    assert uow.commits == 1


async def test_completion_of_an_earlier_cohort_leaves_the_school_active_in_its_later_one(
    uow: FakeCirclesUnitOfWork,
) -> None:
    completed = SchoolCompleted(urn=URN, cohort_id="oxon-2024", completed_on=date(2026, 2, 28))

    await _deliver(uow, completed, _envelope())

    assert uow.schools.rows[URN].status == "active"


async def test_withdrawal_of_a_school_not_yet_seen_waits_for_its_enrolment(uow: FakeCirclesUnitOfWork) -> None:
    withdrawn = SchoolWithdrawn(urn="111111", cohort_id=COHORT, withdrawn_on=date(2026, 11, 1))

    with pytest.raises(RetryLater):
        await _deliver(uow, withdrawn, _envelope())

    enrolled = SchoolEnrolled(urn="111111", cohort_id=COHORT, school_name="A", enrolled_on=date(2026, 9, 1))
    await _deliver(uow, enrolled, _envelope())
    await _deliver(uow, withdrawn, _envelope())
    assert uow.schools.rows["111111"].status == "withdrawn"


async def test_departure_arriving_before_the_registration_is_kept(uow: FakeCirclesUnitOfWork) -> None:
    staff_id = uuid4()

    await _deliver(uow, StaffLeft(staff_id=staff_id, urn=URN, left_on=date(2026, 12, 18)), _envelope())
    await _deliver(
        uow,
        StaffRegistered(staff_id=staff_id, urn=URN, cohort_id=COHORT, role="teacher", starts_on=date(2026, 9, 1)),
        _envelope(),
    )

    assert uow.roster.rows[staff_id] == RosterMember(staff_id, URN, date(2026, 9, 1), date(2026, 12, 18))


async def test_school_that_changed_urn_keeps_its_circles_and_staff_under_the_new_one(
    uow: FakeCirclesUnitOfWork,
) -> None:
    circle = await _scheduled(uow)
    changed = SchoolUrnChanged(predecessor_urn=URN, successor_urn="777777", cohort_id=COHORT, changed_on=TODAY)

    await _deliver(uow, changed, _envelope())
    moved = await handlers.schedule_circle(uow, _schedule(urn="777777"))

    assert await uow.schools.get(URN) is None
    assert (await uow.circles.get("777777", circle.circle_id)) is not None
    assert moved.urn == "777777"
