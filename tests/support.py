"""Small helpers the tests share: waiting for eventual outcomes, reading JetStream streams and workflow histories."""

from __future__ import annotations

import asyncio
import itertools
import json
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import asyncpg
import nats
from nats.aio.client import Client as NatsClient
from nats.js import JetStreamContext
from nats.js.errors import NotFoundError
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowHandle

from contracts import stream_for
from contracts.subscriptions import CONSUMES, durable_name
from runtime.broker import inbox_prefix
from runtime.local.stack import LocalStack
from services.reporting.adapters.read_models import READ_MODEL_TABLES
from tests.clients import Platform, expect

T = TypeVar("T")

_urns = itertools.count(100001)


async def history_lengths(client: Client, handle: WorkflowHandle[Any, Any]) -> list[int]:
    """The number of events in each run of the workflow, following continue-as-new from its first run."""
    lengths: list[int] = []
    run_id: str | None = handle.first_execution_run_id or handle.run_id
    while run_id:
        history = await client.get_workflow_handle(handle.id, run_id=run_id).fetch_history()
        lengths.append(len(history.events))
        last = history.events[-1]
        continued = last.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW
        run_id = last.workflow_execution_continued_as_new_event_attributes.new_execution_run_id if continued else None
    return lengths


def next_urn() -> str:
    """A URN no other test in this session uses (the stack is shared)."""
    return f"{next(_urns):06d}"


async def eventually(check: Callable[[], Awaitable[T | None]], within: float = 20.0, every: float = 0.1) -> T:
    """The first truthy answer of `check`; fails the test if none comes within `within` seconds."""
    deadline = time.monotonic() + within
    last: T | None = None
    while time.monotonic() < deadline:
        last = await check()
        if last:
            return last
        await asyncio.sleep(every)
    raise AssertionError(f"condition not met within {within}s (last answer: {last!r})")


async def connect_as_process(local_stack: LocalStack, process: str, errors: list[str]) -> NatsClient:
    """A NATS connection as `process`'s own user (its inbox prefix too), collecting what the server reports."""

    async def remember(error: Exception) -> None:
        errors.append(str(error))

    return await nats.connect(
        local_stack.nats_urls[process], error_cb=remember, max_reconnect_attempts=0, inbox_prefix=inbox_prefix(process)
    )


async def violation_reported(errors: list[str], about: str = "") -> bool:
    """Whether NATS reports a permissions violation (about `about`, when given) among a connection's `errors`
    (collected by its error callback) within a few seconds: the server tells of it asynchronously."""

    async def reported() -> bool:
        return any("permissions violation" in e.lower() and about.lower() in e.lower() for e in errors)

    return await eventually(reported, within=2.5, every=0.05)


async def stream_messages(
    js: JetStreamContext, stream: str, subject: str | None = None
) -> list[tuple[dict[str, str], bytes]]:
    """Every message still in `stream` (optionally only on `subject`), as (headers, data)."""
    info = await js.stream_info(stream)
    found: list[tuple[dict[str, str], bytes]] = []
    if not info.state.messages:
        return found
    for sequence in range(max(info.state.first_seq, 1), info.state.last_seq + 1):
        try:
            message = await js.get_msg(stream, sequence)
        except NotFoundError:
            continue
        if subject is None or message.subject == subject:
            found.append((dict(message.headers or {}), message.data or b""))
    return found


async def ensure_cohort(api: Platform, cohort_id: str, name: str | None = None) -> None:
    """Create `cohort_id` as the programme team, unless an earlier test did."""
    cohort = {
        "cohort_id": cohort_id,
        "name": name or f"Cohort {cohort_id}",
        "local_authority": "Oxfordshire",
        "starts_on": "2026-09-01",
    }
    answer = await api.enrolment.create_cohort(cohort)
    assert answer.status_code in (201, 409), answer.text


async def enrolled_school(api: Platform, cohort_id: str) -> str:
    """Enrol a new school into `cohort_id` (created if missing) as the programme team; return its URN once
    learning, circles and reporting have all seen the enrolment, and reporting its cohort too."""
    await ensure_cohort(api, cohort_id)
    urn = next_urn()
    body = {"urn": urn, "name": f"School {urn}", "cohort_id": cohort_id, "phase": "primary"}
    expect(await api.enrolment.enrol_school(body), 201)

    async def everyone_knows() -> bool:
        answers = [
            await api.learning.completions(urn),
            await api.circles.school(urn),
            await api.reporting.progress(urn),
            # The cohort reaches reporting as an event of its own, before or after the school's: a school's ledger
            # answers 404 until both have.
            await api.reporting.request("GET", f"/schools/{urn}/ledger"),
        ]
        return all(a.status_code == 200 for a in answers)

    await eventually(everyone_knows)
    return urn


async def quiet_outboxes(db: asyncpg.Pool) -> None:
    """Wait until every service's outbox is published, so stream counts taken next are settled.

    A row is marked published only after JetStream acknowledged it, so after this the streams hold every event
    committed so far.
    """

    async def drained() -> bool:
        pending = await db.fetchval(
            "SELECT (SELECT count(*) FROM enrolment.outbox WHERE published_at IS NULL)"
            " + (SELECT count(*) FROM learning.outbox WHERE published_at IS NULL)"
            " + (SELECT count(*) FROM circles.outbox WHERE published_at IS NULL)"
            " + (SELECT count(*) FROM reporting.outbox WHERE published_at IS NULL)"
        )
        return bool(pending == 0)

    await eventually(drained)


@dataclass(frozen=True)
class Footprint:
    """What writes leave behind, to compare before and after a request that must write nothing: one figure per
    query (rows) and the number of messages in each stream, counted once every outbox is published."""

    queries: tuple[str, ...]
    streams: tuple[str, ...]

    @classmethod
    def rows_of(cls, *tables: str, streams: tuple[str, ...]) -> Footprint:
        return cls(tuple(f"SELECT count(*) FROM {table}" for table in tables), streams)

    @asynccontextmanager
    async def unchanged(self, db: asyncpg.Pool, js: JetStreamContext) -> AsyncIterator[None]:
        """Fails the test if what is counted on leaving the block differs from what was counted on entering it
        (a failure inside the block is reported as it is)."""
        before = await self.taken(db, js)
        yield
        assert await self.taken(db, js) == before

    async def taken(self, db: asyncpg.Pool, js: JetStreamContext) -> tuple[object, ...]:
        await quiet_outboxes(db)
        rows = [await db.fetchval(query) for query in self.queries]
        return (*rows, *[(await js.stream_info(stream)).state.messages for stream in self.streams])


async def published(
    db: asyncpg.Pool, js: JetStreamContext, stream: str, subject: str | None = None
) -> list[tuple[str, dict[str, Any]]]:
    """Every event committed so far to `stream` (optionally only on `subject`), as (type, payload)."""
    await quiet_outboxes(db)
    return [(headers["ce-type"], json.loads(data)) for headers, data in await stream_messages(js, stream, subject)]


async def staff_on_circles_roster(api: Platform, db: asyncpg.Pool, urn: str, **changes: str) -> str:
    """Register a staff member at `urn` through enrolment; return their id once circles has them on its roster."""
    member = {"name": "Circle Member", "email": f"{next(_urns)}@circles.school.example", "role": "teacher", **changes}
    staff_id: str = expect(await api.enrolment.register_staff(urn, member), 201)["staff_id"]

    async def on_roster() -> bool:
        return bool(
            await db.fetchval(
                "SELECT true FROM circles.staff WHERE staff_id = $1 AND starts_on IS NOT NULL", uuid.UUID(staff_id)
            )
        )

    await eventually(on_roster)
    return staff_id


async def scheduled_circle(api: Platform, urn: str, facilitator: str, on: str) -> str:
    """Schedule a practice discussion circle at `urn` on `on` as the programme team; return its id."""
    body = {"kind": "practice_discussion", "scheduled_for": on, "facilitator_staff_id": facilitator}
    circle_id: str = expect(await api.circles.schedule_circle(urn, body), 201)["circle_id"]
    return circle_id


async def registered_staff(api: Platform, urn: str, role: str = "teacher", starts_on: str | None = None) -> str:
    """Register a new member of staff at `urn` through enrolment (from `starts_on`, default today); return their
    staff_id once learning has seen the registration (learning counts only registered staff)."""
    member = {"name": "Test Person", "email": f"{uuid.uuid4().hex}@school.example", "role": role}
    if starts_on is not None:
        member["starts_on"] = starts_on
    staff_id: str = expect(await api.enrolment.register_staff(urn, member), 201)["staff_id"]
    await learning_knows_staff(api, urn, staff_id)
    return staff_id


async def enrolled_learner(api: Platform, cohort_id: str) -> tuple[str, str]:
    """A new school in `cohort_id` and a teacher registered there whom learning knows: (urn, staff_id)."""
    urn = await enrolled_school(api, cohort_id)
    return urn, await registered_staff(api, urn)


async def learning_knows_staff(api: Platform, urn: str, staff_id: str) -> None:
    """Wait until learning has seen `staff_id` registered at `urn` (from enrolment's StaffRegistered)."""

    async def seen() -> bool:
        return (await api.learning.staff_progress(urn, staff_id)).status_code == 200

    await eventually(seen)


async def reporting_caught_up(js: JetStreamContext) -> bool:
    """Every reporting consumer has been delivered, and has acknowledged, every message."""
    for event in CONSUMES["reporting"]:
        info = await js.consumer_info(stream_for(event.subject).name, durable_name("reporting", event))
        if info.num_pending or info.num_ack_pending:
            return False
    return True


async def reporting_settled(db: asyncpg.Pool, js: JetStreamContext) -> None:
    """Every outbox published and reporting caught up with all of it."""
    await quiet_outboxes(db)
    await eventually(lambda: reporting_caught_up(js), within=30)


async def read_model_rows(pool: asyncpg.Pool) -> dict[str, list[str]]:
    """Reporting's read models, every row as text, for comparing two moments (`pool` connects as reporting)."""
    return {
        table: [row[0] for row in await pool.fetch(f"SELECT t::text FROM {table} t ORDER BY t::text")]
        for table in READ_MODEL_TABLES
    }


async def notifications_know_staff(db: asyncpg.Pool, staff_id: str) -> None:
    """Wait until notifications has copied `staff_id`'s registration (its id and role) from enrolment's event."""

    async def known() -> bool:
        return bool(await db.fetchval("SELECT true FROM notifications.staff WHERE staff_id = $1", uuid.UUID(staff_id)))

    await eventually(known)


async def registered_lead(api: Platform, db: asyncpg.Pool, urn: str, email: str, role: str = "headteacher") -> str:
    """Register someone at `urn` with `email`; return their staff_id once notifications knows them."""
    member = {"name": "Test Lead", "email": email, "role": role}
    staff_id: str = expect(await api.enrolment.register_staff(urn, member), 201)["staff_id"]
    await notifications_know_staff(db, staff_id)
    return staff_id


async def planned_leadership_day(api: Platform, cohort_id: str, number: int) -> str:
    """The date enrolment's plan for `cohort_id` gives leadership day `number` (ISO)."""
    cohort = expect(await api.enrolment.cohort(cohort_id))
    held_on: str = cohort["plan"]["leadership_days"][number - 1]["held_on"]
    return held_on


async def scheduled_leadership_day(api: Platform, cohort_id: str, number: int, **extra: Any) -> dict[str, Any]:
    """Leadership day `number` scheduled in learning on its plan's date, once the plan has reached learning."""
    body = {"kind": "leadership_day", "cohort_id": cohort_id, "day_number": number, **extra}
    body["held_on"] = await planned_leadership_day(api, cohort_id, number)

    async def scheduled() -> dict[str, Any] | None:
        answer = await api.learning.schedule_session(body)
        if answer.status_code == 409 and "has not reached learning" in answer.text:
            return None
        session: dict[str, Any] = expect(answer, 201)
        return session

    return await eventually(scheduled)
