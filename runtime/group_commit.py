"""Group commit: concurrent requests of one kind are written together, one transaction for all that are queued.

Each request queues its item and awaits its own outcome. One writer takes everything queued at that moment (up to
`most`), writes it in one go, hands every waiting request its outcome, and repeats while anything is queued. No
batch waits for a timer: a request that arrives at a quiet moment is written at once, alone; under load the next
batch gathers while the current one commits, so the work per transaction grows with the load instead of the number
of transactions.

The contract the callers keep:
- `write_batch` returns one outcome per item, in their order: the item's result or the error that item alone
  earned (a refusal of one item must not fail the others). It answers only after its transaction committed.
- If `write_batch` raises (a database error, a conflict no item could foresee), every item of that batch is
  written again alone with `write_one`, so each gets its own answer and one bad item cannot fail the rest.
- An item whose request was cancelled while waiting is still written: its caller learns nothing more, as after a
  crash between commit and answer.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

__all__ = ["GroupCommit"]

_log = logging.getLogger(__name__)

Item = TypeVar("Item")
Result = TypeVar("Result")


class GroupCommit(Generic[Item, Result]):
    """Writes what concurrent callers `submit` in batches, one writer at a time (see the module's docstring)."""

    def __init__(
        self,
        write_batch: Callable[[Sequence[Item]], Awaitable[Sequence[Result | Exception]]],
        write_one: Callable[[Item], Coroutine[Any, Any, Result]],
        most: int = 256,
    ) -> None:
        self._write_batch = write_batch
        self._write_one = write_one
        self._most = most
        self._queue: list[_Queued[Item, Result]] = []
        self._writer: asyncio.Task[None] | None = None

    async def submit(self, item: Item) -> Result:
        """Queue `item` and return its result once it is committed, or raise the error it alone earned."""
        outcome: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self._queue.append(_Queued(item, outcome, contextvars.copy_context()))
        if self._writer is None:
            # A context of its own: the batch belongs to no one request (its trace, its idempotency claim).
            self._writer = asyncio.create_task(self._write_queued(), name="group-commit", context=contextvars.Context())
        return await outcome

    async def _write_queued(self) -> None:
        try:
            while self._queue:
                batch, self._queue = self._queue[: self._most], self._queue[self._most :]
                await self._write(batch)
        finally:
            self._writer = None

    async def _write(self, batch: list[_Queued[Item, Result]]) -> None:
        try:
            outcomes = await self._write_batch([queued.item for queued in batch])
        except Exception:
            if len(batch) > 1:
                _log.warning("a batch of %d failed; writing each alone", len(batch), exc_info=True)
            outcomes = [await self._alone(queued) for queued in batch]
        except BaseException as stopped:  # cancelled as the process stops: no waiting request hangs for ever
            for queued in batch:
                _settle(queued.outcome, stopped)
            raise
        for queued, result in zip(batch, outcomes, strict=True):
            _settle(queued.outcome, result)

    async def _alone(self, queued: _Queued[Item, Result]) -> Result | Exception:
        """The item written as its own request would have written it, in that request's context (its trace)."""
        try:
            return await asyncio.create_task(self._write_one(queued.item), context=queued.context)
        except Exception as error:
            return error


@dataclass(frozen=True)
class _Queued(Generic[Item, Result]):
    item: Item
    outcome: asyncio.Future[Result]
    context: contextvars.Context  # the submitting request's, for writing the item alone


def _settle(outcome: asyncio.Future[Result], result: Result | BaseException) -> None:
    if outcome.done():  # its request was cancelled while waiting
        return
    if isinstance(result, asyncio.CancelledError):
        outcome.cancel()
    elif isinstance(result, BaseException):
        outcome.set_exception(result)
    else:
        outcome.set_result(result)
