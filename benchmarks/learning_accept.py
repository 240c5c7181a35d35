"""How fast learning accepts module completions, beside what Postgres alone does on the same machine, same run.

    .venv/bin/python -m benchmarks.learning_accept                    # 3 runs of 10 s, 32 clients
    .venv/bin/python -m benchmarks.learning_accept --runs 5 --seconds 20 --clients 64

It starts the real local stack (fresh temporary data folder, ports the kernel picks), enrols `--schools` schools
with `--staff` registered staff each, then per run:

1. **ceiling**: 16 connections insert one row per transaction into a scratch table of the same Postgres for
   `--seconds` (the issue's raw ceiling: what the database commits when nothing else is in the way);
2. **accept**: `--clients` closed-loop HTTP clients POST `/completions` for `--seconds`, each a new completion
   (its own staff member and module), and time each answer.

It prints accepted completions per second, HTTP p50/p99, the ceiling, and their ratio; the median over runs is
the figure to quote. Results go to `benchmarks/results/learning_accept-<time>.json`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import statistics
import tempfile
import time
import uuid
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import httpx

from benchmarks.http_load import KeepAliveConnection
from benchmarks.slice_latency import RESULTS_DIR, CpuMeter, Summary, summarise
from runtime.local.stack import LocalStack, isolated_settings

__all__ = ["main"]

COHORT = "bench-accept"
FIRST_URN = 300001
CEILING_CONNECTIONS = 16


@dataclass
class AcceptRun:
    run: int
    accepted_per_second: float
    http: Summary
    refused: int
    ceiling_rows_per_second: float
    cpu_ms_per_completion: dict[str, float]

    @property
    def ratio(self) -> float:
        return self.accepted_per_second / self.ceiling_rows_per_second


async def _post_ok(http: httpx.AsyncClient, url: str, body: Mapping[str, object]) -> dict[str, object]:
    answer = await http.post(url, json=body)
    if answer.status_code not in (200, 201):
        raise RuntimeError(f"set-up: {url} answered {answer.status_code}: {answer.text}")
    result: dict[str, object] = answer.json()
    return result


async def _learning_knows(http: httpx.AsyncClient, learning: str, urn: str, staff_id: str) -> None:
    deadline = time.monotonic() + 120
    while (await http.get(f"{learning}/schools/{urn}/staff/{staff_id}/progress")).status_code != 200:
        if time.monotonic() > deadline:
            raise TimeoutError(f"set-up: learning never saw staff {staff_id}")
        await asyncio.sleep(0.1)


async def set_up(http: httpx.AsyncClient, stack: LocalStack, schools: int, staff: int) -> list[tuple[str, str]]:
    """Enrol the schools and register their staff; return every (urn, staff_id) once learning knows them."""
    assert stack.endpoints is not None
    enrolment, learning = stack.endpoints.url("enrolment"), stack.endpoints.url("learning")
    cohort = {"cohort_id": COHORT, "name": "Benchmark", "local_authority": "Oxfordshire", "starts_on": "2026-09-01"}
    await _post_ok(http, f"{enrolment}/cohorts", cohort)
    urns = [f"{FIRST_URN + n:06d}" for n in range(schools)]
    for urn in urns:
        school = {"urn": urn, "name": f"Benchmark school {urn}", "cohort_id": COHORT, "phase": "primary"}
        await _post_ok(http, f"{enrolment}/schools", school)

    async def register(urn: str) -> list[tuple[str, str]]:
        registered = []
        for n in range(staff):
            member = {"name": f"Staff {n}", "email": f"{uuid.uuid4().hex}@school.example", "role": "teacher"}
            for _ in range(600):  # the school's enrolment may still be on its way to enrolment's read side
                answer = await http.post(f"{enrolment}/schools/{urn}/staff", json=member)
                if answer.status_code != 404:
                    break
                await asyncio.sleep(0.1)
            registered.append((urn, str(answer.json()["staff_id"])))
        for _, staff_id in registered:
            await _learning_knows(http, learning, urn, staff_id)
        return registered

    found = await asyncio.gather(*(register(urn) for urn in urns))
    return [pair for pairs in found for pair in pairs]


async def measure_ceiling(dsn: str, seconds: float) -> float:
    """Rows per second that 16 connections commit, one INSERT per transaction, into a scratch table."""
    pool = await asyncpg.create_pool(dsn, min_size=CEILING_CONNECTIONS, max_size=CEILING_CONNECTIONS)
    assert pool is not None
    try:
        await pool.execute("CREATE TABLE IF NOT EXISTS bench_ceiling (id uuid PRIMARY KEY, body jsonb, at timestamptz)")
        stop = time.monotonic() + seconds
        counts = [0] * CEILING_CONNECTIONS

        async def insert(slot: int) -> None:
            async with pool.acquire() as conn:
                while time.monotonic() < stop:
                    await conn.execute(
                        "INSERT INTO bench_ceiling VALUES ($1, $2, now())", uuid.uuid4(), '{"module_number": 1}'
                    )
                    counts[slot] += 1

        started = time.monotonic()
        await asyncio.gather(*(insert(slot) for slot in range(CEILING_CONNECTIONS)))
        return sum(counts) / (time.monotonic() - started)
    finally:
        await pool.close()


async def measure_accept(
    learning: str, token: str, work: list[tuple[str, str, int]], clients: int, seconds: float
) -> tuple[float, Summary, int]:
    """Closed loop: each client sends the next new completion as soon as its last one was answered."""
    pending = iter(work)
    latencies: list[float] = []
    refused = 0
    stop = time.monotonic() + seconds

    async def client() -> None:
        nonlocal refused
        connection = KeepAliveConnection(learning, {"Authorization": f"Bearer {token}"})
        try:
            for urn, staff_id, module in pending:
                if time.monotonic() >= stop:
                    return
                sent = time.perf_counter()
                status, _ = await connection.post_json(
                    "/completions", {"staff_id": staff_id, "urn": urn, "module_number": module}
                )
                if status == 201:
                    latencies.append((time.perf_counter() - sent) * 1000)
                else:
                    refused += 1
        finally:
            await connection.close()

    started = time.monotonic()
    await asyncio.gather(*(client() for _ in range(clients)))
    elapsed = time.monotonic() - started
    return len(latencies) / elapsed, summarise(latencies, 0, refused), refused


async def _settled(meter: CpuMeter, quiet_share: float = 0.15) -> None:
    """Wait until the stack's processes are nearly idle again (the downstream consumers have caught up)."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        before = meter.snapshot()
        await asyncio.sleep(2)
        after = meter.snapshot()
        busy = sum(after[name] - before[name] for name in after if name in before and name != "benchmark") / 2
        if busy < quiet_share:
            return


def render(results: list[AcceptRun]) -> str:
    lines = [
        f"{'run':>4} {'accepted/s':>11} {'http p50 ms':>12} {'http p99 ms':>12} {'refused':>8} "
        f"{'PG INSERT/s (16 conn)':>22} {'ratio':>7}"
    ]
    for r in results:
        lines.append(
            f"{r.run:>4} {r.accepted_per_second:>11.1f} {r.http.p50 or 0:>12.1f} {r.http.p99 or 0:>12.1f} "
            f"{r.refused:>8} {r.ceiling_rows_per_second:>22.1f} {r.ratio:>7.3f}"
        )
    lines.append(
        f"{'median':>4} {statistics.median(r.accepted_per_second for r in results):>11.1f} "
        f"{statistics.median(r.http.p50 or 0 for r in results):>12.1f} "
        f"{statistics.median(r.http.p99 or 0 for r in results):>12.1f} {'':>8} "
        f"{statistics.median(r.ceiling_rows_per_second for r in results):>22.1f} "
        f"{statistics.median(r.ratio for r in results):>7.3f}"
    )
    return "\n".join(lines)


async def run(options: argparse.Namespace) -> list[AcceptRun]:
    data = Path(tempfile.mkdtemp(prefix="rsp-bench-accept-"))
    stack = LocalStack(isolated_settings(data), echo=None)
    print(f"starting the stack in {data}", flush=True)
    await stack.start()
    results: list[AcceptRun] = []
    try:
        assert stack.endpoints is not None
        headers = {"Authorization": f"Bearer {stack.token()}"}
        limits = httpx.Limits(max_connections=options.clients * 2, max_keepalive_connections=options.clients * 2)
        async with httpx.AsyncClient(timeout=30, headers=headers, limits=limits) as http:
            print(f"enrolling {options.schools} schools with {options.staff} staff each", flush=True)
            staff = await set_up(http, stack, options.schools, options.staff)
            modules = iter(range(1, 16))
            for number in range(1, options.runs + 1):
                # A run's completions are new: every staff member completes modules nobody sent before.
                batch = list(itertools.islice(modules, 15 // options.runs))
                work = [(urn, staff_id, module) for module in batch for urn, staff_id in staff]
                ceiling = await measure_ceiling(stack.endpoints.postgres_dsn, options.seconds)
                meter = CpuMeter(stack.endpoints, data)
                before = meter.snapshot()
                rate, summary, refused = await measure_accept(
                    stack.endpoints.url("learning"), stack.token(), work, options.clients, options.seconds
                )
                # Until the stack has caught up, so the figures hold everything one completion costs downstream.
                await _settled(meter)
                after = meter.snapshot()
                accepted = max(1.0, rate * options.seconds)
                cpu = {
                    name: round(1000 * (after[name] - before[name]) / accepted, 2) for name in after if name in before
                }
                results.append(AcceptRun(number, rate, summary, refused, ceiling, cpu))
                print(render(results[-1:]).splitlines()[1], flush=True)
                print("  CPU ms per completion:", dict(sorted(cpu.items(), key=lambda item: -item[1])), flush=True)
    finally:
        await stack.stop()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--schools", type=int, default=10)
    parser.add_argument("--staff", type=int, default=100, help="registered staff per school")
    options = parser.parse_args(argv)
    started = datetime.now(UTC)
    results = asyncio.run(run(options))
    print(render(results))
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"learning_accept-{started:%Y%m%dT%H%M%S}.json"
    with contextlib.suppress(OSError):
        path.write_text(json.dumps([asdict(r) | {"ratio": r.ratio} for r in results], indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
