"""Each process's handler table is exactly what it is declared to consume, so NATS lets it read what it handles."""

from __future__ import annotations

import pytest

from contracts import Envelope, SchoolEnrolled, SchoolWithdrawn
from contracts.events import JourneyCompleted
from contracts.subscriptions import CONSUMES
from runtime.errors import ConfigurationError
from runtime.handler_table import HandlerTable, on
from services.circles.service_layer.handlers import EVENT_HANDLERS as CIRCLES
from services.enrolment.service_layer.handlers import EVENT_HANDLERS as ENROLMENT
from services.learning.service_layer.handlers import EVENT_HANDLERS as LEARNING
from services.reporting.service_layer.projections import EVENT_HANDLERS as REPORTING
from workflows.bridge import EVENT_HANDLERS as BRIDGE


def test_every_consuming_process_has_a_table_of_exactly_what_it_consumes() -> None:
    tables = {table.process: set(table.event_types) for table in (CIRCLES, ENROLMENT, LEARNING, REPORTING, BRIDGE)}

    assert tables == {process: set(consumed) for process, consumed in CONSUMES.items()}


async def _ignore(_: object, event: SchoolEnrolled | SchoolWithdrawn | JourneyCompleted, envelope: Envelope) -> None:
    return None


def test_table_missing_a_declared_event_is_refused_naming_it() -> None:
    with pytest.raises(ConfigurationError, match=r"no handler for: .*StaffLeft.*; not declared: none"):
        HandlerTable("learning", on(SchoolEnrolled, _ignore), on(SchoolWithdrawn, _ignore))


def test_table_handling_an_undeclared_event_is_refused_naming_it() -> None:
    with pytest.raises(ConfigurationError, match=r"no handler for: none; not declared: SchoolEnrolled"):
        HandlerTable("enrolment", on(JourneyCompleted, _ignore), on(SchoolEnrolled, _ignore))


def test_event_with_two_handlers_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="SchoolEnrolled has two handlers"):
        HandlerTable("circles", on(SchoolEnrolled, _ignore), on(SchoolEnrolled, _ignore))
