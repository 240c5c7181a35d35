"""No process reads another's deliveries or makes streams: each has its own inbox, and the set-up makes streams."""

from __future__ import annotations

import pytest
from nats.errors import TimeoutError as NatsTimeout
from nats.js.api import StreamConfig

from runtime.local.stack import LocalStack
from tests.support import connect_as_process, violation_reported


@pytest.mark.parametrize("inbox", ["_INBOX.>", "_INBOX_reporting.>", "_INBOX_bridge.abc"])
async def test_process_cannot_listen_on_another_process_inbox(local_stack: LocalStack, inbox: str) -> None:
    errors: list[str] = []
    circles = await connect_as_process(local_stack, "circles", errors)
    try:
        await circles.subscribe(inbox)
        await circles.flush()
        assert await violation_reported(errors, inbox)
    finally:
        await circles.close()


async def test_process_cannot_create_a_stream(local_stack: LocalStack) -> None:
    errors: list[str] = []
    learning = await connect_as_process(local_stack, "learning", errors)
    try:
        with pytest.raises(NatsTimeout):
            await learning.jetstream(timeout=1).add_stream(StreamConfig(name="RSP_ROGUE", subjects=["rogue.>"]))
        assert await violation_reported(errors, "$JS.API.STREAM.CREATE.RSP_ROGUE")
    finally:
        await learning.close()
