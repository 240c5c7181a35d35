"""`rsp status`: is every process of the running stack up, and where is it.

Each process is asked in the way that shows it is doing its work, not only that its pid exists: Postgres answers a
query; NATS and the Temporal server say they are healthy; each service answers `/health/ready`; the worker polls
the journeys' task queue (Temporal sees its pollers); the bridge holds its NATS connection (the monitor lists it
by name). A process the stack restarted since it started is found all the same.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import asyncpg
import httpx
from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
from temporalio.client import Client

from runtime.local.endpoints import Endpoints

__all__ = ["ProcessStatus", "stack_status"]

_TIMEOUT_SECONDS = 3.0
# A worker polls continuously; Temporal forgets a poller a few minutes after its last poll.
_POLLED_WITHIN = timedelta(minutes=2)


@dataclass(frozen=True)
class ProcessStatus:
    name: str
    up: bool
    where: str

    def line(self) -> str:
        return f"  {self.name:<12} {'up' if self.up else 'DOWN':<5} {self.where}"


async def _http_ok(http: httpx.AsyncClient, url: str) -> bool:
    try:
        return (await http.get(url)).status_code == 200
    except httpx.HTTPError:
        return False


async def _postgres(dsn: str) -> ProcessStatus:
    up = False
    with contextlib.suppress(OSError, asyncpg.PostgresError, TimeoutError):
        conn = await asyncpg.connect(dsn, timeout=_TIMEOUT_SECONDS)
        try:
            up = await conn.fetchval("SELECT 1") == 1
        finally:
            await conn.close()
    return ProcessStatus("postgres", up, dsn)


async def _tcp_open(address: str) -> bool:
    host, _, port = address.removeprefix("nats://").rpartition("@")[2].rpartition(":")
    try:
        _, writer = await asyncio.wait_for(asyncio.open_connection(host, int(port)), _TIMEOUT_SECONDS)
    except (OSError, ValueError, TimeoutError):
        return False
    writer.close()
    return True


async def _nats(http: httpx.AsyncClient, endpoints: Endpoints) -> ProcessStatus:
    if endpoints.nats_monitor:
        up = await _http_ok(http, f"{endpoints.nats_monitor}/healthz?js-enabled-only=true")
        return ProcessStatus("nats", up, f"{endpoints.nats_url}   (monitor {endpoints.nats_monitor})")
    return ProcessStatus("nats", await _tcp_open(endpoints.nats_url), endpoints.nats_url)


async def _bridge(http: httpx.AsyncClient, endpoints: Endpoints) -> ProcessStatus:
    """The bridge has no port: it is up while NATS lists its connection (`rsp-bridge`)."""
    if not endpoints.nats_monitor:
        return ProcessStatus("bridge", False, "unknown: NATS has no monitor port to list its connections")
    try:
        answer = await http.get(f"{endpoints.nats_monitor}/connz", params={"limit": "1024"})
        names = [c.get("name") for c in answer.json().get("connections", [])]
    except (httpx.HTTPError, ValueError):
        names = []
    return ProcessStatus("bridge", "rsp-bridge" in names, f"NATS connection rsp-bridge at {endpoints.nats_url}")


async def _temporal(endpoints: Endpoints, task_queue: str) -> tuple[ProcessStatus, ProcessStatus]:
    """The Temporal server, and the worker polling the journeys' task queue on it."""
    server = ProcessStatus("temporal", False, endpoints.temporal_address)
    worker = ProcessStatus("worker", False, f"no poller on task queue {task_queue}")
    try:
        client = await asyncio.wait_for(
            Client.connect(endpoints.temporal_address, namespace=endpoints.temporal_namespace), _TIMEOUT_SECONDS
        )
        healthy = await client.service_client.check_health(timeout=timedelta(seconds=_TIMEOUT_SECONDS))
        server = ProcessStatus("temporal", healthy, endpoints.temporal_address)
        described = await client.workflow_service.describe_task_queue(
            DescribeTaskQueueRequest(
                namespace=endpoints.temporal_namespace,
                task_queue=TaskQueue(name=task_queue),
                task_queue_type=TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
            ),
            timeout=timedelta(seconds=_TIMEOUT_SECONDS),
        )
    except Exception:
        return server, worker
    recent = datetime.now(UTC) - _POLLED_WITHIN
    pollers = [p.identity for p in described.pollers if p.last_access_time.ToDatetime(tzinfo=UTC) >= recent]
    if pollers:
        worker = ProcessStatus("worker", True, f"polling task queue {task_queue} as {', '.join(sorted(pollers))}")
    return server, worker


async def stack_status(endpoints: Endpoints, task_queue: str) -> list[ProcessStatus]:
    """Every process of the stack `endpoints` describes: servers first, then the platform's processes."""
    async with httpx.AsyncClient(timeout=_TIMEOUT_SECONDS) as http:

        async def service(name: str, url: str) -> ProcessStatus:
            return ProcessStatus(name, await _http_ok(http, f"{url}/health/ready"), url)

        servers = asyncio.gather(_postgres(endpoints.postgres_dsn), _nats(http, endpoints), _bridge(http, endpoints))
        platform = asyncio.gather(*(service(name, s.url) for name, s in endpoints.services.items()))
        (postgres, nats, bridge), (temporal, worker), services = await asyncio.gather(
            servers, _temporal(endpoints, task_queue), platform
        )
        statuses = [postgres, nats, temporal]
        if endpoints.temporal_ui:
            statuses.append(
                ProcessStatus("temporal-ui", await _http_ok(http, endpoints.temporal_ui), endpoints.temporal_ui)
            )
    return [*statuses, *services, worker, bridge]
