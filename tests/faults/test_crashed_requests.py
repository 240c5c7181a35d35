"""Requests in flight when learning is killed, each retried afterwards with its key: one final answer each, and
every write exactly once."""

from __future__ import annotations

from tests.faults.faults import kill
from tests.faults.scene import FaultScene


async def test_requests_crashed_in_flight_complete_once_when_retried_with_their_keys(scene: FaultScene) -> None:
    burst = await scene.burst()

    async def fault() -> None:
        kill(scene.local_stack, "learning")

    # The first pass gives up on a request at its first failure, as a client that crashed with it would.
    await burst.during(fault, retry=False)
    first = dict(burst.answers)
    unanswered = [write for write, answer in first.items() if answer.status is None]
    assert unanswered, "no request was in flight or refused when learning died"

    # Then every key is sent again, the answered ones too.
    await burst.send(writes=burst.writes)

    for write, answer in first.items():
        if answer.status is not None:
            again = burst.answers[write]
            assert (again.status, again.body) == (answer.status, answer.body), "a retry got a different answer"
    await scene.one_truth(burst)
