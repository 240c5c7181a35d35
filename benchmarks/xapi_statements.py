"""How fast learning stores xAPI statements sent in batches of 1,000, beside what Postgres alone does, same run.

    .venv/bin/python -m benchmarks.xapi_statements                   # 3 runs of 10 s, 4 clients
    .venv/bin/python -m benchmarks.xapi_statements --runs 5 --seconds 20 --clients 8 --without-journeys

It starts the real local stack (fresh temporary data folder, ports the kernel picks), enrols `--schools` schools
with `--staff` registered staff each, maps every staff member to an LMS account (`POST /xapi/actors`), and
prepares cmi5-like statements: for each staff member and module, launched, initialized, experienced twice,
completed, passed and terminated (two of the seven become events: the module's start and its completion). Then per
run:

1. **ceiling**: one connection COPYs the same statements, as learning keeps them (`parse_statements`), into a
   scratch table, a batch of `--batch` rows per transaction, for `--seconds`: what Postgres commits when nothing
   else is in the way;
2. **statements**: `--clients` closed-loop HTTP clients POST the next batch of `--batch` statements to
   `/xapi/statements` for `--seconds`, each statement new, and time each answer.

It prints statements stored per second, HTTP p50/p99 per batch, the ceiling and their ratio; the median over runs
is the figure to quote. With `--without-journeys` the bridge and the worker are stopped first, so the journeys'
share of the machine is left out. Results go to `benchmarks/results/xapi_statements-<time>.json`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from benchmarks.learning_accept import set_up
from benchmarks.slice_latency import RESULTS_DIR, CpuMeter, Summary, summarise
from runtime.local.stack import LocalStack, isolated_settings
from services.learning.domain.xapi import parse_statements

__all__ = ["main"]

XAPI = {"X-Experience-API-Version": "1.0.3", "Content-Type": "application/json"}
MODULE = "https://tirp.relationalschools.example/xapi/activities/module-{:02d}"
HOME_PAGE = "https://lms.bench.example"
# One learner's attempt at one module, as a cmi5 player reports it.
ATTEMPT = ("launched", "initialized", "experienced", "experienced", "completed", "passed", "terminated")
_SCRATCH_COLUMNS = (
    "statement_id", "fingerprint", "actor_key", "verb_id", "object_id", "object_type", "completes", "timestamp",
    "outcome", "staff_id", "module_number", "reason", "voided_by", "document",
)  # fmt: skip


@dataclass
class StatementsRun:
    run: int
    statements_per_second: float
    http: Summary
    refused_batches: int
    ceiling_rows_per_second: float
    # CPU seconds each process used per 1,000 statements stored, during the statements phase: robust to a busy
    # machine where the rate is not, and says which process sets the limit.
    cpu_seconds_per_batch: dict[str, float]

    @property
    def ratio(self) -> float:
        return self.statements_per_second / self.ceiling_rows_per_second


def _statement(account: str, module: int, verb: str, at: datetime) -> dict[str, Any]:
    statement: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "actor": {"objectType": "Agent", "account": {"homePage": HOME_PAGE, "name": account}},
        "verb": {"id": f"http://adlnet.gov/expapi/verbs/{verb}", "display": {"en-GB": verb}},
        "object": {
            "objectType": "Activity",
            "id": MODULE.format(module),
            "definition": {"type": "https://w3id.org/xapi/cmi5/activitytype/block"},
        },
        "context": {
            "registration": str(uuid.uuid4()),
            "contextActivities": {"category": [{"id": "https://w3id.org/xapi/cmi5/context/categories/cmi5"}]},
        },
        "timestamp": at.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
    }
    if verb in ("completed", "passed"):
        statement["result"] = {"completion": True, "success": True, "duration": "PT42M10S"}
    return statement


def statements(accounts: list[str]) -> Iterator[dict[str, Any]]:
    """Every account's attempt at module 1, then at module 2, and so on: each statement new."""
    at = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    for module in range(1, 16):
        for account in accounts:
            for step, verb in enumerate(ATTEMPT):
                yield _statement(account, module, verb, at + timedelta(minutes=step))


def batches(accounts: list[str], size: int) -> list[list[dict[str, Any]]]:
    every = list(statements(accounts))
    return [every[start : start + size] for start in range(0, len(every), size)]


async def map_accounts(http: httpx.AsyncClient, learning: str, staff: list[tuple[str, str]]) -> list[str]:
    """Map each staff member to an LMS account of their own; returns the accounts' names."""
    accounts = []
    for _, staff_id in staff:
        name = f"bench-{uuid.uuid4().hex[:12]}"
        mapping = {"staff_id": staff_id, "account": {"homePage": HOME_PAGE, "name": name}}
        answer = await http.post(f"{learning}/xapi/actors", json=mapping)
        if answer.status_code != 201:
            raise RuntimeError(f"set-up: mapping an actor answered {answer.status_code}: {answer.text}")
        accounts.append(name)
    return accounts


async def measure_ceiling(dsn: str, rows: Iterator[list[tuple[Any, ...]]], seconds: float) -> float:
    """Rows per second one connection COPYs into a scratch table shaped as learning's, a batch per transaction."""
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS bench_xapi_ceiling (statement_id uuid PRIMARY KEY, fingerprint text NOT NULL, "
            "actor_key text, verb_id text NOT NULL, object_id text NOT NULL, object_type text NOT NULL, "
            "completes boolean NOT NULL, timestamp timestamptz NOT NULL, outcome text NOT NULL, staff_id uuid, "
            "module_number smallint, reason text, voided_by uuid, document jsonb, "
            "stored_at timestamptz NOT NULL DEFAULT now())"
        )
        copied = 0
        started = time.monotonic()
        stop = started + seconds
        for batch in rows:
            if time.monotonic() >= stop:
                break
            async with conn.transaction():
                await conn.copy_records_to_table("bench_xapi_ceiling", records=batch, columns=_SCRATCH_COLUMNS)
            copied += len(batch)
        return copied / (time.monotonic() - started)
    finally:
        await conn.close()


def ceiling_rows(bodies: list[list[dict[str, Any]]]) -> Iterator[list[tuple[Any, ...]]]:
    """The statements as learning keeps them, a batch at a time, each row new (a fresh id every pass). Parsed
    once beforehand, so the ceiling times Postgres and not the parsing."""
    now = datetime.now(UTC)
    kept = [
        [
            (*(getattr(s, column) for column in _SCRATCH_COLUMNS[1:-1]), json.dumps(dict(s.document or {})))
            for s in parse_statements(body, now)
        ]
        for body in bodies
    ]

    def fresh() -> Iterator[list[tuple[Any, ...]]]:
        while True:
            for rows in kept:
                yield [(uuid.uuid4(), *row) for row in rows]

    return fresh()


async def measure_statements(
    http: httpx.AsyncClient, learning: str, work: Iterator[tuple[bytes, int]], clients: int, seconds: float
) -> tuple[float, Summary, int]:
    """Closed loop: each client sends the next batch as soon as its last one was answered."""
    latencies: list[float] = []
    refused = 0
    stored = 0
    stop = time.monotonic() + seconds

    async def client() -> None:
        nonlocal refused, stored
        for body, size in work:
            if time.monotonic() >= stop:
                return
            sent = time.perf_counter()
            answer = await http.post(f"{learning}/xapi/statements", content=body, headers=XAPI)
            if answer.status_code == 200:
                latencies.append((time.perf_counter() - sent) * 1000)
                stored += size
            else:
                refused += 1
                print(f"refused: {answer.status_code} {answer.text[:200]}", flush=True)

    started = time.monotonic()
    await asyncio.gather(*(client() for _ in range(clients)))
    elapsed = time.monotonic() - started
    if time.monotonic() < stop:
        print("the prepared statements ran out before the run's time: raise --schools or --staff", flush=True)
    return stored / elapsed, summarise(latencies, 0, refused), refused


def render(results: list[StatementsRun]) -> str:
    lines = [
        f"{'run':>4} {'statements/s':>13} {'http p50 ms':>12} {'http p99 ms':>12} {'refused':>8} "
        f"{'PG COPY rows/s (1 conn)':>24} {'ratio':>7}"
    ]
    for r in results:
        lines.append(
            f"{r.run:>4} {r.statements_per_second:>13.1f} {r.http.p50 or 0:>12.1f} {r.http.p99 or 0:>12.1f} "
            f"{r.refused_batches:>8} {r.ceiling_rows_per_second:>24.1f} {r.ratio:>7.3f}"
        )
    lines.append(
        f"{'median':>4} {statistics.median(r.statements_per_second for r in results):>13.1f} "
        f"{statistics.median(r.http.p50 or 0 for r in results):>12.1f} "
        f"{statistics.median(r.http.p99 or 0 for r in results):>12.1f} {'':>8} "
        f"{statistics.median(r.ceiling_rows_per_second for r in results):>24.1f} "
        f"{statistics.median(r.ratio for r in results):>7.3f}"
    )
    return "\n".join(lines)


async def run(options: argparse.Namespace) -> list[StatementsRun]:
    data = Path(tempfile.mkdtemp(prefix="rsp-bench-xapi-"))
    stack = LocalStack(isolated_settings(data), echo=None)
    print(f"starting the stack in {data}", flush=True)
    await stack.start()
    results: list[StatementsRun] = []
    try:
        assert stack.endpoints is not None
        learning = stack.endpoints.url("learning")
        headers = {"Authorization": f"Bearer {stack.token()}"}
        limits = httpx.Limits(max_connections=options.clients * 2, max_keepalive_connections=options.clients * 2)
        async with httpx.AsyncClient(timeout=120, headers=headers, limits=limits) as http:
            print(f"enrolling {options.schools} schools with {options.staff} staff each", flush=True)
            staff = await set_up(http, stack, options.schools, options.staff)
            accounts = await map_accounts(http, learning, staff)
            if options.without_journeys:
                for process in stack.processes:
                    if process.name in ("bridge", "worker"):
                        await process.stop()
            bodies = batches(accounts, options.batch)
            print(f"{len(bodies)} batches of {options.batch} statements prepared", flush=True)
            # Encoded once beforehand, so the clients spend nothing on it while they are timed.
            work = iter([(json.dumps(body).encode(), len(body)) for body in bodies])
            rows = ceiling_rows(bodies)
            meter = CpuMeter(stack.endpoints, data)
            for number in range(1, options.runs + 1):
                ceiling = await measure_ceiling(stack.endpoints.postgres_dsn, rows, options.seconds)
                before, started = meter.snapshot(), time.monotonic()
                rate, summary, refused = await measure_statements(
                    http, learning, work, options.clients, options.seconds
                )
                after, thousands = meter.snapshot(), rate * (time.monotonic() - started) / 1000
                cpu = {
                    name: round((after[name] - before[name]) / thousands, 3)
                    for name in after
                    if thousands > 0 and name in before and after[name] > before[name]
                }
                results.append(StatementsRun(number, rate, summary, refused, ceiling, cpu))
                print(render(results[-1:]).splitlines()[1], flush=True)
                print(f"{'':>4} CPU s per 1,000 statements: {cpu}", flush=True)
    finally:
        await stack.stop()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--batch", type=int, default=1000, help="statements per POST (at most 1,000)")
    parser.add_argument("--schools", type=int, default=10)
    parser.add_argument("--staff", type=int, default=100, help="registered staff per school")
    parser.add_argument("--without-journeys", action="store_true", help="stop the bridge and the worker first")
    options = parser.parse_args(argv)
    started = datetime.now(UTC)
    results = asyncio.run(run(options))
    print(render(results))
    print("journeys: " + ("stopped (--without-journeys)" if options.without_journeys else "running"))
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"xapi_statements-{started:%Y%m%dT%H%M%S}.json"
    with contextlib.suppress(OSError):
        path.write_text(json.dumps([asdict(r) | {"ratio": r.ratio} for r in results], indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
