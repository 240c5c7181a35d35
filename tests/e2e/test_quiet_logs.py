"""An idle stack's logs stay quiet: no FastStream task restarted on each empty fetch, no traceback, nothing per
idle consumer. Read from the session stack's own log files, before and after an idle spell."""

from __future__ import annotations

import asyncio
from pathlib import Path

from contracts.subscriptions import CONSUMES
from runtime.consumer import PULL_WAIT_SECONDS
from runtime.local.stack import PLATFORM_PROCESSES, LocalStack
from tests.clients import Platform, expect

# Several empty fetches of every consumer: the old behaviour printed one line per consumer for each.
IDLE_SECONDS = 3 * PULL_WAIT_SECONDS + 1


def _logs(local_stack: LocalStack) -> dict[str, Path]:
    return {name: local_stack.data_dir / "logs" / f"{name}.log" for name, _ in PLATFORM_PROCESSES}


def _read_from(path: Path, offset: int) -> list[str]:
    with path.open(encoding="utf-8", errors="replace") as log:
        log.seek(offset)
        return log.read().splitlines()


async def test_an_idle_stack_logs_no_traceback_and_nothing_per_idle_consumer(
    local_stack: LocalStack, api: Platform
) -> None:
    for service in (api.enrolment, api.learning, api.circles, api.reporting):
        expect(await service.health())  # every process is up and has started its consumers
    logs = _logs(local_stack)
    offsets = {name: path.stat().st_size for name, path in logs.items()}

    await asyncio.sleep(IDLE_SECONDS)

    idle = {name: _read_from(path, offsets[name]) for name, path in logs.items()}
    since_start = {name: _read_from(path, 0) for name, path in logs.items()}
    consumers = sum(len(consumed) for consumed in CONSUMES.values())
    lines = [f"{name}: {line}" for name, spoken in idle.items() for line in spoken]
    assert not [line for line in lines if "Traceback" in line or "Error" in line], "\n".join(lines)
    assert not [line for line in lines if "is being executed" in line or "retrying" in line], "\n".join(lines)
    # Something may still be settling from earlier tests, but nothing that scales with the idle consumers.
    assert len(lines) < consumers, "\n".join(lines)
    # An empty fetch never ended a consumer's task, at start or since (the traceback went through nats' _fetch_n).
    assert not [name for name, spoken in since_start.items() if any("_fetch_n" in line for line in spoken)]
