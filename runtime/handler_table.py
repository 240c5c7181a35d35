"""What a process does with each event it consumes: one table, subscribed whole by the runtime.

A table pairs each event type with the function that handles it, `on(SchoolEnrolled, note_school_enrolled)`, and
mypy checks that the function takes that event. A process's table must hold exactly the events that
`contracts.subscriptions.CONSUMES` lists for it, because the NATS permissions and the AsyncAPI document are
generated from that list: a table that differs fails when it is built, at import, never in production.

Handlers are plain functions `handler(context, event, envelope)`. What the context is, and how an event is
applied once, is the dispatcher's business:

- `InboxDispatcher` opens a unit of work per event, claims the event in the inbox inside that same transaction,
  runs the handler and commits; a redelivered event finds its claim and changes nothing.
- `ContextDispatcher` hands every handler the same object, for handlers whose effects are idempotent by
  themselves (the bridge: Temporal drops a second start and workflows ignore a repeated event id).

Both are what the real consumer subscribes and what unit tests drive with fake adapters, so a test goes through
the same table as the service.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Generic, Protocol, Self, TypeVar
from uuid import UUID

from contracts import Envelope, Event
from contracts.subscriptions import CONSUMES
from runtime.errors import ConfigurationError

__all__ = [
    "ContextDispatcher",
    "EventDispatcher",
    "EventRoutes",
    "HandlerTable",
    "InboxDispatcher",
    "InboxUnitOfWork",
    "Route",
    "on",
]

E = TypeVar("E", bound=Event)
C = TypeVar("C")


class InboxUnitOfWork(Protocol):
    """The part of a unit of work the inbox needs: a transaction, a claim inside it, and an explicit commit."""

    async def __aenter__(self) -> Self: ...
    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None: ...
    async def claim(self, consumer: str, envelope: Envelope) -> bool: ...
    async def claim_all(self, consumer: str, envelopes: list[Envelope]) -> set[UUID]: ...
    async def commit(self) -> None: ...


U = TypeVar("U", bound=InboxUnitOfWork)


@dataclass(frozen=True)
class Route(Generic[C]):
    """One row of a table: an event type and its handler. Build it with `on`, which checks the pairing."""

    event_type: type[Event]
    # The event's own type is checked by `on`; a table holds rows of many event types, hence Any here.
    handler: Callable[[C, Any, Envelope], Awaitable[None]]


def on(event_type: type[E], handler: Callable[[C, E, Envelope], Awaitable[None]]) -> Route[C]:
    """The row `event_type -> handler`; mypy refuses a handler that does not take `event_type`."""
    return Route(event_type, handler)


class EventRoutes(Generic[C]):
    """Event type -> handler, each type at most once. Events without a row are not this table's business."""

    def __init__(self, *routes: Route[C]) -> None:
        self._handlers: dict[type[Event], Callable[[C, Any, Envelope], Awaitable[None]]] = {}
        for route in routes:
            if route.event_type in self._handlers:
                raise ConfigurationError(f"{route.event_type.__name__} has two handlers")
            self._handlers[route.event_type] = route.handler

    @property
    def event_types(self) -> tuple[type[Event], ...]:
        return tuple(self._handlers)

    def __contains__(self, event_type: type[Event]) -> bool:
        return event_type in self._handlers

    def __iter__(self) -> Iterator[type[Event]]:
        return iter(self._handlers)

    async def handle(self, context: C, event: Event, envelope: Envelope) -> None:
        """Run the handler of the event's type, if the table has one."""
        handler = self._handlers.get(type(event))
        if handler is not None:
            await handler(context, event, envelope)


class HandlerTable(EventRoutes[C]):
    """A process's handler table: exactly the events `contracts.subscriptions.CONSUMES` lists for it."""

    def __init__(self, process: str, *routes: Route[C]) -> None:
        super().__init__(*routes)
        self.process = process
        declared = set(CONSUMES.get(process, ()))
        handled = set(self.event_types)
        if declared != handled:
            missing = ", ".join(sorted(event.__name__ for event in declared - handled)) or "none"
            extra = ", ".join(sorted(event.__name__ for event in handled - declared)) or "none"
            raise ConfigurationError(
                f"{process}'s handler table differs from contracts.subscriptions.CONSUMES "
                f"(no handler for: {missing}; not declared: {extra})"
            )


class EventDispatcher(Protocol):
    """What the consumer subscribes: a table, and how to apply one of its events."""

    @property
    def table(self) -> HandlerTable[Any]: ...

    async def handle(self, event: Event, envelope: Envelope) -> None: ...


class InboxDispatcher(Generic[U]):
    """Applies each event once: claim in the inbox, handle and commit, all in one unit of work.

    Events delivered together (the consumer hands a fetched batch over concurrently) are applied together: one
    transaction claims and handles them all in delivery order and commits once, so a burst costs one commit,
    not one per event. If any of them fails, the batch is rolled back and each event is applied alone, so one
    event's failure (an outage, a `RetryLater`, a refusal) is its own and never another's.
    """

    def __init__(self, table: HandlerTable[U], unit_of_work: Callable[[], U], max_batch: int = 200) -> None:
        self._table = table
        self._unit_of_work = unit_of_work
        self._max_batch = max_batch
        self._waiting: list[tuple[Event, Envelope, asyncio.Future[None]]] = []
        self._applying: asyncio.Task[None] | None = None

    @property
    def table(self) -> HandlerTable[U]:
        return self._table

    async def handle(self, event: Event, envelope: Envelope) -> None:
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append((event, envelope, done))
        if self._applying is None or self._applying.done():
            self._applying = asyncio.create_task(self._apply_waiting())
        await done

    async def _apply_waiting(self) -> None:
        await asyncio.sleep(0)  # let the rest of a fetched batch, handed over in the same tick, join this one
        while self._waiting:
            batch, self._waiting = self._waiting[: self._max_batch], self._waiting[self._max_batch :]
            if len(batch) == 1:
                await self._apply_alone(*batch[0])
                continue
            try:
                await self._apply_together(batch)
            except Exception:
                for item in batch:
                    await self._apply_alone(*item)
            else:
                for *_, done in batch:
                    if not done.done():
                        done.set_result(None)

    async def _apply_together(self, batch: list[tuple[Event, Envelope, asyncio.Future[None]]]) -> None:
        async with self._unit_of_work() as uow:
            # One round trip claims the batch; each claimed event is then handled once, in delivery order.
            unclaimed = await uow.claim_all(self._table.process, [envelope for _, envelope, _ in batch])
            for event, envelope, _ in batch:
                if envelope.id in unclaimed:
                    unclaimed.discard(envelope.id)
                    await self._table.handle(uow, event, envelope)
            await uow.commit()

    async def _apply_alone(self, event: Event, envelope: Envelope, done: asyncio.Future[None]) -> None:
        try:
            async with self._unit_of_work() as uow:
                if await uow.claim(self._table.process, envelope):
                    await self._table.handle(uow, event, envelope)
                    await uow.commit()
        except Exception as failure:
            if not done.done():
                done.set_exception(failure)
        else:
            if not done.done():
                done.set_result(None)


class ContextDispatcher(Generic[C]):
    """Hands every handler the same context; for effects that are idempotent by themselves."""

    def __init__(self, table: HandlerTable[C], context: C) -> None:
        self._table = table
        self._context = context

    @property
    def table(self) -> HandlerTable[C]:
        return self._table

    async def handle(self, event: Event, envelope: Envelope) -> None:
        await self._table.handle(self._context, event, envelope)
