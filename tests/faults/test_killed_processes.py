"""A process killed with signal 9 in the middle of 300 writes loses nothing, doubles nothing and wedges no one.

Each test kills one real process of the stack while 24 clients post module completions to learning; the
supervisor starts it again; then every acknowledged write is counted in learning's table, in RSP_LEARNING, in
reporting and in the school's journey.
"""

from __future__ import annotations

from tests.faults.faults import kill
from tests.faults.scene import FaultScene


async def _killed_mid_burst(scene: FaultScene, name: str) -> None:
    burst = await scene.burst()

    async def fault() -> None:
        kill(scene.local_stack, name)

    await burst.during(fault)
    await scene.one_truth(burst)


async def test_learning_killed_mid_burst_loses_and_doubles_no_completion(scene: FaultScene) -> None:
    # The owner itself: its HTTP requests in flight, its outbox relay and its consumers all die at once.
    await _killed_mid_burst(scene, "learning")


async def test_reporting_killed_mid_burst_projects_every_completion_once(scene: FaultScene) -> None:
    await _killed_mid_burst(scene, "reporting")


async def test_bridge_killed_mid_burst_signals_every_completion_to_the_journey_once(scene: FaultScene) -> None:
    await _killed_mid_burst(scene, "bridge")


async def test_worker_killed_mid_burst_leaves_the_journey_with_every_completion_once(scene: FaultScene) -> None:
    await _killed_mid_burst(scene, "worker")


async def test_nats_killed_mid_burst_loses_no_event(scene: FaultScene) -> None:
    await _killed_mid_burst(scene, "nats")


async def test_temporal_killed_mid_burst_leaves_the_journey_with_every_completion_once(scene: FaultScene) -> None:
    await _killed_mid_burst(scene, "temporal")
