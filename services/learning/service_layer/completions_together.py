"""Completions sent at the same time are recorded together: one transaction for all that are waiting.

Under load each request would otherwise pay for its own transaction (a context query, two inserts, a commit and
its fsync); written together, those costs are shared by every completion queued meanwhile. Each request still
gets its own answer, and only once its completion and event are committed (see `runtime.group_commit`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from runtime.group_commit import GroupCommit
from runtime.idempotency import holds_unclaimed_key
from runtime.telemetry import current_trace_carrier
from services.learning.domain.model import ModuleCompletion
from services.learning.service_layer.commands import RecordModuleCompletion
from services.learning.service_layer.handlers import record_module_completion, record_module_completions
from services.learning.service_layer.unit_of_work import LearningUnitOfWork

__all__ = ["CompletionsTogether"]

_Recorded = tuple[ModuleCompletion, bool]


@dataclass(frozen=True)
class _Waiting:
    command: RecordModuleCompletion
    trace_context: dict[str, str]  # the request's, so its event continues its trace


class CompletionsTogether:
    """`record` answers as `handlers.record_module_completion` does, writing concurrent completions together."""

    def __init__(self, unit_of_work: Callable[[], LearningUnitOfWork], most: int = 256) -> None:
        self._unit_of_work = unit_of_work
        self._together: GroupCommit[_Waiting, _Recorded] = GroupCommit(self._write_all, self._write_one, most)

    async def record(self, command: RecordModuleCompletion) -> _Recorded:
        """The completion and whether it is new, once committed; or the refusal this command earned."""
        if holds_unclaimed_key():
            # An Idempotency-Key is claimed in the transaction of the request's own writes.
            return await record_module_completion(self._unit_of_work(), command)
        return await self._together.submit(_Waiting(command, current_trace_carrier()))

    async def _write_all(self, waiting: Sequence[_Waiting]) -> Sequence[_Recorded | Exception]:
        return await record_module_completions(
            self._unit_of_work(), [w.command for w in waiting], [w.trace_context for w in waiting]
        )

    async def _write_one(self, waiting: _Waiting) -> _Recorded:
        return await record_module_completion(self._unit_of_work(), waiting.command)
