"""What every workflow here does before it ends or continues as new: let its signal and update handlers finish.

A handler may still be running when the main loop decides to return (a journey's leadership-day reminder waits on
its publishing activity; the cohort's moved day waits on its signals to the journeys). Returning then would
abandon that work, and Temporal would warn that handlers were left unfinished.
"""

from __future__ import annotations

from temporalio import workflow

__all__ = ["WAIT_FOR_HANDLERS_PATCH", "handlers_finished", "history_is_long"]

# Histories recorded before this wait existed ended without it; see workflows/VERSIONING.md.
WAIT_FOR_HANDLERS_PATCH = "wait-for-handlers-before-returning"


async def handlers_finished() -> None:
    """Wait until no signal or update handler is running. Call it last, right before the workflow returns."""
    if workflow.patched(WAIT_FOR_HANDLERS_PATCH):
        await workflow.wait_condition(workflow.all_handlers_finished)


def history_is_long(limit: int) -> bool:
    """Time to continue as new: Temporal suggests it, or this run's history passed `limit` events."""
    info = workflow.info()
    return info.is_continue_as_new_suggested() or info.get_current_history_length() > limit
