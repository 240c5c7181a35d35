"""What every fault test shares: a school with staff to write for, and the proof it ends with.

The proof: no client wedged, every write acknowledged, and once the stack has healed by itself, every
acknowledged write exactly once in learning's table, in RSP_LEARNING, in reporting and in the journey, with no dead
letter made by the fault.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

import asyncpg
import httpx
from nats.errors import Error as NatsError
from nats.js import JetStreamContext
from temporalio.client import Client
from temporalio.service import RPCError

from runtime.local.stack import LocalStack
from tests.clients import Platform
from tests.faults.burst import Burst, school_with_staff
from tests.faults.faults import Supervision, stack_is_healthy
from tests.faults.ledger import Tally, dead_letters_since, tally

__all__ = ["FaultScene"]

# How long the copies may take to catch up once the stack is healthy again (a deadline, never asserted on).
SETTLE_WITHIN = 240.0


@dataclass
class FaultScene:
    local_stack: LocalStack
    api: Platform
    db: asyncpg.Pool
    js: JetStreamContext
    temporal: Client
    supervision: Supervision
    cohort_id: str
    dead_letters_before: int

    async def burst(self) -> Burst:
        """A new school with 20 staff whom learning knows, and the 300 completions they are about to make."""
        urn, staff_ids = await school_with_staff(self.api, self.cohort_id)
        return Burst(self.local_stack, urn, staff_ids)

    async def healed(self) -> None:
        await stack_is_healthy(self.local_stack, self.api, self.temporal, self.supervision)

    async def one_truth(self, burst: Burst, dead_letters_expected: int = 0) -> Tally:
        """The proof every fault test ends with; returns the final tally."""
        assert not burst.wedged(), burst.wedged_report()
        assert not burst.refused(), f"valid writes were refused: {list(burst.refused().values())[:3]}"
        expected = {(w.staff_id, w.module_number) for w, answer in burst.answers.items() if answer.acknowledged}
        assert len(expected) == len(burst.writes)

        await self.healed()
        urn = burst.writes[0].urn
        give_up_at = time.monotonic() + SETTLE_WITHIN
        latest: Tally | None = None
        while True:
            try:
                latest = await tally(self.db, self.js, self.api, self.temporal, self.cohort_id, urn)
                differences = latest.differences(expected)
            except (RPCError, httpx.HTTPError, NatsError, OSError, TimeoutError) as failure:
                # a copy still unreachable while it heals: count again shortly
                latest, differences = None, [f"counting failed: {failure!r}"]
            if not differences or time.monotonic() > give_up_at:
                break
            await asyncio.sleep(1.0)
        assert not differences, differences
        assert latest is not None

        # Consumers the tally does not count (notifications, circles) dead-letter in their own time: wait for the
        # letters expected, then check there are exactly those.
        letters = await dead_letters_since(self.js, self.dead_letters_before)
        letters_by = time.monotonic() + 60
        while len(letters) < dead_letters_expected and time.monotonic() < letters_by:
            await asyncio.sleep(0.5)
            letters = await dead_letters_since(self.js, self.dead_letters_before)
        assert len(letters) == dead_letters_expected, [
            (h.get("rsp-dead-letter-consumer"), h.get("ce-id"), h.get("rsp-dead-letter-reason")) for h in letters
        ]
        self.supervision.check()
        return latest
