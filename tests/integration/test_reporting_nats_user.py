"""Reporting's NATS user may publish on its own stream (impact returns) and nowhere else."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

import pytest
from nats.errors import TimeoutError as NatsTimeout

from contracts import SchoolEnrolled
from contracts.events.reporting import ImpactReturnSubmitted
from runtime.local.stack import LocalStack
from tests.support import connect_as_process, violation_reported

# A school no test enrols, so no test that reads the stream mistakes it for its own.
_EVENT = ImpactReturnSubmitted(
    return_id=uuid4(),
    urn="000001",
    cohort_id="nats-permissions",
    academic_year="2025/26",
    period="baseline",
    version=1,
    replaces_return_id=None,
    pupils_on_roll=100,
    suspensions=0,
    pupils_suspended=0,
    permanent_exclusions=0,
    possible_sessions=1000,
    sessions_missed=10,
    pupils_persistently_absent=0,
    submitted_at=datetime.now(UTC),
)


async def test_reporting_publishes_impact_returns_but_not_enrolment_events(local_stack: LocalStack) -> None:
    errors: list[str] = []
    reporting = await connect_as_process(local_stack, "reporting", errors)
    try:
        ack = await reporting.jetstream().publish(
            ImpactReturnSubmitted.subject, _EVENT.model_dump_json().encode(), timeout=5
        )
        assert ack.stream == "RSP_REPORTING"
        with pytest.raises(NatsTimeout):
            await reporting.jetstream().publish(SchoolEnrolled.subject, b"{}", timeout=1)
        assert await violation_reported(errors)
    finally:
        await reporting.close()
