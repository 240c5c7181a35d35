"""Each process's NATS user publishes only on its own subjects and reads only through its own consumers."""

from __future__ import annotations

import pytest
from nats.errors import TimeoutError as NatsTimeout
from nats.js import JetStreamContext

from contracts import ModuleCompleted
from contracts.subscriptions import durable_name
from runtime.local.stack import LocalStack
from tests.support import connect_as_process, violation_reported


async def test_enrolment_cannot_publish_learning_events(local_stack: LocalStack, js: JetStreamContext) -> None:
    errors: list[str] = []
    enrolment = await connect_as_process(local_stack, "enrolment", errors)
    before = (await js.stream_info("RSP_LEARNING")).state.messages
    try:
        # Its own stream is there for it to see...
        assert (await enrolment.jetstream().stream_info("RSP_ENROLMENT")).config.name == "RSP_ENROLMENT"
        # ...but a learning event from it goes nowhere.
        with pytest.raises(NatsTimeout):
            await enrolment.jetstream().publish(ModuleCompleted.subject, b"{}", timeout=1)
        assert await violation_reported(errors)
    finally:
        await enrolment.close()
    assert (await js.stream_info("RSP_LEARNING")).state.messages == before


async def test_process_cannot_listen_to_other_subjects_or_read_through_another_consumer(
    local_stack: LocalStack,
) -> None:
    errors: list[str] = []
    circles = await connect_as_process(local_stack, "circles", errors)
    try:
        await circles.subscribe("rsp.learning.>")
        await circles.flush()
        assert await violation_reported(errors)
        errors.clear()
        reporting_durable = durable_name("reporting", ModuleCompleted)
        with pytest.raises(NatsTimeout):
            await circles.request(f"$JS.API.CONSUMER.MSG.NEXT.RSP_LEARNING.{reporting_durable}", b"1", timeout=1)
        assert await violation_reported(errors)
    finally:
        await circles.close()
