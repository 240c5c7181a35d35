"""The consumer's delivery contract on FastStream's TestNatsBroker: what is acked, retried and dead-lettered.

Circles' real handler table runs on an in-memory unit of work, so these tests drive the same path a JetStream
delivery takes in the service: decode, inbox claim, handler, commit, ack.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import date

import pytest
from faststream.nats import JStream, NatsBroker, NatsMessage, TestNatsBroker
from faststream.nats.testing import PatchedMessage

from contracts import DEAD_LETTER, Event, SchoolEnrolled, SchoolWithdrawn
from contracts.codec import envelope_of
from contracts.events.journey import JourneyCompleted, JourneySummary
from runtime.consumer import EventConsumer
from services.circles.bootstrap import bootstrap
from services.circles.domain.model import CohortDates
from services.enrolment.bootstrap import bootstrap as enrolment_bootstrap
from services.enrolment.domain.model import SchoolEnrolment
from tests.unit.circles_fakes import FakeCirclesUnitOfWork
from tests.unit.fakes import FakeEnrolmentUnitOfWork

COHORT = "oxon-2026"
ENROLLED = SchoolEnrolled(urn="123456", cohort_id=COHORT, school_name="A", enrolled_on=date(2026, 9, 1))
MAX_DELIVER = 3


@dataclass
class Outcomes:
    """What the consumer did with each message, as the JetStream server would see it."""

    acked: int = 0
    nacked: list[float | None] = field(default_factory=list)
    dead_letters: list[NatsMessage] = field(default_factory=list)


@pytest.fixture
def outcomes(monkeypatch: pytest.MonkeyPatch) -> Outcomes:
    seen = Outcomes()

    async def ack(msg: PatchedMessage) -> None:
        if not msg.subject.startswith("rsp.dead_letter."):  # the test's own dead-letter reader acks too
            seen.acked += 1

    async def nak(_: PatchedMessage, delay: float | None = None) -> None:
        seen.nacked.append(delay)

    # The test broker's message acks into thin air; count instead what the server would be told.
    monkeypatch.setattr(PatchedMessage, "ack", ack)
    monkeypatch.setattr(PatchedMessage, "nak", nak)
    return seen


@pytest.fixture
def uow() -> FakeCirclesUnitOfWork:
    uow = FakeCirclesUnitOfWork()
    uow.cohorts.rows[COHORT] = CohortDates(COHORT, date(2026, 9, 1), date(2028, 2, 29))
    return uow


def _collect_dead_letters(broker: NatsBroker, process: str, outcomes: Outcomes) -> None:
    @broker.subscriber(f"rsp.dead_letter.{process}", stream=JStream(DEAD_LETTER.name, declare=False))
    async def dead_letter(msg: NatsMessage) -> None:
        outcomes.dead_letters.append(msg)


@pytest.fixture
async def broker(uow: FakeCirclesUnitOfWork, outcomes: Outcomes) -> AsyncIterator[NatsBroker]:
    broker = NatsBroker()
    EventConsumer(broker, "circles", MAX_DELIVER).subscribe(bootstrap(lambda: uow))
    _collect_dead_letters(broker, "circles", outcomes)
    async with TestNatsBroker(broker) as test_broker:
        yield test_broker


def _delivery(attempt: int) -> str:
    """A JetStream reply subject saying this is delivery number `attempt` (the consumer reads it from there)."""
    return f"$JS.ACK.RSP_ENROLMENT.circles-test.{attempt}.1.1.1764000000000000000.0"


async def _deliver(broker: NatsBroker, event: Event, attempt: int = 1, **envelope: str) -> None:
    headers = envelope_of(event).to_headers() | envelope
    await broker.publish(event.model_dump_json().encode(), event.subject, headers=headers, reply_to=_delivery(attempt))


async def test_handled_event_is_applied_and_acked(
    broker: NatsBroker, uow: FakeCirclesUnitOfWork, outcomes: Outcomes
) -> None:
    await _deliver(broker, ENROLLED)

    assert uow.schools.rows["123456"].cohort_id == COHORT
    assert (outcomes.acked, outcomes.nacked, outcomes.dead_letters) == (1, [], [])


async def test_redelivered_event_is_acked_without_applying_it_again(
    broker: NatsBroker, uow: FakeCirclesUnitOfWork, outcomes: Outcomes
) -> None:
    headers = envelope_of(ENROLLED).to_headers()
    for attempt in (1, 2):
        await broker.publish(
            ENROLLED.model_dump_json().encode(), ENROLLED.subject, headers=headers, reply_to=_delivery(attempt)
        )

    assert uow.commits == 1
    assert outcomes.acked == 2


async def test_event_that_cannot_be_handled_yet_is_retried_with_growing_back_off(
    broker: NatsBroker, outcomes: Outcomes
) -> None:
    withdrawn = SchoolWithdrawn(urn="123456", cohort_id=COHORT, withdrawn_on=date(2026, 11, 1))

    await _deliver(broker, withdrawn, attempt=1)
    await _deliver(broker, withdrawn, attempt=2)

    assert outcomes.nacked == [0.5, 1.0]
    assert (outcomes.acked, outcomes.dead_letters) == (0, [])


async def test_event_still_failing_at_the_last_delivery_is_dead_lettered_with_the_reason(
    broker: NatsBroker, outcomes: Outcomes
) -> None:
    withdrawn = SchoolWithdrawn(urn="123456", cohort_id=COHORT, withdrawn_on=date(2026, 11, 1))

    await _deliver(broker, withdrawn, attempt=MAX_DELIVER)

    [dead] = outcomes.dead_letters
    assert dead.headers["rsp-dead-letter-reason"].startswith(f"gave up after {MAX_DELIVER} deliveries")
    assert dead.headers["rsp-original-subject"] == withdrawn.subject
    assert (outcomes.acked, outcomes.nacked) == (1, [])


@pytest.mark.parametrize(
    ("body", "headers", "reason"),
    [
        (b"{not json", {}, "not a valid SchoolEnrolled: body: Invalid JSON"),
        (b'{"urn": "123456"}', {}, "not a valid SchoolEnrolled: cohort_id: Field required"),
        (ENROLLED.model_dump_json().encode(), {"ce-type": "rsp.learning.module.completed.v1"}, "ce-type"),
        (ENROLLED.model_dump_json().encode(), {"ce-id": "not-a-uuid"}, "bad CloudEvents header"),
    ],
    ids=["body-not-json", "field-missing", "wrong-type", "bad-id"],
)
async def test_message_that_is_not_a_valid_event_is_dead_lettered_and_acked(
    broker: NatsBroker,
    uow: FakeCirclesUnitOfWork,
    outcomes: Outcomes,
    body: bytes,
    headers: dict[str, str],
    reason: str,
) -> None:
    await broker.publish(
        body, ENROLLED.subject, headers=envelope_of(ENROLLED).to_headers() | headers, reply_to=_delivery(1)
    )

    [dead] = outcomes.dead_letters
    assert reason in dead.headers["rsp-dead-letter-reason"]
    assert dead.body == body
    assert uow.commits == 0
    assert (outcomes.acked, outcomes.nacked) == (1, [])


async def test_refusal_by_the_domain_is_dead_lettered_at_once(outcomes: Outcomes) -> None:
    uow = FakeEnrolmentUnitOfWork()
    uow.schools.rows.append(SchoolEnrolment("123456", "A", "oxon-2026", date(2026, 9, 1), "primary", None))
    ended = JourneyCompleted(
        urn="123456",
        cohort_id="oxon-2026",  # enrolment has no such cohort: a refusal no retry can change
        journey_id="journey-oxon-2026-123456",
        completed_on=date(2028, 3, 7),
        at_risk=False,
        summary=JourneySummary(**dict.fromkeys(JourneySummary.model_fields, 0)),
    )
    broker = NatsBroker()
    EventConsumer(broker, "enrolment", MAX_DELIVER).subscribe(enrolment_bootstrap(lambda: uow))
    _collect_dead_letters(broker, "enrolment", outcomes)

    async with TestNatsBroker(broker) as test_broker:
        await _deliver(test_broker, ended, attempt=1)

    [dead] = outcomes.dead_letters
    assert dead.headers["rsp-dead-letter-reason"] == "cohort 'oxon-2026' does not exist"
    assert (outcomes.acked, outcomes.nacked, uow.commits) == (1, [], 0)
