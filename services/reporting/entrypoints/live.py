"""Server-Sent Events: the programme's events as reporting receives them, for the dashboard and for other
dashboards (`GET /events/live`).

Each SSE message carries one event as CloudEvents 1.0 JSON (structured mode: `id`, `type`, `source`, `time`,
`subject`, `data`); its SSE `id` is the event's position in the feed, so a client that reconnects with
`Last-Event-ID` (browsers do it by themselves) misses nothing. A stream ends after `timeout` seconds (at most
an hour; browsers then reconnect) or after `limit` events, so no connection outlives a restart of the service.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Callable

from fastapi import APIRouter, Depends, Header, Query
from fastapi.responses import StreamingResponse

from runtime.auth import Authenticator, Principal
from services.reporting.adapters.live_feed import FeedSignal
from services.reporting.domain.feed import FeedEvent
from services.reporting.entrypoints.authorisation import POLICY
from services.reporting.service_layer.unit_of_work import ReportingUnitOfWork

__all__ = ["AFTER", "LAST_EVENT_ID", "LIMIT", "SECONDS", "LiveStreams", "build_live_feed_router"]

_KEEP_ALIVE_SECONDS = 15.0
_LOOK_AGAIN_SECONDS = 5.0  # readers look again even without a notification (one lost with a connection)
_BATCH = 200
DEFAULT_SECONDS = 300
MAX_SECONDS = 3600


def _message(event: FeedEvent) -> str:
    return f"id: {event.position}\ndata: {json.dumps(event.cloud_event(), separators=(',', ':'))}\n\n"


class LiveStreams:
    """Streams of the feed, each reading only the events about the schools its caller may see."""

    def __init__(self, unit_of_work: Callable[[], ReportingUnitOfWork], signal: FeedSignal) -> None:
        self._unit_of_work = unit_of_work
        self._signal = signal

    async def _start(self, after: int | None) -> int:
        if after is not None:
            return after
        async with self._unit_of_work() as uow:
            return await uow.feed.latest_position()

    async def _events(self, after: int, reach: frozenset[str] | None) -> list[FeedEvent]:
        async with self._unit_of_work() as uow:
            return await uow.feed.after(after, reach, _BATCH)

    async def stream(self, caller: Principal, after: int | None, limit: int | None, seconds: int) -> AsyncIterator[str]:
        reach = POLICY.schools_in_reach(caller)
        position = await self._start(after)
        deadline = time.monotonic() + seconds
        sent = 0
        last_sent = time.monotonic()
        yield "retry: 2000\n\n"
        while True:
            changed = self._signal.current()
            for event in await self._events(position, reach):
                yield _message(event)
                position, sent, last_sent = event.position, sent + 1, time.monotonic()
                if limit is not None and sent >= limit:
                    return
            left = deadline - time.monotonic()
            if left <= 0:
                return
            woken = await self._signal.wait(changed, min(left, _LOOK_AGAIN_SECONDS))
            if not woken and time.monotonic() - last_sent >= _KEEP_ALIVE_SECONDS:
                yield ": keep-alive\n\n"  # keeps proxies from closing a quiet stream
                last_sent = time.monotonic()

    def response(
        self, caller: Principal, last_event_id: str | None, after: int | None, limit: int | None, seconds: int
    ) -> StreamingResponse:
        if after is None and last_event_id and last_event_id.isdigit():
            after = int(last_event_id)
        return StreamingResponse(
            self.stream(caller, after, limit, seconds),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
        )


LIMIT = Query(default=None, ge=1, le=10_000, description="End the stream after this many events")
SECONDS = Query(
    default=DEFAULT_SECONDS, ge=1, le=MAX_SECONDS, alias="timeout", description="End the stream after this many seconds"
)
AFTER = Query(default=None, ge=0, description="Start after this position (an SSE id); default: only events from now on")
LAST_EVENT_ID = Header(default=None, description="Sent by browsers when they reconnect: resume after it")


def build_live_feed_router(streams: LiveStreams, authenticate: Authenticator) -> APIRouter:
    router = APIRouter()
    caller_of = Depends(authenticate)

    @router.get(
        "/events/live",
        response_class=StreamingResponse,
        tags=["live feed"],
        summary="The programme's events as they happen (Server-Sent Events, CloudEvents JSON)",
        description=(
            "For other dashboards. Any role may read it: events carry ids, dates and counts, never personal data; "
            "schools and facilitators receive only the events about their own schools, programme admins and "
            "viewers every event reporting follows (impact returns are not in it: their small counts are only "
            "published suppressed). Resume with `Last-Event-ID` or `after`."
        ),
    )
    async def live_feed(
        caller: Principal = caller_of,
        limit: int | None = LIMIT,
        seconds: int = SECONDS,
        after: int | None = AFTER,
        last_event_id: str | None = LAST_EVENT_ID,
    ) -> StreamingResponse:
        POLICY.check(caller, "read_live_feed")
        return streams.response(caller, last_event_id, after, limit, seconds)

    return router
