"""Bursts of module completions through learning's HTTP API, sent the way a careful client sends them.

Each write has its own `Idempotency-Key`. A client that gets no definitive answer (the connection failed, a 5xx,
or 409 "still being processed") sends the same request with the same key again, after a short back-off, until it
gets one or its deadline passes: then it is wedged, and the test says so.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import httpx

from runtime.local.stack import LocalStack
from tests.clients import Platform, expect, platform_as
from tests.support import enrolled_school, learning_knows_staff

__all__ = ["Answer", "Burst", "Write", "school_with_staff"]

MODULES = 15
# At least 300 writes per fault, as the issue demands: 20 staff, each completing all 15 modules.
STAFF_PER_SCHOOL = 20
CLIENTS = 24
WRITE_DEADLINE = 300.0


@dataclass(frozen=True)
class Write:
    """One completion, under its own key."""

    urn: str
    staff_id: str
    module_number: int
    key: str = field(default_factory=lambda: f"fault-{uuid.uuid4()}")

    def body(self) -> dict[str, object]:
        return {"staff_id": self.staff_id, "urn": self.urn, "module_number": self.module_number}


@dataclass(frozen=True)
class Answer:
    """The definitive answer a write got (None: none before its deadline), and how many times it was sent."""

    status: int | None
    body: bytes
    attempts: int

    @property
    def acknowledged(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def _definitive(answer: httpx.Response) -> bool:
    return answer.status_code < 500 and answer.status_code != 409


async def school_with_staff(api: Platform, cohort_id: str, staff: int = STAFF_PER_SCHOOL) -> tuple[str, list[str]]:
    """A new school in `cohort_id` with `staff` teachers that learning knows: (urn, staff ids)."""
    urn = await enrolled_school(api, cohort_id)

    async def register(n: int) -> str:
        member = {"name": f"Fault Tester {n}", "email": f"{uuid.uuid4().hex}@faults.example", "role": "teacher"}
        staff_id: str = expect(await api.enrolment.register_staff(urn, member), 201)["staff_id"]
        return staff_id

    staff_ids = list(await asyncio.gather(*(register(n) for n in range(staff))))
    await asyncio.gather(*(learning_knows_staff(api, urn, staff_id) for staff_id in staff_ids))
    return urn, staff_ids


class Burst:
    """Every module for every member of staff at `urn`: `STAFF_PER_SCHOOL * MODULES` writes (300)."""

    def __init__(self, local_stack: LocalStack, urn: str, staff_ids: list[str]) -> None:
        self._local_stack = local_stack
        self.writes = [Write(urn, staff_id, module) for module in range(1, MODULES + 1) for staff_id in staff_ids]
        self.answers: dict[Write, Answer] = {}
        self.acknowledged = 0
        # What each write's latest attempt met when it was not definitive (a status or a connection error).
        self.last_failure: dict[Write, str] = {}
        self._fault_after = len(self.writes) + 1
        self._fault_due = asyncio.Event()

    async def send(
        self,
        *,
        retry: bool = True,
        clients: int = CLIENTS,
        deadline: float = WRITE_DEADLINE,
        writes: list[Write] | None = None,
    ) -> dict[Write, Answer]:
        """Send the writes from `clients` concurrent clients; with `retry`, each until a definitive answer.

        Without `retry` a write whose request failed gets `Answer(None, ...)` at once (a client that crashed with
        its request in flight): the crashed-request test retries those itself.
        """
        endpoints = self._local_stack.endpoints
        assert endpoints is not None
        queue: asyncio.Queue[Write] = asyncio.Queue()
        for write in writes if writes is not None else self.writes:
            queue.put_nowait(write)
        async with platform_as(endpoints, self._local_stack.token(), seconds=15) as api:

            async def client() -> None:
                while not queue.empty():
                    write = queue.get_nowait()
                    answer = await _send_one(api, write, retry, deadline, self.last_failure)
                    self.answers[write] = answer
                    if answer.acknowledged:
                        self.acknowledged += 1
                        if self.acknowledged >= self._fault_after:
                            self._fault_due.set()

            await asyncio.gather(*(client() for _ in range(clients)))
        return self.answers

    async def during(
        self, fault: Callable[[], Awaitable[object]], after_acknowledged: int = 80, *, retry: bool = True
    ) -> None:
        """Send the burst, bringing `fault` about once `after_acknowledged` writes were acknowledged (mid-burst)."""
        self._fault_after = after_acknowledged
        sending = asyncio.create_task(self.send(retry=retry))
        due = asyncio.create_task(self._fault_due.wait())
        await asyncio.wait({sending, due}, return_when=asyncio.FIRST_COMPLETED)
        due.cancel()
        assert not sending.done(), "the burst finished before the fault: it did not happen mid-burst"
        await fault()
        await sending

    def wedged_report(self) -> str:
        wedged = self.wedged()
        seen = sorted({self.last_failure.get(write, "not sent") for write in wedged})
        return f"{len(wedged)} writes got no definitive answer before their deadline; they last met {seen[:5]}"

    def wedged(self) -> list[Write]:
        """Writes that got no definitive answer before their deadline."""
        return [write for write in self.writes if self.answers.get(write, Answer(None, b"", 0)).status is None]

    def refused(self) -> dict[Write, Answer]:
        """Writes answered with a definitive refusal (4xx): none of these valid writes should be."""
        return {w: a for w, a in self.answers.items() if a.status is not None and not a.acknowledged}


async def _send_one(
    api: Platform, write: Write, retry: bool, deadline: float, last_failure: dict[Write, str]
) -> Answer:
    headers = {"Idempotency-Key": write.key}
    give_up_at = time.monotonic() + deadline
    attempts, back_off = 0, 0.2
    while True:
        attempts += 1
        try:
            answer = await api.learning.record_completion(write.body(), headers=headers)
            if _definitive(answer):
                return Answer(answer.status_code, answer.content, attempts)
            last_failure[write] = f"{answer.status_code} {answer.text[:200]}"
        except httpx.TransportError as failure:  # refused, reset, timed out: the service is away or died mid-request
            last_failure[write] = repr(failure)
        if not retry or time.monotonic() + back_off > give_up_at:
            return Answer(None, b"", attempts)
        await asyncio.sleep(back_off)
        back_off = min(back_off * 2, 2.0)
