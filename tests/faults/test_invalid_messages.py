"""Messages no consumer can ever handle, injected mid-burst: each is dead-lettered once with its reason and acked,
and everything else flows on."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from nats.js import JetStreamContext

from contracts import Event, ModuleCompleted, StaffRegistered
from contracts.codec import envelope_of
from contracts.subscriptions import CONSUMES, durable_name
from tests.faults.ledger import dead_letters_since
from tests.faults.scene import FaultScene
from tests.support import eventually

# A school no test enrols, so the injected events are nobody's completions.
NOBODY = "999999"


def _samples() -> list[Event]:
    staff_id = uuid.uuid4()
    return [
        ModuleCompleted(
            completion_id=uuid.uuid4(),
            staff_id=staff_id,
            urn=NOBODY,
            cohort_id="faults-2026",
            module_number=1,
            completed_at=datetime.now(UTC),
        ),
        StaffRegistered(staff_id=staff_id, urn=NOBODY, cohort_id="faults-2026", role="teacher", starts_on=date.today()),
    ]


def _consumers_of(event: Event) -> list[str]:
    return [process for process, events in CONSUMES.items() if type(event) in events]


async def _inject(js: JetStreamContext, event: Event) -> None:
    """As the operator: one body that is not JSON at all, and one valid event without its ce-id."""
    headers = envelope_of(event).to_headers()
    await js.publish(event.subject, b"\x00 this is not JSON {", headers=headers)
    # Nothing to deduplicate it by either: the envelope's Nats-Msg-Id is its ce-id.
    without_id = {name: value for name, value in headers.items() if name not in ("ce-id", "Nats-Msg-Id")}
    await js.publish(event.subject, event.model_dump_json().encode(), headers=without_id)


async def _nothing_pending(js: JetStreamContext, stream: str, durables: list[str]) -> bool:
    for durable in durables:
        info = await js.consumer_info(stream, durable)
        if info.num_ack_pending or info.num_pending:
            return False
    return True


async def test_invalid_messages_are_dead_lettered_once_each_with_a_reason_and_acked(scene: FaultScene) -> None:
    samples = _samples()
    burst = await scene.burst()

    async def fault() -> None:
        for event in samples:
            await _inject(scene.js, event)

    await burst.during(fault)
    expected = {(consumer, event.subject) for event in samples for consumer in _consumers_of(event)}
    await scene.one_truth(burst, dead_letters_expected=2 * len(expected))

    letters = await dead_letters_since(scene.js, scene.dead_letters_before)
    kept = sorted((h["rsp-dead-letter-consumer"], h["rsp-original-subject"]) for h in letters)
    assert kept == sorted([*expected, *expected])
    assert all(h.get("rsp-dead-letter-reason") for h in letters)
    for event in samples:
        stream = "RSP_LEARNING" if isinstance(event, ModuleCompleted) else "RSP_ENROLMENT"
        durables = [durable_name(consumer, type(event)) for consumer in _consumers_of(event)]

        async def acked(stream: str = stream, durables: list[str] = durables) -> bool:
            return await _nothing_pending(scene.js, stream, durables)

        await eventually(acked, within=30)
