"""How fast `rsp rebuild-reporting` replays the streams, beside a bare fetch-and-ack of the same streams.

    .venv/bin/python -m benchmarks.rebuild                  # 50,000 events, 3 runs
    .venv/bin/python -m benchmarks.rebuild --events 20000 --runs 5

It starts the real local stack (without the bridge and the worker: journeys are not measured), publishes
`--events` well-formed events straight onto the streams (schools enrolled, staff registered, and mostly module
completions, as the programme produces them), waits until reporting's live consumers have caught up (so the
rebuild is measured alone), then per run:

1. **ceiling**: nats-py pulls every stream reporting reads with `fetch(500)` and acks each message;
2. **rebuild**: `rebuild_read_models` replays them all into fresh tables and swaps them in.

It prints events per second for both and the ratio; quote the median.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import nats
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

from contracts.codec import envelope_of
from contracts.events import Event, ModuleCompleted, SchoolEnrolled, StaffRegistered
from contracts.streams import stream_for
from contracts.subscriptions import CONSUMES, durable_name
from runtime.database import create_pool
from runtime.database_roles import dsn_for_role, role_name
from runtime.local.stack import LocalStack, isolated_settings
from services.reporting.rebuild import rebuild_read_models

__all__ = ["main"]

COHORT = "bench-rebuild"
STAFF_PER_SCHOOL = 40


def _events(count: int) -> list[Event]:
    """Schools, their staff, then completions (15 modules each) until `count` events in all."""
    schools = max(1, count // (STAFF_PER_SCHOOL * 16))
    events: list[Event] = []
    staff: list[tuple[str, uuid.UUID]] = []
    for n in range(schools):
        urn = f"{400001 + n:06d}"
        events.append(
            SchoolEnrolled(urn=urn, cohort_id=COHORT, school_name=f"School {n}", enrolled_on=date(2026, 9, 1))
        )
        for _ in range(STAFF_PER_SCHOOL):
            staff_id = uuid.uuid4()
            staff.append((urn, staff_id))
            events.append(
                StaffRegistered(
                    staff_id=staff_id, urn=urn, cohort_id=COHORT, role="teacher", starts_on=date(2026, 9, 1)
                )
            )
    module = 0
    while len(events) < count:
        module += 1
        for urn, staff_id in staff:
            if len(events) >= count:
                break
            events.append(
                ModuleCompleted(
                    completion_id=uuid.uuid4(),
                    staff_id=staff_id,
                    urn=urn,
                    cohort_id=COHORT,
                    module_number=(module - 1) % 15 + 1,
                    completed_at=datetime.now(UTC),
                )
            )
    return events


async def publish(js: JetStreamContext, events: list[Event]) -> None:
    pending = []
    for event in events:
        headers = envelope_of(event).to_headers()
        pending.append(await js.publish_async(event.subject, event.model_dump_json().encode(), headers=headers))
        if len(pending) >= 2_000:
            await asyncio.gather(*pending)
            pending.clear()
    await asyncio.gather(*pending)


async def caught_up(js: JetStreamContext) -> None:
    """Until every durable consumer of reporting has nothing left to deliver or ack."""
    while True:
        left = 0
        for event_type in CONSUMES["reporting"]:
            info = await js.consumer_info(stream_for(event_type.subject).name, durable_name("reporting", event_type))
            left += info.num_pending + info.num_ack_pending
        if left == 0:
            return
        await asyncio.sleep(1)


async def measure_ceiling(js: JetStreamContext) -> float:
    """Messages per second that fetch(500) + ack moves through every stream reporting reads."""
    streams = {stream_for(event.subject).name: stream_for(event.subject) for event in CONSUMES["reporting"]}
    total = 0
    started = time.monotonic()
    for stream, spec in sorted(streams.items()):
        last = (await js.stream_info(stream)).state.last_seq
        config = ConsumerConfig(deliver_policy=DeliverPolicy.ALL, ack_policy=AckPolicy.EXPLICIT)
        subscription = await js.pull_subscribe(spec.subjects[0], stream=stream, config=config)
        try:
            reached = 0
            while reached < last:
                messages = await subscription.fetch(500, timeout=5)
                for message in messages:
                    await message.ack()
                total += len(messages)
                reached = messages[-1].metadata.sequence.stream
        finally:
            await subscription.unsubscribe()
    return total / (time.monotonic() - started)


async def run(options: argparse.Namespace) -> list[tuple[float, float, int]]:
    data = Path(tempfile.mkdtemp(prefix="rsp-bench-rebuild-"))
    stack = LocalStack(isolated_settings(data), echo=None)
    print(f"starting the stack in {data}", flush=True)
    await stack.start()
    results: list[tuple[float, float, int]] = []
    try:
        assert stack.endpoints is not None
        assert stack.nats_operator_url is not None
        client = await nats.connect(stack.nats_operator_url, name="bench-rebuild")
        pool = await create_pool(
            dsn_for_role(stack.endpoints.postgres_dsn, role_name("reporting")), "reporting", max_size=8
        )
        try:
            js = client.jetstream(publish_async_max_pending=4_000)
            # Journeys are not what is measured: without their cohort the bridge would only retry, taking CPU.
            for process in stack.processes:
                if process.name in ("bridge", "worker"):
                    await process.stop()
            events = _events(options.events)
            print(f"publishing {len(events)} events", flush=True)
            await publish(js, events)
            print("waiting for reporting's live consumers to catch up", flush=True)
            await caught_up(js)
            for number in range(1, options.runs + 1):
                ceiling = await measure_ceiling(js)
                report = await rebuild_read_models(pool, js)
                applied = sum(report.applied.values())
                results.append((applied / report.seconds, ceiling, applied))
                rate, ceiling, applied = results[-1]
                print(f"run {number}: rebuild {rate:.0f} events/s ({applied} events), fetch+ack {ceiling:.0f}/s, "
                      f"ratio {rate / ceiling:.2f}", flush=True)  # fmt: skip
        finally:
            await pool.close()
            await client.close()
    finally:
        await stack.stop()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args(argv)
    results = asyncio.run(run(options))
    rates = [rate for rate, _, _ in results]
    ceilings = [ceiling for _, ceiling, _ in results]
    ratios = [rate / ceiling for rate, ceiling, _ in results]
    print(
        f"median: rebuild {statistics.median(rates):.0f} events/s, fetch+ack {statistics.median(ceilings):.0f}/s, "
        f"ratio {statistics.median(ratios):.2f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
