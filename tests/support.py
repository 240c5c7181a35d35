"""Small helpers the tests share: waiting for eventual outcomes and reading JetStream streams."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from nats.js import JetStreamContext
from nats.js.errors import NotFoundError

T = TypeVar("T")

_urns = itertools.count(100001)


def next_urn() -> str:
    """A URN no other test in this session uses (the stack is shared)."""
    return f"{next(_urns):06d}"


async def eventually(check: Callable[[], Awaitable[T | None]], within: float = 20.0, every: float = 0.1) -> T:
    """The first truthy answer of `check`; fails the test if none comes within `within` seconds."""
    deadline = time.monotonic() + within
    last: T | None = None
    while time.monotonic() < deadline:
        last = await check()
        if last:
            return last
        await asyncio.sleep(every)
    raise AssertionError(f"condition not met within {within}s (last answer: {last!r})")


async def stream_messages(
    js: JetStreamContext, stream: str, subject: str | None = None
) -> list[tuple[dict[str, str], bytes]]:
    """Every message still in `stream` (optionally only on `subject`), as (headers, data)."""
    info = await js.stream_info(stream)
    found: list[tuple[dict[str, str], bytes]] = []
    if not info.state.messages:
        return found
    for sequence in range(max(info.state.first_seq, 1), info.state.last_seq + 1):
        try:
            message = await js.get_msg(stream, sequence)
        except NotFoundError:
            continue
        if subject is None or message.subject == subject:
            found.append((dict(message.headers or {}), message.data or b""))
    return found
