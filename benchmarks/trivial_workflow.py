"""The raw ceiling's workflow: it does nothing, so starting it measures what Temporal alone allows.

A module of its own, standard library and `temporalio` only: the workflow sandbox re-imports the module that
defines a workflow, and the benchmark's own module reaches the whole local stack.
"""

from __future__ import annotations

from temporalio import workflow

__all__ = ["Trivial"]


@workflow.defn(name="BenchTrivial")
class Trivial:
    """Returns at once."""

    @workflow.run
    async def run(self, number: int) -> int:
        return number
