"""Each process's handler table is exactly what it consumes, and its inbox applies events delivered together once."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest

from contracts import Envelope, SchoolEnrolled, SchoolWithdrawn
from contracts.codec import envelope_of
from contracts.events import JourneyCompleted, JourneyWithdrawn
from contracts.subscriptions import CONSUMES
from runtime.errors import ConfigurationError, RetryLater
from runtime.handler_table import HandlerTable, on
from services.circles.bootstrap import bootstrap as circles_bootstrap
from services.circles.service_layer.handlers import EVENT_HANDLERS as CIRCLES
from services.enrolment.service_layer.handlers import EVENT_HANDLERS as ENROLMENT
from services.learning.service_layer.handlers import EVENT_HANDLERS as LEARNING
from services.reporting.service_layer.projections import EVENT_HANDLERS as REPORTING
from tests.unit.circles_fakes import FakeCirclesUnitOfWork
from workflows.bridge import EVENT_HANDLERS as BRIDGE


def test_every_consuming_process_has_a_table_of_exactly_what_it_consumes() -> None:
    tables = {table.process: set(table.event_types) for table in (CIRCLES, ENROLMENT, LEARNING, REPORTING, BRIDGE)}

    assert tables == {process: set(consumed) for process, consumed in CONSUMES.items()}


async def _ignore(
    _: object, event: SchoolEnrolled | SchoolWithdrawn | JourneyCompleted | JourneyWithdrawn, envelope: Envelope
) -> None:
    return None


def test_table_missing_a_declared_event_is_refused_naming_it() -> None:
    with pytest.raises(ConfigurationError, match=r"no handler for: .*StaffLeft.*; not declared: none"):
        HandlerTable("learning", on(SchoolEnrolled, _ignore), on(SchoolWithdrawn, _ignore))


def test_table_handling_an_undeclared_event_is_refused_naming_it() -> None:
    with pytest.raises(ConfigurationError, match=r"no handler for: none; not declared: SchoolEnrolled"):
        HandlerTable(
            "enrolment", on(JourneyCompleted, _ignore), on(JourneyWithdrawn, _ignore), on(SchoolEnrolled, _ignore)
        )


def test_event_with_two_handlers_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="SchoolEnrolled has two handlers"):
        HandlerTable("circles", on(SchoolEnrolled, _ignore), on(SchoolEnrolled, _ignore))


def _enrolled(urn: str) -> tuple[SchoolEnrolled, Envelope]:
    event = SchoolEnrolled(urn=urn, cohort_id="oxon-2026", school_name="A", enrolled_on=date(2026, 9, 1))
    return event, envelope_of(event)


async def test_events_delivered_together_are_applied_in_one_transaction() -> None:
    uow = FakeCirclesUnitOfWork()
    inbox = circles_bootstrap(lambda: uow)

    await asyncio.gather(*(inbox.handle(*_enrolled(urn)) for urn in ("100001", "100002", "100003")))

    assert sorted(uow.schools.rows) == ["100001", "100002", "100003"]
    assert uow.commits == 1


async def test_one_failing_event_of_a_batch_fails_alone_and_the_others_are_applied() -> None:
    uow = FakeCirclesUnitOfWork()
    inbox = circles_bootstrap(lambda: uow)
    unknown = SchoolWithdrawn(urn="999999", cohort_id="oxon-2026", withdrawn_on=date(2026, 11, 1))

    outcomes = await asyncio.gather(
        inbox.handle(*_enrolled("100001")),
        inbox.handle(unknown, envelope_of(unknown)),
        inbox.handle(*_enrolled("100002")),
        return_exceptions=True,
    )

    assert outcomes[0] is None
    assert isinstance(outcomes[1], RetryLater)
    assert outcomes[2] is None
    assert sorted(uow.schools.rows) == ["100001", "100002"]


async def test_a_redelivery_inside_the_same_batch_is_applied_once() -> None:
    uow = FakeCirclesUnitOfWork()
    inbox = circles_bootstrap(lambda: uow)
    event, envelope = _enrolled("100001")

    await asyncio.gather(inbox.handle(event, envelope), inbox.handle(event, envelope))

    assert len(uow.inbox) == 1
    assert uow.commits == 1
