"""No process reads another's deliveries or makes streams: each has its own inbox, and the set-up makes streams."""

from __future__ import annotations

import asyncio

import nats
import pytest
from nats.aio.client import Client as NatsClient
from nats.errors import TimeoutError as NatsTimeout
from nats.js.api import StreamConfig

from runtime.broker import inbox_prefix
from runtime.local.stack import LocalStack


async def _connect_as(local_stack: LocalStack, process: str, errors: list[str]) -> NatsClient:
    async def remember(error: Exception) -> None:
        errors.append(str(error).lower())

    return await nats.connect(
        local_stack.nats_urls[process], error_cb=remember, max_reconnect_attempts=0, inbox_prefix=inbox_prefix(process)
    )


async def _refused(errors: list[str], subject: str) -> bool:
    for _ in range(100):
        if any("permissions violation" in error and subject.lower() in error for error in errors):
            return True
        await asyncio.sleep(0.05)
    return False


@pytest.mark.parametrize("inbox", ["_INBOX.>", "_INBOX_reporting.>", "_INBOX_bridge.abc"])
async def test_process_cannot_listen_on_another_process_inbox(local_stack: LocalStack, inbox: str) -> None:
    errors: list[str] = []
    circles = await _connect_as(local_stack, "circles", errors)
    try:
        await circles.subscribe(inbox)
        await circles.flush()
        assert await _refused(errors, inbox)
    finally:
        await circles.close()


async def test_process_cannot_create_a_stream(local_stack: LocalStack) -> None:
    errors: list[str] = []
    learning = await _connect_as(local_stack, "learning", errors)
    try:
        with pytest.raises(NatsTimeout):
            await learning.jetstream(timeout=1).add_stream(StreamConfig(name="RSP_ROGUE", subjects=["rogue.>"]))
        assert await _refused(errors, "$JS.API.STREAM.CREATE.RSP_ROGUE")
    finally:
        await learning.close()


async def test_process_still_reads_through_its_own_inbox(local_stack: LocalStack) -> None:
    errors: list[str] = []
    learning = await _connect_as(local_stack, "learning", errors)
    try:
        info = await learning.jetstream().stream_info("RSP_LEARNING")
        assert info.config.name == "RSP_LEARNING"
        assert errors == []
    finally:
        await learning.close()
