"""How fast a council's bulk enrolment gets every school's journey running, beside Temporal's raw start rate.

    .venv/bin/python -m benchmarks.bulk_enrolment                      # 3,000 schools, 1,000 trivial starts
    .venv/bin/python -m benchmarks.bulk_enrolment --schools 300 --ceiling-starts 300

It starts the real local stack (fresh temporary data folder, ports the kernel picks), creates a cohort and waits
for its Cohort workflow, then:

1. **ceiling**: a throwaway worker in this process serves a workflow that returns at once (`BenchTrivial`), and
   32 starters start `--ceiling-starts` of them on the same Temporal server: starts per second (the issue's raw
   ceiling), and also the rate at which they had all completed;
2. **enrolment**: one Get Information about Schools extract of `--schools` open schools, POSTed to enrolment's
   `gias-imports` as a council would, timed from just before the POST until every school's `SchoolJourney` is
   running (Temporal visibility) and has processed its start (its `rsp.journey.started.v1` event is on
   JetStream, published by the journey's first activity): journeys running per second, and the ratio to the
   ceiling;
3. **memory**: VmRSS of the worker, the Temporal dev server and the bridge with every journey live.

Results print as a table and go to `benchmarks/results/bulk_enrolment-<time>.json`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
import nats
from temporalio.client import Client, WorkflowHandle
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.service import RPCError
from temporalio.worker import Worker

from benchmarks.slice_latency import RESULTS_DIR, CpuMeter
from benchmarks.trivial_workflow import Trivial
from contracts.search_attributes import COHORT_ID
from contracts.streams import JOURNEY
from runtime.local.stack import LocalStack, isolated_settings
from workflows.cohort.workflows import Cohort, cohort_workflow_id

__all__ = ["main"]

COHORT = "bench-bulk"
FIRST_URN = 400001
STARTERS = 32
TRIVIAL_QUEUE = "bench-trivial"
STARTED_SUBJECT = "rsp.journey.started.v1"
POLL_SECONDS = 0.5
GIAS_HEADER = (
    "URN,LA (name),EstablishmentName,TypeOfEstablishment (name),EstablishmentStatus (name),PhaseOfEducation (name)"
)
MEMORY_OF = ("worker", "temporal", "bridge")


@dataclass
class Ceiling:
    starts: int
    starts_per_second: float
    completed_per_second: float
    # Temporal's CPU seconds per trivial workflow started and completed: set against its CPU per journey, a
    # comparison the other load on a shared machine does not skew as it skews rates
    temporal_cpu_ms_each: float = 0.0


@dataclass
class Enrolment:
    schools: int
    http_seconds: float
    first_started_seconds: float | None
    all_running_seconds: float
    journeys_per_second: float
    # (seconds since the POST, journeys running (counted once all had started), journeys that published their
    # start), one per poll
    progress: list[tuple[float, int, int]] = field(default_factory=list)


@dataclass
class BulkResult:
    ceiling: Ceiling
    enrolment: Enrolment
    rss_mib: dict[str, float]
    # CPU seconds each process used from the POST until every journey ran: where the time went
    cpu_seconds: dict[str, float]

    @property
    def ratio(self) -> float:
        return self.enrolment.journeys_per_second / self.ceiling.starts_per_second


def rss_mib(pid: int) -> float | None:
    """Resident memory of one live process (VmRSS from /proc, Linux), in MiB; None where it cannot be read."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return None


def gias_extract(schools: int) -> bytes:
    """A GIAS extract of `schools` open primary schools, URNs from FIRST_URN (no personal data)."""
    rows = [GIAS_HEADER]
    for n in range(schools):
        urn = FIRST_URN + n
        rows.append(f"{urn},Oxfordshire,Benchmark Primary School {urn},Community school,Open,Primary")
    return ("\r\n".join(rows) + "\r\n").encode("cp1252")


async def _count(client: Client, query: str) -> int:
    return (await client.count_workflows(query)).count


async def measure_ceiling(client: Client, starts: int) -> Ceiling:
    """Trivial workflows started 32 at a time on a throwaway worker: what Temporal alone allows here."""
    numbers = iter(range(starts))
    query = f'WorkflowType = "BenchTrivial" AND ExecutionStatus = "Completed" AND TaskQueue = "{TRIVIAL_QUEUE}"'

    async def starter() -> None:
        for number in numbers:
            await client.start_workflow(
                Trivial.run, number, id=f"bench-trivial-{number}-{time.time_ns()}", task_queue=TRIVIAL_QUEUE
            )

    async with Worker(client, task_queue=TRIVIAL_QUEUE, workflows=[Trivial]):
        began = time.monotonic()
        await asyncio.gather(*(starter() for _ in range(STARTERS)))
        started = time.monotonic() - began
        while True:
            if await _count(client, query) >= starts:
                break
            await asyncio.sleep(0.1)
        completed = time.monotonic() - began
    return Ceiling(starts, starts / started, starts / completed)


async def _cohort_running(client: Client, deadline_seconds: float = 120) -> None:
    handle: WorkflowHandle[Cohort, object] = client.get_workflow_handle_for(Cohort.run, cohort_workflow_id(COHORT))
    deadline = time.monotonic() + deadline_seconds
    while True:
        with contextlib.suppress(RPCError):
            await handle.describe()
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"set-up: the bridge never started {handle.id}")
        await asyncio.sleep(0.2)


async def measure_enrolment(
    http: httpx.AsyncClient, client: Client, stack: LocalStack, schools: int, deadline_seconds: float
) -> Enrolment:
    assert stack.endpoints is not None
    assert stack.nats_operator_url is not None
    enrolment = stack.endpoints.url("enrolment")
    running = f'WorkflowType = "SchoolJourney" AND ExecutionStatus = "Running" AND {COHORT_ID} = "{COHORT}"'
    extract = gias_extract(schools)
    connection = await nats.connect(stack.nats_operator_url)
    jetstream = connection.jetstream()

    async def journeys_started() -> int:
        info = await jetstream.stream_info(JOURNEY.name, subjects_filter=STARTED_SUBJECT)
        return int((info.state.subjects or {}).get(STARTED_SUBJECT, 0))

    try:
        began = time.monotonic()
        answer = await http.post(
            f"{enrolment}/cohorts/{COHORT}/gias-imports", content=extract, headers={"Content-Type": "text/csv"}
        )
        http_seconds = time.monotonic() - began
        if answer.status_code != 200:
            raise RuntimeError(f"gias-imports answered {answer.status_code}: {answer.text[:500]}")
        enrolled = len(answer.json()["enrolled"])
        if enrolled != schools:
            raise RuntimeError(f"gias-imports enrolled {enrolled} of {schools} schools: {answer.text[:500]}")
        progress: list[tuple[float, int, int]] = []
        first: float | None = None
        counted = 0
        while True:
            # The JetStream count is cheap; a visibility count over thousands of journeys is not (seconds on the
            # dev server's SQLite), so it is asked only once every journey has published its start.
            published = await journeys_started()
            if published >= schools:
                counted = await _count(client, running)
            elapsed = time.monotonic() - began
            progress.append((round(elapsed, 2), counted, published))
            if first is None and published:
                first = elapsed
            if counted >= schools and published >= schools:
                break
            if elapsed > deadline_seconds:
                raise TimeoutError(f"only {counted} journeys running, {published} started, after {elapsed:.0f} s")
            await asyncio.sleep(POLL_SECONDS)
    finally:
        await connection.close()
    return Enrolment(schools, http_seconds, first, elapsed, schools / elapsed, progress)


def render(result: BulkResult) -> str:
    c, e = result.ceiling, result.enrolment
    lines = [
        f"ceiling: {c.starts} trivial workflows, {STARTERS} at a time: {c.starts_per_second:.1f} starts/s "
        f"({c.completed_per_second:.1f}/s counting until all had completed); Temporal CPU {c.temporal_cpu_ms_each} ms "
        "each",
        f"enrolment: {e.schools} schools in one GIAS import: HTTP {e.http_seconds:.1f} s, first journey started at "
        f"{e.first_started_seconds or 0:.1f} s, all running and started at {e.all_running_seconds:.1f} s",
        f"journeys running per second: {e.journeys_per_second:.1f}; ceiling {c.starts_per_second:.1f}/s; "
        f"ratio {result.ratio:.3f}",
        "RSS with every journey live (MiB): " + ", ".join(f"{name} {mib:.1f}" for name, mib in result.rss_mib.items()),
        "CPU seconds during the enrolment: "
        + ", ".join(f"{name} {seconds:.1f}" for name, seconds in result.cpu_seconds.items())
        + f"; Temporal CPU {1000 * result.cpu_seconds.get('temporal', 0) / e.schools:.1f} ms a journey",
    ]
    return "\n".join(lines)


async def run(options: argparse.Namespace) -> BulkResult:
    data = Path(tempfile.mkdtemp(prefix="rsp-bench-bulk-"))
    stack = LocalStack(isolated_settings(data), echo=None)
    print(f"starting the stack in {data}", flush=True)
    endpoints = await stack.start()
    try:
        client = await Client.connect(
            endpoints.temporal_address, namespace=endpoints.temporal_namespace, data_converter=pydantic_data_converter
        )
        headers = {"Authorization": f"Bearer {stack.token()}"}
        async with httpx.AsyncClient(timeout=600, headers=headers) as http:
            cohort = {
                "cohort_id": COHORT,
                "name": "Bulk enrolment benchmark",
                "local_authority": "Oxfordshire",
                "starts_on": date.today().isoformat(),
            }
            answer = await http.post(f"{endpoints.url('enrolment')}/cohorts", json=cohort)
            if answer.status_code != 201:
                raise RuntimeError(f"set-up: /cohorts answered {answer.status_code}: {answer.text}")
            await _cohort_running(client)
            print(f"ceiling: {options.ceiling_starts} trivial workflow starts", flush=True)
            cpu = CpuMeter(endpoints, data)
            before = cpu.snapshot()
            ceiling = await measure_ceiling(client, options.ceiling_starts)
            ceiling.temporal_cpu_ms_each = round(
                1000 * (cpu.snapshot()["temporal"] - before["temporal"]) / options.ceiling_starts, 1
            )
            print(f"enrolling {options.schools} schools through one GIAS import", flush=True)
            before = cpu.snapshot()
            enrolment = await measure_enrolment(http, client, stack, options.schools, options.deadline)
            after = cpu.snapshot()
        rss = {name: mib for name in MEMORY_OF if (mib := rss_mib(endpoints.pids[name])) is not None}
        used = {name: round(after[name] - before[name], 1) for name in after if name in before}
        return BulkResult(ceiling, enrolment, rss, dict(sorted(used.items(), key=lambda item: -item[1])))
    finally:
        await stack.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--schools", type=int, default=3000)
    parser.add_argument("--ceiling-starts", type=int, default=1000)
    parser.add_argument("--deadline", type=float, default=1800.0, help="seconds to wait for every journey")
    options = parser.parse_args(argv)
    began = datetime.now(UTC)
    result = asyncio.run(run(options))
    print(render(result))
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"bulk_enrolment-{began:%Y%m%dT%H%M%S}.json"
    with contextlib.suppress(OSError):
        path.write_text(json.dumps(asdict(result) | {"ratio": result.ratio}, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
