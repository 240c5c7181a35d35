"""NATS away for two minutes in the middle of a burst: writes go on, and everything catches up by itself."""

from __future__ import annotations

import asyncio

from tests.faults.faults import hold_down
from tests.faults.scene import FaultScene

OUTAGE_SECONDS = 120.0


async def test_two_minute_nats_outage_heals_by_itself_and_loses_no_event(scene: FaultScene) -> None:
    # NATS is killed with signal 9 and kept down (the supervisor is told to leave it) for two minutes, then handed
    # back to the supervisor, which starts it: every client meets refused connections for longer than nats-py's
    # default reconnect attempts last, the case that once left the platform disconnected for good.
    burst = await scene.burst()
    outages: list[asyncio.Task[None]] = []

    async def outage() -> None:
        async with hold_down(scene.local_stack, "nats"):
            await asyncio.sleep(OUTAGE_SECONDS)

    async def fault() -> None:
        outages.append(asyncio.create_task(outage()))
        await asyncio.sleep(0.5)  # the kill itself happens mid-burst; the writes go on meanwhile

    await burst.during(fault)
    await asyncio.gather(*outages)
    await scene.one_truth(burst)
