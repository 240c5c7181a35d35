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
from runtime.consumer import MAX_BACK_OFF_SECONDS, WAIT_FOR_ORDER_DELIVERIES, EventConsumer
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


def _saving_the_school_raises(uow: FakeCirclesUnitOfWork, monkeypatch: pytest.MonkeyPatch, error: Exception) -> None:
    """The handler of `ENROLLED` meets `error` when it saves the school."""

    async def failing(*_: object) -> None:
        raise error

    monkeypatch.setattr(uow.schools, "save", failing)


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


async def test_event_waiting_for_another_is_retried_long_after_max_deliver(
    broker: NatsBroker, outcomes: Outcomes
) -> None:
    withdrawn = SchoolWithdrawn(urn="123456", cohort_id=COHORT, withdrawn_on=date(2026, 11, 1))

    await _deliver(broker, withdrawn, attempt=MAX_DELIVER * 10)

    assert outcomes.nacked == [MAX_BACK_OFF_SECONDS]
    assert (outcomes.acked, outcomes.dead_letters) == (0, [])


async def test_event_waiting_for_another_for_hours_is_dead_lettered_with_the_reason(
    broker: NatsBroker, outcomes: Outcomes
) -> None:
    withdrawn = SchoolWithdrawn(urn="123456", cohort_id=COHORT, withdrawn_on=date(2026, 11, 1))

    await _deliver(broker, withdrawn, attempt=WAIT_FOR_ORDER_DELIVERIES)

    [dead] = outcomes.dead_letters
    assert dead.headers["rsp-dead-letter-reason"].startswith(f"gave up after {WAIT_FOR_ORDER_DELIVERIES} deliveries")
    assert dead.headers["rsp-original-subject"] == withdrawn.subject
    assert (outcomes.acked, outcomes.nacked) == (1, [])


async def test_event_failing_for_a_server_outage_is_retried_for_as_long_as_it_lasts(
    broker: NatsBroker, uow: FakeCirclesUnitOfWork, outcomes: Outcomes, monkeypatch: pytest.MonkeyPatch
) -> None:
    _saving_the_school_raises(uow, monkeypatch, ConnectionRefusedError("connection refused"))

    await _deliver(broker, ENROLLED, attempt=WAIT_FOR_ORDER_DELIVERIES * 2)

    assert outcomes.nacked == [MAX_BACK_OFF_SECONDS]
    assert (outcomes.acked, outcomes.dead_letters) == (0, [])


async def test_handler_bug_is_retried_until_max_deliver_then_dead_lettered(
    broker: NatsBroker, uow: FakeCirclesUnitOfWork, outcomes: Outcomes, monkeypatch: pytest.MonkeyPatch
) -> None:
    _saving_the_school_raises(uow, monkeypatch, KeyError("cohort_id"))

    await _deliver(broker, ENROLLED, attempt=MAX_DELIVER - 1)
    await _deliver(broker, ENROLLED, attempt=MAX_DELIVER)

    assert outcomes.nacked == [0.5 * 2 ** (MAX_DELIVER - 2)]
    [dead] = outcomes.dead_letters
    assert dead.headers["rsp-dead-letter-reason"] == f"gave up after {MAX_DELIVER} deliveries: KeyError('cohort_id')"


async def test_messages_without_an_id_each_get_their_own_dead_letter(broker: NatsBroker, outcomes: Outcomes) -> None:
    headers = {k: v for k, v in envelope_of(ENROLLED).to_headers().items() if k != "ce-id"}
    for sequence in (7, 8):
        await broker.publish(
            b"{}", ENROLLED.subject, headers=headers, reply_to=f"$JS.ACK.RSP_ENROLMENT.c.1.{sequence}.1.1.0"
        )

    ids = [dead.headers["Nats-Msg-Id"] for dead in outcomes.dead_letters]
    assert ids == ["circles:RSP_ENROLMENT:7", "circles:RSP_ENROLMENT:8"]


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
